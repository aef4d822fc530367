"""Draw a quality report over the song's timeline, and a page of thumbnails at the flagged frames.

The chart has three rows sharing the time axis (seconds): CLIP adherence to the
active prompts (and, on its own scale, similarity to the previous frame), frame-to-frame change
with flicker spikes marked, and the collapse measures with the frames the guard
would flag shaded. Section boundaries are dashed lines labelled at the top.

Examples
--------
>>> from binarydream.quality import plot_quality, write_html
>>> plot_quality("video.quality.png", report)  # doctest: +SKIP
PosixPath('video.quality.png')
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from ..files import check_writable, write_bytes_atomic, write_text_atomic
from ..timebase import frame_times


def plot_quality(path, report, *, overwrite: bool = False, dpi: int = 110) -> Path:
    """Write the report's PNG chart to ``path`` (atomically) and return the path.

    Parameters
    ----------
    path : str or Path
        The PNG to write; an existing file is kept unless ``overwrite``.
    report : QualityReport
    overwrite : bool
        Replace an existing file.
    dpi : int
        Resolution of the PNG.

    Examples
    --------
    >>> plot_quality("video.quality.png", report, overwrite=True)  # doctest: +SKIP
    PosixPath('video.quality.png')
    """

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = check_writable(path, overwrite=overwrite)
    t = report.times
    fig = Figure(figsize=(14, 7.5), constrained_layout=True)
    FigureCanvasAgg(fig)
    ax_clip, ax_change, ax_look = fig.subplots(3, 1, sharex=True)

    ax_clip.plot(t, report.adherence, lw=1.0, color="tab:blue")
    ax_clip.set_ylabel("adherence to prompts", color="tab:blue")
    # similarity to the previous frame lives near 1, adherence near 0.3: each gets its own scale
    ax_previous = ax_clip.twinx()
    ax_previous.plot(t, report.previous_similarity, lw=0.8, color="tab:gray", alpha=0.8)
    ax_previous.set_ylabel("similarity to previous frame", color="tab:gray")

    ax_change.plot(t, report.change, lw=0.8, color="tab:purple", label="change from previous frame")
    spikes = report.flicker
    ax_change.scatter(t[spikes], report.change[spikes], color="tab:red", s=14, zorder=3,
                      label=f"flicker spikes ({int(spikes.sum())})")
    ax_change.set_ylabel("mean |difference|")
    ax_change.legend(loc="upper left", fontsize=8)

    ax_look.plot(t, report.contrast, lw=0.9, color="black", label="contrast")
    ax_look.plot(t, report.colourfulness, lw=0.9, color="tab:orange", label="colourfulness")
    ax_look.plot(t, report.entropy / 6.0, lw=0.9, color="tab:green", label="entropy / 6 bits")
    for reason, colour in (("flat", "tab:red"), ("frozen", "tab:cyan")):
        hit = report.reasons == reason
        if hit.any():
            ax_look.vlines(t[hit], 0, 1, transform=ax_look.get_xaxis_transform(), color=colour, alpha=0.35,
                           lw=1.5, label=f"{reason} ({int(hit.sum())})")
    ax_look.set_ylabel("look")
    ax_look.set_xlabel("time (s)")
    ax_look.legend(loc="upper left", fontsize=8, ncol=5)

    for section in report.sections:
        for ax in (ax_clip, ax_change, ax_look):
            ax.axvline(section.start, color="0.5", ls="--", lw=0.7)
        ax_clip.annotate(section.label, (section.start, 1.0), xycoords=("data", "axes fraction"),
                         xytext=(3, -10), textcoords="offset points", fontsize=8, color="0.3")
    ax_look.set_xlim(0.0, max(report.total.end, float(t[-1]) if t.size else 1.0))
    total = report.total
    fig.suptitle(f"{report.render_dir.name}  ·  {report.model}  ·  adherence {total.adherence:.3f}  ·  "
                 f"{total.flicker} flicker spikes  ·  {total.flagged} frames flagged", fontsize=11)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return write_bytes_atomic(path, buffer.getvalue(), overwrite=True)


def _thumbnail(png: Path, width: int) -> str:
    from PIL import Image

    with Image.open(png) as image:
        image = image.convert("RGB")
        image.thumbnail((width, width * 4))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_html(path, report, *, chart=None, overwrite: bool = False, max_thumbnails: int = 120,
               width: int = 192) -> Path:
    """Write one self-contained HTML page: the summary table, the chart, and thumbnails at flagged frames.

    A frame appears when the collapse guard would flag it or it is a flicker spike;
    it is shown with the frame before it. Thumbnails are embedded (JPEG), so the page
    can be moved or mailed alone; past ``max_thumbnails`` frames the rest are listed.

    Examples
    --------
    >>> write_html("video.quality.html", report, chart="video.quality.png")  # doctest: +SKIP
    PosixPath('video.quality.html')
    """
    path = check_writable(path, overwrite=overwrite)
    files = {int(f): report.render_dir / f"{int(f):06d}.png" for f in report.frames}
    seconds = frame_times(int(report.frames.max()) + 1, report.fps)
    picked = np.flatnonzero(report.flagged | report.flicker)
    cards = []
    for k in picked[:max_thumbnails]:
        frame = int(report.frames[k])
        why = ", ".join(filter(None, [report.reasons[k], "flicker" if report.flicker[k] else ""]))
        images = "".join(f'<img src="data:image/jpeg;base64,{_thumbnail(files[f], width)}" title="frame {f}">'
                         for f in (frame - 1, frame) if f in files)
        cards.append(f'<figure>{images}<figcaption>frame {frame} · {seconds[frame]:.2f} s · {html.escape(why)}'
                     f' · adherence {report.adherence[k]:.3f}</figcaption></figure>')
    rest = picked[max_thumbnails:]
    more = (f"<p>and {len(rest)} more: frames {', '.join(str(int(report.frames[k])) for k in rest)}</p>"
            if rest.size else "")
    chart_tag = f'<img class="chart" src="{html.escape(Path(chart).name)}">' if chart is not None else ""
    page = f"""<!doctype html><meta charset="utf-8"><title>quality · {html.escape(report.render_dir.name)}</title>
<style>body{{font-family:sans-serif;margin:1.5em}} pre{{background:#f4f4f4;padding:.8em}}
.chart{{max-width:100%}} figure{{display:inline-block;margin:.4em;vertical-align:top}}
figcaption{{font-size:12px;max-width:{2 * width + 8}px}}</style>
<h1>{html.escape(report.render_dir.name)}</h1><p>model {html.escape(report.model)}</p>
<pre>{html.escape(report.table())}</pre>{chart_tag}
<h2>Flagged frames and flicker ({len(picked)})</h2>{''.join(cards) or '<p>none</p>'}{more}
"""
    return write_text_atomic(path, page, overwrite=overwrite)
