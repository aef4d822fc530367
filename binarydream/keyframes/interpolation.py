"""Interpolators: plain functions in a registry keyed by name.

An interpolator takes the known points of a curve, ``frames`` (ascending,
distinct) and ``values``, and the frames to fill, ``query`` (all within
``[frames[0], frames[-1]]``), and returns the values there. Known frames are
written back exactly afterwards, so an interpolator only has to fill the gaps.

Built in: ``linear`` (the default, Disco's and Deforum's), ``step`` (hold the
previous key), ``cubic`` (a not-a-knot cubic spline through all known points;
with three points it is a parabola and with two a line, as Deforum falls back),
``ease_in``, ``ease_out``, ``ease_in_out`` and ``cosine`` (quadratic, quadratic,
smoothstep and raised-cosine easing between each pair of neighbouring known points).

Examples
--------
>>> import numpy as np
>>> step = get_interpolation("step")
>>> step(np.array([0.0, 10.0]), np.array([1.0, 2.0]), np.array([0.0, 5.0, 10.0])).tolist()
[1.0, 1.0, 2.0]
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import KeyframeError

Interpolator = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

_METHODS: dict[str, Interpolator] = {}


def register_interpolation_method(name: str, function: Interpolator, *, replace: bool = False) -> None:
    """Make ``function`` usable as ``name|`` at the start of a keyframe string.

    Parameters
    ----------
    name : str
        An identifier (letters, digits, underscores).
    function : callable(frames, values, query) -> np.ndarray
        See the module docstring.
    replace : bool
        Allow replacing an existing method of that name.

    Examples
    --------
    >>> import numpy as np
    >>> register_interpolation_method("nearest", lambda f, v, q: v[np.abs(q[:, None] - f).argmin(axis=1)],
    ...                               replace=True)
    >>> from binarydream.keyframes import parse
    >>> parse("nearest| 0:(0), 4:(1)", n_frames=5).tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0]
    """
    if not (isinstance(name, str) and name.isidentifier()):
        raise KeyframeError(f"interpolation name {name!r} is not an identifier: use letters, digits and underscores")
    if not callable(function):
        raise KeyframeError(f"interpolation {name!r} must be a function (frames, values, query) -> values")
    if name in _METHODS and not replace:
        raise KeyframeError(f"interpolation {name!r} exists already: pass replace=True to replace it")
    _METHODS[name] = function


def interpolation_methods() -> tuple[str, ...]:
    """Names of the registered interpolation methods.

    Examples
    --------
    >>> "linear" in interpolation_methods()
    True
    """
    return tuple(_METHODS)


def get_interpolation(name: str) -> Interpolator:
    """The interpolator registered as ``name``; an unknown name lists the known ones.

    Examples
    --------
    >>> get_interpolation("linear").__name__
    'linear'
    """
    try:
        return _METHODS[name]
    except KeyError:
        raise KeyframeError(f"unknown interpolation {name!r}: use one of {', '.join(_METHODS)}") from None


def linear(frames, values, query):
    """Straight lines between neighbouring known points (Disco's and Deforum's default).

    Examples
    --------
    >>> import numpy as np
    >>> linear(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([1.0, 2.0])).tolist()
    [0.25, 0.5]
    """
    return np.interp(query, frames, values)


def step(frames, values, query):
    """Hold each known value until the next known point.

    Examples
    --------
    >>> import numpy as np
    >>> step(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([3.0, 4.0])).tolist()
    [0.0, 1.0]
    """
    return values[np.searchsorted(frames, query, side="right") - 1]


def cubic(frames, values, query):
    """A not-a-knot cubic spline through all known points (a parabola through three, a line through two).

    Examples
    --------
    >>> import numpy as np
    >>> cubic(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 4.0]), np.array([1.5])).tolist()
    [2.25]
    """
    if len(frames) < 3:
        return linear(frames, values, query)
    from scipy.interpolate import CubicSpline

    return CubicSpline(frames, values, bc_type="not-a-knot")(query)


def _between(frames, values, query, shape):
    right = np.clip(np.searchsorted(frames, query, side="right"), 1, len(frames) - 1)
    x0, x1 = frames[right - 1], frames[right]
    y0, y1 = values[right - 1], values[right]
    u = np.clip((query - x0) / (x1 - x0), 0.0, 1.0)
    return y0 + (y1 - y0) * shape(u)


def ease_in(frames, values, query):
    """Start slowly from each known point and arrive at full speed (quadratic).

    Examples
    --------
    >>> import numpy as np
    >>> ease_in(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([2.0])).tolist()
    [0.25]
    """
    return _between(frames, values, query, lambda u: u * u)


def ease_out(frames, values, query):
    """Leave each known point at full speed and arrive slowly (quadratic).

    Examples
    --------
    >>> import numpy as np
    >>> ease_out(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([2.0])).tolist()
    [0.75]
    """
    return _between(frames, values, query, lambda u: u * (2.0 - u))


def ease_in_out(frames, values, query):
    """Start and arrive slowly (smoothstep, ``3u^2 - 2u^3``).

    Examples
    --------
    >>> import numpy as np
    >>> ease_in_out(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([1.0, 2.0])).tolist()
    [0.15625, 0.5]
    """
    return _between(frames, values, query, lambda u: u * u * (3.0 - 2.0 * u))


def cosine(frames, values, query):
    """Start and arrive slowly along half a cosine wave (``(1 - cos(pi u)) / 2``), as a camera turns.

    Examples
    --------
    >>> import numpy as np
    >>> cosine(np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.array([1.0, 2.0])).round(4).tolist()
    [0.1464, 0.5]
    """
    return _between(frames, values, query, lambda u: 0.5 - 0.5 * np.cos(np.pi * u))


for _function in (linear, step, cubic, ease_in, ease_out, ease_in_out, cosine):
    register_interpolation_method(_function.__name__, _function)
