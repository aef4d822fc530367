"""Colour coherence: keep a frame's palette on a reference's by histogram matching in YCrCb.

Feedback loops drift: each img2img pass shifts the colours a little, and over
hundreds of frames the picture slides to one hue. Matching every frame's
luma and chroma histograms to a reference stops the drift. YCrCb separates
brightness from colour as LAB does (Deforum matches in LAB) at a tenth of the
conversion cost; benchmarks/render_overhead.py prints the difference between
the two on a drifted frame. The reference is not frame 0
forever (Deforum's habit): :func:`colour_resets` marks the frames where the
palette is free to change (a section starts, a prompt fades in), and the render
takes its reference again from the first frame made after each.

A reference is the three cumulative histograms (``(3, 256)`` float64) of a
frame's Y, Cr and Cb channels, so it is small and can be rebuilt exactly from the
frame it came from.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> warm = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8); warm[..., 0] = 250
>>> cool = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8); cool[..., 0] = 20
>>> matched = match_colours(cool, reference_cdfs(warm))
>>> int(matched[..., 0].mean()) > 200
True
"""

from __future__ import annotations

import numpy as np

_LEVELS = np.arange(256, dtype=np.float64)


def _luma_chroma(frame: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YCrCb)


def _every(image: np.ndarray, stride: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    if stride > 1 and height % stride == 0 and width % stride == 0:
        # Nearest-neighbour at a whole-number scale takes exactly image[::stride, ::stride], four times faster.
        return cv2.resize(image, (width // stride, height // stride), interpolation=cv2.INTER_NEAREST)
    return np.ascontiguousarray(image[::stride, ::stride])


def _cdfs(sample: np.ndarray) -> np.ndarray:
    import cv2

    # cv2.calcHist counts exactly as np.bincount does, several times faster.
    counts = np.stack([cv2.calcHist([sample], [c], None, [256], [0, 256]).reshape(-1) for c in range(3)])
    return np.cumsum(counts.astype(np.float64), axis=1) / (sample.shape[0] * sample.shape[1])


def reference_cdfs(frame: np.ndarray, *, stride: int = 2) -> np.ndarray:
    """The colour reference of a uint8 RGB frame: cumulative histograms of its Y, Cr, Cb channels.

    Returns
    -------
    np.ndarray
        float64, shape (3, 256), each row rising to 1.

    Examples
    --------
    >>> import numpy as np
    >>> reference_cdfs(np.zeros((4, 4, 3), np.uint8))[:, -1].tolist()
    [1.0, 1.0, 1.0]
    """
    # The conversion is per pixel: converting only the pixels counted gives the same histograms, stride**2 times faster.
    return _cdfs(_luma_chroma(_every(frame, stride)))


def match_colours(frame: np.ndarray, reference: np.ndarray, *, amount: float = 1.0, stride: int = 2) -> np.ndarray:
    """Give ``frame`` the luma and chroma histograms of ``reference`` (from :func:`reference_cdfs`).

    Parameters
    ----------
    frame : np.ndarray
        uint8 RGB, shape (height, width, 3).
    reference : np.ndarray
        (3, 256) cumulative histograms.
    amount : float
        0 leaves the frame as it is, 1 matches fully; between, each level moves that far.
    stride : int
        Histograms are counted on every ``stride``-th pixel, which is plenty and four times faster.

    Returns
    -------
    np.ndarray
        uint8 RGB, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> frame = np.random.default_rng(1).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> np.array_equal(match_colours(frame, reference_cdfs(frame), amount=0.0), frame)
    True
    """
    import cv2

    if amount <= 0:
        return frame
    converted = _luma_chroma(frame)
    source = _cdfs(_every(converted, stride))
    # Each source level goes to the lowest reference level whose cumulative share reaches its own.
    matched = np.stack([np.searchsorted(reference[c], source[c] - 1e-12) for c in range(3)]).clip(0, 255)
    table = np.rint((1.0 - amount) * _LEVELS + amount * matched).astype(np.uint8)
    converted = cv2.LUT(converted, np.ascontiguousarray(table.T.reshape(256, 1, 3)))
    return cv2.cvtColor(converted, cv2.COLOR_YCrCb2RGB)


def colour_resets(n_frames: int, prompt_mixes, section_frames=()) -> np.ndarray:
    """Frames where the palette is free to change: prompt mix differs from the previous frame, or a section starts.

    Parameters
    ----------
    n_frames : int
    prompt_mixes : sequence
        ``prompt_mixes[i]`` is ``schedule.prompt_mix(i)``.
    section_frames : iterable of int
        First frames of sections.

    Returns
    -------
    np.ndarray
        bool, shape (n_frames,); frame 0 is always a reset (it makes the first reference).

    Examples
    --------
    >>> mixes = [[("a", 1.0)]] * 3 + [[("a", 0.5), ("b", 0.5)], [("b", 1.0)], [("b", 1.0)]]
    >>> colour_resets(6, mixes, section_frames=[2]).tolist()
    [True, False, True, True, True, False]
    """
    resets = np.zeros(n_frames, dtype=bool)
    resets[0] = True
    for i in range(1, n_frames):
        resets[i] = prompt_mixes[i] != prompt_mixes[i - 1]
    for frame in section_frames:
        if 0 <= frame < n_frames:
            resets[frame] = True
    return resets
