// Preview a range as the CPU animatic (made by the server with the library's preview), played in the
// page in step with the song: the audio leads, the muted video follows it.
import {mediaUrl} from './api.js';
import {el} from './dom.js';
import {formatTime} from './view.js';

const DRIFT_S = 0.08;       // re-seek the video when it strays further than this from the audio
const DEFAULT_RANGE_S = 10; // with no range chosen: this long from the playhead

export function mount(panel, ctx) {
  const video = el('video', {muted: true, playsInline: true, preload: 'auto', dataset: {testid: 'preview-video'}});
  const caption = el('p', {class: 'muted', dataset: {testid: 'preview-status'}},
    'Drag across the waveform to choose a range, or preview 10 s from the playhead.');
  panel.append(el('h3', {}, 'Preview'), video, caption);
  panel.classList.add('empty');
  let shown = null;   // {start, end} of the loaded video
  let stopAtEnd = false;   // the preview button plays the range once

  async function make() {
    let range = ctx.range;
    if (!range) {
      const start = Math.min(ctx.audio.currentTime, Math.max(0, ctx.state.song.duration - DEFAULT_RANGE_S));
      range = {start, end: Math.min(ctx.state.song.duration, start + DEFAULT_RANGE_S)};
      ctx.setRange(range.start, range.end);
    }
    caption.textContent = `making the animatic of ${formatTime(range.start)} – ${formatTime(range.end)}…`;
    caption.classList.remove('error');
    try {
      const answer = await ctx.api.preview(range.start, range.end, ctx.scheduleBody());
      shown = {start: answer.start, end: answer.end};
      video.src = mediaUrl(answer.url);
      panel.classList.remove('empty');
      caption.textContent = `${formatTime(shown.start)} – ${formatTime(shown.end)} · plays with the song`;
      ctx.seek(shown.start);
      stopAtEnd = true;
      await ctx.play();
    } catch (error) {
      caption.textContent = error.message;
      caption.classList.add('error');
    }
  }

  const follow = () => {
    if (shown && video.readyState >= 1) {
      const time = ctx.audio.currentTime;
      const inside = time >= shown.start && time < shown.end;
      if (stopAtEnd && time >= shown.end) { ctx.audio.pause(); stopAtEnd = false; }
      if (ctx.audio.paused) stopAtEnd = stopAtEnd && inside;
      if (inside) {
        const target = time - shown.start;
        if (Math.abs(video.currentTime - target) > DRIFT_S) video.currentTime = target;
        if (!ctx.audio.paused && video.paused) video.play().catch(() => {});
      }
      if ((ctx.audio.paused || !inside) && !video.paused) video.pause();
    }
    requestAnimationFrame(follow);
  };
  requestAnimationFrame(follow);
  return {make, video};
}
