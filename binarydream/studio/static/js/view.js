// The timeline's view, shared by every lane: which seconds show and how many pixels a second takes.
// One horizontal scroller (below the lanes) holds the scroll position; lanes draw what the view says.

export class View {
  constructor(duration) {
    this.duration = duration;
    this.width = 1;         // pixels of one lane's body
    this.pxPerSec = 1;
    this.start = 0;
    this.zoomLevel = 0;     // 0 = the whole song fits; each step x1.5
    this.listeners = new Set();
  }

  get fitPxPerSec() { return this.width / Math.max(this.duration, 1e-6); }
  get end() { return this.start + this.width / this.pxPerSec; }
  get contentWidth() { return this.duration * this.pxPerSec; }

  x(time) { return (time - this.start) * this.pxPerSec; }
  time(x) { return this.start + x / this.pxPerSec; }

  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  emit() { for (const fn of this.listeners) fn(this); }

  setWidth(width) {
    this.width = Math.max(1, width);
    this.applyZoom(this.zoomLevel, this.start + (this.end - this.start) / 2);
  }

  clampStart(start) {
    return Math.min(Math.max(0, start), Math.max(0, this.duration - this.width / this.pxPerSec));
  }

  setStart(start) {
    const clamped = this.clampStart(start);
    if (Math.abs(clamped - this.start) < 1e-9) return;
    this.start = clamped;
    this.emit();
  }

  /** Zoom to a level (0 = fit) keeping the time `anchor` at the same pixel. */
  applyZoom(level, anchor = this.start) {
    const anchorX = this.x(anchor);
    this.zoomLevel = Math.max(0, Math.min(level, 24));
    this.pxPerSec = this.fitPxPerSec * 1.5 ** this.zoomLevel;
    this.start = this.clampStart(anchor - anchorX / this.pxPerSec);
    this.emit();
  }

  zoomBy(steps, anchor) { this.applyZoom(this.zoomLevel + steps, anchor); }

  /** Scroll so `time` shows, paging forward when it leaves the right edge (as a playhead does). */
  follow(time) {
    const span = this.end - this.start;
    if (time < this.start || time > this.end - span * 0.02) this.setStart(time - span * 0.1);
  }
}

/** "1:05.3" for 65.3 seconds. */
export function formatTime(seconds, digits = 1) {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  const minutes = Math.floor(s / 60);
  const rest = (s - minutes * 60).toFixed(digits).padStart(digits ? 3 + digits : 2, '0');
  return `${sign}${minutes}:${rest}`;
}
