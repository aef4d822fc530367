"""Beats and tempo from an onset strength curve, with a tempo that may drift or change.

The local tempo is estimated per hop from the onset autocorrelation
(:func:`librosa.feature.tempo` with ``aggregate=None``, in blocks) and handed to librosa's
dynamic-programming beat tracker as a time-varying tempo, so a song that speeds
up keeps its beats. The dominant tempo is then read from the beats themselves
(their typical spacing), which is finer than the autocorrelation's lag grid.

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

import numpy as np

from .grid import dominant_tempo


def local_tempo(onset_envelope: np.ndarray, *, sr: int, hop_length: int, start_bpm: float = 120.0,
                ac_size: float = 8.0, block: int = 4096) -> np.ndarray:
    """Tempo in BPM at every hop, as ``librosa.feature.tempo(aggregate=None)`` gives it, computed block by block.

    The tempogram behind it holds one autocorrelation of ``ac_size`` seconds per
    hop: about 1 GB for a 20-minute song. Blocks of ``block`` hops (each with
    the window's context) give the same numbers in bounded memory.

    Examples
    --------
    >>> import librosa
    >>> onset = np.random.default_rng(0).random(3000)
    >>> whole = librosa.feature.tempo(onset_envelope=onset, sr=22050, hop_length=512, aggregate=None)
    >>> np.array_equal(local_tempo(onset, sr=22050, hop_length=512, block=700), whole)
    True
    """
    import librosa

    win_length = int(librosa.time_to_frames(ac_size, sr=sr, hop_length=hop_length))
    padded = np.pad(onset_envelope, win_length // 2, mode="linear_ramp", end_values=0)
    out = np.empty(len(onset_envelope))
    for start in range(0, len(onset_envelope), block):
        stop = min(len(onset_envelope), start + block)
        tempogram = librosa.feature.tempogram(onset_envelope=padded[start:stop + win_length - 1], sr=sr,
                                              hop_length=hop_length, win_length=win_length, center=False)
        out[start:stop] = librosa.feature.tempo(tg=tempogram, sr=sr, hop_length=hop_length, start_bpm=start_bpm,
                                                aggregate=None)
    return out


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
    octaves = np.log2(local_bpm / reference)
    whole = np.round(octaves)
    fold = (whole != 0) & (np.abs(octaves - whole) <= tolerance)
    return np.where(fold, local_bpm / 2.0**whole, local_bpm)


def _pulse_clarity(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> float:
    """Mean onset strength on the beats over the mean anywhere (about 1 for beats placed in noise)."""
    import scipy.ndimage

    if len(beat_frames) == 0:
        return 0.0
    # the strongest value within a hop of each point, on the beats as everywhere, so noise scores 1
    peaks = scipy.ndimage.maximum_filter1d(onset_envelope, size=3, mode="nearest")
    return float(np.mean(peaks[beat_frames]) / max(np.mean(peaks), 1e-12))


def _offbeat_ratio(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> float:
    """Onset strength half-way between beats relative to that on the beats (1.0: the pulse is twice as fast)."""
    if len(beat_frames) < 4:
        return 0.0
    local = np.maximum.reduce([onset_envelope[np.clip(beat_frames + d, 0, len(onset_envelope) - 1)]
                               for d in (-1, 0, 1)])
    midpoints = np.rint((beat_frames[:-1] + beat_frames[1:]) / 2).astype(int)
    offbeat = np.maximum.reduce([onset_envelope[np.clip(midpoints + d, 0, len(onset_envelope) - 1)]
                                 for d in (-1, 0, 1)])
    return float(np.mean(offbeat) / max(np.mean(local), 1e-12))


def track_beats(onset_envelope: np.ndarray, *, sr: int, hop_length: int, start_bpm: float = 120.0,
                tightness: float = 50.0, max_bpm: float = 200.0, offbeat_ratio: float = 0.8,
                min_onset: float = 0.1, min_clarity: float = 1.5) -> tuple[float, np.ndarray]:
    """Track the beats of an onset strength curve whose tempo may change over time.

    Parameters
    ----------
    onset_envelope : np.ndarray, shape (n_hops,)
        Onset strength, one value per hop (:func:`librosa.onset.onset_strength`).
    sr, hop_length : int
        Sample rate and hop of the curve.
    start_bpm : float
        Centre of the tempo prior.
    tightness : float
        How strictly beats keep the local tempo (librosa's ``tightness``; lower
        follows tempo changes more readily).
    max_bpm : float
        Fastest tempo considered when the pulse is found to be twice the tracked one.
    offbeat_ratio : float
        When onsets half-way between the tracked beats are at least this strong
        relative to those on the beats, every half-beat is a beat: the tracker
        took half the true tempo (librosa's prior favours about 120 BPM).
    min_onset : float
        Below this mean onset strength (dB of spectral flux per band and hop:
        a steady drone or tone) the music has no beats.
    min_clarity : float
        Below this ratio of the mean onset strength on the beats to the mean
        overall (beats laid on noise), the music has no beats.

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
    if onset_envelope.mean() < min_onset:
        return 0.0, np.zeros(0)
    local_bpm = fold_octaves(local_tempo(onset_envelope, sr=sr, hop_length=hop_length, start_bpm=start_bpm))
    _, frames = librosa.beat.beat_track(onset_envelope=onset_envelope, sr=sr, hop_length=hop_length,
                                        bpm=local_bpm, tightness=tightness)
    if np.median(local_bpm) * 2 <= max_bpm and _offbeat_ratio(onset_envelope, frames) >= offbeat_ratio:
        _, frames = librosa.beat.beat_track(onset_envelope=onset_envelope, sr=sr, hop_length=hop_length,
                                            bpm=2 * local_bpm, tightness=tightness)
    if _pulse_clarity(onset_envelope, frames) < min_clarity:
        return 0.0, np.zeros(0)
    beats = librosa.frames_to_time(frames, sr=sr, hop_length=hop_length).astype(np.float64)
    return dominant_tempo(beats), beats


def track_grid(y: np.ndarray, sr: int, *, hop_length: int = 512, beats_per_bar: int | None = None):
    """Beats, downbeats and meter of a mono signal: :func:`track_beats`, then the meter from the beats' accents.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        Mono signal.
    sr : int
        Its sample rate.
    hop_length : int
        Hop of the onset strength curve, in samples.
    beats_per_bar : int or None
        Force the meter (downbeats from the first beat); None: infer 3 or 4
        (:func:`~binarydream.analysis.meter.infer_meter`).

    Returns
    -------
    BeatGrid

    Examples
    --------
    >>> import librosa
    >>> y = librosa.clicks(times=np.arange(0.5, 12, 0.5), sr=22050, length=12 * 22050)
    >>> grid = track_grid(y, 22050)
    >>> round(grid.tempo), grid.beats_per_bar, grid.tracker
    (120, 4, 'librosa')
    """
    import librosa

    from .features import spectral_features
    from .grid import BeatGrid
    from .meter import beat_accents, infer_meter

    features = spectral_features(y, sr=sr, hop_length=hop_length)
    onset = librosa.onset.onset_strength(S=librosa.power_to_db(features["mel"]), sr=sr, hop_length=hop_length)
    _, beats = track_beats(onset, sr=sr, hop_length=hop_length)
    if beats_per_bar:
        meter, phase = int(beats_per_bar), 0
    elif beats.size == 0:
        meter, phase = 4, 0
    else:
        beat_frames = librosa.time_to_frames(beats, sr=sr, hop_length=hop_length)
        meter, phase = infer_meter(beat_accents(beat_frames, [onset, features["bands"][0]]))
    return BeatGrid(beats=beats, downbeats=beats[phase::meter], beats_per_bar=meter, tracker="librosa",
                    version=librosa.__version__)
