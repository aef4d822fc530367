// Prompt keyframes: positive above, negative below. Drag one to move it; click to edit it; "+ Prompt"
// (or P) adds one at the playhead.
import {drag, el, makeLane, perFrame, redrawOn, seekOnClick} from '../dom.js';

const HEIGHT = 46;

/** "text:weight" per line (Disco's form; weight 1 may be left out) -> [[text, weight]]. */
export function parsePrompts(source) {
  const prompts = [];
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = line.match(/^(.*?):\s*(-?\d+(?:\.\d*)?|-?\.\d+)\s*$/);
    prompts.push(match && match[1].trim() ? [match[1].trim(), Number(match[2])] : [line, 1]);
  }
  return prompts;
}

export function formatPrompts(prompts) {
  return prompts.map(([text, weight]) => (weight === 1 ? text : `${text}:${weight}`)).join('\n');
}

/** The keyframe in effect at `frame` (the last at or before it), or null. */
function activeAt(keyframes, frame) {
  let best = null;
  for (const k of keyframes) if (k.frame <= frame && (!best || k.frame > best.frame)) best = k;
  return best;
}

export function mount(container, ctx) {
  const {body} = makeLane(container, {id: 'prompts', title: 'prompts', height: HEIGHT,
    subtitle: 'P: add at playhead'});
  const fps = ctx.state.schedule.fps;

  const render = perFrame(() => {
    const {view} = ctx;
    const items = [];
    for (const kind of ['prompts', 'negative']) {
      const keyframes = ctx.store.doc[kind];
      const frames = keyframes.map((k) => k.frame).sort((a, b) => a - b);
      keyframes.forEach((keyframe, index) => {
        const time = keyframe.frame / fps;
        // A label runs up to the next keyframe, no further.
        const next = frames.find((f) => f > keyframe.frame);
        const room = next === undefined ? 240 : Math.min(240, ((next - keyframe.frame) / fps) * view.pxPerSec - 4);
        if (time < view.start - 240 / view.pxPerSec || time > view.end) return;
        const selected = ctx.selection.kind === kind && ctx.selection.key === index;
        const text = keyframe.prompts.map(([t, w]) => (w === 1 ? t : `${t}:${w}`)).join(' | ');
        items.push(el('div', {
          class: `keyframe ${kind}${selected ? ' selected' : ''}`,
          dataset: {testid: kind === 'prompts' ? 'prompt-keyframe' : 'negative-keyframe', kind,
            index: String(index), frame: String(keyframe.frame)},
          title: `frame ${keyframe.frame} (${time.toFixed(2)} s)\n${text}`,
          style: {left: `${view.x(time)}px`, maxWidth: `${Math.max(12, room)}px`},
        }, el('span', {class: 'diamond'}), room > 36 ? el('span', {class: 'keyframe-text'}, text) : ''));
      });
    }
    body.replaceChildren(...items);
  });
  redrawOn(ctx, ['prompts', 'negative'], render);

  body.addEventListener('pointerdown', (event) => {
    const node = event.target.closest('.keyframe');
    if (!node) { seekOnClick(ctx, body, event); return; }
    event.preventDefault();
    const {kind} = node.dataset;
    const index = Number(node.dataset.index);
    const frame0 = ctx.store.doc[kind][index].frame;
    ctx.select(kind, index);
    ctx.store.begin('move a prompt keyframe', [kind]);
    drag(event, (dx) => {
      const frame = Math.max(0, Math.min(ctx.state.schedule.n_frames - 1,
        Math.round(frame0 + (dx / ctx.view.pxPerSec) * fps)));
      ctx.store.move((doc) => { doc[kind][index].frame = frame; });
    }, () => ctx.store.end());
  });
}

/** Adds a prompt keyframe at the playhead (a copy of the one in effect there) and selects it. */
export function addAtPlayhead(ctx) {
  const frame = Math.min(ctx.state.schedule.n_frames - 1, Math.round(ctx.audio.currentTime * ctx.state.schedule.fps));
  const existing = ctx.store.doc.prompts.findIndex((k) => k.frame === frame);
  if (existing >= 0) { ctx.select('prompts', existing); ctx.focusInspector(); return; }
  const active = activeAt(ctx.store.doc.prompts, frame);
  ctx.store.edit('add a prompt keyframe', ['prompts'], (doc) => {
    doc.prompts.push({frame, prompts: active ? structuredClone(active.prompts) : [['a dream', 1]]});
  });
  ctx.select('prompts', ctx.store.doc.prompts.length - 1);
  ctx.focusInspector();
}

/** The inspector for one keyframe: its time, its prompts ("text:weight" a line), delete. */
export function inspect(ctx, kind, index) {
  const keyframe = ctx.store.doc[kind][index];
  if (!keyframe) return null;
  const fps = ctx.state.schedule.fps;
  const error = el('p', {class: 'error', dataset: {testid: 'prompt-error'}});
  const text = el('textarea', {rows: 4, dataset: {testid: 'prompt-text'}, spellcheck: false,
    value: formatPrompts(keyframe.prompts),
    oninput: () => {
      const prompts = parsePrompts(text.value);
      error.textContent = prompts.length ? '' : 'a keyframe needs at least one prompt';
      if (!prompts.length) return;
      ctx.store.edit('edit a prompt keyframe', [kind], (doc) => { doc[kind][index].prompts = prompts; },
        {mergeKey: `${kind}:${index}`});
    }});
  const remove = () => {
    ctx.select(null, null);
    ctx.store.edit('delete a prompt keyframe', [kind], (doc) => { doc[kind].splice(index, 1); });
  };
  return el('div', {class: 'inspect'},
    el('h3', {}, `${kind === 'prompts' ? 'Prompt' : 'Negative prompt'} at frame ${keyframe.frame}`),
    el('p', {class: 'muted'}, `${(keyframe.frame / fps).toFixed(2)} s · one prompt a line, text:weight`),
    text, error,
    el('div', {class: 'buttons'},
      el('button', {onclick: () => ctx.seek(keyframe.frame / fps)}, 'Go to'),
      el('button', {onclick: remove, dataset: {testid: 'prompt-delete'}}, 'Delete')));
}
