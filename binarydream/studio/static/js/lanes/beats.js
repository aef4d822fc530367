// Beats and downbeats. Drag a downbeat to move it (it snaps to the nearest beat; Alt: no snap);
// double-click a beat to make it a downbeat or not.
import {drag, fitCanvas, makeLane, perFrame, redrawOn, seekOnClick} from '../dom.js';

const HEIGHT = 30;
const HIT_PX = 6;

function nearest(times, time) {
  let best = -1, distance = Infinity;
  times.forEach((t, i) => { const d = Math.abs(t - time); if (d < distance) { best = i; distance = d; } });
  return best;
}

export function mount(container, ctx) {
  const {beats, tempo, beats_per_bar: perBar, downbeat_confidence: sure} = ctx.state.analysis;
  const {body, label} = makeLane(container, {id: 'beats', title: 'beats', height: HEIGHT,
    subtitle: `${tempo.toFixed(1)} bpm · ${perBar}/bar`});
  label.title = 'drag a downbeat to move it (Alt: off the beats); double-click a beat to make it a downbeat or not'
    + (sure === null || sure === undefined ? '' : `\ndownbeat confidence ${sure.toFixed(2)}`);
  const canvas = body.appendChild(document.createElement('canvas'));

  const draw = perFrame(() => {
    const {view} = ctx;
    const downbeats = ctx.store.doc.downbeats;
    const g = fitCanvas(canvas, view.width, HEIGHT);
    const spacing = (60 / Math.max(tempo, 1)) * view.pxPerSec;
    if (spacing >= 3) {
      g.fillStyle = '#4b5468';
      for (const t of beats) {
        if (t < view.start || t > view.end) continue;
        g.fillRect(Math.round(view.x(t)), 12, 1, HEIGHT - 12);
      }
    }
    g.font = '10px system-ui, sans-serif';
    downbeats.forEach((t, bar) => {
      if (t < view.start - 1 || t > view.end) return;
      const x = Math.round(view.x(t));
      g.fillStyle = '#f0b429';
      g.fillRect(x - 1, 4, 2, HEIGHT - 4);
      if (spacing * perBar >= 22) { g.fillStyle = '#c9a24a'; g.fillText(String(bar + 1), x + 4, 11); }
    });
  });
  redrawOn(ctx, ['downbeats'], draw);

  const timeAt = (event) => ctx.view.time(event.clientX - body.getBoundingClientRect().left);

  body.addEventListener('pointerdown', (event) => {
    const time = timeAt(event);
    const index = nearest(ctx.store.doc.downbeats, time);
    const hit = index >= 0 && Math.abs(ctx.store.doc.downbeats[index] - time) * ctx.view.pxPerSec <= HIT_PX;
    if (!hit) { seekOnClick(ctx, body, event); return; }
    ctx.store.begin('move a downbeat', ['downbeats']);
    drag(event, (dx, e) => {
      let t = timeAt(e);
      if (!e.altKey && beats.length) t = beats[nearest(beats, t)];
      ctx.store.move((doc) => {
        doc.downbeats[index] = Math.max(0, Math.min(ctx.state.song.duration, t));
        doc.downbeats.sort((a, b) => a - b);
      });
    }, () => ctx.store.end());
  });

  body.addEventListener('dblclick', (event) => {
    const time = timeAt(event);
    const beat = beats[nearest(beats, time)];
    if (beat === undefined || Math.abs(beat - time) * ctx.view.pxPerSec > HIT_PX) return;
    const hit = ctx.store.doc.downbeats.findIndex((t) => Math.abs(t - beat) < 1e-3);
    ctx.store.edit(hit >= 0 ? 'remove a downbeat' : 'add a downbeat', ['downbeats'], (doc) => {
      if (hit >= 0) doc.downbeats.splice(hit, 1);
      else { doc.downbeats.push(beat); doc.downbeats.sort((a, b) => a - b); }
    });
  });
}
