"""Stress cases for lyric placement, made from a song with known word onsets: trouble in the audio or the text.

Shared by the tests (on the speech fixtures) and ``benchmarks/alignment.py`` (on the devdata songs). A case
is the song's lyrics as a user gives them (:class:`Sung`: lines, stanzas and, per line, the true word
onsets or None where the line is not sung where written), the audio, and the lines in trouble. After the
trouble the placement must recover within one line: :func:`recovery` scores the lines from the second
one after it on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Sung:
    """Written lines (words), their stanza numbers, and each line's true word onsets (None: not sung there)."""

    lines: tuple[tuple[str, ...], ...]
    stanzas: tuple[int, ...]
    truth: tuple[tuple[float, ...] | None, ...]

    @property
    def text(self) -> str:
        """The lyrics as a user pastes them: a line per line, a blank line between stanzas."""
        out, previous = [], None
        for words, stanza in zip(self.lines, self.stanzas):
            if previous is not None and stanza != previous:
                out.append("")
            out.append(" ".join(words))
            previous = stanza
        return "\n".join(out) + "\n"

    def stanza_lines(self, stanza: int) -> list[int]:
        return [k for k, s in enumerate(self.stanzas) if s == stanza]


def sung(text: str, starts) -> Sung:
    """A :class:`Sung` from lyrics text and the true onsets of all its words, in order."""
    lines, stanzas, truth, stanza, k = [], [], [], 0, 0
    for raw in text.splitlines():
        if not raw.strip():
            stanza += 1 if lines and stanzas[-1] == stanza else 0
            continue
        words = tuple(raw.split())
        lines.append(words)
        stanzas.append(stanza)
        truth.append(tuple(float(t) for t in starts[k:k + len(words)]))
        k += len(words)
    return Sung(tuple(lines), tuple(stanzas), tuple(truth))


def _span(song: Sung, lines: list[int]) -> tuple[float, float]:
    starts = [t for k in lines for t in song.truth[k]]
    following = [song.truth[k][0] for k in range(lines[-1] + 1, len(song.lines)) if song.truth[k]]
    return min(starts), (following[0] if following else max(starts) + 3.0)


def bury(song: Sung, y: np.ndarray, sr: int, stanza: int, seconds: float, *, seed: int = 0):
    """A loud guitar-like sawtooth with distortion noise over ``seconds`` from the stanza's first onset.

    Returns the song, the audio and the lines in trouble (those starting under the noise)."""
    start, _ = _span(song, song.stanza_lines(stanza))
    a, b = int(start * sr), min(int((start + seconds) * sr), len(y))
    t = np.arange(b - a) / sr
    rms = float(np.sqrt(np.mean(y[a:b] ** 2))) + 1e-6
    saw = sum(((f * t) % 1.0) * 2 - 1 for f in (110.0, 164.8, 220.0))
    noise = np.random.default_rng(seed).standard_normal(b - a)
    loud = np.tanh(3 * (saw / 3 + 0.3 * noise))
    out = y.copy()
    out[a:b] += (4 * rms * loud / np.sqrt(np.mean(loud ** 2))).astype(np.float32)
    trouble = [k for k, t in enumerate(song.truth) if t and start <= t[0] < start + seconds]
    return song, np.clip(out, -1, 1).astype(np.float32), trouble


def cut(song: Sung, y: np.ndarray, sr: int, stanza: int):
    """The stanza's audio cut out (to the next line's onset), its text kept: its lines are not sung any more."""
    lines = song.stanza_lines(stanza)
    start, end = _span(song, lines)
    start = max(0.0, start - 0.3)
    cut_s = end - 0.3 - start
    truth = tuple(None if k in lines else t if t is None or t[0] < start else tuple(x - cut_s for x in t)
                  for k, t in enumerate(song.truth))
    out = np.concatenate([y[:int(start * sr)], y[int((start + cut_s) * sr):]])
    return replace(song, truth=truth), out, lines


def repeat_stanza(song: Sung, stanza: int, times: int):
    """The stanza written ``times`` times in a row where it is sung once (a chorus pasted out): copies unscored."""
    lines = song.stanza_lines(stanza)
    at = lines[-1] + 1
    copies = [k for _ in range(times - 1) for k in lines]
    n = len(copies)
    new_lines = song.lines[:at] + tuple(song.lines[k] for k in copies) + song.lines[at:]
    stanzas = song.stanzas[:at] + tuple(stanza + 0.5 + j // len(lines) / times for j in range(n)) + song.stanzas[at:]
    truth = song.truth[:at] + (None,) * n + song.truth[at:]
    trouble = lines + list(range(at, at + n))
    return Sung(new_lines, stanzas, truth), None, trouble


def swap(song: Sung, first: int, second: int):
    """The lyrics of two stanzas swapped in the text (the audio unchanged): both unscored, sung out of order."""
    a, b = song.stanza_lines(first), song.stanza_lines(second)
    order = list(range(a[0])) + b + list(range(a[-1] + 1, b[0])) + a + list(range(b[-1] + 1, len(song.lines)))
    stanzas = [song.stanzas[k] for k in order]
    moved = set(a) | set(b)
    new = Sung(tuple(song.lines[k] for k in order), tuple(stanzas),
               tuple(None if k in moved else song.truth[k] for k in order))
    return new, None, [j for j, k in enumerate(order) if k in moved]


def recovery(song: Sung, lyrics, trouble: list[int]) -> dict:
    """Word AAE, share of line starts within 1 s over all sung lines, and the same from the second line after
    the trouble on (the placement must have recovered by then)."""
    after = max(trouble) + 2

    def measure(first: int):
        word, line = [], []
        for k in range(first, len(song.lines)):
            truth = song.truth[k]
            if truth is None:
                continue
            starts = np.array([w.start for w in lyrics.lines[k].words])
            word.extend(np.abs(starts - np.array(truth)))
            line.append(abs(starts[0] - truth[0]))
        return (float(np.mean(word)) if word else float("nan"), float(np.mean(np.array(line) <= 1.0)) if line
                else float("nan"), len(line))

    aae, lines, _ = measure(0)
    after_aae, after_lines, n_after = measure(after)
    return {"aae": aae, "lines": lines, "after_aae": after_aae, "after_lines": after_lines, "n_after": n_after}


def fixture_song(fixture: dict) -> Sung:
    """A :class:`Sung` from a speech fixture (tests/fixtures/speech): a written line without sung words has None."""
    sung_words = [w for w in fixture["words"] if w["written"]]
    lines, stanzas, truth, stanza, k = [], [], [], 0, 0
    for raw in fixture["lyrics"].splitlines():
        if not raw.strip():
            stanza += 1 if lines and stanzas[-1] == stanza else 0
            continue
        words = tuple(raw.split())
        here = [w["text"] for w in sung_words[k:k + len(words)]] == list(words)
        lines.append(words)
        stanzas.append(stanza)
        truth.append(tuple(w["start"] for w in sung_words[k:k + len(words)]) if here else None)
        k += len(words) if here else 0
    return Sung(tuple(lines), tuple(stanzas), tuple(truth))
