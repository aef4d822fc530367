// The studio page: loads the song's state, builds the store, the view and the lanes, and wires the
// toolbar and the keys. Tests read `window.studio`; people use the page.
import * as api from './api.js';
import {el} from './dom.js';
import {Store, documentFromState} from './store.js';
import {View} from './view.js';
import * as playhead from './playhead.js';
import * as preview from './preview.js';
import * as ruler from './lanes/ruler.js';
import * as waveform from './lanes/waveform.js';
import * as beats from './lanes/beats.js';
import * as sections from './lanes/sections.js';
import * as lyrics from './lanes/lyrics.js';
import * as prompts from './lanes/prompts.js';
import * as curves from './lanes/curves.js';

const $ = (id) => document.getElementById(id);

/** What /api/save and /api/preview take as the schedule. */
function scheduleBody(doc) {
  return {prompts: doc.prompts, negative: doc.negative, curves: doc.curves};
}

/**
 * The analysis overrides to save, or null to leave the file as it is (nothing moved or renamed since the
 * last save). The file is written whole, so the ones already in effect (state.overrides) are kept, plus the
 * downbeats if moved here and the labels of the sections renamed here.
 */
function overridesBody(doc, state) {
  const kept = state.overrides ?? {downbeats: null, section_labels: {}};
  const base = state.analysis;
  const moved = doc.downbeats.length !== base.downbeats.length
    || doc.downbeats.some((t, i) => Math.abs(t - base.downbeats[i]) > 1e-6);
  const labels = {...(kept.section_labels ?? {})};
  let renamed = false;
  doc.sections.forEach((section, i) => {
    if (section.label !== base.sections[i].label) { labels[String(i)] = section.label; renamed = true; }
  });
  if (!moved && !renamed) return null;
  return {downbeats: moved ? doc.downbeats : kept.downbeats ?? null, section_labels: labels};
}

function setStatus(message, kind = '') {
  const status = $('status');
  status.textContent = message;
  status.title = message;
  status.className = kind;
}

async function boot() {
  const opened = performance.now();
  const state = await api.firstState();
  const store = new Store(documentFromState(state));
  const view = new View(state.song.duration);
  const audio = $('audio');
  audio.src = api.mediaUrl('/api/audio');

  const selectListeners = new Set(), rangeListeners = new Set();
  const ctx = {
    api, state, store, view, audio,
    selection: {kind: null, key: null},
    range: null,
    curveErrors: {},
    select(kind, key) {
      if (ctx.selection.kind === kind && ctx.selection.key === key) return;
      ctx.selection = {kind, key};
      for (const fn of selectListeners) fn(ctx.selection);
    },
    onSelect(fn) { selectListeners.add(fn); },
    setRange(start, end) {
      const range = end - start > 0.05 ? {start, end} : null;
      if (range && ctx.range && range.start === ctx.range.start && range.end === ctx.range.end) return;
      ctx.range = range;
      for (const fn of rangeListeners) fn(range);
    },
    onRange(fn) { rangeListeners.add(fn); },
    seek(time) { audio.currentTime = Math.max(0, Math.min(state.song.duration, time)); },
    play: () => audio.play().catch((error) => setStatus(`cannot play: ${error.message}`, 'error')),
    focusInspector() {
      requestAnimationFrame(() => $('inspector').querySelector('textarea, input')?.focus());
    },
    onCurveError(name, message, detail = '') {
      ctx.curveErrors[name] = {message, detail};
      if (ctx.selection.kind === 'curve' && ctx.selection.key === name) {
        $('inspector').firstChild?.showError?.(message, detail);
      }
    },
    scheduleBody: () => scheduleBody(store.doc),
  };

  $('song-name').textContent = state.song.name;
  const lanesEl = $('lanes');
  ruler.mount(lanesEl, ctx);
  waveform.mount(lanesEl, ctx);
  beats.mount(lanesEl, ctx);
  sections.mount(lanesEl, ctx);
  lyrics.mount(lanesEl, ctx);
  prompts.mount(lanesEl, ctx);
  const curveLanes = curves.mount(lanesEl, ctx);
  playhead.mount(lanesEl, ctx, $('time'));
  const previewer = preview.mount($('preview'), ctx);

  // The width of a lane's body is the view's width; the scroller below the lanes holds the scroll.
  const scroller = $('hscroll'), spacer = $('hscroll-inner');
  const measure = () => view.setWidth(lanesEl.querySelector('.lane-body').clientWidth);
  new ResizeObserver(measure).observe(lanesEl);
  measure();
  // Within a pixel the two agree, so the view setting the scroller and back settles at once.
  const apart = () => Math.abs(scroller.scrollLeft - view.start * view.pxPerSec) > 1;
  view.subscribe(() => {
    spacer.style.width = `${view.contentWidth}px`;
    if (apart()) scroller.scrollLeft = Math.round(view.start * view.pxPerSec);
    $('zoom-level').textContent = `${Math.round(view.pxPerSec)} px/s`;
  });
  view.emit();
  scroller.addEventListener('scroll', () => { if (apart()) view.setStart(scroller.scrollLeft / view.pxPerSec); });
  $('timeline').addEventListener('wheel', (event) => {
    const body = lanesEl.querySelector('.lane-body').getBoundingClientRect();
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      view.zoomBy(event.deltaY < 0 ? 1 : -1, view.time(event.clientX - body.left));
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      event.preventDefault();
      view.setStart(view.start + (event.deltaX || event.deltaY) / view.pxPerSec);
    }
  }, {passive: false});

  // The inspector shows the selection; rebuilt when the selection changes, or when the document
  // changes and the person is not typing in it (or undid what they typed).
  const inspector = $('inspector');
  const renderInspector = () => {
    const {kind, key} = ctx.selection;
    const node = kind === 'curve' ? curves.inspect(ctx, key)
      : kind === 'line' ? lyrics.inspect(ctx, key)
      : kind === 'section' ? sections.inspect(ctx, key)
      : kind === 'prompts' || kind === 'negative' ? prompts.inspect(ctx, kind, key)
      : null;
    const focused = document.activeElement?.dataset?.testid;
    inspector.replaceChildren(node ?? el('p', {class: 'muted'},
      'Click a lyric line, a section, a prompt keyframe or a curve\'s name to edit it.'));
    if (focused && inspector.contains(document.activeElement) === false) {
      const again = inspector.querySelector(`[data-testid="${focused}"]`);
      if (again) { again.focus(); again.setSelectionRange?.(again.value.length, again.value.length); }
    }
  };
  ctx.onSelect(renderInspector);
  store.subscribe((doc, reason) => {
    const typing = inspector.contains(document.activeElement);
    if (!typing || reason === 'undo' || reason === 'redo') renderInspector();
  });
  renderInspector();

  // Toolbar, status and the unsaved-changes guard.
  const refresh = () => {
    $('undo').disabled = !store.canUndo;
    $('redo').disabled = !store.canRedo;
    $('undo').title = store.canUndo ? `Undo: ${store.undoStack.at(-1).label} (Ctrl+Z)` : 'Undo (Ctrl+Z)';
    $('redo').title = store.canRedo ? `Redo: ${store.redoStack.at(-1).label} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)';
    $('dirty').hidden = !store.dirty;
  };
  store.subscribe(refresh);
  refresh();
  const togglePlay = () => (audio.paused ? ctx.play() : audio.pause());
  audio.addEventListener('play', () => { $('play').textContent = '❚❚ Pause'; });
  audio.addEventListener('pause', () => { $('play').textContent = '▶ Play'; });

  async function saveAll() {
    setStatus('saving…');
    let answer;
    try {
      answer = await api.save({schedule: scheduleBody(store.doc), lyrics: store.doc.lyrics,
        overrides: overridesBody(store.doc, state)});
    } catch (error) {
      setStatus(`not saved: ${error.message}`, 'error');
      return;
    }
    store.markSaved();
    try {
      const fresh = await api.getState();
      Object.assign(state, {analysis: fresh.analysis, overrides: fresh.overrides});
      curveLanes.refresh(fresh.curves);
    } catch (error) {
      setStatus(`saved, but the curves could not be redrawn: ${error.message}`, 'error');
      return;
    }
    setStatus(`saved ${answer.written.map((p) => p.split('/').pop()).join(', ')}`, 'ok');
  }
  async function exportDeforum() {
    setStatus('exporting…');
    try {
      const answer = await api.exportDeforum(scheduleBody(store.doc));
      setStatus(`wrote ${answer.written}`, 'ok');
    } catch (error) {
      setStatus(`not exported: ${error.message}`, 'error');
    }
  }

  $('play').addEventListener('click', togglePlay);
  $('zoom-in').addEventListener('click', () => view.zoomBy(1, audio.currentTime));
  $('zoom-out').addEventListener('click', () => view.zoomBy(-1, audio.currentTime));
  $('zoom-fit').addEventListener('click', () => view.applyZoom(0));
  $('undo').addEventListener('click', () => store.undo());
  $('redo').addEventListener('click', () => store.redo());
  $('add-prompt').addEventListener('click', () => prompts.addAtPlayhead(ctx));
  $('make-preview').addEventListener('click', () => previewer.make());
  $('save').addEventListener('click', saveAll);
  $('export').addEventListener('click', exportDeforum);

  window.addEventListener('keydown', (event) => {
    const typing = event.target.closest?.('input, textarea');
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === 'z') { event.preventDefault(); if (event.shiftKey) store.redo(); else store.undo(); return; }
    if (mod && key === 'y') { event.preventDefault(); store.redo(); return; }
    if (mod && key === 's') { event.preventDefault(); saveAll(); return; }
    if (typing) { if (event.key === 'Escape') event.target.blur(); return; }
    if (event.key === ' ') { event.preventDefault(); togglePlay(); }
    else if (key === 'p') prompts.addAtPlayhead(ctx);
    else if (key === '+' || key === '=') view.zoomBy(1, audio.currentTime);
    else if (key === '-') view.zoomBy(-1, audio.currentTime);
    else if (event.key === 'Home') ctx.seek(0);
    else if (event.key === 'Escape') ctx.select(null, null);
    else if (event.altKey && ctx.selection.kind === 'line' && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      lyrics.nudge(ctx, ctx.selection.key, event.key === 'ArrowLeft' ? -1 : 1);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && ctx.selection.kind === 'prompts') {
      const index = ctx.selection.key;
      ctx.select(null, null);
      store.edit('delete a prompt keyframe', ['prompts'], (doc) => { doc.prompts.splice(index, 1); });
    }
  });
  window.addEventListener('beforeunload', (event) => {
    if (!store.dirty) return;
    event.preventDefault();
    event.returnValue = '';
  });

  window.studio = {store, view, ctx, curves: curveLanes.lanes, openedAt: opened, readyAt: performance.now()};
  document.body.dataset.ready = 'true';
}

boot().catch((error) => {
  setStatus(`the studio could not start: ${error.message}`, 'error');
  document.body.dataset.ready = 'error';
});
