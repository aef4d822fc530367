"""Make the bundled example song: synthesised music, a synthetic voice, its lyrics and their true timing.

Writes, next to this script:

- ``dream_example.ogg``: about 45 s at 100 BPM in 4/4: a one-bar intro, then
  verse, chorus, verse, chorus (4 bars each) and a one-bar outro. Verses are
  dark and sparse (a low sine pad, a bass on the root, kick on 1 and 3, a soft
  snare on 2 and 4, chords Am Em Dm Am); choruses are loud and bright (detuned saw pads an octave
  up, a plucked arpeggio, kick on every beat, open hats, chords F C G C), so a chorus sounds like the other
  chorus and unlike the verses. A voice (espeak-ng) speaks one lyric line per
  two bars, word by word, each word on a pitch of the tune.
- ``dream_example.txt``: the lyrics, a line per line, a blank line between stanzas.
- ``dream_example.lrc``: the true times, enhanced LRC: ``[mm:ss.xx]`` at each
  line's start, ``<mm:ss.xx>`` before each word and one after the last word
  (the line's end). The times are exact: the script places each word itself.

Everything is made here from numbers and the text below, so the song is free of
anyone else's rights. Requires the ``espeak-ng`` program (Debian/Ubuntu:
``apt-get install espeak-ng``) besides the package's own dependencies. The
committed files are what the tests and the demo read; CI does not rerun this.

Usage::

    python examples/make_example.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SR = 32000
BPM = 100.0
BEAT = 60.0 / BPM
BAR = 4 * BEAT
SEED = 7
HERE = Path(__file__).resolve().parent

STANZAS = [
    ("verse", ["I fell asleep inside a song", "the colours hummed the whole night long"]),
    ("chorus", ["binary dreams, electric light", "we paint the sound and lose the night"]),
    ("verse", ["the city folds in purple rain", "a clockwork heart begins again"]),
    ("chorus", ["binary dreams, electric light", "we paint the sound and lose the night"]),
]
"""The lyrics: (part, lines); each part lasts 4 bars and each line 2 bars."""

CHORDS = {"verse": [("A", "minor"), ("E", "minor"), ("D", "minor"), ("A", "minor")],
          "chorus": [("F", "major"), ("C", "major"), ("G", "major"), ("C", "major")]}
TUNE = [57, 60, 64, 62, 60, 59, 57, 55, 57]
"""Voice pitches (espeak 0-99 scale) the words of a line step through."""

_NOTE = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def midi_hz(note: float) -> float:
    """Frequency of a MIDI note number."""
    return 440.0 * 2.0 ** ((note - 69) / 12)


def chord_notes(root: str, quality: str, octave: int) -> list[float]:
    """MIDI notes of a triad on ``root`` in ``octave``."""
    base = 12 * (octave + 1) + _NOTE[root]
    return [base, base + (3 if quality == "minor" else 4), base + 7]


def _env(n: int, decay_s: float, attack_s: float = 0.002) -> np.ndarray:
    t = np.arange(n) / SR
    return np.minimum(1.0, t / attack_s) * np.exp(-t / decay_s)


def kick(rng) -> np.ndarray:
    t = np.arange(int(0.35 * SR)) / SR
    phase = 2 * np.pi * np.cumsum(45 + 110 * np.exp(-t * 30)) / SR
    return 0.9 * np.sin(phase) * _env(len(t), 0.12)


def snare(rng) -> np.ndarray:
    n = int(0.25 * SR)
    noise = np.diff(rng.standard_normal(n + 1))
    return 0.35 * noise * _env(n, 0.06) + 0.3 * np.sin(2 * np.pi * 185 * np.arange(n) / SR) * _env(n, 0.04)


def hat(rng, open_: bool = False) -> np.ndarray:
    n = int((0.3 if open_ else 0.06) * SR)
    noise = np.diff(np.diff(rng.standard_normal(n + 2)))
    return 0.06 * noise * _env(n, 0.12 if open_ else 0.015)


def tone(freq: float, seconds: float, harmonics: int, decay_s: float, attack_s: float = 0.01) -> np.ndarray:
    """A note with ``harmonics`` partials falling as 1/k (1: a sine, many: a saw)."""
    t = np.arange(int(seconds * SR)) / SR
    wave = sum(np.sin(2 * np.pi * k * freq * t) / k for k in range(1, harmonics + 1) if k * freq < SR / 2.2)
    return wave * _env(len(t), decay_s, attack_s)


def add(track: np.ndarray, sound: np.ndarray, at_s: float, gain: float = 1.0) -> None:
    i0 = int(round(at_s * SR))
    if 0 <= i0 < len(track):
        track[i0:i0 + len(sound)] += gain * sound[:len(track) - i0]


def music(parts: list[str], rng) -> np.ndarray:
    """The backing track for ``parts`` (one name per bar: "intro", "verse", "chorus", "outro")."""
    track = np.zeros(int((len(parts) * BAR + 1.5) * SR))
    for bar, part in enumerate(parts):
        start = bar * BAR
        chord_part = part if part in CHORDS else "verse"
        root, quality = CHORDS[chord_part][bar % 4]
        notes = chord_notes(root, quality, 4)
        bright = part == "chorus"
        for note in notes:
            if bright:
                for detune in (0.997, 1.003):       # two detuned saws an octave up: a wide, bright pad
                    add(track, tone(midi_hz(note + 12) * detune, BAR, harmonics=20, decay_s=6.0, attack_s=0.05),
                        start, 0.07)
            else:
                add(track, tone(midi_hz(note - 12), BAR, harmonics=1, decay_s=3.0, attack_s=0.3), start, 0.08)
        if part == "intro":
            for eighth in range(8):
                add(track, hat(rng), start + eighth * BEAT / 2)
            continue
        if part == "outro":
            add(track, kick(rng), start)
            continue
        bass_note = midi_hz(chord_notes(root, quality, 2)[0])
        for beat in range(4):
            t = start + beat * BEAT
            if bright or beat in (0, 2):
                add(track, kick(rng), t, 1.0 if beat == 0 else 0.8)
            if beat in (1, 3):
                add(track, snare(rng), t, 1.0 if bright else 0.5)
            add(track, tone(bass_note, BEAT, harmonics=3 if bright else 2, decay_s=0.3), t, 0.35)
            for half in range(2):
                add(track, hat(rng, open_=bright and half == 1), t + half * BEAT / 2)
            if bright:
                for sixteenth in range(4):
                    note = notes[(beat * 4 + sixteenth) % 3] + 12
                    add(track, tone(midi_hz(note), BEAT / 4, harmonics=6, decay_s=0.08), t + sixteenth * BEAT / 4,
                        0.06)
        add(track, hat(rng, open_=True), start, 1.5)            # a cymbal marks every bar's first beat
    return track


def speak(word: str, pitch: int, folder: Path) -> np.ndarray:
    """One word in espeak-ng's voice at ``pitch``, resampled to SR, silence trimmed."""
    import librosa
    import soundfile as sf

    out = folder / "word.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f3", "-s", "150", "-p", str(pitch), "-w", str(out), word],
                   check=True, capture_output=True)
    y, sr = sf.read(out, dtype="float32")
    y, _ = librosa.effects.trim(y, top_db=35)
    y = librosa.resample(y, orig_sr=sr, target_sr=SR)
    return y / (np.abs(y).max() + 1e-9)


def voice(length: int, folder: Path) -> tuple[np.ndarray, list[tuple[str, float, float, list]]]:
    """The vocal track and, per line, (text, start, end, [(word, start, end), ...]) in seconds."""
    track = np.zeros(length)
    lines = []
    for stanza, (_, texts) in enumerate(STANZAS):
        for i, text in enumerate(texts):
            at = (1 + 4 * stanza + 2 * i) * BAR + 0.15           # after the intro bar, two bars per line
            words = []
            for k, word in enumerate(text.split()):
                sound = speak(word.strip(",."), TUNE[k % len(TUNE)], folder)
                add(track, sound, at)
                words.append((word, at, at + len(sound) / SR))
                at += len(sound) / SR + 0.07
            if words[-1][2] > (1 + 4 * stanza + 2 * i + 2) * BAR:
                raise RuntimeError(f"the line {text!r} is too long for its two bars")
            lines.append((text, words[0][1], words[-1][2], words))
    return track, lines


def lrc_time(seconds: float) -> str:
    """``mm:ss.xx`` as LRC writes times.

    Examples
    --------
    >>> lrc_time(75.456)
    '01:15.46'
    """
    centis = int(round(seconds * 100))
    return f"{centis // 6000:02d}:{centis % 6000 / 100:05.2f}"


def lrc(lines) -> str:
    """Enhanced LRC text for ``lines`` as :func:`voice` returns them."""
    out = ["[ti:Binary Dreams (binarydream example)]", "[ar:binarydream]", ""]
    for _, start, end, words in lines:
        tagged = " ".join(f"<{lrc_time(s)}>{w}" for w, s, _ in words)
        out.append(f"[{lrc_time(start)}]{tagged} <{lrc_time(end)}>")
    return "\n".join(out) + "\n"


def _write_atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)   # mkstemp makes files only their owner can read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(out_dir: Path = HERE) -> None:
    import soundfile as sf

    if shutil.which("espeak-ng") is None:
        sys.exit("make_example.py needs the espeak-ng program: apt-get install espeak-ng")
    rng = np.random.default_rng(SEED)
    parts = ["intro"] + [part for part, _ in STANZAS for _ in range(4)] + ["outro"]
    backing = music(parts, rng)
    with tempfile.TemporaryDirectory() as folder:
        vocals, lines = voice(len(backing), Path(folder))
    mix = 0.6 * backing / np.abs(backing).max() + 0.35 * vocals
    fade = int(1.5 * SR)
    mix[-fade:] *= np.linspace(1.0, 0.0, fade)
    mix = (0.95 * mix / np.abs(mix).max()).astype(np.float32)

    out_dir = Path(out_dir)
    _write_atomic(out_dir / "dream_example.ogg",
                  lambda p: sf.write(p, mix, SR, format="OGG", subtype="VORBIS", compression_level=0.6))
    stanzas = ["\n".join(texts) for _, texts in STANZAS]
    _write_atomic(out_dir / "dream_example.txt", lambda p: Path(p).write_text("\n\n".join(stanzas) + "\n"))
    _write_atomic(out_dir / "dream_example.lrc", lambda p: Path(p).write_text(lrc(lines)))
    size = (out_dir / "dream_example.ogg").stat().st_size
    print(f"wrote {out_dir / 'dream_example.ogg'} ({len(mix) / SR:.1f} s, {size / 1e6:.2f} MB), "
          f"dream_example.txt and dream_example.lrc")


if __name__ == "__main__":
    main()
