"""Vocal presence: whether each section holds singing, from the mix (a voice detector) or from the vocal stem.

The song form (:func:`~binarydream.analysis.form.form_from_audio`) gives no
verse or chorus to a part nobody sings in, and none at all to an instrumental.
Two sources say where the voice is:

* the mix alone (:func:`sung_sections`): the Silero voice activity detector
  (version 6, an ONNX model of 1.2 MB) that the faster-whisper package ships, so
  nothing is downloaded. It was trained on speech, and hears singing over a
  band less surely than speech, but hardly ever hears a voice where there is
  none: on the three devdata songs with hand-timed words it finds 49 to 88 % of
  the sung frames with 2 to 3 % false ones, synthetic bands with a synth lead
  melody give it under 1 % voiced frames, and a classical recording 4 %
  (``benchmarks/voice.py``). It runs on 10-second pieces, each from a fresh
  state: over a whole song its recurrent state drifts and it goes deaf (a third
  of one song's sung frames found instead of nine in ten). faster-whisper (the
  default lyrics backend) is a dependency and brings onnxruntime; where either
  is missing the detector is not there, and the answer is None: singing
  unknown, which the form reads as sung.
* the vocal stem, where the song has stems (:func:`sung_from_stems`): the
  voice's loudness against the mix's, frame by frame.

A section is sung when enough of its time is voiced: :data:`SUNG_SHARE` for the
detector on the mix, :data:`STEM_SUNG_SHARE` for the vocal stem.

Examples
--------
>>> from binarydream.analysis import Section
>>> voiced = np.r_[np.zeros(100, bool), np.ones(100, bool)]
>>> sections = [Section(0.0, 3.2, "A"), Section(3.2, 6.4, "B")]
>>> voiced_shares(voiced, sections, hop=0.032).round(2).tolist()
[0.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from .result import Section

VAD_SR = 16000
"""Sample rate (Hz) the voice detector hears."""

VAD_WINDOW = 512
"""Samples per voice probability (32 ms at :data:`VAD_SR`)."""

VAD_PIECE = 312
"""Windows (about 10 s) the detector hears from a fresh state: over longer stretches of music it drifts deaf."""

VOICED = 0.1
"""A window is voiced when the detector's voice probability exceeds this.

Singing over a band gets low probabilities where music without a voice gets
almost none, so the bar is low: at 0.1 the detector finds 49 to 88 % of the
sung windows of the devdata songs, and calls 1.7 to 3.1 % of the others
voiced (``benchmarks/voice.py``)."""

SUNG_SHARE = 0.1
"""A section is sung when at least this share of its time is voiced.

Measured (``benchmarks/voice.py``): music without a voice reaches 0.041 at
most (a classical clip 0.038, the instrumental stretches of the devdata songs
0.000 to 0.041, synthetic bands with or without a synth lead 0.011); sung clips
reach 0.20 (a pop clip) to 0.98, and the sung sections of the devdata songs that
the detector hears 0.33 to 1.00. 0.1 lies between, at about twice the one and
half the other. (Three sung sections of one song it hardly hears: 0.01 to 0.05.)"""

STEM_VOICED = 0.1
"""A frame of the vocal stem is voiced when its RMS is at least this share of the mix's (-20 dB).

It sits above the separator's leak into the vocal stem that the tests model
(-26 dB, ``tests/stem_song.py``) and below a voice mixed 12 dB under the band.
Not measured on real Demucs stems: their weights cannot be fetched here."""

STEM_SUNG_SHARE = 0.2
"""A section is sung when at least this share of its time is voiced in the vocal stem.

The stem hears the voice wherever it is, so the bar is set by how much of a
part the singing fills: in the hand-timed words of the devdata songs, a
section the audio finds holds singing over 0 to 9 % of its time where it is
an instrumental part, and 28 % or more where it is sung (``benchmarks/voice.py``).
It keeps an instrumental intro whose edge the segmentation placed a second
into the first verse from counting as sung."""

STEM_HOP = 512
"""Samples between the RMS values of the stems (about 23 ms at 22050 Hz)."""


def voice_detector() -> str | None:
    """The voice detector :func:`voice_activity` uses here (a name and version, for the analysis cache key), or None.

    Examples
    --------
    >>> name = voice_detector()
    >>> name is None or name.startswith("silero_vad_v6 (faster-whisper ")
    True
    """
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("faster_whisper") is None or importlib.util.find_spec("onnxruntime") is None:
        return None
    return f"silero_vad_v6 (faster-whisper {importlib.metadata.version('faster-whisper')})"


def voice_activity(y: np.ndarray, sr: int) -> np.ndarray | None:
    """The voice detector's probability of a voice in each :data:`VAD_WINDOW` window of ``y``, or None without it.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        Mono signal.
    sr : int
        Its sample rate; it is resampled to :data:`VAD_SR`.

    Returns
    -------
    np.ndarray of float32, shape (n_windows,), or None
        Window ``i`` covers ``i * VAD_WINDOW / VAD_SR`` seconds onwards. None
        when faster-whisper (which ships the Silero model) or onnxruntime is
        not installed.

    Examples
    --------
    >>> p = voice_activity(np.zeros(32000, np.float32), 16000)
    >>> p is None or (p.shape == (62,) and float(p.max()) < VOICED)
    True
    """
    try:
        from faster_whisper.vad import get_vad_model
    except ImportError:
        return None
    try:
        model = get_vad_model()
    except RuntimeError:  # faster-whisper's own message when onnxruntime is missing
        return None
    from .trackers.resample import to_rate

    y = to_rate(np.asarray(y, dtype=np.float32), sr, VAD_SR)
    n_windows = len(y) // VAD_WINDOW
    if n_windows == 0:
        return np.zeros(0, np.float32)
    piece = VAD_PIECE * VAD_WINDOW
    whole = y[:n_windows * VAD_WINDOW]
    return np.concatenate([np.asarray(model(np.ascontiguousarray(whole[i:i + piece]))).ravel()
                           for i in range(0, len(whole), piece)]).astype(np.float32)


def voiced_shares(voiced: np.ndarray, sections: list[Section], *, hop: float) -> np.ndarray:
    """The share of each section's frames that are voiced (frame ``i`` at ``(i + 0.5) * hop`` seconds).

    A section no frame's middle falls in (shorter than a frame) takes the frame it starts in.

    Examples
    --------
    >>> voiced_shares(np.array([True, False, False, True]), [Section(0.0, 2.0, "A"), Section(2.0, 4.0, "B")], hop=1.0)
    array([0.5, 0.5])
    """
    voiced = np.asarray(voiced, dtype=bool)
    if voiced.size == 0:
        return np.zeros(len(sections))
    middles = (np.arange(voiced.size) + 0.5) * hop
    shares = []
    for s in sections:
        inside = voiced[(middles >= s.start) & (middles < s.end)]
        shares.append(inside.mean() if inside.size else float(voiced[min(int(s.start / hop), voiced.size - 1)]))
    return np.asarray(shares, dtype=float)


def sung_sections(y: np.ndarray, sr: int, sections: list[Section]) -> list[bool] | None:
    """Whether each section holds singing, from the mix: :data:`SUNG_SHARE` of it voiced (:func:`voice_activity`),
    or of another section of its audio cluster (``group``, else ``label``).

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        The song, mono.
    sr : int
        Its sample rate.
    sections : list of Section

    Returns
    -------
    list of bool, or None
        One per section; None when the voice detector is not installed
        (faster-whisper or onnxruntime missing): singing unknown.

    Examples
    --------
    >>> t = np.arange(4 * 16000) / 16000
    >>> hum = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)   # a steady tone is no voice
    >>> sung_sections(hum, 16000, [Section(0.0, 4.0, "A")]) in (None, [False])
    True
    """
    activity = voice_activity(y, sr)
    if activity is None:
        return None
    sung = voiced_shares(activity > VOICED, sections, hop=VAD_WINDOW / VAD_SR) >= SUNG_SHARE
    # The detector misses soft singing (a third of one devdata song's sung sections) far more often than a band
    # plays a sung part again without its voice: a part whose audio cluster is sung elsewhere is sung.
    groups = [s.group or s.label for s in sections]
    return [bool(any(sung[j] for j in range(len(groups)) if groups[j] == g)) for g in groups]


def sung_from_stems(stems: dict, sr: int, sections: list[Section]) -> list[bool]:
    """Whether each section holds singing, from the vocal stem: :data:`STEM_SUNG_SHARE` of it voiced.

    A frame is voiced where the vocal stem's RMS is at least :data:`STEM_VOICED`
    of the mix's (the stems summed), so a separator's faint leak into the vocal
    stem of an instrumental part is no voice, however loud the song.

    Parameters
    ----------
    stems : dict of str to np.ndarray
        ``"vocals"`` and the other stems (mono, at ``sr``), which sum to the mix.
    sr : int
        Their sample rate.
    sections : list of Section

    Returns
    -------
    list of bool
        One per section.

    Examples
    --------
    >>> sr = 8000
    >>> band = np.sin(2 * np.pi * 110 * np.arange(4 * sr) / sr).astype(np.float32)
    >>> voice = np.r_[np.zeros(2 * sr), 0.5 * band[:2 * sr]].astype(np.float32)
    >>> sung_from_stems({"vocals": voice, "other": band}, sr, [Section(0.0, 2.0, "A"), Section(2.0, 4.0, "B")])
    [False, True]
    """
    import librosa

    vocals = np.asarray(stems["vocals"], dtype=np.float32)
    mix = sum(np.asarray(stem, dtype=np.float32) for stem in stems.values())
    rms = [librosa.feature.rms(y=x, frame_length=STEM_HOP, hop_length=STEM_HOP, center=False)[0]
           for x in (vocals, mix)]
    voiced = rms[0] >= STEM_VOICED * np.maximum(rms[1], 1e-6)
    shares = voiced_shares(voiced, sections, hop=STEM_HOP / sr)
    return [bool(share >= STEM_SUNG_SHARE) for share in shares]
