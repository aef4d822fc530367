"""A synthetic song made stem by stem, with the true drum hits and sung spans: the answer the stem signals should give.

:func:`stem_song` plays drums (kick, snare, closed hats, with velocities that
vary and timing a little off the grid), a bass line, a chord pad and a sung
melody (a voice with harmonics, vibrato and syllables) over a form with an
intro without drums and a break without singing. It returns each stem, the
mix, and the truth. :func:`leaky` mixes a little of the other stems into each
one, as a real separator leaves them.

Examples
--------
>>> song = stem_song(12.0, seed=1)
>>> sorted(song.stems), song.mix.shape == song.stems["drums"].shape
(['bass', 'drums', 'other', 'vocals'], True)
>>> bool(song.kicks[0] >= song.drums_in)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SR = 22050


@dataclass(frozen=True)
class StemSong:
    """A synthetic song: its stems, its mix and what is in them."""

    sr: int
    stems: dict
    kicks: np.ndarray
    snares: np.ndarray
    hats: np.ndarray
    sung: np.ndarray          # (n, 2) start and end of each sung syllable, seconds
    drums_in: float           # when the drums come in

    @property
    def mix(self) -> np.ndarray:
        return sum(self.stems.values()).astype(np.float32)


def _kick(rng, sr):
    t = np.arange(int(0.35 * sr)) / sr
    sweep = 48 + 110 * np.exp(-t * 40)
    body = np.sin(2 * np.pi * np.cumsum(sweep) / sr) * np.exp(-t * 9)
    click = rng.standard_normal(len(t)) * np.exp(-t * 400) * 0.15
    return body + click


def _snare(rng, sr):
    t = np.arange(int(0.3 * sr)) / sr
    body = 0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 28) + 0.3 * np.sin(2 * np.pi * 330 * t) * np.exp(-t * 35)
    noise = rng.standard_normal(len(t))
    noise = noise - 0.6 * np.r_[0.0, noise[:-1]]           # a little brighter than white
    return body + 0.55 * noise * np.exp(-t * 18)


def _hat(rng, sr):
    t = np.arange(int(0.09 * sr)) / sr
    noise = np.diff(rng.standard_normal(len(t) + 2), n=2)  # mostly above 5 kHz
    return 0.18 * noise * np.exp(-t * 60)


def _add(y, at, sound, sr, gain):
    i0 = int(round(at * sr))
    n = max(0, min(len(sound), len(y) - i0))
    y[i0:i0 + n] += gain * sound[:n]


def stem_song(duration: float = 40.0, *, bpm: float = 112.0, seed: int = 0, sr: int = SR) -> StemSong:
    """A song of ``duration`` seconds: 4 bars of pad alone, then drums and bass; singing with a break in the middle.

    Drums, per 4/4 bar: kick on 1 and 3 (and on the "and" of 3 every other bar),
    snare on 2 and 4, closed hats on every eighth; velocities vary by about
    +-3 dB and each hit is up to 8 ms off the grid. Singing: two-beat syllables
    with short gaps, in phrases of 2 bars, one bar rest between phrases, and no
    singing over the middle fifth of the song.
    """
    rng = np.random.default_rng(seed)
    n = int(round(duration * sr))
    beat = 60.0 / bpm
    bar = 4 * beat
    stems = {name: np.zeros(n) for name in ("drums", "bass", "vocals", "other")}
    t = np.arange(n) / sr
    kick, snare, hat = _kick(rng, sr), _snare(rng, sr), _hat(rng, sr)
    drums_in = 0.5 + 4 * bar
    kicks, snares, hats = [], [], []

    def jitter():
        return rng.uniform(-0.008, 0.008)

    def velocity():
        return 10 ** (rng.uniform(-3, 3) / 20)

    roots = (55.0, 43.65, 49.0, 41.2)
    k = 0
    while 0.5 + k * bar < duration - 0.5:
        start = 0.5 + k * bar
        root = roots[k % 4]
        # pad: a chord a few octaves up, all the time
        i0, i1 = int(start * sr), min(n, int((start + bar) * sr))
        fade = np.minimum(1.0, np.minimum(np.arange(i1 - i0), np.arange(i1 - i0, 0, -1)) / (0.05 * sr))
        stems["other"][i0:i1] += 0.05 * fade * sum(np.sin(2 * np.pi * root * 8 * r * t[i0:i1]) for r in (1, 1.26, 1.5))
        if start >= drums_in:
            positions = [(0, "kick"), (2, "kick"), (1, "snare"), (3, "snare")] + [(h / 2, "hat") for h in range(8)]
            if k % 2:
                positions.append((2.5, "kick"))
            for position, kind in positions:
                at = start + position * beat + jitter()
                if at >= duration - 0.3:
                    continue
                sound, gain, truth = {"kick": (kick, 0.9, kicks), "snare": (snare, 0.6, snares),
                                      "hat": (hat, 0.7, hats)}[kind]
                _add(stems["drums"], at, sound, sr, gain * velocity())
                truth.append(at)
            for position in (0, 1.5, 2, 3):
                tb = np.arange(int(0.9 * beat * sr)) / sr
                note = 0.35 * np.tanh(2 * np.sin(2 * np.pi * root * tb)) * np.exp(-tb * 3) * np.minimum(1, tb / 0.005)
                _add(stems["bass"], start + position * beat, note, sr, 1.0)
        k += 1
    sung = []
    break_start, break_end = 0.4 * duration, 0.6 * duration
    phrase = 1.0
    while phrase < duration - 2 * bar:
        if not (break_start - 2 * bar < phrase < break_end):
            for syllable in range(4):
                on = phrase + syllable * 2 * beat
                length = 2 * beat - 0.12
                ts = np.arange(int(length * sr)) / sr
                f0 = 220 * 2 ** (rng.integers(0, 8) / 12) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * ts))
                phase = 2 * np.pi * np.cumsum(f0) / sr
                shape = np.minimum(1, ts / 0.04) * np.minimum(1, (length - ts) / 0.06)
                voice = sum(np.sin(h * phase) / h for h in range(1, 9)) * shape
                _add(stems["vocals"], on, voice, sr, 0.12 * velocity())
                sung.append((on, on + length))
        phrase += 3 * bar
    stems = {name: y.astype(np.float32) for name, y in stems.items()}
    return StemSong(sr, stems, np.array(kicks), np.array(snares), np.array(hats),
                    np.array(sung).reshape(-1, 2), drums_in)


def leaky(stems: dict, *, db: float = -26.0, seed: int = 0) -> dict:
    """Each stem with the others mixed in at ``db`` (and a little noise): what a real separator hands back.

    Examples
    --------
    >>> out = leaky({"a": np.ones(4, np.float32), "b": np.zeros(4, np.float32)}, db=-20.0)
    >>> round(float(out["b"].mean()), 2)
    0.1
    """
    rng = np.random.default_rng(seed)
    gain = 10 ** (db / 20)
    total = sum(stems.values())
    return {name: (y + gain * (total - y) + 1e-4 * rng.standard_normal(len(y))).astype(np.float32)
            for name, y in stems.items()}
