"""The 2D camera: zoom, angle and translation as one affine warp, shared by the render and the preview.

A frame is moved by the camera of the frame it becomes: ``zoom`` > 1 moves in,
``angle`` turns the picture counter-clockwise by that many degrees, and
``translation_x``/``translation_y`` move it by that many pixels (at the
render's width; the preview scales them to its own). Deforum's conventions, so
its keyframe strings mean what they meant there.

Matrices are 3x3 so that moves compose (:func:`compose`) and invert, which the
cadence tweens need; :func:`warp` applies one in a single resampling pass.

Examples
--------
>>> import numpy as np
>>> frame = np.zeros((64, 96, 3), np.uint8); frame[:, 48:] = 255
>>> moved = warp(frame, camera_matrix(96, 64, translation_x=8))
>>> int(moved[0, 52, 0]), int(moved[0, 58, 0])
(0, 255)
"""

from __future__ import annotations

import numpy as np

BORDER_MODES = ("replicate", "reflect", "wrap", "black")
"""How pixels that enter the picture from outside it are filled."""


def camera_matrix(width: int, height: int, *, zoom: float = 1.0, angle: float = 0.0,
                  translation_x: float = 0.0, translation_y: float = 0.0, pixel_scale: float = 1.0) -> np.ndarray:
    """The 3x3 matrix that moves a ``width`` x ``height`` frame by one frame's camera.

    Rotation and zoom turn about the frame's centre; the translation is applied
    first, in pixels times ``pixel_scale``.

    Parameters
    ----------
    width, height : int
        Frame size in pixels.
    zoom, angle, translation_x, translation_y : float
        The camera for this frame (``sched["zoom"][i]`` and so on); ``angle`` in degrees.
    pixel_scale : float
        Multiplies the translations (a preview at a lower resolution than the render passes its ratio).

    Returns
    -------
    np.ndarray
        float64, shape (3, 3), mapping source pixel coordinates to destination ones.

    Examples
    --------
    >>> camera_matrix(101, 101, zoom=2.0) @ [50.0, 50.0, 1.0]
    array([50., 50.,  1.])
    >>> float((camera_matrix(101, 101, zoom=2.0) @ [60.0, 50.0, 1.0])[0])
    70.0
    """
    if not zoom > 0:
        raise ValueError(f"zoom must be positive, got {zoom}")
    theta = np.deg2rad(angle)
    cos, sin = np.cos(theta) * zoom, np.sin(theta) * zoom
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    # Same matrix as cv2.getRotationMatrix2D(centre, angle, zoom), in 3x3 form.
    rotate = np.array([[cos, sin, (1 - cos) * cx - sin * cy],
                       [-sin, cos, sin * cx + (1 - cos) * cy],
                       [0.0, 0.0, 1.0]])
    shift = np.array([[1.0, 0.0, translation_x * pixel_scale], [0.0, 1.0, translation_y * pixel_scale], [0.0, 0.0, 1.0]])
    return rotate @ shift


def schedule_matrices(schedule, width: int, height: int, *, pixel_scale: float = 1.0) -> np.ndarray:
    """Every frame's camera matrix from a schedule's ``zoom``, ``angle`` and translation curves.

    Returns
    -------
    np.ndarray
        float64, shape (n_frames, 3, 3); entry ``i`` moves frame ``i - 1`` into frame ``i``.

    Examples
    --------
    >>> class Flat(dict):
    ...     n_frames = 2
    >>> sched = Flat(zoom=np.ones(2), angle=np.zeros(2), translation_x=np.array([0.0, 3.0]), translation_y=np.zeros(2))
    >>> float(schedule_matrices(sched, 8, 8)[1][0, 2])
    3.0
    """
    curves = [np.asarray(schedule[name], dtype=np.float64)
              for name in ("zoom", "angle", "translation_x", "translation_y")]
    return np.stack([camera_matrix(width, height, zoom=z, angle=a, translation_x=x, translation_y=y,
                                   pixel_scale=pixel_scale) for z, a, x, y in zip(*curves)])


def compose(*matrices: np.ndarray) -> np.ndarray:
    """One matrix doing ``matrices`` in order (the first given is applied first).

    Works for 2D camera matrices (3x3) and 3D camera moves (4x4,
    :func:`binarydream.render.frame.warp3d.camera_move_3d`) alike.

    Examples
    --------
    >>> a = camera_matrix(10, 10, translation_x=1); float(compose(a, a)[0, 2])
    2.0
    """
    total = np.eye(len(matrices[0]) if matrices else 3)
    for matrix in matrices:
        total = np.asarray(matrix, dtype=np.float64) @ total
    return total


def warp(frame: np.ndarray, matrix: np.ndarray, *, border: str = "replicate") -> np.ndarray:
    """Move ``frame`` by ``matrix`` in one bilinear resampling pass.

    Parameters
    ----------
    frame : np.ndarray
        uint8 (or float32) image, shape (height, width, channels).
    matrix : np.ndarray
        3x3 affine matrix from :func:`camera_matrix` or :func:`compose`.
    border : str
        One of :data:`BORDER_MODES`.

    Returns
    -------
    np.ndarray
        The moved frame, same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> frame = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    >>> np.array_equal(warp(frame, np.eye(3)), frame)
    True
    """
    import cv2

    if border not in BORDER_MODES:
        raise ValueError(f"border must be one of {', '.join(BORDER_MODES)}, got {border!r}")
    modes = {"replicate": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT_101,
             "wrap": cv2.BORDER_WRAP, "black": cv2.BORDER_CONSTANT}
    height, width = frame.shape[:2]
    return cv2.warpAffine(frame, np.asarray(matrix, dtype=np.float64)[:2], (width, height),
                          flags=cv2.INTER_LINEAR, borderMode=modes[border])
