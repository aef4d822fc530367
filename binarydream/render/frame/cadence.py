"""Cadence: diffuse every Nth frame (optionally on the beats) and tween the frames between.

A tween frame between diffused frames ``a`` and ``b`` is the earlier one moved
forward by the camera to that frame, blended with the later one moved back to
it (affine camera moves invert exactly), so motion stays smooth and the new
detail fades in rather than popping on the diffused frame. In 3D mode each
end is moved by its own depth map (3D camera moves compose and invert exactly too).

Examples
--------
>>> diffusion_frames(10, 4).tolist()
[0, 4, 8, 9]
>>> diffusion_frames(10, 4, beat_frames=[3, 7]).tolist()
[0, 3, 7, 9]
"""

from __future__ import annotations

import numpy as np

from ...errors import ParameterError
from .warp import compose, warp
from .warp3d import DEFAULT_FOV, warp_3d


def diffusion_frames(n_frames: int, cadence: int, beat_frames=None) -> np.ndarray:
    """Which frames are diffused: every ``cadence``-th, the first and the last.

    With ``beat_frames``, each regular frame moves to the nearest beat within
    half a cadence, so new images land on the music.

    Parameters
    ----------
    n_frames : int
    cadence : int
        1 diffuses every frame.
    beat_frames : array-like of int, optional
        Frame indices of the beats (``timebase.frame_at(beats, fps)``).

    Returns
    -------
    np.ndarray
        int64, ascending, unique, starting at 0 and ending at ``n_frames - 1``.

    Examples
    --------
    >>> diffusion_frames(4, 1).tolist()
    [0, 1, 2, 3]
    """
    if not (isinstance(cadence, (int, np.integer)) and cadence >= 1):
        raise ParameterError(f"cadence must be a whole number of frames >= 1, got {cadence!r}")
    grid = np.arange(0, n_frames, cadence, dtype=np.int64)
    if beat_frames is not None and cadence > 1 and len(beat_frames):
        beats = np.unique(np.asarray(beat_frames, dtype=np.int64))
        beats = beats[(beats > 0) & (beats < n_frames)]
        if beats.size:
            nearest = beats[np.abs(grid[:, None] - beats[None, :]).argmin(axis=1)]
            grid = np.where(np.abs(nearest - grid) <= cadence // 2, nearest, grid)
    return np.unique(np.concatenate([[0, n_frames - 1], grid]))


def segment_keys(keys: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The diffused frames of the segment ``[start, stop)`` of a render: its own keys, opened and closed by a key.

    Examples
    --------
    >>> segment_keys(diffusion_frames(30, 4), 10, 20).tolist()
    [10, 12, 16, 19]
    """
    keys = np.asarray(keys, dtype=np.int64)
    inside = keys[(keys > start) & (keys < stop - 1)]
    return np.unique(np.concatenate([[start], inside, [stop - 1]]))


def tweens(first: np.ndarray, last: np.ndarray, matrices: np.ndarray, start: int, stop: int, *,
           border: str = "replicate", depths=None, fov: float = DEFAULT_FOV):
    """The frames strictly between diffused frames ``start`` and ``stop``.

    Parameters
    ----------
    first, last : np.ndarray
        uint8 RGB frames ``start`` and ``stop``.
    matrices : np.ndarray
        Per-frame camera matrices: 2D (:func:`binarydream.render.frame.warp.schedule_matrices`)
        or, with ``depths``, 3D moves (:func:`binarydream.render.frame.warp3d.schedule_moves_3d`).
    start, stop : int
        Frame indices, ``start < stop``.
    border : str
        Border mode of the warp.
    depths : (np.ndarray, np.ndarray), optional
        Depth maps of ``first`` and ``last``: the tweens use the 3D warp.
    fov : float
        Vertical field of view of the 3D warp, degrees.

    Yields
    ------
    (int, np.ndarray)
        Frame index and uint8 frame, in order.

    Examples
    --------
    >>> import numpy as np
    >>> black, white = np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 200, np.uint8)
    >>> [int(f[0, 0, 0]) for _, f in tweens(black, white, np.tile(np.eye(3), (5, 1, 1)), 0, 4)]
    [50, 100, 150]
    """
    import cv2

    def move(frame, matrix, depth):
        if depths is None:
            return warp(frame, matrix, border=border)
        return warp_3d(frame, depth, matrix, fov=fov, border=border)

    first_depth, last_depth = depths if depths is not None else (None, None)
    size = matrices.shape[-1]
    forward = np.eye(size)
    backward = [np.eye(size)] * (stop - start + 1)
    for j in range(stop - 1, start, -1):
        backward[j - start] = compose(matrices[j + 1], backward[j - start + 1]) if j + 1 < stop else matrices[stop]
    for j in range(start + 1, stop):
        forward = compose(forward, matrices[j])
        weight = (j - start) / (stop - start)
        ahead = move(first, forward, first_depth)
        behind = move(last, np.linalg.inv(backward[j - start]), last_depth)
        yield j, cv2.addWeighted(ahead, 1.0 - weight, behind, weight, 0.0)
