"""The one time base: seconds at the public face, frame ``i`` shows time ``i / fps``.

Every stage converts between seconds and frames through these functions, so a
10-minute song at 29.97 fps never drifts by accumulated rounding.

Examples
--------
>>> from binarydream.timebase import frame_count, frame_times, frame_at
>>> frame_count(10.0, 30)
300
>>> frame_times(3, 30).tolist()
[0.0, 0.03333333333333333, 0.06666666666666667]
>>> frame_at(2.5, 24)
60
"""

from __future__ import annotations

import numpy as np


def frame_count(duration: float, fps: float) -> int:
    """Number of video frames for ``duration`` seconds: ``round(duration * fps)``.

    Examples
    --------
    >>> frame_count(1.0, 29.97)
    30
    """
    return int(round(float(duration) * float(fps)))


def frame_times(n_frames: int, fps: float) -> np.ndarray:
    """Time in seconds of each frame, ``i / fps``, as float64.

    Examples
    --------
    >>> frame_times(2, 25).tolist()
    [0.0, 0.04]
    """
    return np.arange(int(n_frames), dtype=np.float64) / float(fps)


def frame_at(seconds, fps: float):
    """Index of the frame showing time ``seconds`` (nearest frame), for a scalar or an array.

    Examples
    --------
    >>> frame_at(0.05, 30)
    2
    >>> frame_at([0.0, 1.0], 30).tolist()
    [0, 30]
    """
    frames = np.rint(np.asarray(seconds, dtype=np.float64) * float(fps)).astype(np.int64)
    return int(frames) if frames.ndim == 0 else frames
