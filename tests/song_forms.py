"""Synthetic songs with a known form (verse, chorus, quiet breakdown, ...), for the section tests and benchmark.

Each letter of a form is a part with its own harmony (a chord progression), timbre
(the waveform of its chords), drums and loudness; a letter that comes back is the
same part again, so the true answer is known: boundaries where the letter changes,
equal labels where the letter is equal, and the breakdown the quietest part.

Examples
--------
>>> y, parts = song_form("AC", bars=2, bpm=120)
>>> parts
[(0.0, 4.0, 'A'), (4.0, 8.0, 'C')]
>>> bool(np.abs(y[: 4 * 22050]).std() > 4 * np.abs(y[4 * 22050:]).std())   # the breakdown is quiet
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SR = 22050


@dataclass(frozen=True)
class Part:
    """How one part of a song sounds: chord roots (Hz) one per bar, cycled; chord brightness; drums; loudness."""

    roots: tuple
    harmonics: int        # 1: a pure sine pad; more: a brighter, buzzier chord
    kick_beats: tuple     # beats of the bar (0-based) with a kick
    snare_beats: tuple
    hats_per_beat: int    # 0: no hats
    gain: float


PARTS = {
    "A": Part(roots=(220.0, 174.6, 261.6, 196.0), harmonics=3, kick_beats=(0, 2), snare_beats=(1, 3),
              hats_per_beat=2, gain=0.5),                                          # verse: Am F C G, mid loud
    "B": Part(roots=(174.6, 196.0, 261.6, 329.6), harmonics=8, kick_beats=(0, 1, 2, 3), snare_beats=(1, 3),
              hats_per_beat=4, gain=1.0),                                          # chorus: F G C E, bright, loud
    "C": Part(roots=(146.8, 233.1), harmonics=1, kick_beats=(), snare_beats=(), hats_per_beat=0,
              gain=0.12),                                                          # breakdown: Dm Bb pad, quiet
    "D": Part(roots=(293.7, 246.9, 220.0), harmonics=5, kick_beats=(0,), snare_beats=(2,), hats_per_beat=1,
              gain=0.7),                                                           # bridge: D B A, half-time
}
"""The parts a form may use, by letter."""


def _chord(root: float, t: np.ndarray, harmonics: int) -> np.ndarray:
    # a minor-ish triad (root, minor third, fifth), each voice with decaying harmonics
    voices = (root, root * 2 ** (3 / 12), root * 2 ** (7 / 12))
    return sum(np.sin(2 * np.pi * f * h * t) / h for f in voices for h in range(1, harmonics + 1)) / 3


def _hit(n: int, sr: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    if kind == "kick":
        return np.sin(2 * np.pi * (50 + 90 * np.exp(-t * 35)) * t) * np.exp(-t * 14)
    noise = rng.standard_normal(n)
    return noise * np.exp(-t * (25 if kind == "snare" else 90)) * (0.5 if kind == "snare" else 0.15)


def _bar(part: Part, root: float, bar_seconds: float, sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(round(bar_seconds * sr))
    t = np.arange(n) / sr
    y = 0.25 * _chord(root, t, part.harmonics) + 0.3 * np.sin(2 * np.pi * root / 4 * t)
    beat = bar_seconds / 4
    hit_n = int(0.2 * sr)
    hits = [("kick", b * beat) for b in part.kick_beats] + [("snare", b * beat) for b in part.snare_beats]
    if part.hats_per_beat:
        hits += [("hat", k * beat / part.hats_per_beat) for k in range(4 * part.hats_per_beat)]
    for kind, at in hits:
        i0 = int(round(at * sr))
        span = min(hit_n, n - i0)
        y[i0:i0 + span] += _hit(hit_n, sr, kind, rng)[:span]
    return part.gain * y


def song_form(form: str = "ABABCB", *, bars: int = 8, bpm: float = 120.0, sr: int = SR,
              seed: int = 0) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """A song in 4/4 whose parts follow ``form`` (letters of :data:`PARTS`), ``bars`` bars each.

    Returns
    -------
    y : np.ndarray, float32, peak 0.9
    parts : list of (start_s, end_s, letter)

    Examples
    --------
    >>> y, parts = song_form("ABA", bars=1, bpm=60)
    >>> y.shape, parts[1]
    ((264600,), (4.0, 8.0, 'B'))
    """
    rng = np.random.default_rng(seed)
    bar_seconds = 4 * 60.0 / bpm
    pieces, parts = [], []
    for i, letter in enumerate(form):
        part = PARTS[letter]
        pieces += [_bar(part, part.roots[b % len(part.roots)], bar_seconds, sr, rng) for b in range(bars)]
        parts.append((i * bars * bar_seconds, (i + 1) * bars * bar_seconds, letter))
    y = np.concatenate(pieces)
    return (0.9 * y / np.abs(y).max()).astype(np.float32), parts


WORDS = ("night", "river", "golden", "falling", "shadow", "window", "silver", "morning", "quiet", "burning",
         "paper", "ocean", "dancing", "broken", "winter", "candle", "thunder", "velvet", "hollow", "mirror",
         "garden", "electric", "wander", "crystal", "engine", "harbour", "feather", "distant", "lantern", "echo",
         "summer", "static", "marble", "fever", "compass", "violet", "signal", "ember", "meadow", "neon")
"""Words the synthetic lyrics are made of."""


def form_lyrics(form: str, *, bars: int = 8, bpm: float = 120.0, unsung: str = "") -> list:
    """Timed lyric lines for a :func:`song_form` song: a line every two bars of each sung part.

    Each verse (A) has new text, the chorus (B) the same text each time, other
    letters text sung once; letters in ``unsung`` get no line. A part (equal
    letters in a row: one part) is a stanza; each line starts a tenth of a
    second after its bar.

    Examples
    --------
    >>> lines = form_lyrics("AB", bars=4, bpm=120)
    >>> [(line.text, line.start, line.stanza) for line in lines][1:3]
    [('garden ocean mirror morning', 4.1, 0), ('compass river broken quiet', 8.1, 1)]
    """
    from alignment import Line

    bar_seconds = 4 * 60.0 / bpm
    lines, stanza = [], 0
    for i, letter in enumerate(form):
        stanza += i > 0 and letter != form[i - 1]
        if letter in unsung:
            continue
        # the chorus's words depend on the line only; others' on the place in the song too
        rng = np.random.default_rng(None if letter == "B" else 1000 + i)
        seeds = np.random.default_rng(7).integers(0, 10**6, size=bars) if letter == "B" else None
        for k in range(bars // 2):
            pick = np.random.default_rng(seeds[k]) if letter == "B" else rng
            text = " ".join(WORDS[j] for j in pick.choice(len(WORDS), size=4, replace=False))
            start = round((i * bars + 2 * k) * bar_seconds + 0.1, 3)
            lines.append(Line(text, start, round(start + 1.5 * bar_seconds, 3), (), stanza=stanza))
    return lines
