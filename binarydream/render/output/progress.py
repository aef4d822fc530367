"""Render progress: a tqdm bar with ETA, an optional callback for notebooks, and a one-line summary.

Examples
--------
>>> seen = []
>>> bar = Progress(3, callback=lambda done, total, eta: seen.append(done), bar=False)
>>> for _ in range(3):
...     bar.advance()
>>> bar.close(); seen
[1, 2, 3]
"""

from __future__ import annotations

import time


class Progress:
    """Counts frames as they are made.

    Parameters
    ----------
    total : int
        Frames in the video.
    initial : int
        Frames already made (a resumed render).
    callback : callable, optional
        ``callback(done, total, eta_seconds)`` after each frame; ``eta_seconds`` is None until one frame is timed.
    bar : bool
        Show a tqdm bar on stderr.
    """

    def __init__(self, total: int, *, initial: int = 0, callback=None, bar: bool = True):
        self.total, self.done, self.initial = total, initial, initial
        self.callback = callback
        self.started = time.perf_counter()
        self._bar = None
        if bar:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, initial=initial, unit="frame", desc="render", dynamic_ncols=True)

    @property
    def seconds(self) -> float:
        """Seconds since the start of this run."""
        return time.perf_counter() - self.started

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more frames made."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        if self.callback is not None:
            made = self.done - self.initial
            eta = self.seconds / made * (self.total - self.done) if made else None
            self.callback(self.done, self.total, eta)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()


def summary_line(n_frames: int, made: int, seconds: float, guard_actions: int, out) -> str:
    """The one line printed when a render ends.

    Examples
    --------
    >>> summary_line(300, 100, 50.0, 2, "video.mp4")
    'video.mp4: 300 frames (100 made now), 0.50 s/frame, 2 guard actions'
    """
    per_frame = seconds / made if made else 0.0
    return (f"{out}: {n_frames} frames ({made} made now), {per_frame:.2f} s/frame, "
            f"{guard_actions} guard action{'s' if guard_actions != 1 else ''}")
