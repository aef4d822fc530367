"""Per-frame values back to a keyframe string that Disco's and Deforum's parsers read to the same values.

Examples
--------
>>> import numpy as np
>>> keyframe_string(np.array([0.0, 0.5, 1.0, 1.0, 1.0]))
'0: (0), 2: (1), 4: (1)'
"""

from __future__ import annotations

import numpy as np


def format_number(value: float) -> str:
    """Shortest decimal that reads back to exactly ``value``, without an exponent (Deforum reads no exponents).

    Examples
    --------
    >>> format_number(1e-05), format_number(2.0), format_number(-0.1)
    ('0.00001', '2', '-0.1')
    """
    return np.format_float_positional(float(value), unique=True, trim="-")


def _reproduces(values, start, stop, tolerance=0.0):
    """Whether linear interpolation from ``start`` to ``stop`` gives ``values[start:stop+1]``: bit for bit when
    ``tolerance`` is 0, else within it."""
    frames = np.arange(start, stop + 1, dtype=np.float64)
    line = np.interp(frames, [float(start), float(stop)], [values[start], values[stop]])
    if tolerance == 0:
        return np.array_equal(line, values[start:stop + 1])
    return bool(np.max(np.abs(line - values[start:stop + 1])) <= tolerance)


def linear_keys(values: np.ndarray, tolerance: float = 0.0) -> list[int]:
    """Frames to key so that linear interpolation between them reproduces ``values`` (exactly, or within ``tolerance``).

    Greedy: from each key, the furthest frame (found by galloping, then bisecting)
    whose straight line reproduces every frame in between. Always keys the first
    and last frame.

    Examples
    --------
    >>> import numpy as np
    >>> linear_keys(np.array([0.0, 1.0, 2.0, 2.0, 5.0]))
    [0, 2, 3, 4]
    >>> linear_keys(np.array([0.0, 1.0, 2.001, 3.0]), tolerance=0.01)
    [0, 3]
    """
    values = np.asarray(values, dtype=np.float64)
    last = len(values) - 1
    keys = [0]
    while keys[-1] < last:
        start = keys[-1]
        good, step = start + 1, 1
        bad = None
        while bad is None and good < last:
            probe = min(start + 2 * step, last)
            if _reproduces(values, start, probe, tolerance):
                good, step = probe, 2 * step
            else:
                bad = probe
        while bad is not None and bad - good > 1:
            middle = (good + bad) // 2
            if _reproduces(values, start, middle, tolerance):
                good = middle
            else:
                bad = middle
        keys.append(good)
    return keys


def keyframe_string(values, tolerance: float = 0.0) -> str:
    """A Disco/Deforum keyframe string of plain numbers whose linear interpolation gives ``values``.

    With ``tolerance`` 0 the values come back exactly; otherwise keys go only
    where the curve turns by more than ``tolerance`` from a straight line, with
    values rounded to a twentieth of it, and every frame comes back within it.

    Examples
    --------
    >>> keyframe_string([1.0, 1.0, 1.0])
    '0: (1), 2: (1)'
    >>> keyframe_string(np.exp(-np.arange(30) / 10), tolerance=0.01)
    '0: (1), 3: (0.7408), 6: (0.5488), 9: (0.4066), 13: (0.2725), 18: (0.1653), 26: (0.0743), 29: (0.055)'
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return ""
    digits = None if tolerance == 0 else max(int(np.ceil(-np.log10(tolerance / 20.0))), 0)
    with np.errstate(over="ignore", invalid="ignore"):
        shown = values if digits is None else np.round(values, digits)
    shown = np.where(np.isfinite(shown), shown, values)  # past ~308 digits (subnormal spreads) rounding overflows
    if values.size == 1:
        return f"0: ({format_number(shown[0])})"
    keys = linear_keys(values, 0.9 * tolerance)
    return ", ".join(f"{frame}: ({format_number(shown[frame])})" for frame in keys)
