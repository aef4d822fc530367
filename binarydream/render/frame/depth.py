"""Depth for the 3D camera: a depth model loaded once by name, and depth maps checked and sized to the frame.

The render's ``depth=`` option is either a callable ``depth(frame_uint8) ->
array`` (larger = farther, in depth units; see :mod:`binarydream.render.frame.warp3d`)
or a model id or folder for transformers' depth-estimation pipeline, such as
``"depth-anything/Depth-Anything-V2-Small-hf"`` or ``"Intel/dpt-hybrid-midas"``.
Such models give relative disparity (larger = nearer, unknown scale and
shift); :func:`depth_from_disparity` maps it into depth units between
``near`` and ``far``, so that the schedule's translations move the picture by
similar amounts whatever the model. Metric models (ZoeDepth, Depth Anything's
metric variants) give metres, used as depth units as they are.

Examples
--------
>>> import numpy as np
>>> [round(float(d), 3) for d in depth_from_disparity(np.array([0.0, 5.0, 10.0]))]  # largest disparity: nearest
[2.5, 1.429, 1.0]
"""

from __future__ import annotations

import numpy as np

from ...errors import ModelNotFoundError, RenderError

NEAR, FAR = 1.0, 2.5
"""Depth units of the nearest and farthest pixel of a relative depth model's map (about MiDaS's in Deforum)."""


def depth_from_disparity(disparity: np.ndarray, *, near: float = NEAR, far: float = FAR) -> np.ndarray:
    """Depth from relative disparity: its largest value at ``near``, its smallest at ``far``, linear in 1/depth.

    Parameters
    ----------
    disparity : np.ndarray
        Larger = nearer (MiDaS, DPT, Depth Anything), any scale and shift.
    near, far : float
        Depth units, ``0 < near < far``.

    Returns
    -------
    np.ndarray
        float32, same shape; a flat disparity gives ``far`` everywhere.

    Examples
    --------
    >>> depth_from_disparity(np.ones((2, 2))).tolist()
    [[2.5, 2.5], [2.5, 2.5]]
    """
    disparity = np.asarray(disparity, dtype=np.float64)
    low, high = float(disparity.min()), float(disparity.max())
    share = (disparity - low) / (high - low) if high > low else np.zeros_like(disparity)
    return (1.0 / (1.0 / far + share * (1.0 / near - 1.0 / far))).astype(np.float32)


def _is_metric(config) -> bool:
    return getattr(config, "model_type", "") == "zoedepth" or getattr(config, "depth_estimation_type", "") == "metric"


def load_depth_model(model, *, device: str | None = None):
    """A depth callable from a transformers depth-estimation model, loaded once.

    Parameters
    ----------
    model : str or Path
        Hub id or local folder of a depth-estimation model
        (e.g. ``"depth-anything/Depth-Anything-V2-Small-hf"``, ``"Intel/dpt-hybrid-midas"``).
    device : str, optional
        None picks cuda, then mps, then cpu.

    Returns
    -------
    callable
        ``depth(frame_uint8) -> float32 (height, width)`` depth map, larger = farther.

    Raises
    ------
    ModelNotFoundError
        The model is not on this machine and cannot be downloaded.

    Examples
    --------
    >>> depth = load_depth_model("depth-anything/Depth-Anything-V2-Small-hf")  # doctest: +SKIP
    >>> depth(frame).shape  # doctest: +SKIP
    (720, 1280)
    """
    from PIL import Image
    from transformers import pipeline

    from ...devices import pick_device

    try:
        estimator = pipeline("depth-estimation", model=str(model), device=pick_device(device))
    except (OSError, ValueError) as error:
        raise ModelNotFoundError(
            f"depth model {str(model)!r} is not on this machine and could not be downloaded "
            f"({type(error).__name__}); run `hf download {model}` where the Hugging Face Hub is reachable, "
            "or pass a local model folder or a depth callable") from None
    metric = _is_metric(estimator.model.config)

    def depth(frame: np.ndarray) -> np.ndarray:
        predicted = estimator(Image.fromarray(frame))["predicted_depth"].squeeze().float().cpu().numpy()
        return predicted.astype(np.float32) if metric else depth_from_disparity(predicted)

    return depth


def depth_name(depth) -> str:
    """How the manifest names a depth option: the model id, or the callable's qualified name.

    Examples
    --------
    >>> depth_name("Intel/dpt-hybrid-midas"), depth_name(np.ones_like)
    ('Intel/dpt-hybrid-midas', 'numpy.ones_like')
    """
    if isinstance(depth, str):
        return depth
    kind = depth if hasattr(depth, "__qualname__") else type(depth)
    return f"{kind.__module__}.{kind.__qualname__}"


def frame_depth(depth, frame: np.ndarray) -> np.ndarray:
    """The depth map of ``frame`` from the callable ``depth``, checked and resized to the frame.

    Raises
    ------
    RenderError
        The map is not 2D, or holds values that are not finite and positive.

    Examples
    --------
    >>> frame_depth(lambda frame: np.full((2, 3), 2.0), np.zeros((4, 6, 3), np.uint8)).shape
    (4, 6)
    """
    import cv2

    height, width = frame.shape[:2]
    values = np.asarray(depth(frame), dtype=np.float32).squeeze()
    if values.ndim != 2 or not np.all(np.isfinite(values)) or not values.min() > 0:
        raise RenderError(f"the depth model gave a {values.shape} map with values that are not all finite and "
                          "positive; a depth callable must return (height, width) depths, larger = farther")
    if values.shape != (height, width):
        values = cv2.resize(values, (width, height), interpolation=cv2.INTER_LINEAR)
    return values
