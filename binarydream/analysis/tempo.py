"""The tempo octave: which metrical level of a pulse people would tap as the beat.

librosa's tempo estimate (the onset autocorrelation weighted by a prior around
120 BPM) finds the pulse but often at twice or half the beat people tap: a
72 BPM ballad whose hi-hats play eighth notes comes out at 144, a 172 BPM
drum'n'bass track at 86. What plays between the beats tracked at a level
(:func:`offbeat_ratio`, :func:`subdivision_ratio`) and whether every other
beat is weaker (:func:`alternation`) tell the levels apart:

- a level with nothing half-way between its beats whose every other beat is
  clearly weaker is the fastest pulse (the hats), not the beat: halve it;
- a level whose half-beats are as strong as its beats, or nearly as strong
  and with subdivisions of their own, is a level above the beat (the
  half-bar): double it, in the second case only when the doubled tempo is
  nearer the centre of the range people tap;
- a level whose beats are the backbeat (snare on 2 and 4, weak kick and
  bass on 1 and 3 between them) doubles into the range people tap.

Where neither holds, librosa's choice stands, so this never does worse than
``librosa.beat.beat_track`` on music whose levels are not clear.

Examples
--------
>>> import numpy as np
>>> onset = np.zeros(600); onset[::40] = 1.0; onset[20::40] = 0.3      # strong beats, weak half-beats
>>> round(offbeat_ratio(onset, np.arange(0, 600, 40)), 2)           # tracked at the beat
0.3
>>> round(alternation(onset, np.arange(0, 600, 20)), 2)             # tracked at twice the beat
0.3
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OctaveRules:
    """Thresholds of the tempo octave choice (:func:`choose_tempo`).

    Parameters
    ----------
    tatum_subdivision : float
        Below this :func:`subdivision_ratio` nothing plays between the beats:
        the level is the fastest pulse of the music.
    alternation : float
        Below this :func:`alternation` every other beat is clearly weaker.
    double_offbeat : float
        At or above this :func:`offbeat_ratio` the half-beats are nearly as
        strong as the beats.
    equal_offbeat : float
        At or above this :func:`offbeat_ratio` the half-beats are as strong as
        the beats: they are beats too (a pulse with nothing to tell its levels
        apart is counted at its faster level).
    subdivided : float
        At or above this :func:`subdivision_ratio` of the doubled level, the
        doubled level has subdivisions of its own (it is not the fastest pulse).
    backbeat_offbeat, backbeat_alternation : float
        A level with weak half-beats (:func:`offbeat_ratio` below
        ``backbeat_offbeat`` but not silent, and no stronger ternary
        subdivision) whose doubled level alternates strongly
        (:func:`alternation` below ``backbeat_alternation``) has its beats on
        the backbeat (snare on 2 and 4) and the weak beats between: double
        it, when the doubled tempo is in ``tap_range``.
    tap_range : tuple of float
        The tempos people tap most readily.
    centre_bpm : float
        Centre of the range people tap; of two clear levels the one nearer it
        (in octaves) is the beat.
    min_bpm : float
        Slowest beat.
    """

    tatum_subdivision: float = 0.12
    alternation: float = 0.75
    double_offbeat: float = 0.5
    equal_offbeat: float = 0.9
    subdivided: float = 0.3
    backbeat_offbeat: float = 0.3
    backbeat_alternation: float = 0.3
    tap_range: tuple[float, float] = (100.0, 140.0)
    centre_bpm: float = 128.0
    min_bpm: float = 60.0


def _strength_at(onset_envelope: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The strongest onset within a hop of each frame (so a beat a hop off its onset still counts)."""
    last = len(onset_envelope) - 1
    return np.maximum.reduce([onset_envelope[np.clip(frames + d, 0, last)] for d in (-1, 0, 1)])


def _ratio_between(onset_envelope: np.ndarray, beat_frames: np.ndarray, fraction: float) -> float:
    """Mean onset strength ``fraction`` of the way from each beat to the next over that on the beats."""
    on = _strength_at(onset_envelope, beat_frames).mean()
    points = np.rint(beat_frames[:-1] + fraction * np.diff(beat_frames)).astype(int)
    return float(_strength_at(onset_envelope, points).mean() / max(on, 1e-12))


def offbeat_ratio(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> float:
    """Mean onset strength half-way between beats over that on the beats.

    About 0 when nothing plays between the beats, about 1 when the half-beats
    are as strong as the beats; 0.0 with fewer than 4 beats.

    Examples
    --------
    >>> onset = np.zeros(100); onset[::10] = 1.0; onset[5::10] = 0.5
    >>> offbeat_ratio(onset, np.arange(0, 100, 10))
    0.5
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    return _ratio_between(onset_envelope, beat_frames, 0.5) if len(beat_frames) >= 4 else 0.0


def subdivision_ratio(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> float:
    """The strongest of the onsets at a half, a third and two thirds of the way between beats, over those on them.

    :func:`offbeat_ratio` that also hears a ternary subdivision (swing, 6/8);
    0.0 with fewer than 4 beats.

    Examples
    --------
    >>> onset = np.zeros(120); onset[::12] = 1.0; onset[8::12] = 0.5          # swung: the "a" two thirds on
    >>> beats = np.arange(0, 120, 12)
    >>> offbeat_ratio(onset, beats), subdivision_ratio(onset, beats)
    (0.0, 0.5)
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    if len(beat_frames) < 4:
        return 0.0
    return max(_ratio_between(onset_envelope, beat_frames, fraction) for fraction in (1 / 3, 0.5, 2 / 3))


def alternation(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> float:
    """Mean onset strength of the weaker half of alternate beats over that of the stronger half.

    1.0 when odd and even beats are equally strong, near 0 when every other
    beat is silent (a pulse tracked at twice its tempo); 1.0 with fewer than 4 beats.

    Examples
    --------
    >>> onset = np.zeros(100); onset[::20] = 1.0; onset[10::20] = 0.25
    >>> alternation(onset, np.arange(0, 100, 10))
    0.25
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    if len(beat_frames) < 4:
        return 1.0
    strength = _strength_at(onset_envelope, beat_frames)
    halves = sorted([strength[0::2].mean(), strength[1::2].mean()])
    return float(halves[0] / max(halves[1], 1e-12))


def choose_tempo(onset_envelope: np.ndarray, track, bpm: float, *, max_bpm: float = 200.0,
                 rules: OctaveRules = OctaveRules()) -> tuple[float, np.ndarray]:
    """The tempo of the beat people would tap, and the beats tracked at it.

    Parameters
    ----------
    onset_envelope : np.ndarray, shape (n_hops,)
        Onset strength (:func:`librosa.onset.onset_strength`).
    track : callable
        ``track(bpm) -> beat_frames``: the beat tracker run at a given tempo.
    bpm : float
        librosa's tempo estimate (:func:`librosa.feature.tempo`).
    max_bpm : float
        Fastest beat.
    rules : OctaveRules
        Thresholds of the choice.

    Returns
    -------
    bpm : float
    beat_frames : np.ndarray of int

    Examples
    --------
    >>> import librosa
    >>> y = librosa.clicks(times=np.arange(0.5, 15, 60 / 72), sr=22050, length=15 * 22050)
    >>> y += 0.3 * librosa.clicks(times=np.arange(0.5 + 30 / 72, 15, 60 / 72), sr=22050, length=15 * 22050)
    >>> onset = librosa.onset.onset_strength(y=y, sr=22050)
    >>> track = lambda bpm: librosa.beat.beat_track(onset_envelope=onset, bpm=bpm)[1]
    >>> librosa_bpm = librosa.feature.tempo(onset_envelope=onset)[0]
    >>> bpm, beats = choose_tempo(onset, track, librosa_bpm)
    >>> round(librosa_bpm), round(bpm)    # librosa hears the clicks between the beats as beats
    (144, 72)
    """
    frames = track(bpm)
    subdivision = subdivision_ratio(onset_envelope, frames)
    fastest = subdivision < rules.tatum_subdivision
    if fastest and alternation(onset_envelope, frames) < rules.alternation and bpm / 2 >= rules.min_bpm:
        return bpm / 2, track(bpm / 2)
    offbeat = offbeat_ratio(onset_envelope, frames)
    if 2 * bpm > max_bpm:
        return bpm, frames
    if offbeat >= rules.double_offbeat:
        nearer_doubled = abs(np.log2(2 * bpm / rules.centre_bpm)) < abs(np.log2(bpm / rules.centre_bpm))
        doubled = track(2 * bpm)
        if offbeat >= rules.equal_offbeat or (
                nearer_doubled and subdivision_ratio(onset_envelope, doubled) >= rules.subdivided):
            return 2 * bpm, doubled
    elif (rules.tatum_subdivision <= offbeat < rules.backbeat_offbeat and subdivision <= offbeat
          and rules.tap_range[0] <= 2 * bpm <= rules.tap_range[1]):
        doubled = track(2 * bpm)
        if alternation(onset_envelope, doubled) < rules.backbeat_alternation:
            return 2 * bpm, doubled
    return bpm, frames
