// Small DOM helpers shared by the lanes.

/** el('div', {class: 'x', onclick: fn, dataset: {testid: 'y'}}, child, 'text') */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A lane: a label on the left, a body on the right whose x axis is the shared view's. */
export function makeLane(container, {id, title, height, subtitle = ''}) {
  const label = el('div', {class: 'lane-label'}, el('span', {class: 'lane-title'}, title),
    el('span', {class: 'lane-sub'}, subtitle));
  const body = el('div', {class: 'lane-body', style: {height: `${height}px`}});
  const lane = el('div', {class: `lane lane-${id}`, dataset: {testid: `lane-${id}`}}, label, body);
  container.append(lane);
  return {lane, label, body, sub: label.querySelector('.lane-sub')};
}

/** Follows one pointer drag from a pointerdown: onMove(dx, event) while it moves, onEnd(moved) at release. */
export function drag(downEvent, onMove, onEnd) {
  const x0 = downEvent.clientX;
  let moved = false;
  const move = (event) => {
    if (!moved && Math.abs(event.clientX - x0) < 3) return;
    moved = true;
    onMove(event.clientX - x0, event);
  };
  const up = () => {
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', up);
    onEnd(moved);
  };
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', up);
}

/** A canvas sized to its element's CSS box at the screen's pixel ratio; returns its 2d context. */
export function fitCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** Calls fn at most once per animation frame, with the latest arguments. */
export function perFrame(fn) {
  let pending = null;
  return (...args) => {
    if (pending === null) {
      requestAnimationFrame(() => { const a = pending; pending = null; fn(...a); });
    }
    pending = args;
  };
}

/** Redraws a lane when the view moves, the selection changes, or one of the document's `parts` changes. */
export function redrawOn(ctx, parts, render) {
  ctx.view.subscribe(render);
  let shown = parts.map((part) => ctx.store.doc[part]);
  ctx.store.subscribe((doc) => {
    if (parts.some((part, i) => doc[part] !== shown[i])) { shown = parts.map((part) => doc[part]); render(); }
  });
  ctx.onSelect(render);
  render();
}

/** A press on a lane's empty space: on release, seeks to where it was (unless it became a drag). */
export function seekOnClick(ctx, body, event, then = () => {}) {
  const time = ctx.view.time(event.clientX - body.getBoundingClientRect().left);
  drag(event, () => {}, (moved) => { if (!moved) { ctx.seek(time); then(); } });
}
