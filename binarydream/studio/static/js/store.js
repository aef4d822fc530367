// The one store every edit goes through: the document (what a save writes), undo and redo stacks of
// whole documents, and whether the document differs from the last one saved. An edit copies only the
// parts it names, so a lane sees its part unchanged (the same object) and need not redraw.

const LIMIT = 300;     // undo steps kept
const MERGE_MS = 1200; // edits with the same merge key this close together are one undo step (typing)

/**
 * The document: what the machine heard, as the user fixed it, and the schedule as they shaped it.
 * {lyrics: null|{lines}, downbeats: [s], sections: [{start, end, label, ...}],
 *  prompts: [{frame, prompts: [[text, weight]]}], negative: [...], curves: {name: source|null}}
 */
export function documentFromState(state) {
  return {
    lyrics: state.lyrics ? structuredClone(state.lyrics) : null,
    downbeats: [...state.analysis.downbeats],
    sections: structuredClone(state.analysis.sections),
    prompts: structuredClone(state.schedule.prompts),
    negative: structuredClone(state.schedule.negative),
    curves: {...state.schedule.curves},
  };
}

/** The document with `parts` (names of its keys) deep-copied, the rest shared. */
function copyParts(doc, parts) {
  const next = {...doc};
  for (const part of parts) next[part] = structuredClone(doc[part]);
  return next;
}

export class Store {
  constructor(doc) {
    this.doc = doc;
    this.saved = doc;
    this.undoStack = [];
    this.redoStack = [];
    this.listeners = new Set();
    this.gesture = null;   // {before, label} while a drag is in progress
    this.lastEdit = {key: null, at: 0};
  }

  get dirty() { return this.doc !== this.saved; }
  get canUndo() { return this.undoStack.length > 0; }
  get canRedo() { return this.redoStack.length > 0; }

  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  emit(reason) { for (const fn of this.listeners) fn(this.doc, reason); }

  /**
   * One edit: fn changes a copy of the document's `parts` in place (e.g. ['lyrics']).
   * The same mergeKey within MERGE_MS: one undo step.
   */
  edit(label, parts, fn, {mergeKey = null} = {}) {
    const next = copyParts(this.doc, parts);
    fn(next);
    const now = performance.now();
    const merge = mergeKey !== null && this.lastEdit.key === mergeKey && now - this.lastEdit.at < MERGE_MS
      && this.undoStack.length > 0;
    if (!merge) this.push(this.doc, label);
    this.lastEdit = {key: mergeKey, at: now};
    this.doc = next;
    this.emit(label);
  }

  /** A drag: begin once, move any number of times (each from the state at begin), end once. */
  begin(label, parts) { this.gesture = {before: this.doc, label, parts}; }
  move(fn) {
    if (!this.gesture) return;
    const next = copyParts(this.gesture.before, this.gesture.parts);
    fn(next);
    this.doc = next;
    this.emit(this.gesture.label);
  }
  end() {
    if (!this.gesture) return;
    const {before, label} = this.gesture;
    this.gesture = null;
    if (this.doc !== before) this.push(before, label);
    this.lastEdit = {key: null, at: 0};
    this.emit(label);
  }

  push(doc, label) {
    this.undoStack.push({doc, label});
    if (this.undoStack.length > LIMIT) this.undoStack.shift();
    this.redoStack = [];
  }

  undo() { this.travel(this.undoStack, this.redoStack, 'undo'); }
  redo() { this.travel(this.redoStack, this.undoStack, 'redo'); }

  /** Back (or forward) one step: the document now goes on the other stack. */
  travel(from, to, reason) {
    const step = from.pop();
    if (!step) return;
    to.push({doc: this.doc, label: step.label});
    this.doc = step.doc;
    this.lastEdit = {key: null, at: 0};
    this.emit(reason);
  }

  markSaved() { this.saved = this.doc; this.emit('saved'); }
}
