"""The 3D camera: each pixel is lifted to 3D by a depth map, moved by the camera, and seen again.

In 3D mode (a depth model is given and the schedule moves in depth or turns
in 3D) a frame is moved by ``translation_x``/``translation_y``/``translation_z``
and ``rotation_3d_x``/``rotation_3d_y``/``rotation_3d_z``, in Deforum's 3D
units and senses, so its keyframe strings mean what they meant there; as in
Deforum, ``zoom`` and ``angle`` are 2D curves and 3D mode does not read them.

* Translations: 200 schedule units move the camera one depth unit
  (Deforum's ``TRANSLATION_SCALE``). Positive ``translation_x`` moves the
  camera right (the picture slides left), positive ``translation_y`` moves
  it up (the picture slides down), positive ``translation_z`` moves it
  forward (the picture grows). Near things move more than far ones.
* Rotations in degrees: positive ``rotation_3d_x`` tilts the camera up (the
  picture slides down), ``rotation_3d_y`` pans it right (the picture slides
  left), ``rotation_3d_z`` rolls it so the picture turns counter-clockwise,
  as the 2D ``angle`` does.
* The camera is a pinhole whose field of view ``fov`` (degrees) spans the
  frame's height; the principal point is the frame's centre.

A depth map is float, one value per pixel, larger = farther, in depth units
(:func:`binarydream.render.frame.depth.depth_from_disparity` turns a depth model's
disparity into these). A camera move is a 4x4 matrix taking points from the
camera of the earlier frame to the camera of the later one, so moves compose
and invert exactly, as the cadence tweens need.

Resampling is an inverse map for :func:`cv2.remap`: for each pixel of the new
frame, where in the old frame did it come from? That needs the depth of the
new frame, which nobody has; it is approximated by the old frame's depth at
the same pixel, carried through the move (the depth, after the move, of the
point the old camera saw at that pixel). This is exact for a pure rotation,
for a forward or backward move over a flat scene facing the camera, and for
no move; elsewhere its error is confined to where depth jumps, where edges
stretch a little instead of tearing.

Examples
--------
>>> import numpy as np
>>> frame = np.zeros((48, 64, 3), np.uint8); frame[:, 32:] = 255
>>> depth = np.full((48, 64), 2.0, np.float32)
>>> moved = warp_3d(frame, depth, camera_move_3d(translation_x=100))  # camera right: the edge slides left
>>> int(np.argmax(moved[0, :, 0] > 128)) < 32
True
"""

from __future__ import annotations

import numpy as np

from .warp import BORDER_MODES

CURVES_3D = ("translation_z", "rotation_3d_x", "rotation_3d_y", "rotation_3d_z")
"""The curves only 3D mode reads; any of them non-zero (with a depth model) switches a render to 3D."""

TRANSLATION_SCALE = 1.0 / 200.0
"""Depth units per schedule unit of translation (Deforum's, from Disco Diffusion)."""

DEFAULT_FOV = 40.0
"""Vertical field of view in degrees (Deforum's default)."""


def camera_move_3d(*, translation_x: float = 0.0, translation_y: float = 0.0, translation_z: float = 0.0,
                   rotation_3d_x: float = 0.0, rotation_3d_y: float = 0.0, rotation_3d_z: float = 0.0) -> np.ndarray:
    """The 4x4 move of one frame's 3D camera: old-camera coordinates to new-camera coordinates.

    Camera coordinates are x right, y down, z forward (into the picture).
    The rotation is Deforum's (``euler_angles_to_matrix(..., "XYZ")`` applied
    to row vectors), then the translation.

    Parameters
    ----------
    translation_x, translation_y, translation_z : float
        Schedule units (200 per depth unit).
    rotation_3d_x, rotation_3d_y, rotation_3d_z : float
        Degrees.

    Returns
    -------
    np.ndarray
        float64, shape (4, 4).

    Examples
    --------
    >>> camera_move_3d(translation_z=200) @ [0.0, 0.0, 3.0, 1.0]  # one unit forward: the point is nearer
    array([0., 0., 2., 1.])
    >>> np.round(camera_move_3d(rotation_3d_y=90) @ [0.0, 0.0, 1.0, 1.0], 12)  # pan right: ahead is now left
    array([-1.,  0.,  0.,  1.])
    """
    ax, ay, az = np.deg2rad([rotation_3d_x, rotation_3d_y, rotation_3d_z])
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    about_x = np.array([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
    about_y = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    about_z = np.array([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
    move = np.eye(4)
    # Deforum multiplies row vectors by Rx @ Ry @ Rz; for column vectors that is its transpose.
    move[:3, :3] = (about_x @ about_y @ about_z).T
    move[:3, 3] = np.array([-translation_x, translation_y, -translation_z]) * TRANSLATION_SCALE
    return move


def schedule_moves_3d(schedule) -> np.ndarray:
    """Every frame's 3D camera move from a schedule's translation and rotation curves.

    Returns
    -------
    np.ndarray
        float64, shape (n_frames, 4, 4); entry ``i`` moves frame ``i - 1`` into frame ``i``.

    Examples
    --------
    >>> class Flat(dict):
    ...     n_frames = 2
    >>> names = ("translation_x", "translation_y") + CURVES_3D
    >>> sched = Flat({name: np.zeros(2) for name in names}, translation_z=np.array([0.0, 20.0]))
    >>> float(schedule_moves_3d(sched)[1][2, 3])
    -0.1
    """
    names = ("translation_x", "translation_y") + CURVES_3D
    curves = [np.asarray(schedule[name], dtype=np.float64) for name in names]
    return np.stack([camera_move_3d(**dict(zip(names, values))) for values in zip(*curves)])


def uses_3d(schedule) -> bool:
    """Whether any curve that only 3D mode reads (:data:`CURVES_3D`) is non-zero somewhere.

    Examples
    --------
    >>> uses_3d({name: np.zeros(3) for name in CURVES_3D})
    False
    >>> uses_3d({**{name: np.zeros(3) for name in CURVES_3D}, "rotation_3d_y": np.array([0.0, 0.5, 0.0])})
    True
    """
    return any(np.any(np.asarray(schedule[name]) != 0) for name in CURVES_3D)


def focal_length(height: int, fov: float = DEFAULT_FOV) -> float:
    """The pinhole camera's focal length in pixels for a frame ``height`` pixels high.

    Examples
    --------
    >>> round(focal_length(720, 40.0), 1)
    989.1
    """
    return float((height / 2.0) / np.tan(np.deg2rad(fov) / 2.0))


def warp_3d(frame: np.ndarray, depth: np.ndarray, move: np.ndarray, *, fov: float = DEFAULT_FOV,
            border: str = "replicate") -> np.ndarray:
    """Move ``frame`` by the 3D camera ``move``, each pixel by its depth, in one bilinear resampling pass.

    Parameters
    ----------
    frame : np.ndarray
        uint8 (or float32) image, shape (height, width, channels).
    depth : np.ndarray
        Positive floats, shape (height, width), larger = farther, in depth units
        (:data:`TRANSLATION_SCALE` relates them to the schedule's translations).
    move : np.ndarray
        4x4 camera move (:func:`camera_move_3d`, or several composed).
    fov : float
        Vertical field of view in degrees.
    border : str
        One of :data:`binarydream.render.frame.warp.BORDER_MODES`; also fills what came from behind the camera.

    Returns
    -------
    np.ndarray
        The moved frame, same shape and dtype.

    Examples
    --------
    >>> frame = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    >>> np.array_equal(warp_3d(frame, np.ones((4, 4)), np.eye(4)), frame)
    True
    """
    import cv2

    if border not in BORDER_MODES:
        raise ValueError(f"border must be one of {', '.join(BORDER_MODES)}, got {border!r}")
    modes = {"replicate": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT_101,
             "wrap": cv2.BORDER_WRAP, "black": cv2.BORDER_CONSTANT}
    height, width = frame.shape[:2]
    f = focal_length(height, fov)
    centre_x, centre_y = (width - 1) / 2.0, (height - 1) / 2.0
    # Rays through each pixel of the new frame, at unit depth.
    ray_x = ((np.arange(width, dtype=np.float32) - centre_x) / f)[None, :]
    ray_y = ((np.arange(height, dtype=np.float32) - centre_y) / f)[:, None]
    move = np.asarray(move, dtype=np.float64)
    rotation, shift = move[:3, :3].astype(np.float32), move[:3, 3].astype(np.float32)
    z = np.asarray(depth, dtype=np.float32)
    # The new frame's depth at each pixel: the old depth there, carried through the move.
    z_new = z * (rotation[2, 0] * ray_x + rotation[2, 1] * ray_y + rotation[2, 2]) + shift[2]
    # That point in the new camera, taken back to the old camera (inverse of a rigid move), and projected.
    new = (ray_x * z_new - shift[0], ray_y * z_new - shift[1], z_new - shift[2])
    old_x, old_y, old_z = (rotation[0, k] * new[0] + rotation[1, k] * new[1] + rotation[2, k] * new[2]
                           for k in range(3))
    behind = (old_z <= 1e-6) | (z_new <= 1e-6)
    safe_z = np.where(behind, np.float32(1.0), old_z)
    map_x = np.where(behind, np.float32(-width), old_x / safe_z * f + centre_x).astype(np.float32)
    map_y = np.where(behind, np.float32(-height), old_y / safe_z * f + centre_y).astype(np.float32)
    return cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=modes[border])
