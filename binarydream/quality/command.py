"""``binarydream report RENDER_DIR``: load CLIP, score the render, write the chart and page, print the table.

Examples
--------
>>> from binarydream.quality import report_command
>>> report_command("video.frames")  # doctest: +SKIP
section       start      end  frames  adherence  flicker  flagged
...
[PosixPath('video.frames/quality.png'), PosixPath('video.frames/quality.html')]
"""

from __future__ import annotations

from pathlib import Path

from .chart import plot_quality, write_html
from .clip import DEFAULT_MODEL, DEFAULT_PRETRAINED, load_clip
from .report import find_frames, score_render


def report_command(render_dir, *, model: str = DEFAULT_MODEL, pretrained: str | None = DEFAULT_PRETRAINED,
                   checkpoint=None, out=None, device=None, html: bool = True, overwrite: bool = False,
                   batch_size: int = 32, progress: bool = True, scorer=None) -> list[Path]:
    """Score a render folder and write its report; print the summary table; return the paths written.

    Parameters
    ----------
    render_dir : str or Path
        The render's frames folder (``video.frames/``) or its video path.
    model, pretrained : str
        open_clip architecture and pretrained tag (see :func:`load_clip`).
    checkpoint : str or Path, optional
        A local open_clip checkpoint instead of ``pretrained``.
    out : str or Path, optional
        The PNG chart; default ``RENDER_DIR/quality.png``. The HTML page goes next to
        it with the suffix ``.html``.
    device : str, optional
        None: cuda, then mps, then cpu.
    html : bool
        Also write the HTML page with thumbnails at the flagged frames.
    overwrite : bool
        Replace existing report files.
    batch_size : int
        Frames per CLIP batch.
    progress : bool
        Show a progress bar while scoring.
    scorer : ClipScorer, optional
        An already loaded scorer; ``model``, ``pretrained``, ``checkpoint`` and ``device`` are then unused.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> report_command("video.frames", checkpoint="clip.safetensors", out="video.quality.png")  # doctest: +SKIP
    """
    render_dir = find_frames(render_dir)[0]
    out = Path(out) if out is not None else render_dir / "quality.png"
    html_path = out.with_suffix(".html")
    for path in [out, html_path] if html else [out]:
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it, "
                                  f"or choose another path with --out")
    if scorer is None:
        scorer = load_clip(model, pretrained, device=device, checkpoint=checkpoint)
    report = score_render(render_dir, scorer, batch_size=batch_size, progress=progress)
    print(report.table())
    written = [plot_quality(out, report, overwrite=overwrite)]
    if html:
        written.append(write_html(html_path, report, chart=out, overwrite=overwrite))
    return written
