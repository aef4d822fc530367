"""The librosa beat tracker: beats, downbeats and meter of a signal as a :class:`~.grid.BeatGrid`.

It is librosa's own tracker (onset strength, a tempo estimate, the dynamic
programming of Ellis 2007) with what it gets wrong fixed: the tempo octave
(:mod:`.tempo`), tempo that changes during the song (the local tempo, per hop,
handed to the tracker when it strays from the dominant one for long), and the
meter and downbeats (:mod:`.meter`). On a steady song whose metrical levels
are not clear-cut it gives exactly ``librosa.beat.beat_track``'s beats.

Examples
--------
>>> import numpy as np, librosa
>>> sr, hop = 22050, 512
>>> y = librosa.clicks(times=np.arange(0.5, 12, 0.5), sr=sr, length=12 * sr)
>>> onset = librosa.onset.onset_strength(y=y, sr=sr, hop_length=hop)
>>> tempo, beats = track_beats(onset, sr=sr, hop_length=hop)
>>> round(tempo), len(beats) >= 20
(120, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import spectral_features
from .grid import BeatGrid, dominant_tempo
from .meter import beat_descriptors, downbeat_confidence, find_downbeats
from .tempo import DrumEnvelopes, OctaveRules, choose_tempo, drum_envelopes, pulse_clarity


def tempo_estimates(onset_envelope: np.ndarray, *, sr: int, hop_length: int, start_bpm: float = 120.0,
                    ac_size: float = 8.0, block: int = 4096) -> tuple[float, np.ndarray]:
    """librosa's tempo estimate for the whole song and at every hop, from one block-wise pass over the tempogram.

    The first is ``librosa.feature.tempo`` (the tempo ``librosa.beat.beat_track``
    tracks), the second the same with ``aggregate=None``. The tempogram
    behind them holds one autocorrelation of ``ac_size`` seconds per hop:
    about 1 GB for a 20-minute song. Blocks of ``block`` hops (each with the
    window's context) give the same numbers in bounded memory.

    Examples
    --------
    >>> import librosa
    >>> onset = np.random.default_rng(0).random(3000)
    >>> bpm, local_bpm = tempo_estimates(onset, sr=22050, hop_length=512, block=700)
    >>> bpm == librosa.feature.tempo(onset_envelope=onset, sr=22050, hop_length=512)[0]
    np.True_
    >>> np.array_equal(local_bpm, librosa.feature.tempo(onset_envelope=onset, sr=22050, hop_length=512,
    ...                                                 aggregate=None))
    True
    """
    import librosa

    win_length = int(librosa.time_to_frames(ac_size, sr=sr, hop_length=hop_length))
    padded = np.pad(onset_envelope, win_length // 2, mode="linear_ramp", end_values=0)
    local_bpm = np.empty(len(onset_envelope))
    total = np.zeros((win_length, 1))
    for start in range(0, len(onset_envelope), block):
        stop = min(len(onset_envelope), start + block)
        tempogram = librosa.feature.tempogram(onset_envelope=padded[start:stop + win_length - 1], sr=sr,
                                              hop_length=hop_length, win_length=win_length, center=False)
        local_bpm[start:stop] = librosa.feature.tempo(tg=tempogram, sr=sr, hop_length=hop_length,
                                                      start_bpm=start_bpm, aggregate=None)
        total += tempogram.sum(axis=1, keepdims=True)
    bpm = librosa.feature.tempo(tg=total / len(onset_envelope), sr=sr, hop_length=hop_length, start_bpm=start_bpm)
    return float(bpm[0]), local_bpm


def fold_octaves(local_bpm: np.ndarray, *, width: int = 501, tolerance: float = 0.2) -> np.ndarray:
    """Bring local tempo estimates that sit an octave (or two) off their neighbourhood back to its octave.

    The autocorrelation tempo jumps between metrical levels (often at the
    edges of the song, where its window is cut); an estimate within
    ``tolerance`` octaves of a power-of-two multiple of the running median
    (over ``width`` hops, about 12 s at the default hop) is divided back. A
    real tempo change is rarely a clean factor of two, so it stays.

    Examples
    --------
    >>> fold_octaves(np.array([90.0, 90.0, 181.0, 90.0, 120.0, 120.0]), width=5).tolist()
    [90.0, 90.0, 90.5, 90.0, 120.0, 120.0]
    """
    import scipy.ndimage

    local_bpm = np.asarray(local_bpm, dtype=np.float64)
    reference = scipy.ndimage.median_filter(local_bpm, size=min(width, len(local_bpm)) | 1, mode="reflect")
    return to_octave(local_bpm, reference, tolerance=tolerance)


def to_octave(local_bpm: np.ndarray, bpm, *, tolerance: float = 0.2) -> np.ndarray:
    """Move local tempo estimates within ``tolerance`` octaves of a whole octave off ``bpm`` to ``bpm``'s octave.

    ``bpm`` is one tempo or one per estimate.

    Examples
    --------
    >>> to_octave(np.array([60.0, 125.0, 250.0, 170.0]), 120.0).tolist()
    [120.0, 125.0, 125.0, 170.0]
    """
    local_bpm = np.asarray(local_bpm, dtype=np.float64)
    octaves = np.log2(local_bpm / bpm)
    whole = np.round(octaves)
    return np.where(np.abs(octaves - whole) <= tolerance, local_bpm / 2.0**whole, local_bpm)


@dataclass(frozen=True)
class TrackerSettings:
    """Settings of the librosa beat tracker (:func:`track_beats`, :func:`track_grid`).

    Parameters
    ----------
    octave : OctaveRules
        The tempo octave choice (:func:`~.tempo.choose_tempo`).
    drift : float
        Local tempo this far (in octaves) from the dominant one counts as a
        different tempo (0.1 octave: 7 %).
    drift_share : float
        When at least this share of the song is at a different tempo, beats
        that follow the local tempo are tried, if that tempo is steady:
    jump, max_jumps : float
        the local tempo changes by more than ``jump`` octaves from one hop to
        the next at most ``max_jumps`` times a minute, or in all in a song
        under a minute. (The local tempo of much real music hops between
        metrical levels every few seconds; a song that changes tempo holds
        each one for a while.)
    follow_gain : float
        Beats that follow the local tempo replace those at the dominant tempo
        when they fall on onsets this much stronger on average (the local
        tempo of real music wanders between metrical levels; the tracker
        follows it only where that finds the beats better).
    min_onset : float
        Below this mean onset strength (dB of spectral flux per band and hop:
        a steady drone or tone) the music has no beats.
    min_clarity : float
        Below this ratio of the mean onset strength on the beats to the mean
        overall (beats laid on noise), the music has no beats.
    min_beats : int
        Fewer beats than this are no steady beat (a second of audio, one hit).
    """

    octave: OctaveRules = OctaveRules()
    drift: float = 0.1
    drift_share: float = 0.2
    jump: float = 0.02
    max_jumps: float = 4.0
    follow_gain: float = 1.1
    min_onset: float = 0.1
    min_clarity: float = 1.5
    min_beats: int = 4


def track_beats(onset_envelope: np.ndarray, *, sr: int, hop_length: int, start_bpm: float = 120.0,
                tightness: float = 100.0, max_bpm: float = 200.0, drums: DrumEnvelopes | None = None,
                settings: TrackerSettings = TrackerSettings()) -> tuple[float, np.ndarray]:
    """Track the beats of an onset strength curve: the tempo octave people tap, a tempo that may change.

    Parameters
    ----------
    onset_envelope : np.ndarray, shape (n_hops,)
        Onset strength, one value per hop (:func:`librosa.onset.onset_strength`).
    sr, hop_length : int
        Sample rate and hop of the curve.
    start_bpm : float
        Centre of the prior of librosa's tempo estimate.
    tightness : float
        How strictly beats keep the tempo (librosa's ``tightness``; 100 is its default).
    max_bpm : float
        Fastest beat.
    drums : DrumEnvelopes or None
        What plays below the cymbals (:func:`~.tempo.drum_envelopes`), from
        which the tempo octave is chosen; None: the onset strength stands for it.
    settings : TrackerSettings

    Returns
    -------
    tempo : float
        Dominant tempo in BPM (:func:`dominant_tempo`); 0.0 without beats.
    beats : np.ndarray, float64 seconds, ascending

    Examples
    --------
    >>> tempo, beats = track_beats(np.zeros(500), sr=22050, hop_length=512)
    >>> tempo, beats.size
    (0.0, 0)
    >>> noise = np.random.default_rng(0).random(2000)              # onsets with no pulse in them
    >>> track_beats(noise, sr=22050, hop_length=512)[1].size
    0
    """
    import librosa

    onset_envelope = np.asarray(onset_envelope, dtype=np.float64)
    if onset_envelope.size < 2 or onset_envelope.mean() < settings.min_onset:
        return 0.0, np.zeros(0)

    def track(bpm):
        return librosa.beat.beat_track(onset_envelope=onset_envelope, sr=sr, hop_length=hop_length, bpm=bpm,
                                       tightness=tightness)[1]

    librosa_bpm, local_bpm = tempo_estimates(onset_envelope, sr=sr, hop_length=hop_length, start_bpm=start_bpm)
    drums_bpm = None
    if drums is None:
        drums = DrumEnvelopes(onset_envelope, onset_envelope, onset_envelope)
    else:
        drums_bpm, _ = tempo_estimates(drums.low, sr=sr, hop_length=hop_length, start_bpm=start_bpm)
    bpm, frames = choose_tempo(drums, track, librosa_bpm, drums_bpm=drums_bpm, max_bpm=max_bpm,
                               rules=settings.octave)
    clarity = pulse_clarity(onset_envelope, frames)
    local_bpm = to_octave(fold_octaves(local_bpm), bpm)
    # a song shorter than a minute is held to max_jumps in all: a rate scaled up from 40 s counts the few steps
    # of one tempo change as a song that hops between levels
    minutes = max(1.0, len(onset_envelope) * hop_length / sr / 60.0)
    jumps = np.count_nonzero(np.abs(np.diff(np.log2(local_bpm))) > settings.jump) / minutes
    drifts = np.mean(np.abs(np.log2(local_bpm / bpm)) > settings.drift) >= settings.drift_share
    if drifts and jumps <= settings.max_jumps:
        following = track(local_bpm)
        following_clarity = pulse_clarity(onset_envelope, following)
        if following_clarity >= settings.follow_gain * clarity:
            frames, clarity = following, following_clarity
    if len(frames) < settings.min_beats or clarity < settings.min_clarity:
        return 0.0, np.zeros(0)
    beats = librosa.frames_to_time(frames, sr=sr, hop_length=hop_length).astype(np.float64)
    return dominant_tempo(beats), beats


def track_grid(y: np.ndarray, sr: int, *, hop_length: int = 512, beats_per_bar: int | None = None,
               features: dict | None = None, settings: TrackerSettings = TrackerSettings()) -> BeatGrid:
    """Beats, downbeats and meter of a song with librosa alone.

    Parameters
    ----------
    y : np.ndarray, float32, shape (n_samples,)
        Mono signal.
    sr : int
        Its sample rate (the analysis uses 22050 Hz).
    hop_length : int
        Hop of the onset strength curve, in samples.
    beats_per_bar : int or None
        The meter, when known; None: find 3 or 4 from the music.
    features : dict or None
        :func:`~.features.spectral_features` of ``y`` at this hop (2048-point
        FFT), when the caller already has them; None: computed here.
    settings : TrackerSettings

    Returns
    -------
    BeatGrid
        ``tracker="librosa"``, with its :func:`~.meter.downbeat_confidence`; empty (no
        beats, confidence None) for silence or music without a pulse (the analysis warns).

    Examples
    --------
    >>> import librosa
    >>> times = np.arange(0.5, 16, 0.5)
    >>> y = librosa.clicks(times=times, sr=22050, length=16 * 22050)
    >>> y += librosa.clicks(times=times[::3], sr=22050, click_freq=150.0, length=16 * 22050)  # accents in 3
    >>> grid = track_grid(y, 22050)
    >>> round(grid.tempo), grid.beats_per_bar, grid.downbeats[:3].round(1).tolist()
    (120, 3, [2.0, 3.5, 5.0])
    """
    import librosa

    if features is None:
        features = spectral_features(y, sr=sr, hop_length=hop_length)
    mel_db = librosa.power_to_db(features["mel"])
    # the median over mel bands, as librosa.beat.beat_track takes it: steadier than the mean; where the music
    # sounds in few bands (a bass drum alone, an 808 line) the median is flat, and the mean is the onset
    onset = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=hop_length, aggregate=np.median)
    if onset.mean() < settings.min_onset:
        onset = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=hop_length, aggregate=np.mean)
    drums = drum_envelopes(mel_db, sr=sr, hop_length=hop_length, rules=settings.octave, min_onset=settings.min_onset)
    _, beats = track_beats(onset, sr=sr, hop_length=hop_length, drums=drums, settings=settings)
    if beats.size == 0:
        return BeatGrid(np.zeros(0), np.zeros(0), beats_per_bar or 4, "librosa", librosa.__version__)
    frames = librosa.time_to_frames(beats, sr=sr, hop_length=hop_length)
    descriptors = beat_descriptors(frames, features, sr=sr, hop_length=hop_length, mel_db=mel_db)
    meter, downbeat = find_downbeats(descriptors, beats_per_bar=beats_per_bar)
    return BeatGrid(beats, beats[downbeat], meter, "librosa", librosa.__version__,
                    downbeat_confidence=downbeat_confidence(descriptors, downbeat, meter))
