"""Per-frame values back to a keyframe string that Disco's and Deforum's parsers read to the same values.

Examples
--------
>>> import numpy as np
>>> keyframe_string(np.array([0.0, 0.5, 1.0, 1.0, 1.0]))
'0: (0.0), 2: (1.0), 4: (1.0)'
"""

from __future__ import annotations

import numpy as np


def format_number(value: float) -> str:
    """Shortest decimal that reads back to exactly ``value``, without an exponent (Deforum reads no exponents).

    Examples
    --------
    >>> format_number(1e-05), format_number(2.0), format_number(-0.1)
    ('0.00001', '2.0', '-0.1')
    """
    return np.format_float_positional(float(value), unique=True, trim="0")


def _reproduces(values, start, stop):
    """Whether linear interpolation from ``start`` to ``stop`` gives ``values[start:stop+1]`` bit for bit."""
    frames = np.arange(start, stop + 1, dtype=np.float64)
    line = np.interp(frames, [float(start), float(stop)], [values[start], values[stop]])
    return np.array_equal(line, values[start:stop + 1])


def linear_keys(values: np.ndarray) -> list[int]:
    """Frames to key so that linear interpolation between them reproduces ``values`` exactly.

    Greedy: from each key, the furthest frame (found by galloping, then bisecting)
    whose straight line reproduces every frame in between bit for bit. Always
    keys the first and last frame.

    Examples
    --------
    >>> import numpy as np
    >>> linear_keys(np.array([0.0, 1.0, 2.0, 2.0, 5.0]))
    [0, 2, 3, 4]
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
            if _reproduces(values, start, probe):
                good, step = probe, 2 * step
            else:
                bad = probe
        while bad is not None and bad - good > 1:
            middle = (good + bad) // 2
            if _reproduces(values, start, middle):
                good = middle
            else:
                bad = middle
        keys.append(good)
    return keys


def keyframe_string(values) -> str:
    """A Disco/Deforum keyframe string of plain numbers whose linear interpolation gives exactly ``values``.

    Examples
    --------
    >>> keyframe_string([1.0, 1.0, 1.0])
    '0: (1.0), 2: (1.0)'
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return ""
    if values.size == 1:
        return f"0: ({format_number(values[0])})"
    return ", ".join(f"{frame}: ({format_number(values[frame])})" for frame in linear_keys(values))
