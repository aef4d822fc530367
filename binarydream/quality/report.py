"""Score a finished render frame by frame: prompt adherence, drift, flicker and collapse.

The report reads a render folder (``video.frames/``: frames ``000000.png``...
and the ``schedule.yaml`` that drove them) and measures each frame:

* ``adherence``: CLIP similarity to the frame's active prompt mix
  (``schedule.prompt_mix(frame)``), see :func:`binarydream.quality.clip.mix_similarity`;
* ``previous_similarity``: CLIP similarity to the previous frame (low: a cut or a jump);
* ``contrast``, ``entropy``, ``colourfulness``, ``change``: the render guard's own
  measures (:func:`binarydream.measures.measure_frame`), and ``reasons``, the guard's
  verdict (:func:`binarydream.measures.collapse_reason`: ``"flat"``, ``"frozen"`` or ``""``);
* ``flicker``: frame-to-frame change spikes (:func:`flicker_spikes`).

Examples
--------
>>> from binarydream.quality import load_clip, score_render
>>> report = score_render("video.frames", load_clip())  # doctest: +SKIP
>>> print(report.table())  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import RenderError
from ..measures import CollapseThresholds, collapse_reason, measure_frame
from ..timebase import frame_times


def flicker_spikes(change: np.ndarray, *, k: float = 3.5, min_jump: float = 0.02) -> np.ndarray:
    """Frames whose change from the previous frame is a spike: a robust z-score above ``k``.

    The z-score is ``(change - median) / (1.4826 * MAD)`` over the whole video, and a
    spike must also exceed the median change by ``min_jump`` (mean absolute pixel
    difference, in [0, 1]), so near-still footage with a tiny MAD is not all flicker.

    Parameters
    ----------
    change : np.ndarray
        Per-frame change in [0, 1]; NaN where unknown (the first frame).
    k : float
        Robust z-score above which a change is a spike.
    min_jump : float
        Smallest excess over the median change that counts.

    Returns
    -------
    np.ndarray of bool, same shape as ``change``.

    Examples
    --------
    >>> import numpy as np
    >>> change = np.array([np.nan, 0.05, 0.06, 0.05, 0.30, 0.05, 0.04])
    >>> np.flatnonzero(flicker_spikes(change)).tolist()
    [4]
    """
    change = np.asarray(change, dtype=np.float64)
    finite = change[np.isfinite(change)]
    if finite.size == 0:
        return np.zeros(change.shape, dtype=bool)
    median = np.median(finite)
    scale = max(1.4826 * np.median(np.abs(finite - median)), 1e-9)
    with np.errstate(invalid="ignore"):
        excess = change - median
        return (np.nan_to_num(excess / scale) > k) & (np.nan_to_num(excess) > min_jump)


@dataclass(frozen=True)
class SectionSummary:
    """Summary of the frames of one section (or of the whole video).

    Attributes
    ----------
    label : str
        Section label from the schedule (``"whole video"`` for the total).
    start, end : float
        Seconds.
    n_frames : int
        Frames scored in the section.
    adherence : float
        Mean CLIP adherence (NaN when no frame has prompts).
    flicker : int
        Frames that are flicker spikes.
    flagged : int
        Frames the collapse guard would flag (flat or frozen).
    """

    label: str
    start: float
    end: float
    n_frames: int
    adherence: float
    flicker: int
    flagged: int


@dataclass
class QualityReport:
    """Per-frame quality numbers of one render, and their summaries.

    Every per-frame attribute is a numpy array aligned with ``frames`` (the indices of
    the frames found, normally ``0..n_frames-1``); NaN where a value does not exist
    (no previous frame, no prompt).

    Examples
    --------
    >>> report = score_render("video.frames", scorer)  # doctest: +SKIP
    >>> report.frames[report.reasons == "flat"]  # doctest: +SKIP
    array([412, 413])
    """

    render_dir: Path
    model: str
    fps: float
    frames: np.ndarray
    adherence: np.ndarray
    previous_similarity: np.ndarray
    contrast: np.ndarray
    entropy: np.ndarray
    colourfulness: np.ndarray
    change: np.ndarray
    reasons: np.ndarray
    flicker: np.ndarray
    sections: list[SectionSummary] = field(default_factory=list)
    total: SectionSummary | None = None

    @property
    def times(self) -> np.ndarray:
        """Seconds of each scored frame."""
        return frame_times(int(self.frames.max()) + 1 if self.frames.size else 0, self.fps)[self.frames]

    @property
    def flagged(self) -> np.ndarray:
        """Boolean mask of the frames the collapse guard would flag."""
        return self.reasons != ""

    def table(self) -> str:
        """A short plain-text table: one row per section and one for the whole video.

        Examples
        --------
        >>> print(report.table())  # doctest: +SKIP
        section       start      end  frames  adherence  flicker  flagged
        intro        0:00.0   0:12.0     360      0.271        2        0
        """
        rows = [("section", "start", "end", "frames", "adherence", "flicker", "flagged")]
        for s in [*self.sections, self.total]:
            rows.append((s.label, _clock(s.start), _clock(s.end), str(s.n_frames),
                         "n/a" if np.isnan(s.adherence) else f"{s.adherence:.3f}", str(s.flicker), str(s.flagged)))
        width = max(len(r[0]) for r in rows)
        lines = [f"{r[0]:<{width}}  {r[1]:>7}  {r[2]:>7}  {r[3]:>6}  {r[4]:>9}  {r[5]:>7}  {r[6]:>7}" for r in rows]
        return "\n".join(lines)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(float(seconds), 60.0)
    return f"{int(minutes)}:{rest:04.1f}"


def find_frames(render_dir) -> tuple[Path, np.ndarray, list[Path]]:
    """The render folder, its frame indices and frame files, in order.

    ``render_dir`` may be the frames folder or the video path next to it
    (``video.mp4`` -> ``video.frames/``).

    Raises
    ------
    RenderError
        No such folder, or no frames in it.

    Examples
    --------
    >>> find_frames("video.mp4")  # doctest: +SKIP
    (PosixPath('video.frames'), array([0, 1, 2]), [...])
    """
    render_dir = Path(render_dir)
    if not render_dir.is_dir() and render_dir.with_suffix(".frames").is_dir():
        render_dir = render_dir.with_suffix(".frames")
    if not render_dir.is_dir():
        raise RenderError(f"render folder {render_dir} not found; pass the VIDEO.frames/ folder a render wrote")
    files = sorted((p for p in render_dir.glob("*.png") if p.stem.isdigit()), key=lambda p: int(p.stem))
    if not files:
        raise RenderError(f"no frames (000000.png, ...) in {render_dir}; render (or resume) the video first")
    return render_dir, np.array([int(p.stem) for p in files], dtype=np.int64), files


def score_render(render_dir, scorer, *, batch_size: int = 32, thresholds: CollapseThresholds = CollapseThresholds(),
                 flicker_k: float = 3.5, progress: bool = False) -> QualityReport:
    """Score every frame of a render folder against its schedule.

    Parameters
    ----------
    render_dir : str or Path
        The render's frames folder (``video.frames/``) or its video path.
    scorer : ClipScorer
        From :func:`binarydream.quality.load_clip`.
    batch_size : int
        Frames encoded per CLIP batch.
    thresholds : CollapseThresholds
        The collapse guard's thresholds (use the render's own to flag what it would).
    flicker_k : float
        Robust z-score above which a change is a flicker spike (:func:`flicker_spikes`).
    progress : bool
        Show a progress bar.

    Returns
    -------
    QualityReport

    Examples
    --------
    >>> report = score_render("video.frames", load_clip())  # doctest: +SKIP
    >>> float(report.total.adherence)  # doctest: +SKIP
    0.284
    """
    from PIL import Image

    from ..schedule import Schedule

    render_dir, frames, files = find_frames(render_dir)
    schedule_path = render_dir / "schedule.yaml"
    if not schedule_path.is_file():
        raise RenderError(f"{schedule_path} not found; the report needs the schedule the render used")
    sched = Schedule.load(schedule_path)
    n = len(frames)
    values = {name: np.full(n, np.nan) for name in
              ("adherence", "previous_similarity", "contrast", "entropy", "colourfulness", "change")}
    reasons = np.full(n, "", dtype=object)
    previous_frame, previous_embedding, previous_index = None, None, None
    starts = range(0, n, batch_size)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, unit="batch", desc="scoring frames")
    for start in starts:
        stop = min(start + batch_size, n)
        images = [np.asarray(Image.open(files[i]).convert("RGB")) for i in range(start, stop)]
        embeddings = scorer.encode_images(images, batch_size=batch_size)
        for j, i in enumerate(range(start, stop)):
            follows = previous_index is not None and frames[i] == previous_index + 1
            m = measure_frame(images[j], previous_frame if follows else None)
            values["contrast"][i], values["entropy"][i], values["colourfulness"][i] = (
                m.contrast, m.entropy, m.colourfulness)
            if m.change is not None:
                values["change"][i] = m.change
                values["previous_similarity"][i] = float(embeddings[j] @ previous_embedding)
            reasons[i] = collapse_reason(m, thresholds) or ""
            if frames[i] < sched.n_frames:
                values["adherence"][i] = scorer.similarity(embeddings[j:j + 1], sched.prompt_mix(int(frames[i])))[0]
            previous_frame, previous_embedding, previous_index = images[j], embeddings[j], frames[i]
    reasons = reasons.astype(str)
    flicker = flicker_spikes(values["change"], k=flicker_k)
    report = QualityReport(render_dir=render_dir, model=scorer.name, fps=float(sched.fps), frames=frames,
                           reasons=reasons, flicker=flicker, **values)
    report.sections, report.total = summarise(report, sched.sections, sched.n_frames)
    return report


def summarise(report: QualityReport, sections, n_frames: int) -> tuple[list[SectionSummary], SectionSummary]:
    """Per-section and whole-video summaries of a report.

    Parameters
    ----------
    report : QualityReport
    sections : list of (int, str)
        Section markers (start frame, label), as ``Schedule.sections``; frames before
        the first marker form a section labelled ``"-"``.
    n_frames : int
        Frames in the video (the last section ends there).

    Examples
    --------
    >>> sections, total = summarise(report, [(0, "intro"), (300, "verse")], 900)  # doctest: +SKIP
    >>> [s.label for s in sections]  # doctest: +SKIP
    ['intro', 'verse']
    """
    markers = sorted((int(f), str(label)) for f, label in sections)
    if not markers or markers[0][0] > 0:
        markers.insert(0, (0, "-"))
    end_frame = max(int(n_frames), int(report.frames.max()) + 1)
    seconds = frame_times(end_frame + 1, report.fps)
    bounds = [f for f, _ in markers[1:]] + [end_frame]

    def summary(label, first, last):
        inside = (report.frames >= first) & (report.frames < last)
        adherence = report.adherence[inside]
        adherence = adherence[np.isfinite(adherence)]
        return SectionSummary(label, float(seconds[first]), float(seconds[last]), int(inside.sum()),
                              float(adherence.mean()) if adherence.size else float("nan"),
                              int(report.flicker[inside].sum()), int((report.reasons[inside] != "").sum()))

    parts = [summary(label, first, last) for (first, label), last in zip(markers, bounds) if last > first]
    return parts, summary("whole video", 0, end_frame)
