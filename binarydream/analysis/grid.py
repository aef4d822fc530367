"""What a beat tracker hands to the analysis: :class:`BeatGrid`, plain frozen data.

Every tracker backend (librosa, madmom, Beat This!) returns one, so the rest of
the analysis never knows which tracker made the grid.

Examples
--------
>>> import numpy as np
>>> grid = BeatGrid(beats=np.arange(0.5, 4.0, 0.5), downbeats=np.array([0.5, 2.5]), beats_per_bar=4,
...                 tracker="librosa", version="0.11.0")
>>> grid.tempo, grid.local_bpm.round(1).tolist()
(120.0, [120.0, 120.0, 120.0, 120.0, 120.0, 120.0, 120.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def local_bpm(beats: np.ndarray) -> np.ndarray:
    """Tempo in BPM at each beat: 60 over the mean of the intervals on either side of it.

    The first and last beats take their one interval; fewer than two beats give zeros.

    Examples
    --------
    >>> local_bpm(np.array([0.0, 0.5, 1.0, 1.4])).round(1).tolist()
    [120.0, 120.0, 133.3, 150.0]
    """
    beats = np.asarray(beats, dtype=np.float64)
    if beats.size < 2:
        return np.zeros(beats.size)
    intervals = np.diff(beats)
    around = np.concatenate([intervals[:1], (intervals[:-1] + intervals[1:]) / 2, intervals[-1:]])
    return 60.0 / around


def tempo_at(times: np.ndarray, beats, *, smooth_beats: int = 9) -> np.ndarray:
    """The local tempo in BPM at each of ``times``, so that a camera can follow a song that speeds up.

    The tempo at each beat (:func:`local_bpm`) is first the median over
    ``smooth_beats`` beats around it (one late beat is not a tempo change), then
    read at ``times``: linear between beats, held before the first and after the
    last. Fewer than two beats give zeros (no tempo).

    Examples
    --------
    >>> beats = np.concatenate([np.arange(0.0, 10.0, 0.5), np.arange(10.0, 20.0, 0.25)])
    >>> tempo_at(np.array([0.0, 5.0, 15.0, 30.0]), beats).tolist()
    [120.0, 120.0, 240.0, 240.0]
    >>> tempo_at(np.arange(3.0), []).tolist()
    [0.0, 0.0, 0.0]
    """
    import scipy.ndimage

    times = np.asarray(times, dtype=np.float64)
    beats = np.asarray(beats, dtype=np.float64)
    if beats.size < 2:
        return np.zeros(times.shape)
    steady = scipy.ndimage.median_filter(local_bpm(beats), size=smooth_beats, mode="nearest")
    return np.interp(times, beats, steady)


def dominant_tempo(beats: np.ndarray) -> float:
    """The tempo in BPM that most beat intervals follow: the mean of the intervals near their median.

    Averaging the intervals close to the median keeps the precision that the
    mean of many intervals has (each is rounded to a hop) while ignoring the
    intervals of a different tempo section and of gaps. Fewer than two beats give 0.0.

    Examples
    --------
    >>> dominant_tempo(np.array([0.0, 0.5, 1.0, 1.5, 2.0, 2.6, 3.2]))
    120.0
    >>> dominant_tempo(np.array([1.0]))
    0.0
    """
    intervals = np.diff(np.asarray(beats, dtype=np.float64))
    if intervals.size == 0:
        return 0.0
    median = np.median(intervals)
    near = intervals[np.abs(intervals - median) <= 0.1 * median]
    return float(60.0 / near.mean())


WEAK_DOWNBEATS = 0.5
"""A downbeat confidence below this is weak: the analysis warns and the timeline says so."""


@dataclass(frozen=True)
class BeatGrid:
    """Beats, downbeats and meter of one song, and the tracker that found them.

    Parameters
    ----------
    beats, downbeats : np.ndarray, float64 seconds, ascending
        Downbeats (first beat of each bar) are a subset of the beats.
    beats_per_bar : int
        The meter (4 when there are no beats).
    tracker : str
        The backend's name: ``"librosa"``, ``"madmom"`` or ``"beat_this"``.
    version : str
        The backend's version (its package's, and the checkpoint's where it has one).
    downbeat_confidence : float or None
        How far the music backs the downbeats, in [0, 1] (below
        :data:`WEAK_DOWNBEATS` the bars may well start on another beat); None
        where the tracker gives no such measure (madmom, Beat This!: their
        networks' downbeats are not scored against the alternatives).
    """

    beats: np.ndarray
    downbeats: np.ndarray
    beats_per_bar: int
    tracker: str
    version: str
    downbeat_confidence: float | None = None

    @property
    def tempo(self) -> float:
        """The dominant tempo in BPM (:func:`dominant_tempo` of the beats)."""
        return dominant_tempo(self.beats)

    @property
    def local_bpm(self) -> np.ndarray:
        """Tempo in BPM at each beat (:func:`local_bpm`)."""
        return local_bpm(self.beats)
