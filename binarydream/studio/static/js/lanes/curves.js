// One lane per curve of the schedule, drawn with uPlot. Select a curve (click its name) to edit its
// keyframe string: the server evaluates it as you type and the lane redraws, or shows the one-line error.
import uPlot from '../../vendor/uplot-1.6.32/uPlot.esm.js';
import {el, makeLane, perFrame} from '../dom.js';

const HEIGHT = 40;
const DEBOUNCE_MS = 40;

function range(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

function formatValue(v) {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3).replace(/\.?0+$/, '') || '0';
}

/** Mounts every curve lane; returns them by name, and refresh(values) to redraw them after a save. */
export function mount(container, ctx) {
  const {fps} = ctx.state.schedule;
  const names = Object.keys(ctx.state.curves);
  const times = ctx.state.curves[names[0]]?.map((_, i) => i / fps) ?? [];
  const curves = {};

  for (const name of names) {
    const {lane, label, body, sub} = makeLane(container, {id: `curve-${name}`, title: name, height: HEIGHT});
    lane.classList.add('curve');
    label.title = 'click to edit its keyframe string';
    label.addEventListener('click', () => { ctx.select('curve', name); ctx.focusInspector(); });
    body.addEventListener('pointerdown', (event) => {
      ctx.seek(ctx.view.time(event.clientX - body.getBoundingClientRect().left));
      ctx.select('curve', name);
    });
    const plot = new uPlot({
      width: Math.max(1, ctx.view.width), height: HEIGHT,
      scales: {x: {time: false, auto: false, min: ctx.view.start, max: ctx.view.end}},
      axes: [{show: false}, {show: false}],
      legend: {show: false},
      cursor: {show: false, drag: {x: false, y: false}},
      select: {show: false},
      padding: [4, 0, 4, 0],
      series: [{}, {stroke: '#7ee0b5', width: 1.5, fill: 'rgba(126, 224, 181, 0.08)', points: {show: false}}],
    }, [times, ctx.state.curves[name]], body);
    curves[name] = {name, lane, label, body, sub, plot, values: ctx.state.curves[name],
      source: ctx.store.doc.curves[name], error: '', pending: null, timer: null, request: null, dependents: []};
    describe(curves[name]);
  }

  function describe(curve) {
    const [lo, hi] = range(curve.values);
    curve.sub.textContent = lo === hi ? formatValue(lo) : `${formatValue(lo)} … ${formatValue(hi)}`;
    curve.lane.classList.toggle('has-error', Boolean(curve.error));
    curve.lane.classList.toggle('selected', ctx.selection.kind === 'curve' && ctx.selection.key === curve.name);
  }

  function draw(curve, values, source) {
    curve.values = values;
    curve.plot.setData([times, values], false);
    curve.plot.setScale('x', {min: ctx.view.start, max: ctx.view.end});
    curve.body.dataset.drawnSource = source ?? '';
    curve.body.dataset.drawnAt = String(performance.now());
    describe(curve);
  }

  // Curves made from another (a planner's curve that reads zoom) change with it: the server sends them.
  function redrawDependents(curve, changed) {
    for (const other of curve.dependents) {
      if (!(other in changed)) draw(curves[other], ctx.state.curves[other], ctx.store.doc.curves[other]);
    }
    curve.dependents = Object.keys(changed).filter((other) => other !== curve.name && other in curves);
    for (const other of curve.dependents) draw(curves[other], changed[other], ctx.store.doc.curves[other]);
  }

  // Latest wins: a new keystroke cancels the request still waiting for an older string.
  async function evaluate(curve) {
    const source = curve.pending;
    curve.pending = null;
    curve.request?.abort();
    const request = new AbortController();
    curve.request = request;
    try {
      const answer = await ctx.api.evalCurve(curve.name, source, request.signal);
      if (ctx.store.doc.curves[curve.name] !== source) return;
      curve.error = answer.error || '';
      if (answer.values) {
        draw(curve, answer.values, source);
        redrawDependents(curve, answer.curves || {});
      } else describe(curve);
      ctx.onCurveError(curve.name, curve.error, answer.detail);
    } catch (error) {
      if (request.signal.aborted) return;
      curve.error = error.message;
      describe(curve);
      ctx.onCurveError(curve.name, curve.error);
    } finally {
      if (curve.request === request) curve.request = null;
    }
  }

  ctx.store.subscribe((doc) => {
    for (const curve of Object.values(curves)) {
      const source = doc.curves[curve.name];
      if (source === curve.source) continue;
      curve.source = source;
      if (source === null) {   // back to the values the code gave (undo past the first edit)
        curve.error = '';
        draw(curve, ctx.state.curves[curve.name], null);
        redrawDependents(curve, {});
        continue;
      }
      curve.pending = source;
      clearTimeout(curve.timer);
      curve.timer = setTimeout(() => evaluate(curve), DEBOUNCE_MS);
    }
  });

  const rescale = perFrame(() => {
    for (const curve of Object.values(curves)) {
      if (curve.plot.width !== Math.round(ctx.view.width)) curve.plot.setSize({width: ctx.view.width, height: HEIGHT});
      curve.plot.setScale('x', {min: ctx.view.start, max: ctx.view.end});
    }
  });
  ctx.view.subscribe(rescale);
  ctx.onSelect(() => Object.values(curves).forEach(describe));

  /** After a save: the values the saved schedule gives (prompt keyframes move the planner's curves too). */
  function refresh(values) {
    for (const curve of Object.values(curves)) {
      if (!values[curve.name]) continue;
      ctx.state.curves[curve.name] = values[curve.name];
      curve.dependents = [];
      if (ctx.store.doc.curves[curve.name] === curve.source && !curve.error) {
        draw(curve, values[curve.name], curve.source);
      }
    }
  }
  return {lanes: curves, refresh};
}

/** The inspector for one curve: its keyframe string, the evaluator's error, the names it may use. */
export function inspect(ctx, name) {
  const source = ctx.store.doc.curves[name];
  const error = el('p', {class: 'error', dataset: {testid: 'curve-error'}});
  const showError = (message = '', detail = '') => {
    error.textContent = message;
    error.title = detail;   // the evaluator's full message, with the caret under the place it stopped
  };
  showError(ctx.curveErrors[name]?.message, ctx.curveErrors[name]?.detail);
  const input = el('textarea', {rows: 3, spellcheck: false, dataset: {testid: 'curve-source'},
    value: source ?? '',
    placeholder: 'values from code; type a keyframe string to replace them, e.g. 0: (1 + 0.03*bass)',
    oninput: () => ctx.store.edit(`edit ${name}`, ['curves'], (doc) => {
      // emptied, a curve that came as values from code goes back to them
      doc.curves[name] = input.value.trim() === '' && ctx.state.schedule.curves[name] === null ? null : input.value;
    }, {mergeKey: `curve:${name}`})});
  const node = el('div', {class: 'inspect'},
    el('h3', {}, `Curve: ${name}`),
    input, error,
    el('p', {class: 'muted small'}, 'keys: frames, 2.5s, 16b · names: t, ', ctx.state.signals.join(', '),
      ', pulse(…), smooth(…), lerp(…)'));
  node.showError = showError;
  return node;
}
