"""What a render did: the :class:`RenderReport` it returns, also written to ``report.json`` in the render folder.

Examples
--------
>>> RenderReport("v.mp4", "v.frames", 10, 10, None, 5.0, 0.5).summary
'v.mp4: 10 frames (10 made now), 0.50 s/frame, 0 guard actions'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .manifest import write_json_atomic
from .progress import summary_line


@dataclass
class RenderReport:
    """What a render did; also written to ``report.json`` in the render folder.

    Attributes
    ----------
    out : str
        The video.
    frames_dir : str
        The render folder (frames, manifest, schedule, this report).
    n_frames : int
        Frames in the video.
    made : int
        Frames made by this run (fewer than ``n_frames`` when it resumed).
    resumed_from : int or None
        The diffused frame a resumed run continued after.
    seconds : float
        Wall time of this run.
    seconds_per_frame : float
        ``seconds / made``.
    guard_actions : list of dict
        One entry per collapsed frame: ``frame``, ``reasons``, ``retries``, ``recovered``.
    diffused : int
        Frames painted by the model (the rest are tweens).
    profile : str or None
        The model profile's line (:meth:`binarydream.render.model.profiles.ModelProfile.line`); None for a painter callable.
    """

    out: str
    frames_dir: str
    n_frames: int
    made: int
    resumed_from: int | None
    seconds: float
    seconds_per_frame: float
    guard_actions: list = field(default_factory=list)
    diffused: int = 0
    profile: str | None = None

    @property
    def summary(self) -> str:
        """The one-line summary.

        Examples
        --------
        >>> RenderReport("v.mp4", "v.frames", 10, 10, None, 5.0, 0.5).summary
        'v.mp4: 10 frames (10 made now), 0.50 s/frame, 0 guard actions'
        """
        return summary_line(self.n_frames, self.made, self.seconds, len(self.guard_actions), self.out)


def save_report(folder, report: RenderReport, details: dict, *, progress) -> RenderReport:
    """Write ``report`` with ``details`` to ``folder/report.json``, print its summary when ``progress``, return it."""
    write_json_atomic(Path(folder) / "report.json", {**asdict(report), "summary": report.summary, **details})
    if progress:
        print(report.summary, flush=True)
    return report
