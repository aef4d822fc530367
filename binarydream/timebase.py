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

from .errors import ParameterError

MAX_FRAME = 10**12
"""The largest frame index a time may convert to (keys past a video's end are allowed and shape its curves)."""

MAX_FRAMES = 10**7
"""The most frames a video may have: 92 hours at 30 fps, and 80 MB for each of its curves."""


def _checked(frames, what):
    """``frames`` (float64) after checking every value is finite and within :data:`MAX_FRAME`."""
    bad = ~(np.abs(frames) <= MAX_FRAME)  # also true for nan
    if np.any(bad):
        value = float(np.asarray(what)[bad][0] if np.ndim(what) else what)
        raise ParameterError(f"time {value:g} s is beyond frame {MAX_FRAME:,} or not a number: "
                             "give finite times within the song")
    return frames


def frame_count(duration: float, fps: float) -> int:
    """Number of video frames for ``duration`` seconds: ``round(duration * fps)``.

    Examples
    --------
    >>> frame_count(1.0, 29.97)
    30
    >>> frame_count(1e9, 30)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: 1e+09 s at 30 fps is 30,000,000,000 frames; the most a video may have is 10,000,000
    """
    frames = float(duration) * float(fps)
    if not 0 <= frames <= MAX_FRAMES:
        raise ParameterError(f"{float(duration):g} s at {float(fps):g} fps is {frames:,.0f} frames; "
                             f"the most a video may have is {MAX_FRAMES:,}")
    return int(round(frames))


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
    >>> frame_at(1e20, 30)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: time 1e+20 s is beyond frame 1,000,000,000,000 or not a number: give finite times within the song
    """
    seconds = np.asarray(seconds, dtype=np.float64)
    frames = _checked(np.rint(seconds * float(fps)), seconds).astype(np.int64)
    return int(frames) if frames.ndim == 0 else frames
