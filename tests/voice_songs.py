"""Songs whose singing is known, for the vocal-presence tests and benchmark: a band with a synth lead, and voices over it.

:func:`lead_melody` is a pitched synth line (a sawtooth-like tone with vibrato,
notes of one or two beats from a pentatonic scale) that a band plays over its
chords: a melody that is NOT a voice. :func:`with_voice` lays recorded speech
(the espeak-ng fixtures of ``tests/fixtures/speech``) over a stretch of a song:
a voice that must be found.

Examples
--------
>>> y = lead_melody(4.0, bpm=120, sr=8000)
>>> y.shape, bool(0.5 < np.abs(y).max() <= 1.0)
((32000,), True)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SPEECH = Path(__file__).resolve().parent / "fixtures" / "speech"
PENTATONIC = (0, 3, 5, 7, 10, 12, 15)
"""Semitones above the lead's lowest note (A4, 440 Hz) the melody walks on."""


def lead_melody(duration: float, *, bpm: float, sr: int = 22050, seed: int = 0) -> np.ndarray:
    """A synth lead: one note per one or two beats, a bright tone with a 5.5 Hz vibrato, peak 1.

    Examples
    --------
    >>> y = lead_melody(2.0, bpm=60, sr=8000, seed=1)
    >>> y.dtype, y.shape
    (dtype('float32'), (16000,))
    """
    rng = np.random.default_rng(seed)
    n = int(round(duration * sr))
    beat = 60.0 / bpm
    f0 = np.zeros(n)
    gain = np.zeros(n)
    at, step = 0.0, 3
    while at < duration:
        length = beat * rng.choice((1, 2))
        step = int(np.clip(step + rng.integers(-2, 3), 0, len(PENTATONIC) - 1))
        i0, i1 = int(at * sr), min(n, int((at + length) * sr))
        f0[i0:i1] = 440.0 * 2 ** (PENTATONIC[step] / 12)
        t = np.arange(i1 - i0) / sr
        gain[i0:i1] = np.minimum(1.0, t / 0.02) * np.exp(-t / 1.5) * np.minimum(1.0, (length - t) / 0.05)
        at += length
    t = np.arange(n) / sr
    f0 = f0 * 2 ** (0.3 / 12 * np.sin(2 * np.pi * 5.5 * t))   # vibrato: a third of a semitone
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = gain * sum(np.sin(h * phase) / h for h in range(1, 9))
    return (y / np.abs(y).max()).astype(np.float32)


def speech(name: str = "en_chorus", sr: int = 22050) -> np.ndarray:
    """A committed espeak-ng fixture (words over a soft beat), at ``sr``, peak 1.

    Examples
    --------
    >>> speech("fr_verse", sr=16000).shape
    (224000,)
    """
    from binarydream.audio import load_audio

    y, _ = load_audio(SPEECH / f"{name}.ogg", sr=sr)
    return (y / np.abs(y).max()).astype(np.float32)


def with_voice(y: np.ndarray, voice: np.ndarray, at: float, *, sr: int, db: float = 0.0) -> np.ndarray:
    """``y`` with ``voice`` laid over it from ``at`` seconds, the voice's peak ``db`` relative to the song's.

    Examples
    --------
    >>> out = with_voice(np.zeros(10, np.float32) + 0.5, np.ones(4, np.float32), 0.5, sr=10)
    >>> out.round(2).tolist()
    [0.5, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 0.5]
    """
    out = y.astype(np.float32).copy()
    i0 = int(round(at * sr))
    piece = voice[: max(0, len(out) - i0)] * (10 ** (db / 20) * np.abs(y).max() / np.abs(voice).max())
    out[i0:i0 + len(piece)] += piece
    return out


VOICES = {"A": ("fr_verse", "es_verse", "de_verse"), "B": ("en_chorus",), "C": ("de_verse",), "D": ("es_verse",)}
"""The speech fixtures sung over each part of a form: new words in each verse (A), the same in each chorus (B)."""


def sung_form(form: str = "ABABCB", *, bars: int = 8, bpm: float = 120.0, unsung: str = "", db: float = -6.0,
              seed: int = 0) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """:func:`song_forms.song_form` with a voice over every part whose letter is not in ``unsung``.

    The voice (:data:`VOICES`, cut to the part) starts 0.2 s into the part, its
    peak ``db`` under the band's.

    Examples
    --------
    >>> y, parts = sung_form("AC", bars=2, bpm=120, unsung="C")
    >>> y.shape, parts[1]
    ((176400,), (4.0, 8.0, 'C'))
    """
    from song_forms import SR, song_form

    y, parts = song_form(form, bars=bars, bpm=bpm, seed=seed)
    heard = {}
    for start, end, letter in parts:
        if letter in unsung:
            continue
        names = VOICES[letter]
        name = names[heard.get(letter, 0) % len(names)]
        heard[letter] = heard.get(letter, 0) + 1
        y = with_voice(y, speech(name, SR)[: int((end - start - 0.5) * SR)], start + 0.2, sr=SR, db=db)
    return y, parts
