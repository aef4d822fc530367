"""Scores that mean what they say, and "not sung" only where nobody sings.

After placement (:mod:`alignment.placement`) a line's score is Whisper's
probability of its words where they were put. Forced text gets a fair
probability even where it does not belong, so the score is lowered where the
place itself is doubtful (:func:`rescore`): the line's words are squeezed
into less time than its syllables need at this song's singing rate, or the
line sits where no voice sounds (the fade-out, after the last sung phrase:
:func:`alignment.onsets.voiced_frames`).

Lines before the first placed line or after the last are declared not sung
(:func:`unsung_ends`) only when the song has no time for them there, or no
voice for as long as they need; otherwise they are spread over what remains,
with score 0, and the low-confidence warning lists them.

Examples
--------
>>> voiced = np.zeros(1000, bool); voiced[200:400] = True    # voice from 2 s to 4 s (frames of 0.01 s)
>>> line = [Word("la", 2.0, 2.5, 0.9), Word("la", 2.5, 3.0, 0.9)]
>>> [w.score for w in rescore(line, need=0.5, voiced=voiced)]
[0.9, 0.9]
>>> [w.score for w in rescore([Word("la", 6.0, 6.5, 0.9), Word("la", 6.5, 7.0, 0.9)], need=0.5, voiced=voiced)]
[0.0, 0.0]
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from .lyrics import Word
from .onsets import HOP_SECONDS

VOICED_SHARE = 0.5
"""Share of a line's span that sounds like voice from which on its score is not lowered for lacking voice."""


def _voiced_share(voiced: np.ndarray, start: float, end: float) -> float:
    a, b = int(start / HOP_SECONDS), max(int(np.ceil(end / HOP_SECONDS)), int(start / HOP_SECONDS) + 1)
    part = voiced[a:b]
    return float(part.mean()) if part.size else 0.0


def voice_factor(voiced: np.ndarray, start: float, end: float) -> float:
    """How far a line sung from ``start`` to ``end`` (seconds) is believed for the voice there: its voiced share
    (``voiced``: :func:`alignment.onsets.voiced_frames`) over :data:`VOICED_SHARE`, at most 1.

    Examples
    --------
    >>> voiced = np.zeros(1000, bool); voiced[200:400] = True
    >>> voice_factor(voiced, 2.0, 4.0), voice_factor(voiced, 3.0, 5.0), voice_factor(voiced, 6.0, 7.0)
    (1.0, 1.0, 0.0)
    """
    return min(1.0, _voiced_share(voiced, start, end) / VOICED_SHARE)


def rescore(words: list[Word], *, need: float, voiced: np.ndarray) -> list[Word]:
    """A placed line's words with scores lowered where the place is doubtful.

    The factor is the line's length over ``need`` (seconds its syllables need
    at least; squeezed words) times its voiced share over :data:`VOICED_SHARE`
    (``voiced``: :func:`alignment.onsets.voiced_frames`), each at most 1.
    """
    start, end = words[0].start, words[-1].end
    factor = min(1.0, (end - start) / need if need > 0 else 1.0)
    factor *= voice_factor(voiced, start, end)
    return [replace(w, score=round(w.score * factor, 4)) for w in words]


def unsung_ends(timed: list, needs: np.ndarray, voiced: np.ndarray, duration: float) -> set[int]:
    """Lines before the first placed one or after the last (``timed[k]`` None) that the song has no room for.

    A run at either end is not sung when the time it has (from the song's
    start to the first placed line, or from the last one's end to the end)
    holds less voice than the run needs (``needs``, seconds per line).

    Examples
    --------
    >>> voiced = np.ones(1000, bool)
    >>> unsung_ends([None, [Word("a", 4.0, 5.0, 0.9)], None], np.array([2.0, 2.0, 2.0]), voiced, 6.0)
    {2}
    """
    placed = [k for k, words in enumerate(timed) if words is not None]
    head, tail = range(placed[0]), range(placed[-1] + 1, len(timed))
    out = set()
    for run, (lo, hi) in ((head, (0.0, timed[placed[0]][0].start)), (tail, (timed[placed[-1]][-1].end, duration))):
        if run and _voiced_share(voiced, lo, hi) * max(hi - lo, 0.0) < needs[list(run)].sum():
            out |= set(run)
    return out


def fit_unplaced(written: list[list[str]], timed: list, unsung: set[int], *, duration: float) -> list[list[Word]]:
    """Every line's words timed: placed lines as they are, the others (None) with score 0.

    A line not placed (at least one is) is fitted into the gap between its
    placed neighbours, packed, never across it, or after the last placed line
    (before the first) when the song has room for it there. A line in
    ``unsung`` gets no time of its own: it starts and ends where the singing
    starts or ends.
    """
    from .textalign import fill_spans

    placed = [k for k, words in enumerate(timed) if words is not None]
    flat = [(w.start, w.end) if words is not None else None
            for line, words in zip(written, timed) for w in (words if words is not None else line)]
    filled = iter(fill_spans(flat, [len(w) for line in written for w in line], duration))
    out = []
    for k, (line, words) in enumerate(zip(written, timed)):
        spans = [next(filled) for _ in line]
        if words is not None:
            out.append(list(words))
            continue
        if k in unsung:
            edge = timed[placed[0]][0].start if k < placed[0] else timed[placed[-1]][-1].end
            spans = [(edge, edge)] * len(line)
        out.append([Word(text, round(a, 3), round(max(a, b), 3), 0.0) for text, (a, b) in zip(line, spans)])
    return out


def warn_unsung(written: list[list[str]], unsung: set[int], first_placed: int) -> None:
    """One warning for the lines declared not sung (:func:`unsung_ends`), before the first placed line or after."""
    if not unsung:
        return
    before = sorted(k for k in unsung if k < first_placed)
    after = sorted(k for k in unsung if k > first_placed)
    parts = ([f"{len(before)} before the first one found sung"] if before else []) + \
        ([f"{len(after)} after the last one (from {' '.join(written[after[0]])[:40]!r})"] if after else [])
    where = " or ".join(w for w, lines in (("starts", before), ("ends", after)) if lines)
    verb = "was" if len(unsung) == 1 else "were"
    warnings.warn(f"of {len(written)} lyric lines, {' and '.join(parts)} {verb} not heard in the audio, which has "
                  f"no time or no voice left for them: they get no time of their own and sit where the singing "
                  f"{where}; if the recording leaves them out (or another song's lyrics are pasted too), remove them, "
                  "else give timed lyrics (.lrc)", stacklevel=5)
