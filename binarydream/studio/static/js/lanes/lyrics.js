// Lyric lines and their words. Low-confidence lines and words show in crimson (#DC143C, as in the
// plot). Drag a line to move it, drag its edges to stretch it; its words follow, in proportion.
import {drag, el, makeLane, perFrame, redrawOn, seekOnClick} from '../dom.js';

const HEIGHT = 52;
const EDGE_PX = 6;
const MIN_LINE_S = 0.1;

/** The line moved to [start, end], its words placed in proportion inside it. */
export function placeLine(line, start, end) {
  const scale = (end - start) / Math.max(line.end - line.start, 1e-6);
  const at = (t) => start + (t - line.start) * scale;
  return {...line, start, end, words: line.words.map((w) => ({...w, start: at(w.start), end: at(w.end)}))};
}

/** The beat period around `time` (seconds), for nudging by a beat. */
export function beatPeriod(beats, tempo, time) {
  const i = beats.findIndex((t) => t > time);
  if (i > 0) return beats[i] - beats[i - 1];
  if (i === 0 && beats.length > 1) return beats[1] - beats[0];
  return 60 / Math.max(tempo, 1);
}

export function mount(container, ctx) {
  const lyrics = () => ctx.store.doc.lyrics;
  const {body, sub} = makeLane(container, {id: 'lyrics', title: 'lyrics', height: HEIGHT,
    subtitle: 'drag a line or its edges'});
  if (!lyrics()) sub.textContent = 'no lyrics given';
  const low = ctx.state.low_confidence;

  const render = perFrame(() => {
    const {view} = ctx;
    const items = [];
    (lyrics()?.lines ?? []).forEach((line, index) => {
      if (line.end < view.start || line.start > view.end) return;
      const selected = ctx.selection.kind === 'line' && ctx.selection.key === index;
      const width = (line.end - line.start) * view.pxPerSec;
      items.push(el('div', {
        class: `line${line.low ? ' low' : ''}${selected ? ' selected' : ''}`,
        dataset: {testid: 'lyric-line', index: String(index), start: line.start.toFixed(3)},
        title: `${line.text}\n${line.start.toFixed(2)} – ${line.end.toFixed(2)} s`
          + (line.score === null ? '' : ` · score ${line.score.toFixed(2)}`),
        style: {left: `${view.x(line.start)}px`, width: `${Math.max(2, width)}px`},
      }, width > 28 ? el('span', {class: 'line-text'}, line.text) : ''));
      for (const word of line.words) {
        const width = (word.end - word.start) * view.pxPerSec;
        const weak = word.score !== null && word.score < low;
        items.push(el('div', {
          class: `word${weak ? ' low' : ''}`, title: word.text,
          style: {left: `${view.x(word.start)}px`, width: `${Math.max(1, width - 1)}px`},
        }, width > 18 ? word.text : ''));
      }
    });
    body.replaceChildren(...items);
  });
  redrawOn(ctx, ['lyrics'], render);

  body.addEventListener('pointerdown', (event) => {
    const node = event.target.closest('.line');
    if (!node) { seekOnClick(ctx, body, event); return; }
    event.preventDefault();
    const index = Number(node.dataset.index);
    const line = lyrics().lines[index];
    const box = node.getBoundingClientRect();
    const mode = event.clientX - box.left <= EDGE_PX ? 'start'
      : box.right - event.clientX <= EDGE_PX ? 'end' : 'move';
    const duration = ctx.state.song.duration;
    ctx.select('line', index);
    ctx.store.begin(mode === 'move' ? 'move a lyric line' : 'stretch a lyric line', ['lyrics']);
    drag(event, (dx) => {
      const dt = dx / ctx.view.pxPerSec;
      let {start, end} = line;
      if (mode === 'move') {
        const shift = Math.max(-start, Math.min(duration - end, dt));
        start += shift; end += shift;
      } else if (mode === 'start') {
        start = Math.max(0, Math.min(end - MIN_LINE_S, start + dt));
      } else {
        end = Math.min(duration, Math.max(start + MIN_LINE_S, end + dt));
      }
      ctx.store.move((doc) => { doc.lyrics.lines[index] = placeLine(line, start, end); });
    }, (moved) => {
      ctx.store.end();
      if (!moved) ctx.seek(ctx.view.time(event.clientX - body.getBoundingClientRect().left));
    });
  });
}

/** Moves line `index` by `beats` beat periods (negative: earlier). */
export function nudge(ctx, index, beats) {
  const line = ctx.store.doc.lyrics?.lines[index];
  if (!line) return;
  const {beats: grid, tempo} = ctx.state.analysis;
  const shift = beats * beatPeriod(grid, tempo, line.start);
  const start = Math.max(0, Math.min(ctx.state.song.duration - (line.end - line.start), line.start + shift));
  ctx.store.edit('nudge a lyric line', ['lyrics'], (doc) => {
    doc.lyrics.lines[index] = placeLine(line, start, start + (line.end - line.start));
  });
}

/** The inspector for one line: its times and score, nudge by a beat, re-align with the aligner. */
export function inspect(ctx, index) {
  const line = ctx.store.doc.lyrics?.lines[index];
  if (!line) return null;
  const status = el('p', {class: 'muted', dataset: {testid: 'realign-status'}});
  const realign = async () => {
    // The aligner searches a second either side of where the line now sits.
    const start = Math.max(0, line.start - 1), end = Math.min(ctx.state.song.duration, line.end + 1);
    status.textContent = 'aligning…';
    status.classList.remove('error');
    try {
      const result = await ctx.api.realign(index, start, end);
      ctx.store.edit('re-align a lyric line', ['lyrics'], (doc) => { doc.lyrics.lines[index] = result.line; });
      status.textContent = `aligned: ${result.line.start.toFixed(2)} – ${result.line.end.toFixed(2)} s`;
    } catch (error) {
      status.textContent = error.message;
      status.classList.add('error');
    }
  };
  return el('div', {class: 'inspect'},
    el('h3', {class: line.low ? 'low' : ''}, `Line ${index + 1}${line.low ? ' · low confidence' : ''}`),
    el('p', {class: 'lyric'}, line.text),
    el('p', {class: 'muted'}, `${line.start.toFixed(2)} – ${line.end.toFixed(2)} s`
      + (line.score === null ? '' : ` · score ${line.score.toFixed(2)}`) + ` · ${line.words.length} words`),
    el('div', {class: 'buttons'},
      el('button', {onclick: () => nudge(ctx, index, -1), title: 'Alt+←', dataset: {testid: 'nudge-back'}}, '← 1 beat'),
      el('button', {onclick: () => nudge(ctx, index, 1), title: 'Alt+→', dataset: {testid: 'nudge-forward'}}, '1 beat →'),
      el('button', {onclick: realign, dataset: {testid: 'realign'},
        title: "align this line's words again, within a second either side of where it sits"}, 'Re-align'),
      el('button', {onclick: () => { ctx.seek(line.start); ctx.play(); }}, 'Play line')),
    status);
}
