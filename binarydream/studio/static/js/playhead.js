// The playhead: one line over every lane at the audio's time, moved each animation frame; while the
// song plays the view pages along with it.
import {formatTime} from './view.js';

export function mount(lanesEl, ctx, timeDisplay) {
  const line = document.createElement('div');
  line.className = 'playhead';
  line.dataset.testid = 'playhead';
  lanesEl.append(line);
  const labelWidth = () => lanesEl.querySelector('.lane-body').offsetLeft;

  const tick = () => {
    const time = ctx.audio.currentTime;
    if (!ctx.audio.paused) ctx.view.follow(time);
    const x = ctx.view.x(time);
    line.style.display = x < 0 || x > ctx.view.width ? 'none' : '';
    line.style.transform = `translateX(${labelWidth() + x}px)`;
    line.dataset.time = time.toFixed(3);
    line.dataset.x = x.toFixed(1);
    timeDisplay.textContent = `${formatTime(time)} / ${formatTime(ctx.state.song.duration)}`;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
