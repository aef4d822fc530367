"""Signals at the rate a tracker listens at: madmom's models at 44.1 kHz, Beat This! and librosa at 22.05 kHz.

Examples
--------
>>> import numpy as np
>>> to_rate(np.zeros(44100, np.float32), 44100, 22050).shape
(22050,)
"""

from __future__ import annotations

import numpy as np


def to_rate(y: np.ndarray, sr: int, target_sr: int) -> np.ndarray:
    """``y`` resampled from ``sr`` to ``target_sr`` Hz as float32 (soxr, high quality); unchanged when equal.

    Examples
    --------
    >>> y = np.ones(100, np.float32)
    >>> to_rate(y, 22050, 22050) is y
    True
    """
    if sr == target_sr:
        return y
    import soxr

    return soxr.resample(np.asarray(y, dtype=np.float32), sr, target_sr, quality="HQ").astype(np.float32)
