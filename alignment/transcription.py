"""Lyrics heard: the audio read at the recognisers' rate, a backend's transcript, lines and stanzas from it.

:func:`transcribe` is :func:`alignment.transcribe`; :func:`recognise` is also
the first step of :func:`alignment.align` where a line cannot be force-aligned.

Examples
--------
>>> import numpy as np
>>> audio_samples(np.zeros(160, np.float64)).dtype, audio_name(np.zeros(1))
(dtype('float32'), 'the audio array')
"""

from __future__ import annotations

import warnings

import numpy as np

from binarydream.errors import AudioError

from .backends import SAMPLE_RATE, Transcript, get_backend
from .lyrics import Line, Lyrics
from .thresholds import STANZA_GAP


def audio_samples(audio) -> np.ndarray:
    """Mono float32 samples at :data:`SAMPLE_RATE` of an audio file, or the array itself checked."""
    if isinstance(audio, np.ndarray):
        if audio.ndim != 1 or audio.size == 0:
            raise AudioError(f"audio array must be mono and non-empty at {SAMPLE_RATE} Hz, got shape {audio.shape}")
        return audio.astype(np.float32, copy=False)
    from binarydream.audio import load_audio

    return load_audio(audio, sr=SAMPLE_RATE)[0]


def recognise(y: np.ndarray, *, model, language, device, backend, vocals: bool, snap_onsets: bool) -> Transcript:
    """What ``backend`` hears in ``y`` (in the vocals separated first, when asked), word starts snapped to onsets."""
    from .models import default_device, default_model

    device = device or default_device()
    heard = y
    if vocals:
        from .vocals import separate_vocals

        heard = separate_vocals(y, SAMPLE_RATE, device=device)
    transcript = get_backend(backend).recognise(heard, model=model if model is not None else default_model(device),
                                                language=language, device=device)
    if not snap_onsets or not transcript.words:
        return transcript
    from .onsets import snap_onsets as snap

    snapped = iter(snap(transcript.words, heard, SAMPLE_RATE))
    return Transcript([tuple(next(snapped) for _ in segment) for segment in transcript.segments], transcript.language)


def transcribe(audio, *, model=None, language: str | None = None, device: str | None = None,
               backend="faster-whisper", vocals: bool = False, snap_onsets: bool = True) -> Lyrics:
    """Hear the lyrics of a song: one line per recognised phrase, a new stanza after a pause.

    Parameters
    ----------
    audio : str, Path or np.ndarray
        An audio file, or mono float32 samples at 16 kHz.
    model : str, Path, model object or None
        A Whisper model name (``"small"``, ``"large-v3"``), a local
        faster-whisper folder, or a loaded model; None for
        :func:`alignment.models.default_model`.
    language : str or None
        ISO code (``"en"``, ``"fr"``); None: detected.
    device : str or None
        ``"cuda"`` or ``"cpu"``; None: cuda when there.
    backend : str or backend object
        ``"faster-whisper"``, ``"whisperx"`` or an object with ``recognise``
        (see :mod:`alignment.backends`).
    vocals : bool
        Separate the vocals with Demucs first (optional extra; see :mod:`alignment.vocals`).
    snap_onsets : bool
        Move word starts onto vocal onsets (see :mod:`alignment.onsets`).

    Returns
    -------
    Lyrics
        Empty, with a warning, when no voice is heard (an instrumental).

    Examples
    --------
    >>> lyr = transcribe("song.ogg", model="path/to/whisper-base", language="en")  # doctest: +SKIP
    >>> lyr.lines[0].text  # doctest: +SKIP
    'Neon rivers running through the night'
    """
    y = audio_samples(audio)
    transcript = recognise(y, model=model, language=language, device=device, backend=backend,
                            vocals=vocals, snap_onsets=snap_onsets)
    if not transcript.words:
        warnings.warn(f"no singing or speech heard in {audio_name(audio)}: returning empty lyrics", stacklevel=2)
        return Lyrics([], language=transcript.language)
    lines, stanza, previous_end = [], 0, None
    for words in transcript.segments:
        if previous_end is not None and words[0].start - previous_end >= STANZA_GAP:
            stanza += 1
        lines.append(Line(" ".join(w.text for w in words), words[0].start, words[-1].end, words, stanza))
        previous_end = words[-1].end
    return Lyrics(lines, language=transcript.language)


def audio_name(audio) -> str:
    """How messages name ``audio``: its path, or "the audio array"."""
    return "the audio array" if isinstance(audio, np.ndarray) else str(audio)
