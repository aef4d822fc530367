"""Recognisers behind one small interface: audio in, words with times and confidences out.

A backend is an object with a ``name`` and one method,
``recognise(y, *, model, language, device) -> Transcript`` where ``y`` is mono
float32 audio at 16 kHz. Two ship: ``"faster-whisper"`` (Whisper with word
timestamps from its cross-attention; the default, no torch pin) and
``"whisperx"`` (faster-whisper ASR, VAD, then wav2vec2 forced alignment; needs
its own environment, see the README). A later backend is one more class with
that method, passed as ``backend=`` an instance or registered in ``BACKENDS``.

A backend that can time given text (forced alignment) also has
``align_lines(y, lines, *, language, device)``, ``lines`` a list of
``(written words, start, end)``, returning per line its words as written with
times, or None where it failed; :func:`alignment.align` then uses it to time the
user's own words inside the spans found by matching the heard ones.

Examples
--------
>>> get_backend("faster-whisper").name
'faster-whisper'
>>> get_backend("nemo")
Traceback (most recent call last):
...
ValueError: unknown lyrics backend 'nemo'; choose one of: faster-whisper, whisperx
"""

from __future__ import annotations

from .transcript import SAMPLE_RATE, Transcript


def _faster_whisper():
    from .faster_whisper import FasterWhisper

    return FasterWhisper()


def _whisperx():
    from .whisperx import WhisperX

    return WhisperX()


BACKENDS = {"faster-whisper": _faster_whisper, "whisperx": _whisperx}
"""Backend name -> a function returning a backend with default options."""


def get_backend(backend):
    """A backend object from a name in :data:`BACKENDS`, or ``backend`` itself when it already is one."""
    if not isinstance(backend, str):
        return backend
    if backend not in BACKENDS:
        raise ValueError(f"unknown lyrics backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    return BACKENDS[backend]()
