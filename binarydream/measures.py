"""Per-frame measures that tell a living image from a collapsed one.

The render's collapse guard and the quality report read the same numbers, so a
frame the guard redid is the frame the report would flag. Frames are uint8
arrays of shape (height, width, 3); measures are taken on a strided view (every
``stride``-th pixel), which keeps them well under a millisecond at 720p.

Examples
--------
>>> import numpy as np
>>> from binarydream.measures import measure_frame, collapse_reason
>>> flat = np.full((64, 64, 3), 120, np.uint8)
>>> collapse_reason(measure_frame(flat))
'flat'
>>> noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
>>> collapse_reason(measure_frame(noise)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class FrameMeasures:
    """What one frame looks like, in numbers.

    Attributes
    ----------
    contrast : float
        Standard deviation of luma, in [0, 0.5]; near 0 for a flat colour.
    entropy : float
        Shannon entropy of the 64-bin luma histogram, in bits, in [0, 6].
    colourfulness : float
        Hasler and Süsstrunk's colourfulness on a [0, 1] scale (0 for greys).
    change : float or None
        Mean absolute difference from the previous frame, in [0, 1]; None for the first frame.
    """

    contrast: float
    entropy: float
    colourfulness: float
    change: float | None = None


@dataclass(frozen=True)
class CollapseThresholds:
    """Where a frame counts as collapsed.

    A frame is ``"flat"`` when its contrast is below ``min_contrast`` or its
    entropy below ``min_entropy``, and ``"frozen"`` when it changed less than
    ``min_change`` from the previous frame.
    """

    min_contrast: float = 0.03
    min_entropy: float = 1.5
    min_change: float = 0.0005


def _strided(frame: np.ndarray, stride: int) -> np.ndarray:
    frame = np.asarray(frame)
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"a frame is an array of shape (height, width, 3), got {frame.shape}")
    return frame[::stride, ::stride].astype(np.float32) / 255.0


def measure_frame(frame: np.ndarray, previous: np.ndarray | None = None, *, stride: int = 4) -> FrameMeasures:
    """Measure one frame, and its change from ``previous`` when given.

    Parameters
    ----------
    frame, previous : np.ndarray
        uint8 RGB frames of the same shape.
    stride : int
        Measure every ``stride``-th pixel in each direction.

    Returns
    -------
    FrameMeasures

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((8, 8, 3), np.uint8); b = np.full((8, 8, 3), 255, np.uint8)
    >>> measure_frame(b, a, stride=1).change
    1.0
    """
    rgb = _strided(frame, stride)
    luma = rgb @ _LUMA
    counts = np.bincount(np.minimum((luma * 64).astype(np.int64), 63).ravel(), minlength=64)
    p = counts[counts > 0] / counts.sum()
    entropy = float(-(p * np.log2(p)).sum())
    rg = rgb[..., 0] - rgb[..., 1]
    yb = 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]
    colourfulness = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
    change = None
    if previous is not None:
        change = float(np.abs(rgb - _strided(previous, stride)).mean())
    return FrameMeasures(float(luma.std()), entropy, colourfulness, change)


def collapse_reason(measures: FrameMeasures, thresholds: CollapseThresholds = CollapseThresholds()) -> str | None:
    """Say why a frame counts as collapsed: ``"flat"``, ``"frozen"``, or None when it is fine.

    Examples
    --------
    >>> collapse_reason(FrameMeasures(contrast=0.2, entropy=4.0, colourfulness=0.1, change=0.0))
    'frozen'
    """
    if measures.contrast < thresholds.min_contrast or measures.entropy < thresholds.min_entropy:
        return "flat"
    if measures.change is not None and measures.change < thresholds.min_change:
        return "frozen"
    return None
