"""The tempo octave: which metrical level of a pulse people would tap as the beat.

librosa's tempo estimate (the onset autocorrelation weighted by a prior around
120 BPM) finds the pulse but often at twice or half the beat people tap: a
72 BPM ballad whose hi-hats play eighth notes comes out at 144, a 172 BPM
drum'n'bass track at 86. The choice is made again on what the drums and bass
play below the cymbals (:class:`DrumEnvelopes`): hats and ride subdivide the
beat, and how loud they are in the mix must not move it. What plays between
the beats tracked at a level (:func:`offbeat_ratio`,
:func:`subdivision_ratio`) and whether every other beat is weaker
(:func:`alternation`) tell the levels apart:

- a level with nothing half-way between its beats whose every other beat is
  clearly weaker is the fastest pulse (the eighth notes), not the beat: halve it;
- a level whose half-beats are as strong as its beats, or nearly as strong
  and with subdivisions of their own, is a level above the beat (the
  half-bar): double it, in the second case only when the doubled tempo is
  nearer the centre of the range people tap;
- a level whose beats are the backbeat (snare on 2 and 4, weak kick and
  bass on 1 and 3 between them) doubles into the range people tap;
- a level where one drum plays more on the half-beats than on the beats (the
  kick on the beats, the snare between them: the kick and snare alternate
  at twice its tempo) doubles.

Where none holds, librosa's choice stands. These rules were made on
synthetic grooves; on real recordings their evidence is weaker and less
clear-cut (a country two-beat at 86 BPM, kick on the beat and snare between,
reads like a drum'n'bass groove tracked at half its tempo), and a doubling to
a fast tempo there halved the beat F of ``librosa.beat.beat_track``. So the
move they make is checked against librosa's own octave (:func:`keeps_octave`):

- a doubling that lands no faster than the range people tap (60 becoming
  120) stands on the rules above;
- a doubling to a faster tempo (86 becoming 172) stands only where the kick, the drum that
  marks the beat, plays more half-way between the beats than on them, and
  decisively (its half-beats well above anything measured on the real
  recordings of ``benchmarks/beats.py``);
- a halving stands only where librosa's beats are the fastest pulse (nothing
  between them) and every other one is clearly weaker.

When in doubt, librosa's octave stays.

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
        Below this :func:`alternation` every other beat is clearly weaker (on
        real recordings the beats of a level with nothing between them still
        alternated at 0.86 and above).
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
    backbeat, drum_clarity : float
        A drum plays between the beats when, in its band (the kick's or the
        snare's, :class:`DrumEnvelopes`), :func:`offbeat_ratio` is at least
        ``backbeat`` and the onsets half-way between the beats stand at least
        ``drum_clarity`` times above the band's mean (:func:`pulse_clarity`;
        a band with no drum in it is noise, about 1): the beat is twice as fast.
    kick_clarity : float
        A doubling to a tempo above ``tap_range`` needs the kick to play between
        the beats with its half-beats at least this many times above its band's
        mean. On the 7 real clips and 40 pseudo-reference excerpts of
        ``benchmarks/beats.py`` the kick's half-beats never stood above 2.2
        (synthetic grooves that double: 3 and more).
    kick_hz, cymbal_hz : float
        The kick's band lies below ``kick_hz``, the snare's between the two;
        above ``cymbal_hz`` the hats and cymbals, whose level is left out.
    same_pulse : tuple of float
        Tempo ratios of two metrical levels of one pulse: librosa's tempo of
        the drums replaces that of the whole mix when the two are in one of
        these ratios (within 4 %), and not otherwise (then the drums follow
        a rhythm of their own, or too little of the song plays below the
        cymbals). Octaves only: with 3/2 too, a house groove whose loud hats
        make the mix's tempo 2/3 of the beat is right, but on real music the
        switch moved more excerpts and one for the worse (``benchmarks/octave.py``).
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
    backbeat: float = 1.0
    drum_clarity: float = 1.5
    kick_clarity: float = 2.5
    kick_hz: float = 150.0
    cymbal_hz: float = 700.0
    same_pulse: tuple[float, ...] = (1.0, 2.0, 0.5)


@dataclass(frozen=True)
class DrumEnvelopes:
    """Onset strength of what plays below the cymbals, one value per hop (:func:`drum_envelopes`).

    Parameters
    ----------
    low : np.ndarray
        All bands below the cymbals (kick, snare, bass, chords).
    kick, snare : np.ndarray
        The kick's band and the snare's band.
    """

    low: np.ndarray
    kick: np.ndarray
    snare: np.ndarray


def drum_envelopes(mel_db: np.ndarray, *, sr: int, hop_length: int, rules: OctaveRules = OctaveRules(),
                   min_onset: float = 0.1) -> DrumEnvelopes:
    """The onset strength below the cymbals, and in the kick's and the snare's bands, of a mel spectrogram.

    Onset strength in dB per band does not change with a band's level, so
    hats or a bright master louder or softer leave these curves as they are.

    Parameters
    ----------
    mel_db : np.ndarray, shape (n_mels, n_hops)
        Mel power in dB (:func:`librosa.power_to_db`), bands from 0 Hz to ``sr / 2``.
    sr, hop_length : int
    rules : OctaveRules
        Where the bands lie.
    min_onset : float
        Below this mean the median over the bands below the cymbals is flat
        (music in few of them): their mean is ``low`` instead.

    Examples
    --------
    >>> import librosa
    >>> y = librosa.clicks(times=np.arange(0.5, 8, 0.5), sr=22050, click_freq=100.0, length=8 * 22050)
    >>> mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=22050))
    >>> drums = drum_envelopes(mel_db, sr=22050, hop_length=512)
    >>> beat_frames = librosa.time_to_frames(np.arange(0.5, 8, 0.5), sr=22050)
    >>> drums.kick.shape == drums.low.shape == (345,), pulse_clarity(drums.kick, beat_frames) > 2  # the kicks stand out
    (True, True)
    """
    import librosa

    centres = librosa.mel_frequencies(len(mel_db) + 2, fmax=sr / 2.0)[1:-1]

    def onset(rows, aggregate=np.mean):
        return librosa.onset.onset_strength(S=mel_db[rows], sr=sr, hop_length=hop_length, aggregate=aggregate)

    below = centres < rules.cymbal_hz
    low = onset(below, np.median)
    if low.mean() < min_onset:
        low = onset(below)
    return DrumEnvelopes(low, onset(centres < rules.kick_hz), onset(below & (centres >= rules.kick_hz)))


def _strength_at(onset_envelope: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The strongest onset within a hop of each frame (so a beat a hop off its onset still counts)."""
    last = len(onset_envelope) - 1
    return np.maximum.reduce([onset_envelope[np.clip(frames + d, 0, last)] for d in (-1, 0, 1)])


def _between(beat_frames: np.ndarray, fraction: float) -> np.ndarray:
    """The frames ``fraction`` of the way from each beat to the next."""
    return np.rint(beat_frames[:-1] + fraction * np.diff(beat_frames)).astype(int)


def _ratio_between(onset_envelope: np.ndarray, beat_frames: np.ndarray, fraction: float) -> float:
    """Mean onset strength ``fraction`` of the way from each beat to the next over that on the beats."""
    on = _strength_at(onset_envelope, beat_frames).mean()
    return float(_strength_at(onset_envelope, _between(beat_frames, fraction)).mean() / max(on, 1e-12))


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


def _octave(onset_envelope: np.ndarray, track, bpm: float, max_bpm: float, rules: OctaveRules) -> float:
    """The metrical level of ``bpm`` that the rules read from ``onset_envelope`` as the beat (see the module)."""
    frames = track(bpm)
    subdivision = subdivision_ratio(onset_envelope, frames)
    fastest = subdivision < rules.tatum_subdivision
    if fastest and alternation(onset_envelope, frames) < rules.alternation and bpm / 2 >= rules.min_bpm:
        return bpm / 2
    offbeat = offbeat_ratio(onset_envelope, frames)
    if 2 * bpm > max_bpm:
        return bpm
    if offbeat >= rules.double_offbeat:
        nearer_doubled = abs(np.log2(2 * bpm / rules.centre_bpm)) < abs(np.log2(bpm / rules.centre_bpm))
        if offbeat >= rules.equal_offbeat or (
                nearer_doubled and subdivision_ratio(onset_envelope, track(2 * bpm)) >= rules.subdivided):
            return 2 * bpm
    elif (rules.tatum_subdivision <= offbeat < rules.backbeat_offbeat and subdivision <= offbeat
          and rules.tap_range[0] <= 2 * bpm <= rules.tap_range[1]):
        if alternation(onset_envelope, track(2 * bpm)) < rules.backbeat_alternation:
            return 2 * bpm
    return bpm


def choose_tempo(drums: DrumEnvelopes, track, bpm: float, *, drums_bpm: float | None = None,
                 max_bpm: float = 200.0, rules: OctaveRules = OctaveRules()) -> tuple[float, np.ndarray]:
    """The tempo of the beat people would tap, and the beats tracked at it.

    The drums' own tempo estimate replaces the mix's when the two are
    octaves of one pulse; the rules of the module, read from what plays
    below the cymbals, then move it an octave, or a drum playing between
    its beats doubles it. A move away from librosa's octave that real music
    does not back (:func:`keeps_octave`) is undone.

    Parameters
    ----------
    drums : DrumEnvelopes
        What plays below the cymbals (:func:`drum_envelopes`).
    track : callable
        ``track(bpm) -> beat_frames``: the beat tracker run at a given tempo (on the whole mix).
    bpm : float
        librosa's tempo estimate of the whole mix (:func:`librosa.feature.tempo`).
    drums_bpm : float or None
        The same estimate of ``drums.low``; None: ``bpm``.
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
    >>> bpm, beats = choose_tempo(DrumEnvelopes(onset, onset, onset), track, librosa_bpm)
    >>> round(librosa_bpm), round(bpm)    # librosa hears the clicks between the beats as beats
    (144, 72)
    """
    librosa_bpm = bpm
    track = _remembered(track)
    if drums_bpm is not None and any(abs(drums_bpm / bpm / ratio - 1) < 0.04 for ratio in rules.same_pulse):
        bpm = drums_bpm
    bpm = _octave(drums.low, track, bpm, max_bpm, rules)
    frames = track(bpm)
    if 2 * bpm <= max_bpm and any(_plays_between(band, frames, rules) for band in (drums.kick, drums.snare)):
        bpm = 2 * bpm
        frames = track(bpm)
    if keeps_octave(drums, track, librosa_bpm, bpm, rules):
        return bpm, frames
    return librosa_bpm, track(librosa_bpm)


def _remembered(track):
    """``track`` that runs once per tempo (the rules and :func:`keeps_octave` ask for the same tempos again)."""
    beats = {}

    def remembered(bpm):
        if bpm not in beats:
            beats[bpm] = track(bpm)
        return beats[bpm]

    return remembered


def keeps_octave(drums: DrumEnvelopes, track, librosa_bpm: float, bpm: float,
                 rules: OctaveRules = OctaveRules()) -> bool:
    """Whether the move from librosa's tempo to ``bpm`` has the evidence real music asks of it (see the module).

    A tempo in librosa's octave (within a third of an octave) always stands.

    Examples
    --------
    >>> n, period = 2000, 40
    >>> kick, snare = np.zeros(n), np.zeros(n)
    >>> kick[::period], snare[period // 2::period] = 1.0, 1.0              # kick on the beats, snare between
    >>> track = lambda bpm: np.arange(0, n, int(round(period * 86.0 / bpm)))    # the drums' level is 86 BPM
    >>> keeps_octave(DrumEnvelopes(kick + snare, kick, snare), track, 86.0, 172.0)   # a two-beat: stays at 86
    False
    >>> keeps_octave(DrumEnvelopes(kick + snare, snare, kick), track, 86.0, 172.0)   # the kick between: 172
    True
    """
    octaves = np.log2(bpm / librosa_bpm)
    if abs(octaves) < 1 / 3:
        return True
    frames = track(librosa_bpm)
    if octaves < 0:
        return (subdivision_ratio(drums.low, frames) < rules.tatum_subdivision
                and alternation(drums.low, frames) < rules.alternation)
    if bpm <= rules.tap_range[1] * 1.04:        # within 4 %, as the octaves of same_pulse
        return True
    return (offbeat_ratio(drums.kick, frames) >= rules.backbeat
            and pulse_clarity(drums.kick, _between(frames, 0.5)) >= rules.kick_clarity)


def _plays_between(band: np.ndarray, beat_frames: np.ndarray, rules: OctaveRules) -> bool:
    """Whether a drum's band plays more half-way between the beats than on them, and clearly (it is not noise)."""
    return (offbeat_ratio(band, beat_frames) >= rules.backbeat
            and pulse_clarity(band, _between(beat_frames, 0.5)) >= rules.drum_clarity)


def pulse_clarity(onset_envelope: np.ndarray, frames: np.ndarray) -> float:
    """Mean onset strength at ``frames`` over the mean anywhere (about 1 for points placed in noise).

    Examples
    --------
    >>> onset = np.zeros(100); onset[::10] = 1.0
    >>> round(pulse_clarity(onset, np.arange(0, 100, 10)), 2), pulse_clarity(onset, np.arange(5, 100, 10))
    (3.45, 0.0)
    """
    import scipy.ndimage

    if len(frames) == 0:
        return 0.0
    # the strongest value within a hop of each point, on the frames as everywhere, so noise scores 1
    peaks = scipy.ndimage.maximum_filter1d(onset_envelope, size=3, mode="nearest")
    return float(np.mean(peaks[frames]) / max(np.mean(peaks), 1e-12))
