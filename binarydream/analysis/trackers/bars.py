"""Bars from a tracker's downbeat guesses: the meter, and downbeats that are beats.

A neural tracker marks downbeats on its own; they may fall between its beats
or, where it heard another metrical level, every other beat. Here they are
moved onto the beats and, for a known meter, laid every ``beats_per_bar``
beats at the phase most of them agree on, so one stray guess does not shift
the bars after it.

Examples
--------
>>> import numpy as np
>>> meter_and_downbeats(np.arange(12.0), np.array([1.0, 4.0, 7.0, 10.0]))
(3, array([ 1.,  4.,  7., 10.]))
"""

from __future__ import annotations

import numpy as np


def meter_and_downbeats(beats: np.ndarray, downbeats: np.ndarray, *,
                        beats_per_bar: int | None = None) -> tuple[int, np.ndarray]:
    """The meter (the most common count of beats from one downbeat to the next) and the downbeats on beats.

    With ``beats_per_bar`` forced, the downbeats are every ``beats_per_bar``-th
    beat, starting at the phase where most of the given downbeats fall.

    Examples
    --------
    >>> meter_and_downbeats(np.arange(8.0), np.array([0.1, 4.0]), beats_per_bar=2)
    (2, array([0., 2., 4., 6.]))
    """
    beats = np.asarray(beats, dtype=np.float64)
    if beats.size == 0:
        return int(beats_per_bar or 4), np.zeros(0)
    index = np.unique(np.abs(beats[:, None] - np.asarray(downbeats, dtype=np.float64)[None, :]).argmin(axis=0)) \
        if len(downbeats) else np.zeros(0, dtype=int)
    if beats_per_bar:
        phase = int(np.bincount(index % beats_per_bar, minlength=beats_per_bar).argmax()) if index.size else 0
        return int(beats_per_bar), beats[phase::beats_per_bar]
    counts = np.diff(index)
    meter = int(np.bincount(counts).argmax()) if counts.size else 4
    return meter, beats[index]
