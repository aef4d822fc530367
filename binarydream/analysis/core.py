"""``analyze``: a song file in, an :class:`~binarydream.analysis.Analysis` at a video frame rate out.

The stages run in order on one decoded mono signal: the beat grid (beats,
downbeats, meter) from the chosen tracker (:mod:`.trackers`: Beat This!,
madmom or librosa), which hears the signal at its own rate; then, at the
analysis rate, a block-wise spectral pass (:mod:`.features`), onset strength,
sections (:mod:`.sections`), named by their function (:mod:`.form`) once a
voice detector has said which are sung (:mod:`.voice`), and the per-frame
envelopes (:mod:`.envelopes`).
Results are cached by content, parameters and tracker (:mod:`.cache`).
"""

from __future__ import annotations

import numbers
import warnings
from pathlib import Path

import numpy as np

from .. import timebase
from ..audio import load_audio, probe_duration
from ..errors import AudioError, ParameterError
from . import cache
from .envelopes import at_frames, hpss_amplitudes, normalize
from .features import spectral_features
from .grid import WEAK_DOWNBEATS, BeatGrid
from .result import ENVELOPE_NAMES, Analysis, Section
from .form import form_from_audio
from .sections import song_sections, unit_starts
from .trackers import Tracker, choose
from .trackers.resample import to_rate
from .voice import sung_sections, voice_detector

DEFAULT_PARAMS = {
    "sr": 22050,                 # analysis sample rate (Hz)
    "hop_length": 512,           # feature hop (samples): about 23 ms
    "n_fft": 2048,
    "percentiles": (5.0, 99.0),  # envelope normalisation: these map to 0 and 1
    "beats_per_bar": None,       # None: infer the meter (3 or 4); or force any, e.g. 2 or 6
    "max_sections": 10,          # most distinct section labels tried; the music chooses how many it has
}
"""Analysis parameters :func:`analyze` accepts as keywords, with their defaults."""

SILENCE_PEAK = 1e-3
"""A song whose peak amplitude stays below this (-60 dBFS) is silent."""

MIN_BEATS = 4
"""A grid of fewer beats than this (less than a bar) is no steady beat: the analysis has none."""


def _check_params(params: dict) -> dict:
    unknown = sorted(set(params) - set(DEFAULT_PARAMS))
    if unknown:
        raise TypeError(f"analyze() got unknown parameter(s) {', '.join(unknown)}; "
                        f"it accepts {', '.join(DEFAULT_PARAMS)}")
    merged = {**DEFAULT_PARAMS, **params}
    merged["percentiles"] = tuple(float(p) for p in merged["percentiles"])
    return merged


def _silent_analysis(duration: float, fps: float, tracker: Tracker) -> Analysis:
    n_frames = timebase.frame_count(duration, fps)
    return Analysis(duration=duration, fps=fps, tempo=0.0, beats=np.zeros(0), downbeats=np.zeros(0),
                    beats_per_bar=4, sections=[Section(0.0, duration, "instrumental", group="A")],
                    envelopes={name: np.zeros(n_frames, np.float32) for name in ENVELOPE_NAMES},
                    tracker=tracker.name, tracker_version=tracker.version)


def _beat_grid(y: np.ndarray, sr: int, tracker: Tracker, *, beats_per_bar, name: str) -> BeatGrid:
    """The tracker's grid, or an empty one (with a warning) when it found less than a bar of beats."""
    grid = tracker.track(y, sr, beats_per_bar=beats_per_bar)
    if grid.beats.size >= MIN_BEATS:
        if grid.downbeat_confidence is not None and grid.downbeat_confidence < WEAK_DOWNBEATS:
            warnings.warn(f"the downbeats of {name} are uncertain (confidence {grid.downbeat_confidence:.2f}, "
                          f"{tracker.name} tracker): bars may start on another beat; where the bar matters, use "
                          "the madmom tracker (beats='madmom')", stacklevel=4)
        return grid
    warnings.warn(f"found no steady beat in {name} ({tracker.name} tracker); the analysis has no beats",
                  stacklevel=4)
    return BeatGrid(np.zeros(0), np.zeros(0), int(beats_per_bar or 4), grid.tracker, grid.version)


def analyze_signal(y: np.ndarray, sr: int, fps: float = 30, *, duration: float | None = None,
                   name: str = "the audio", beats="auto", **params) -> Analysis:
    """Analyse a mono signal already in memory (:func:`analyze` without the file, decoding and cache).

    Parameters
    ----------
    y : np.ndarray, float32, shape (n_samples,)
        Mono signal at any rate: the beat tracker hears it resampled to its own
        rate (44.1 kHz for madmom), the rest of the analysis at ``params["sr"]``.
    sr : int
        Its sample rate.
    fps : float
        Video frame rate of the envelopes.
    duration : float or None
        Song length in seconds (the file header's, so frame counts match the
        song's); None: the signal's length.
    name : str
        What warnings call the signal (the file's path).
    beats : str or Tracker
        The beat tracker: ``"auto"``, ``"beat_this"``, ``"madmom"`` or
        ``"librosa"`` (:func:`binarydream.analysis.trackers.choose`), or one already chosen.
    **params
        Any of :data:`DEFAULT_PARAMS`.

    Examples
    --------
    >>> import librosa
    >>> y = librosa.clicks(times=np.arange(0.5, 10, 0.5), sr=22050, length=10 * 22050)
    >>> a = analyze_signal(y, 22050, fps=25, beats="librosa")
    >>> round(a.tempo), a.n_frames, a.envelope("onset").shape, a.tracker
    (120, 250, (250,), 'librosa')
    """
    import librosa

    p = _check_params(params)
    tracker = beats if isinstance(beats, Tracker) else choose(beats)
    duration = float(len(y) / sr if duration is None else duration)
    if y.size == 0 or float(np.max(np.abs(y))) < SILENCE_PEAK:
        warnings.warn(f"{name} is silent (peak below {SILENCE_PEAK:g}); the analysis has no beats", stacklevel=3)
        return _silent_analysis(duration, fps, tracker)
    grid = _beat_grid(y, sr, tracker, beats_per_bar=p["beats_per_bar"], name=name)
    heard, heard_sr = y, sr   # the voice detector resamples from the signal as given
    y, sr = to_rate(y, sr, p["sr"]), p["sr"]
    hop = p["hop_length"]
    features = spectral_features(y, sr=sr, n_fft=p["n_fft"], hop_length=hop)
    mel_db = librosa.power_to_db(features["mel"])
    onset = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=hop, n_fft=p["n_fft"])

    starts = unit_starts(grid.beats, duration)
    # a header may promise a little more than decodes: units past the signal's end fold into the last one
    unit_frames, first = np.unique(np.minimum(librosa.time_to_frames(starts, sr=sr, hop_length=hop),
                                              mel_db.shape[1] - 1), return_index=True)
    starts = starts[first]
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=13)
    timbre = librosa.util.sync(mfcc, unit_frames, aggregate=np.mean)[:, :len(starts)]
    harmony = librosa.util.sync(features["chroma"], unit_frames, aggregate=np.mean)[:, :len(starts)]
    loudness = librosa.util.sync(features["rms"][np.newaxis], unit_frames, aggregate=np.median)[0, :len(starts)]
    parts = song_sections(timbre, harmony, loudness, starts, duration=duration, downbeats=grid.downbeats,
                          beats_per_bar=grid.beats_per_bar, max_parts=p["max_sections"])
    sections = form_from_audio(parts, sung=sung_sections(heard, heard_sr, parts))

    percussive, harmonic = hpss_amplitudes(features["mel"])
    curves = {"rms": features["rms"], "onset": onset, "bass": features["bands"][0], "mid": features["bands"][1],
              "treble": features["bands"][2], "percussive": percussive, "harmonic": harmonic}
    n_frames = timebase.frame_count(duration, fps)
    envelopes = {key: at_frames(normalize(curves[key], percentiles=p["percentiles"]), sr=sr, hop_length=hop,
                                fps=fps, n_frames=n_frames) for key in ENVELOPE_NAMES}
    return Analysis(duration=duration, fps=fps, tempo=grid.tempo, beats=grid.beats, downbeats=grid.downbeats,
                    beats_per_bar=grid.beats_per_bar, sections=sections, envelopes=envelopes,
                    tracker=grid.tracker, tracker_version=grid.version,
                    downbeat_confidence=grid.downbeat_confidence if grid.beats.size else None)


def analyze(path, fps: float = 30, *, cache_dir=None, beats="auto", **params) -> Analysis:
    """Analyse a song: tempo, beats, downbeats, meter, sections and per-frame envelopes.

    Parameters
    ----------
    path : str or Path
        Audio in any format libsndfile or ffmpeg reads (wav, flac, ogg, mp3, m4a, ...).
    fps : float
        Video frame rate; envelope value ``i`` is the song at time ``i / fps``.
    cache_dir : str, Path, None or False
        Folder of the analysis cache; None or False: no cache.
    beats : str or Tracker
        The beat tracker: ``"auto"`` (the best ready here), ``"beat_this"``
        (or ``"beat_this:CHECKPOINT"``), ``"madmom"`` or ``"librosa"``; see
        :mod:`binarydream.analysis.trackers`. The song is decoded at the rate
        the tracker hears. Its name and version are part of the cache key.
    **params
        Analysis parameters, any of :data:`DEFAULT_PARAMS` (``hop_length``,
        ``percentiles``, ``beats_per_bar``, ...); they are part of the cache key.

    Returns
    -------
    Analysis

    Raises
    ------
    binarydream.errors.AudioError
        A missing file, a file that is not audio, a truncated file.
    binarydream.errors.ParameterError, MissingDependencyError, ModelNotFoundError
        An unknown tracker, or one that is not installed or has no model here.

    Warns
    -----
    UserWarning
        A silent song: the analysis has no beats and flat envelopes. A song
        with no steady beat (a drone, noise, a second of audio): no beats.

    Examples
    --------
    >>> a = analyze("examples/dream_example.ogg", fps=24, cache_dir="/tmp/bd-cache")  # doctest: +SKIP
    >>> a.tempo, a.beats_per_bar, [s.label for s in a.sections]  # doctest: +SKIP
    (100.1..., 4, ['A', 'B', 'A', 'B'])
    """
    if isinstance(fps, bool) or not (isinstance(fps, numbers.Real) and fps > 0):
        raise ParameterError(f"fps must be a positive number, got {fps!r}")
    p = _check_params(params)
    path = Path(path)
    duration = probe_duration(path)
    tracker = beats if isinstance(beats, Tracker) else choose(beats)
    key = None
    if cache_dir:
        key = cache.cache_key(path, {**p, "fps": float(fps), "tracker": tracker.name,
                                     "tracker_version": tracker.version, "voice": voice_detector()})
        cached = cache.load(cache_dir, key)
        if cached is not None:
            return cached
    y, sr = load_audio(path, sr=max(p["sr"], tracker.sample_rate))
    decoded = len(y) / sr
    if decoded < duration - max(0.5, 0.02 * duration):
        raise AudioError(f"{path} is truncated: its header says {duration:.1f} s but only {decoded:.1f} s decode "
                         "(download or export it again)")
    analysis = analyze_signal(y, sr, fps, duration=duration, name=str(path), beats=tracker, **params)
    if key is not None:
        cache.save(analysis, cache_dir, key)
    return analysis
