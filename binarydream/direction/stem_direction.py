"""Direction from the stems: where the drums come in, and the curves that read the stems.

With a song separated into stems, the planner (:func:`binarydream.direction.plan`)
pulses the camera on the kicks instead of on every beat, calms it where
nobody sings (the ``voice`` helper curve, 1 while singing, falling over
``voice_release`` seconds after), and raises the strength where the drums
come in after a rest (the ``drums_in`` helper curve). Both helpers are
keyframe strings in the saved schedule, so a person can read and change them.

Examples
--------
>>> import numpy as np
>>> drums = np.r_[np.zeros(50), np.full(50, 0.8)]                     # drums from 5 s at 10 fps
>>> drum_entries(drums, fps=10, rest_seconds=2.0).tolist()
[5.0]
>>> from binarydream.direction.presets import Preset
>>> drums_in_expression([5.0], Preset())
'0: (0), 4.9s: (0), 5s: (1), 7s: (0)'
"""

from __future__ import annotations

import numpy as np

from ..analysis.envelopes import smooth
from ..keyframes.emit import format_number

PRESENT = 0.25
"""A stem's envelope above this share of its loud level counts as playing."""


def drum_entries(drums: np.ndarray, *, fps: float, rest_seconds: float) -> np.ndarray:
    """Seconds where the drums come in after at least ``rest_seconds`` without them (an intro counts as a rest).

    ``drums`` is the drum stem's envelope per frame; it is held over half a
    second, so the gaps between hits do not count as rests.

    Examples
    --------
    >>> drum_entries(np.r_[np.full(30, 0.9), np.zeros(30), np.full(30, 0.9)], fps=10, rest_seconds=2.0).tolist()
    [6.0]
    """
    held = smooth(np.asarray(drums, dtype=np.float32), fps, release=0.5) > PRESENT
    if not held.any():
        return np.zeros(0)
    changes = np.flatnonzero(np.diff(np.r_[False, held].astype(np.int8)))
    starts, stops = changes[::2], np.r_[changes[1::2], len(held)][:len(changes[::2])]
    rests = starts - np.r_[0, stops[:-1]]
    entries = starts[rests >= rest_seconds * fps]
    return np.asarray(entries, dtype=np.float64) / fps


def drums_in_expression(entries, preset) -> str:
    """The ``drums_in`` curve: 0, rising to 1 at each drum entry over ``event_attack`` s, back to 0 over
    ``drums_in_release`` s.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> drums_in_expression([], Preset())
    '0: (0)'
    """
    keys = ["0: (0)"]
    for at in entries:
        rise, fall = max(at - preset.event_attack, 0.0), at + preset.drums_in_release
        if rise > 0:
            keys.append(f"{format_number(round(rise, 3))}s: (0)")
        keys += [f"{format_number(round(at, 3))}s: (1)", f"{format_number(round(fall, 3))}s: (0)"]
    return ", ".join(dict.fromkeys(keys))


def voice_expression(preset) -> str:
    """The ``voice`` curve: 1 while the vocal stem is at a quarter of its loud level or more, falling after.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> voice_expression(Preset())
    '0: (clip(smooth(stem("vocals"), 0.1, 3)/0.25, 0, 1))'
    """
    return (f'0: (clip(smooth(stem("vocals"), 0.1, {format_number(preset.voice_release)})/'
            f'{format_number(PRESENT)}, 0, 1))')
