"""Meter and downbeats: which beats start a bar, found from the accents the music puts on them.

Each beat gets an accent strength (onset strength plus low-frequency
amplitude around the beat, each relative to its mean). For each candidate
meter (:data:`METERS`) and each phase, the contrast between the accents of the
beats that would be downbeats and those of the others is measured; the meter
and phase with the clearest contrast win. Nothing assumes 4/4.

Examples
--------
>>> import numpy as np
>>> accents = np.tile([3.0, 0.0, 0.0], 8)                 # strong-weak-weak: a waltz
>>> infer_meter(accents)
(3, 0)
"""

from __future__ import annotations

import numpy as np

METERS = (3, 4)
"""Beats per bar that :func:`infer_meter` chooses from.

Two beats per bar is left out on purpose: accents cannot tell 2/4 from a 4/4
groove with equal beats 1 and 3 (most pop: kick on 1 and 3, snare on 2 and 4),
and a bar of 4 serves both for cutting a video."""


def beat_accents(beat_frames: np.ndarray, curves, *, width: int = 3) -> np.ndarray:
    """Accent of each beat: the sum over ``curves`` of each curve's level around the beat relative to its mean.

    A curve's level at a beat is its mean over ``width`` hops either side; a
    mean over a window, unlike the peak, does not depend on where the beat falls
    within a hop. A value of 0.5 means the beat is on average 50 % above the
    typical beat; a steady pulse without accents gives values near 0.

    Parameters
    ----------
    beat_frames : np.ndarray of int
        Beat positions in hops.
    curves : sequence of np.ndarray, each shape (n_hops,)
        Per-hop curves that mark accents (onset strength, bass amplitude, ...).
    width : int
        Hops either side of a beat.

    Examples
    --------
    >>> onset = np.zeros(40); onset[[5, 15, 25, 35]] = [2.0, 1.0, 2.0, 1.0]
    >>> beat_accents(np.array([5, 15, 25, 35]), [onset], width=1).round(2).tolist()
    [0.33, -0.33, 0.33, -0.33]
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    accents = np.zeros(len(beat_frames))
    for curve in curves:
        curve = np.asarray(curve, dtype=np.float64)
        levels = np.mean([curve[np.clip(beat_frames + d, 0, len(curve) - 1)] for d in range(-width, width + 1)],
                         axis=0)
        mean = levels.mean()
        if mean > 0:
            accents += (levels - mean) / mean
    return accents


def infer_meter(accents: np.ndarray, *, meters=METERS, prefer_longer: float = 1.4,
                min_contrast: float = 0.15) -> tuple[int, int]:
    """Beats per bar and the index of the first downbeat that best explain a sequence of beat accents.

    The score of a meter ``m`` and phase ``p`` is the mean accent of beats
    ``p, p + m, p + 2m, ...`` minus the mean accent of the other beats. Where
    ``meters`` holds a bar and a multiple of it (2 and 4), both fit music
    accented on beats 1 and 3; the longer bar is kept unless the shorter one
    fits ``prefer_longer`` times better. When no meter reaches ``min_contrast``
    (a pulse without accents), the answer is 4 beats per bar from the first beat.

    Returns
    -------
    beats_per_bar : int
    phase : int
        Index of the first downbeat among the beats (``0 <= phase < beats_per_bar``).

    Examples
    --------
    >>> infer_meter(np.tile([0.0, 2.0, 0.0, 1.0], 6))       # accents on 2 and 4 of a bar starting at beat 1
    (4, 1)
    >>> infer_meter(np.tile([0.0, 2.0], 6), meters=(2, 3, 4))
    (2, 1)
    >>> infer_meter(np.zeros(3))
    (4, 0)
    """
    accents = np.asarray(accents, dtype=np.float64)
    scores = {}
    for m in meters:
        if len(accents) < 2 * m:
            continue
        for p in range(m):
            on = np.zeros(len(accents), dtype=bool)
            on[p::m] = True
            scores[m, p] = accents[on].mean() - accents[~on].mean()
    if not scores or max(scores.values()) < min_contrast:
        return 4, 0
    best = {m: max(((s, p) for (mm, p), s in scores.items() if mm == m), key=lambda sp: (sp[0], -sp[1]))
            for m in {m for m, _ in scores}}
    meter = max(best, key=lambda m: best[m][0])
    for longer in sorted(best, reverse=True):
        if longer > meter and longer % meter == 0 and best[longer][0] * prefer_longer >= best[meter][0]:
            meter = longer
            break
    return meter, best[meter][1]
