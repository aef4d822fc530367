"""The song's signals as names in keyframe expressions, and the musical functions that read them.

:func:`song_signals` turns plain data (envelopes, beat and downbeat times,
sections, word and line onsets) into :class:`Signals`: one value per video
frame for each name, plus the event times that ``pulse(...)`` counts. Names:

* envelopes, in [0, 1]: ``rms onset bass mid treble percussive harmonic``;
* ``tempo``: the local tempo in BPM (0 without beats), so a curve can follow a
  song that speeds up;
* ``beat``: beats since the first beat, fractional (negative before it);
  ``beat_phase``: its fraction, 0 on a beat; ``bar`` and ``bar_phase``: the
  same over downbeats;
* ``section``: index of the section (0 for the first); ``is_section("chorus")``
  is 1 inside sections labelled chorus (``is_section("verse", "bridge")`` for
  either; ``"verse"`` matches ``"verse 1"`` and ``"verse 2"``, a letter the audio
  group; a function the song lacks reads 0, with a warning);
* ``word`` and ``line``: index of the last sung word and lyric line begun
  (-1 before the first); ``sung``: 1 while a word is sung;
* ``prompt``: index of the last prompt keyframe (bound by the schedule);
* with stems (``Song(..., stems=True)``): ``stem("drums")`` (and ``"bass"``,
  ``"vocals"``, ``"other"``), a stem's envelope in [0, 1], and the drum hits
  ``kick``, ``snare``, ``hats``, counted like ``beat`` (see :mod:`.stem_signals`).

Functions: ``pulse(beat, decay[, attack])`` is 1 at each event of a counting
signal (``beat``, ``bar``, ``word``, ``line``, ``section``, ``prompt``, ``kick``, ``snare``, ``hats``; for
``section`` and ``prompt`` each change after the first) and decays
exponentially with time constant ``decay`` seconds, rising linearly over
``attack`` seconds before it; ``smooth(x, attack[, release])`` follows ``x``
with those time constants (seconds); ``slew(x, step)`` follows ``x`` changing
by at most ``step`` a frame; ``lerp(a, b, u)`` is ``a + (b - a) * u``.

Examples
--------
>>> import numpy as np
>>> from binarydream.keyframes import parse
>>> sig = song_signals(8, 2, beats=[0.5, 1.5, 2.5], envelopes={"bass": np.linspace(0, 1, 8)})
>>> parse("0: (1 + bass)", 8, fps=2, signals=sig)[[0, 7]].tolist()
[1.0, 2.0]
>>> parse("0: (pulse(beat, 0.5))", 8, fps=2, signals=sig).round(3).tolist()
[0.0, 1.0, 0.368, 1.0, 0.368, 1.0, 0.368, 0.135]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import timebase
from ..analysis.envelopes import smooth
from ..analysis.grid import tempo_at
from .stem_signals import HITS, stem_values

ENVELOPES = ("rms", "onset", "bass", "mid", "treble", "percussive", "harmonic")
"""Envelope names a song binds (each one value per frame in [0, 1])."""

COUNTERS = ("beat", "bar", "word", "line", "section", "prompt") + HITS
"""Signals whose events ``pulse(...)`` counts."""

SIGNAL_NAMES = ENVELOPES + ("tempo", "beat", "beat_phase", "bar", "bar_phase", "section", "word", "line", "sung",
                            "prompt") + HITS
"""Every name a song (and its schedule) may bind."""


@dataclass(frozen=True)
class Signals:
    """Per-frame values of the song's signals and the event times behind its counters.

    Parameters
    ----------
    n_frames : int
    fps : float
    values : dict of str to np.ndarray
        One float64 value per frame for each bound name.
    events : dict of str to np.ndarray
        Seconds, ascending, of the events ``pulse(name, ...)`` counts.
    labels : tuple of str
        Label of each section, by index.
    groups : tuple of str
        Audio group of each section (a letter), by index; empty where unknown.

    Examples
    --------
    >>> song_signals(4, 1, sections=[(0.0, "A"), (2.0, "B")]).values["section"].tolist()
    [0.0, 0.0, 1.0, 1.0]
    """

    n_frames: int
    fps: float
    values: dict = field(repr=False)
    events: dict = field(repr=False)
    labels: tuple = ()
    groups: tuple = ()

    @property
    def sections(self) -> tuple:
        """``(label, group)`` of each section, by index, for ``is_section``.

        Examples
        --------
        >>> song_signals(4, 1, sections=[(0.0, "verse", "A"), (2.0, "chorus", "B")]).sections
        (('verse', 'A'), ('chorus', 'B'))
        """
        groups = self.groups or ("",) * len(self.labels)
        return tuple(zip(self.labels, groups))

    def with_prompts(self, frames) -> "Signals":
        """These signals plus ``prompt`` (index of the last prompt keyframe) from the given frames.

        Examples
        --------
        >>> song_signals(4, 1).with_prompts([0, 2]).values["prompt"].tolist()
        [0.0, 0.0, 1.0, 1.0]
        """
        times = np.unique(np.asarray(list(frames), dtype=np.float64)) / float(self.fps)
        values = dict(self.values, prompt=_index(self._times(), times))
        return Signals(self.n_frames, self.fps, values, dict(self.events, prompt=times[times > 0]), self.labels,
                       self.groups)

    def _times(self):
        return timebase.frame_times(self.n_frames, self.fps)


def _index(times, starts):
    """Index of the last start at or before each time (-1 before the first)."""
    return (np.searchsorted(np.asarray(starts, dtype=np.float64), times, side="right") - 1).astype(np.float64)


def _count(times, events):
    """Events since the first, fractional: linear between events, extended at the edge intervals."""
    events = np.asarray(events, dtype=np.float64)
    if events.size == 0:
        return np.zeros_like(times)
    if events.size == 1:
        return np.where(times >= events[0], 0.0, -1.0)
    counts = np.interp(times, events, np.arange(events.size, dtype=np.float64))
    first, last = events[1] - events[0], events[-1] - events[-2]
    counts = np.where(times < events[0], (times - events[0]) / first, counts)
    return np.where(times > events[-1], events.size - 1 + (times - events[-1]) / last, counts)


def song_signals(n_frames: int, fps: float, *, envelopes=None, beats=(), downbeats=(), sections=(), words=(),
                 lines=(), stems=None) -> Signals:
    """The :class:`Signals` of a song from plain data.

    Parameters
    ----------
    n_frames : int
        Video frames.
    fps : float
        Frame rate.
    envelopes : dict of str to array, optional
        Names from :data:`ENVELOPES`, ``n_frames`` values each.
    beats, downbeats : array of float
        Seconds, ascending.
    sections : sequence of (start, label) or (start, label, group)
        Section starts in seconds, ascending, their labels and audio groups.
    words : sequence of (start, end)
        Sung words in seconds.
    lines : sequence of float
        Lyric line starts in seconds.
    stems : binarydream.analysis.stems.StemSignals or None
        Stem envelopes and drum hits, for ``stem(...)``, ``kick``, ``snare``, ``hats``.

    Examples
    --------
    >>> sig = song_signals(6, 2, beats=[0.0, 1.0, 2.0], words=[(0.5, 1.0)])
    >>> sig.values["beat"].tolist(), sig.values["word"].tolist(), sig.values["sung"].tolist()
    ([0.0, 0.5, 1.0, 1.5, 2.0, 2.5], [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    """
    times = timebase.frame_times(n_frames, fps)
    values = {}
    for name, envelope in (envelopes or {}).items():
        if name in ENVELOPES:
            values[name] = np.asarray(envelope, dtype=np.float64)
    beats, downbeats = np.asarray(beats, dtype=np.float64), np.asarray(downbeats, dtype=np.float64)
    values["tempo"] = tempo_at(times, beats)
    values["beat"] = _count(times, beats)
    values["bar"] = _count(times, downbeats)
    values["beat_phase"] = values["beat"] - np.floor(values["beat"])
    values["bar_phase"] = values["bar"] - np.floor(values["bar"])
    starts = np.array([section[0] for section in sections], dtype=np.float64)
    values["section"] = np.maximum(_index(times, starts), 0.0)
    spans = np.asarray(list(words), dtype=np.float64).reshape(-1, 2)
    values["word"] = _index(times, spans[:, 0])
    values["sung"] = _sung(times, spans)
    values["line"] = _index(times, np.asarray(lines, dtype=np.float64))
    events = {"beat": beats, "bar": downbeats, "word": spans[:, 0], "line": np.asarray(lines, dtype=np.float64),
              "section": starts[1:]}
    if stems is not None:
        stem_signals, stem_events = stem_values(times, stems, _count)
        values.update(stem_signals)
        events.update(stem_events)
    return Signals(int(n_frames), float(fps), values, events, tuple(str(section[1]) for section in sections),
                   tuple(str(section[2]) if len(section) > 2 else "" for section in sections))


def _sung(times, spans):
    """1 while the last word begun is still sung."""
    if len(spans) == 0:
        return np.zeros_like(times)
    last = np.searchsorted(spans[:, 0], times, side="right") - 1
    return np.where(last >= 0, times < spans[np.maximum(last, 0), 1], False).astype(np.float64)


def pulse_train(times, events, *, decay, attack=0.0) -> np.ndarray:
    """1 at each event, decaying exponentially (time constant ``decay``) after it, rising over ``attack`` before it.

    Overlapping pulses take the larger value, so the train stays in [0, 1].

    Parameters
    ----------
    times : np.ndarray
        Seconds.
    events : array_like
        Event times in seconds, ascending.
    decay, attack : float or np.ndarray
        Seconds (a decay of 0 is taken as a microsecond; an attack of 0 steps up at the event).

    Examples
    --------
    >>> pulse_train(np.arange(5) / 10, [0.2], decay=0.1, attack=0.1).round(3).tolist()
    [0.0, 0.0, 1.0, 0.368, 0.135]
    """
    times = np.asarray(times, dtype=np.float64)
    events = np.asarray(events, dtype=np.float64).ravel()
    if events.size == 0:
        return np.zeros_like(times)
    decay = np.maximum(decay, 1e-6)
    after = np.searchsorted(events, times, side="right")
    since = times - events[np.maximum(after - 1, 0)]
    with np.errstate(over="ignore"):
        falling = np.where(after > 0, np.exp(-np.maximum(since, 0.0) / decay), 0.0)
    until = events[np.minimum(after, events.size - 1)] - times
    attack = np.asarray(attack, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.where(attack > 0, np.clip(1.0 - until / np.where(attack > 0, attack, 1.0), 0.0, 1.0), 0.0)
    rising = np.where(after < events.size, rise, 0.0)
    return np.maximum(falling, rising)


def slew_limit(values, max_step) -> np.ndarray:
    """Follow ``values`` but never change by more than ``max_step`` from one frame to the next.

    Only the frames where the limit bites are stepped one by one; elsewhere the
    output is the input, so a 10,000-frame curve takes about a millisecond.

    Examples
    --------
    >>> slew_limit(np.array([1.0, 1.0, 2.0, 2.0]), 0.5).tolist()
    [1.0, 1.0, 1.5, 2.0]
    """
    values = np.array(values, dtype=np.float64)
    step = float(max_step)
    if values.size < 2:
        return values
    jumps = np.flatnonzero(np.abs(np.diff(values)) > step) + 1
    out = values.copy()
    i = int(jumps[0]) if jumps.size else values.size
    while i < values.size:
        current = float(out[i - 1])
        while i < values.size:
            change = float(values[i]) - current
            if -step <= change <= step:
                break  # caught up: from here the output is the input until the next jump
            current += step if change > 0 else -step
            out[i] = current
            i += 1
        following = np.searchsorted(jumps, i, side="right")
        i = int(jumps[following]) if following < jumps.size else values.size
    return out


def follow(values, fps: float, attack, release=None) -> np.ndarray:
    """One-pole follower: rises towards ``values`` with time constant ``attack`` s, falls with ``release`` s.

    Examples
    --------
    >>> follow(np.array([0.0, 1.0, 1.0, 0.0]), 10, 0.0, 0.1).round(3).tolist()
    [0.0, 1.0, 1.0, 0.368]
    """
    release = attack if release is None else release
    return smooth(np.asarray(values, dtype=np.float64), fps, attack=max(float(attack), 0.0),
                  release=max(float(release), 0.0)).astype(np.float64)
