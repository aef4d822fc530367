"""Sections made ready for a video: boundaries on downbeats, long sections split where the music changes, energies.

The segmentation (:mod:`.sections`) gives each time unit a part; these steps
move its boundaries to the nearest downbeat, cut a section that runs past
:data:`MAX_SECONDS` at the downbeat where the music changes most, and give each
section its loudness relative to the song.

Examples
--------
>>> from binarydream.analysis.result import Section
>>> s = [Section(0.0, 3.9, "A"), Section(3.9, 8.2, "B"), Section(8.2, 10.0, "A")]
>>> [x.start for x in snap_to_downbeats(s, np.array([0.0, 4.0, 8.0]), reach=1.0)]
[0.0, 4.0, 8.0]
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .result import Section

MIN_BARS = 3
"""Shortest section, in bars: shorter runs join a neighbour."""

MAX_SECONDS = 60.0
"""Longest section where the music changes inside it: longer ones are split where it changes most."""

MIN_CHANGE = 0.25
"""Least change (squared distance of the mean features over 4 bars either side, over their spread) worth a split."""

ENERGY_SPAN_DB = 12.0
"""Least loudness range (dB) that spans energies 0 to 1: a song that barely changes keeps energies near 0.5."""


def snap_to_downbeats(sections: list[Section], downbeats: np.ndarray, *, reach: float) -> list[Section]:
    """Sections whose inner boundaries moved to the nearest downbeat within ``reach`` seconds.

    A boundary with no downbeat that near (a stretch without beats) stays;
    a section that shrinks to nothing joins the one before.

    Examples
    --------
    >>> s = [Section(0.0, 3.9, "A"), Section(3.9, 8.2, "B"), Section(8.2, 10.0, "A")]
    >>> [(x.start, x.end) for x in snap_to_downbeats(s, np.array([0.0, 2.0, 4.0, 6.0, 8.0]), reach=1.0)]
    [(0.0, 4.0), (4.0, 8.0), (8.0, 10.0)]
    """
    downbeats = np.asarray(downbeats, dtype=np.float64)
    if len(sections) < 2 or downbeats.size == 0:
        return list(sections)
    out = [sections[0]]
    for section in sections[1:]:
        nearest = downbeats[np.argmin(np.abs(downbeats - section.start))]
        start = float(nearest) if abs(nearest - section.start) <= reach else section.start
        if start <= out[-1].start or start >= section.end:
            out[-1] = replace(out[-1], end=section.end)
            continue
        out[-1] = replace(out[-1], end=start)
        out.append(replace(section, start=start))
    return out


def _change(features: np.ndarray, i: int, width: int) -> float:
    """How much the music changes at unit ``i``: mean features ``width`` units either side, apart over their spread."""
    before, after = features[:, i - width:i], features[:, i:i + width]
    spread = (np.sum((before - before.mean(axis=1, keepdims=True)) ** 2, axis=0).mean()
              + np.sum((after - after.mean(axis=1, keepdims=True)) ** 2, axis=0).mean()) / 2
    return float(np.sum((before.mean(axis=1) - after.mean(axis=1)) ** 2) / max(spread, 1e-12))


def split_long(sections: list[Section], features: np.ndarray, starts: np.ndarray, downbeats: np.ndarray, *,
               bar: int, max_seconds: float = MAX_SECONDS) -> list[Section]:
    """Sections longer than ``max_seconds`` split on the downbeat where the music changes most, where it does.

    The change at a downbeat compares the mean features of the 4 bars before
    and after it (fewer near a section's edge, at least 2) over their spread;
    a split needs :data:`MIN_CHANGE` and leaves :data:`MIN_BARS` bars either
    side. Both halves keep the label: they are one part of the form.

    Parameters
    ----------
    sections : list of Section
    features : np.ndarray, shape (n_features, n_units)
        Features per time unit, as the segmentation saw them.
    starts : np.ndarray, shape (n_units,)
        Start time of each unit.
    downbeats : np.ndarray
        Seconds: the places a split may fall.
    bar : int
        Units in a bar.
    max_seconds : float
        Longest section left whole.

    Examples
    --------
    >>> f = np.hstack([np.zeros((2, 40)), np.ones((2, 40))]) + np.random.default_rng(0).normal(0, 0.1, (2, 80))
    >>> s = split_long([Section(0.0, 80.0, "A", group="A")], f, np.arange(80.0), np.arange(0.0, 80.0, 4.0), bar=4)
    >>> [(x.start, x.end, x.label) for x in s]
    [(0.0, 40.0, 'A'), (40.0, 80.0, 'A')]
    """
    out = []
    for section in sections:
        pending = [section]
        while pending:
            part = pending.pop(0)
            best, where = MIN_CHANGE, None
            if part.end - part.start > max_seconds:
                first = np.searchsorted(starts, part.start)
                last = np.searchsorted(starts, part.end)
                for t in downbeats[(downbeats > part.start) & (downbeats < part.end)]:
                    i = int(np.searchsorted(starts, t))
                    width = min(4 * bar, i - first, last - i)
                    if i - first >= MIN_BARS * bar and last - i >= MIN_BARS * bar and width >= 2 * bar \
                            and (change := _change(features, i, width)) > best:
                        best, where = change, float(t)
            if where is None:
                out.append(part)
            else:
                pending[:0] = [replace(part, end=where), replace(part, start=where)]
    return out


def section_energies(sections: list[Section], starts: np.ndarray, loudness_db: np.ndarray,
                     active: np.ndarray | None = None) -> list[Section]:
    """Sections with their energy: mean loudness relative to the song, in [0, 1].

    The song's loud end (95th percentile of its sounding units) reads 1 and its
    quiet end (5th percentile) 0, over a range of at least
    :data:`ENERGY_SPAN_DB` centred between them, so a song that barely changes
    keeps its sections near 0.5.

    Examples
    --------
    >>> loud = np.r_[np.full(8, -10.0), np.full(8, -30.0)]
    >>> s = section_energies([Section(0.0, 8.0, "A"), Section(8.0, 16.0, "B")], np.arange(16.0), loud)
    >>> [x.energy for x in s]
    [1.0, 0.0]
    """
    loudness_db = np.asarray(loudness_db, dtype=np.float64)
    active = np.ones(len(loudness_db), dtype=bool) if active is None else np.asarray(active, dtype=bool)
    if not active.any():
        return list(sections)
    lo, hi = np.percentile(loudness_db[active], [5, 95])
    span, middle = max(hi - lo, ENERGY_SPAN_DB), (hi + lo) / 2
    index = np.clip(np.searchsorted(starts, [s.start for s in sections], side="right") - 1, 0, None)
    ends = np.append(index[1:], len(loudness_db))
    out = []
    for section, i0, i1 in zip(sections, index, np.maximum(ends, index + 1)):
        inside = active[i0:i1]
        level = loudness_db[i0:i1][inside].mean() if inside.any() else lo - span / 2
        out.append(replace(section, energy=round(float(np.clip(0.5 + (level - middle) / span, 0.0, 1.0)), 3)))
    return out
