"""The librosa backend: onset strength, dynamic-programming beats and accent-based meter (:func:`..beats.track_grid`).

Always installed. It listens at 22050 Hz; a signal at another rate is resampled.

Examples
--------
>>> import numpy as np, librosa
>>> version, sample_rate, track = load(None)
>>> y = librosa.clicks(times=np.arange(0.5, 10, 0.5), sr=22050, length=10 * 22050)
>>> grid = track(y, 22050)
>>> grid.tracker, round(grid.tempo)
('librosa', 120)
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 22050


def ready() -> bool:
    """Always True: librosa is a core dependency."""
    return True


def load(option: None):
    """``(version, sample_rate, track)`` for :class:`~binarydream.analysis.trackers.Tracker`."""
    import librosa

    return librosa.__version__, SAMPLE_RATE, track


def track(y: np.ndarray, sr: int, *, beats_per_bar: int | None = None):
    """Beats, downbeats and meter of a mono signal, by librosa (see :func:`binarydream.analysis.beats.track_grid`).

    Examples
    --------
    >>> track(np.zeros(22050 * 3, np.float32), 22050).beats.size
    0
    """
    from ..beats import track_grid
    from .resample import to_rate

    return track_grid(to_rate(y, sr, SAMPLE_RATE), SAMPLE_RATE, beats_per_bar=beats_per_bar)
