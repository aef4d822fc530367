// The waveform lane: wavesurfer.js draws the server's peaks and plays the song through the page's
// <audio>; its regions plugin holds the range to preview (drag across the waveform to choose one).
import WaveSurfer from '../../vendor/wavesurfer.js-7.12.12/wavesurfer.esm.js';
import RegionsPlugin from '../../vendor/wavesurfer.js-7.12.12/plugins/regions.esm.js';
import {makeLane} from '../dom.js';

const HEIGHT = 72;

/** Draws each pixel column from the lowest to the highest peak under it (channels: [maxes, mins]). */
function drawPeaks([maxes, mins], g) {
  const {width, height} = g.canvas;
  const n = maxes.length;
  const mid = height / 2;
  g.fillStyle = '#5fa8d3';
  for (let x = 0; x < width; x++) {
    const i0 = Math.floor((x / width) * n);
    const i1 = Math.max(i0 + 1, Math.floor(((x + 1) / width) * n));
    let hi = -1, lo = 1;
    for (let i = i0; i < i1 && i < n; i++) { hi = Math.max(hi, maxes[i]); lo = Math.min(lo, mins[i]); }
    if (hi < lo) continue;
    const top = mid - hi * mid * 0.95, bottom = mid - lo * mid * 0.95;
    g.fillRect(x, top, 1, Math.max(1, bottom - top));
  }
}

export function mount(container, ctx) {
  const {body} = makeLane(container, {id: 'waveform', title: 'waveform', height: HEIGHT,
    subtitle: 'drag: preview range'});
  const {peaks} = ctx.state.waveform;
  const regions = RegionsPlugin.create();
  const ws = WaveSurfer.create({
    container: body, height: HEIGHT, media: ctx.audio,
    peaks: [peaks.map((p) => p[1]), peaks.map((p) => p[0])], duration: ctx.state.song.duration,
    renderFunction: drawPeaks, progressColor: '#a9dcff', cursorWidth: 0, hideScrollbar: true, autoScroll: false, autoCenter: false,
    minPxPerSec: 1, fillParent: true, plugins: [regions],
  });
  regions.enableDragSelection({color: 'rgba(255, 196, 0, 0.18)'});
  // One preview range at a time: a new one replaces the last.
  regions.on('region-created', (region) => {
    for (const other of regions.getRegions()) if (other !== region) other.remove();
    ctx.setRange(region.start, region.end);
  });
  regions.on('region-updated', (region) => ctx.setRange(region.start, region.end));

  let shown = null;
  ctx.onRange((range) => {
    if (range === shown) return;
    shown = range;
    const current = regions.getRegions()[0];
    if (current && range && current.start === range.start && current.end === range.end) return;
    regions.clearRegions();
    if (range) regions.addRegion({start: range.start, end: range.end, color: 'rgba(255, 196, 0, 0.18)'});
  });

  const sync = () => {
    if (!ws.getDecodedData()) return;   // before the peaks load, wavesurfer has nothing to zoom
    ws.zoom(ctx.view.pxPerSec);
    ws.setScroll(Math.round(ctx.view.start * ctx.view.pxPerSec));
  };
  ws.on('ready', sync);
  ws.on('redrawcomplete', () => { body.dataset.drawn = 'true'; });
  ctx.view.subscribe(sync);
  return ws;
}
