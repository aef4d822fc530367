// The time ruler: minutes and seconds along the top; click or drag on it to seek.
import {drag, fitCanvas, makeLane, perFrame} from '../dom.js';
import {formatTime} from '../view.js';

const STEPS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300];

export function mount(container, ctx) {
  const {body} = makeLane(container, {id: 'ruler', title: 'time', height: 22});
  const canvas = body.appendChild(document.createElement('canvas'));

  const draw = perFrame(() => {
    const {view} = ctx;
    const g = fitCanvas(canvas, view.width, 22);
    const step = STEPS.find((s) => s * view.pxPerSec >= 70) ?? 600;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#8b93a7';
    g.strokeStyle = '#3a4152';
    for (let t = Math.floor(view.start / step) * step; t <= view.end; t += step) {
      const x = Math.round(view.x(t)) + 0.5;
      g.beginPath(); g.moveTo(x, 14); g.lineTo(x, 22); g.stroke();
      g.fillText(formatTime(t, step < 1 ? 1 : 0), x + 3, 11);
    }
  });
  ctx.view.subscribe(draw);
  draw();

  body.addEventListener('pointerdown', (event) => {
    const left = body.getBoundingClientRect().left;
    const seekAt = (e) => ctx.seek(ctx.view.time(e.clientX - left));
    seekAt(event);
    drag(event, (dx, e) => seekAt(e), () => {});
  });
}
