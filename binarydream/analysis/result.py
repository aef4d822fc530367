"""What the analysis hands to later stages: :class:`Section` and :class:`Analysis`, plain frozen data.

Anyone may build an :class:`Analysis` from arrays (tests of later stages do);
:func:`binarydream.analysis.analyze` builds one from a song.

Examples
--------
>>> import numpy as np
>>> a = Analysis(duration=2.0, fps=10, tempo=120.0, beats=np.array([0.5, 1.0, 1.5]),
...              downbeats=np.array([0.5]), beats_per_bar=4, sections=[Section(0.0, 2.0, "A")],
...              envelopes={name: np.zeros(20, np.float32) for name in ENVELOPE_NAMES})
>>> a.n_frames, a.envelope("bass").shape
(20, (20,))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .. import timebase
from .envelopes import smooth
from .grid import local_bpm

if TYPE_CHECKING:
    from .stems import StemSignals

ENVELOPE_NAMES = ("rms", "onset", "bass", "mid", "treble", "percussive", "harmonic")
"""Names of the per-frame envelopes every :class:`Analysis` holds."""


SECTION_LEVELS = ("low", "mid", "high")
"""Coarse energy levels of a section (:attr:`Section.level`), from the quietest to the loudest."""


@dataclass(frozen=True)
class Section:
    """A structural part of the song, ``start`` to ``end`` in seconds; equal labels mean the same part recurs.

    ``label`` says what the part is for (``"intro"``, ``"verse 1"``,
    ``"chorus"``, ... see :mod:`binarydream.analysis.form`), or is a letter
    where no function was given. ``group`` is the audio cluster (``"A"``,
    ``"B"``, ...): sections that sound alike share it; empty where unknown (a
    section made by hand). ``energy`` is the section's loudness relative to the
    song in [0, 1]: a quiet breakdown near 0, the loudest chorus near 1; None
    where it was not measured.

    Examples
    --------
    >>> Section(0.0, 12.5, "A").end
    12.5
    >>> Section(30.0, 60.0, "bridge", energy=0.1, group="C").level
    'low'
    """

    start: float
    end: float
    label: str
    energy: float | None = None
    group: str = ""

    @property
    def level(self) -> str | None:
        """The energy as one of :data:`SECTION_LEVELS` (below 1/3 "low", above 2/3 "high"), or None if unmeasured.

        Examples
        --------
        >>> Section(0.0, 1.0, "A", energy=0.9).level, Section(0.0, 1.0, "A").level is None
        ('high', True)
        """
        return None if self.energy is None else SECTION_LEVELS[min(int(self.energy * 3), 2)]


@dataclass(frozen=True)
class Analysis:
    """Tempo, beats, downbeats, sections and per-frame envelopes of one song at one frame rate.

    Parameters
    ----------
    duration : float
        Song length in seconds.
    fps : float
        Video frame rate; envelope value ``i`` belongs to time ``i / fps``.
    tempo : float
        The dominant tempo in BPM (0.0 when the song has no beats).
    beats, downbeats : np.ndarray, float64 seconds, ascending
        Downbeats (first beat of each bar) are a subset of the beats.
    beats_per_bar : int
        The meter found (3 or 4 unless forced; 4 when there are no beats).
    sections : list of Section
        Contiguous, covering ``[0, duration]``.
    envelopes : dict of str to np.ndarray
        One float32 array of shape ``(n_frames,)`` in ``[0, 1]`` per name in
        :data:`ENVELOPE_NAMES`.
    tracker, tracker_version : str
        The beat tracker that found the beats (``"librosa"``, ``"madmom"``,
        ``"beat_this"``) and its version; empty when not recorded.
    stems : binarydream.analysis.stems.StemSignals or None
        Stem envelopes and drum hits when the song was separated into stems
        (``Song(..., stems=True)``); None otherwise.
    downbeat_confidence : float or None
        How far the music backs the downbeats, in [0, 1]: the librosa tracker's
        :func:`~binarydream.analysis.meter.downbeat_confidence` (below
        :data:`~binarydream.analysis.grid.WEAK_DOWNBEATS` the bars may start
        on another beat: the analysis warns and the timeline says so); None
        where the tracker gives none (madmom, Beat This!) or there are no beats.

    Examples
    --------
    >>> import numpy as np
    >>> env = np.zeros(30, np.float32); env[10] = 1.0
    >>> a = Analysis(1.0, 30, 0.0, np.array([]), np.array([]), 4, [Section(0.0, 1.0, "A")],
    ...              {name: env for name in ENVELOPE_NAMES})
    >>> a.envelope("onset", release=0.1)[10:13].astype(float).round(2).tolist()
    [1.0, 0.72, 0.51]
    """

    duration: float
    fps: float
    tempo: float
    beats: np.ndarray
    downbeats: np.ndarray
    beats_per_bar: int
    sections: list[Section]
    envelopes: dict[str, np.ndarray] = field(repr=False)
    tracker: str = ""
    tracker_version: str = ""
    stems: StemSignals | None = field(default=None, repr=False)
    downbeat_confidence: float | None = None

    @property
    def local_bpm(self) -> np.ndarray:
        """The tempo in BPM at each beat, from the beats on either side (:func:`~binarydream.analysis.grid.local_bpm`).

        ``tempo`` is the dominant tempo of the song; this follows it where it
        speeds up or slows down.

        Examples
        --------
        >>> a = Analysis(3.0, 10, 120.0, np.array([0.0, 0.5, 1.0, 1.4, 1.8]), np.array([0.0]), 4,
        ...              [Section(0.0, 3.0, "A")], {})
        >>> a.local_bpm.round(1).tolist()
        [120.0, 120.0, 133.3, 150.0, 150.0]
        """
        return local_bpm(self.beats)

    @property
    def n_frames(self) -> int:
        """Number of video frames, ``round(duration * fps)``.

        Examples
        --------
        >>> Analysis(duration=10.0, fps=29.97, tempo=120.0, beats=np.array([]), downbeats=np.array([]),
        ...          beats_per_bar=4, sections=[Section(0.0, 10.0, "A")], envelopes={}).n_frames
        300
        """
        return timebase.frame_count(self.duration, self.fps)

    def envelope(self, name: str, *, attack: float = 0.0, release: float = 0.0) -> np.ndarray:
        """One envelope, optionally smoothed by a one-pole follower.

        Parameters
        ----------
        name : str
            One of :data:`ENVELOPE_NAMES`.
        attack, release : float
            Seconds the follower takes (time constant) to rise towards a louder
            value and to fall towards a quieter one; 0 follows at once.

        Returns
        -------
        np.ndarray, float32, shape (n_frames,), values in [0, 1]

        Examples
        --------
        >>> import numpy as np
        >>> a = Analysis(1.0, 10, 0.0, np.array([]), np.array([]), 4, [Section(0.0, 1.0, "A")],
        ...              {n: np.array([0, 1, 1, 0, 0, 0, 0, 0, 0, 0], np.float32) for n in ENVELOPE_NAMES})
        >>> a.envelope("rms", attack=0.1)[:4].astype(float).round(2).tolist()
        [0.0, 0.63, 0.86, 0.0]
        """
        if name not in self.envelopes:
            raise KeyError(f"no envelope named {name!r}; the names are {', '.join(self.envelopes)}")
        values = self.envelopes[name]
        if attack < 0 or release < 0:
            raise ValueError(f"attack and release are seconds >= 0, got attack={attack}, release={release}")
        if attack == 0 and release == 0:
            return values.copy()
        return smooth(values, self.fps, attack=attack, release=release)
