"""Match the words a user wrote to the words a recogniser heard, and give every written word a time.

The match is a global sequence alignment (Needleman-Wunsch) over normalised
tokens: accents, case and punctuation are ignored, and similar words ("hold"
heard as "cold") still pair, scored by how alike they are. Skipping a heard
word (an ad-lib sung but not written) or a written word (a line written but not
sung) costs a fixed gap penalty, so a chorus written twice pairs with the two
times it is sung, in order. Written words left unpaired are interpolated
between their paired neighbours, packed into the gap rather than stretched
across a long instrumental, with score 0: never dropped.

Examples
--------
>>> heard = [Word("cold", 1.0, 1.3, 0.9), Word("me", 1.4, 1.6, 1.0), Word("yeah", 2.0, 2.3, 1.0)]
>>> lines = place_lines([["Hold", "me,"]], heard)
>>> [(w.text, w.start, round(w.score, 2)) for w in lines[0]]
[('Hold', 1.0, 0.68), ('me,', 1.4, 1.0)]
"""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

import numpy as np

from .lyrics import Word

GAP = -0.4
"""Score of skipping one word on either side; a pairing scores ``2 * similarity - 1``."""
_SECONDS_PER_WORD = 0.35
"""Time given to each interpolated word when the gap around it is long."""


def normalise(word: str) -> str:
    """Lower-case letters and digits of ``word`` without accents, for comparing heard and written words.

    Examples
    --------
    >>> normalise("Lumière,"), normalise("Don't"), normalise("¡Ya!")
    ('lumiere', 'dont', 'ya')
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def similarity(a: str, b: str) -> float:
    """How alike two normalised words are, in [0, 1] (1: equal).

    Examples
    --------
    >>> similarity("hold", "hold"), round(similarity("hold", "cold"), 2), similarity("", "x")
    (1.0, 0.75, 0.0)
    """
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match(written: list[str], heard: list[str], *, gap: float = GAP) -> list[int | None]:
    """Pair each written word with a heard word (its index) or None, keeping both in order.

    Parameters
    ----------
    written, heard : list of str
        Words as written and as recognised (any case or punctuation).
    gap : float
        Score of leaving one word of either list unpaired (negative).

    Returns
    -------
    list of (int or None), one per written word.

    Examples
    --------
    >>> match(["hold", "me", "close"], ["oh", "hold", "me", "close", "yeah"])
    [1, 2, 3]
    >>> match(["a", "b", "silver", "c"], ["a", "b", "c"])
    [0, 1, None, 2]
    """
    a = [normalise(w) for w in written]
    b = [normalise(w) for w in heard]
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return [None] * n
    cache: dict[tuple[str, str], float] = {}
    pair = np.empty((n, m))
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if (x, y) not in cache:
                cache[(x, y)] = 2.0 * similarity(x, y) - 1.0
            pair[i, j] = cache[(x, y)]
    score = np.zeros((n + 1, m + 1))
    score[:, 0] = gap * np.arange(n + 1)
    score[0, :] = gap * np.arange(m + 1)
    move = np.zeros((n + 1, m + 1), np.int8)   # 0: pair, 1: skip written, 2: skip heard
    move[1:, 0], move[0, 1:] = 1, 2
    for i in range(1, n + 1):
        row, prev = score[i], score[i - 1]
        for j in range(1, m + 1):
            options = (prev[j - 1] + pair[i - 1, j - 1], prev[j] + gap, row[j - 1] + gap)
            best = max(range(3), key=options.__getitem__)
            row[j], move[i, j] = options[best], best
    result: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 or j > 0:
        step = move[i, j]
        if step == 0:
            result[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return result


def fill_spans(times: list[tuple[float, float] | None], lengths: list[int],
               duration: float | None) -> list[tuple[float, float]]:
    """Interpolate missing ``(start, end)`` spans between known neighbours, packed into the middle of long gaps.

    ``lengths`` weigh each word's share of its gap (its letters).

    Examples
    --------
    >>> fill_spans([(1.0, 1.5), None, (9.0, 9.5)], [2, 2, 2], None)
    [(1.0, 1.5), (5.075, 5.425), (9.0, 9.5)]
    """
    known = [k for k, t in enumerate(times) if t is not None]
    filled = list(times)
    if not known:
        end = duration if duration else _SECONDS_PER_WORD * len(times)
        known_bounds = [(-1, 0.0), (len(times), end)]
    else:
        known_bounds = [(-1, None)] + [(k, None) for k in known] + [(len(times), None)]
    for (left, _), (right, _) in zip(known_bounds, known_bounds[1:]):
        run = list(range(left + 1, right))
        if not run:
            continue
        if not known:
            lo, hi = 0.0, known_bounds[-1][1]
        else:
            lo = times[left][1] if left >= 0 else None
            hi = times[right][0] if right < len(times) else None
            want = _SECONDS_PER_WORD * len(run)
            if lo is None:
                lo = max(0.0, hi - want)
            if hi is None:
                hi = lo + want if duration is None else min(duration, lo + want)
            span = min(max(hi - lo, 0.0), want)
            lo = lo + (hi - lo - span) / 2
            hi = lo + span
        total = sum(lengths[k] for k in run) or 1
        t = lo
        for k in run:
            step = (hi - lo) * lengths[k] / total
            filled[k] = (t, t + step)
            t += step
    return filled


def place_lines(lines: list[list[str]], heard: list[Word], *, duration: float | None = None) -> list[list[Word]]:
    """Give every written word of every line a time and a score from the heard words.

    Parameters
    ----------
    lines : list of list of str
        The written words, line by line, exactly as written.
    heard : list of Word
        Recognised words in time order (``score``: the recogniser's confidence).
    duration : float or None
        Length of the audio, bounding interpolated words at the end.

    Returns
    -------
    list of list of Word, shaped like ``lines``; a paired word's score is the
    recogniser's confidence times the similarity, an interpolated one's is 0.

    Examples
    --------
    >>> heard = [Word("one", 1.0, 1.5, 1.0), Word("three", 3.0, 3.5, 1.0)]
    >>> [(w.text, w.start, w.score) for w in place_lines([["one", "two", "three"]], heard)[0]]
    [('one', 1.0, 1.0), ('two', 2.075, 0.0), ('three', 3.0, 1.0)]
    """
    flat = [w for line in lines for w in line]
    pairs = match(flat, [w.text for w in heard])
    times = [(heard[j].start, heard[j].end) if j is not None else None for j in pairs]
    spans = fill_spans(times, [max(1, len(normalise(w))) for w in flat], duration)
    placed, k = [], 0
    for line in lines:
        words = []
        for text in line:
            j = pairs[k]
            score = 0.0 if j is None else heard[j].score * similarity(normalise(text), normalise(heard[j].text))
            start, end = spans[k]
            words.append(Word(text, round(start, 3), round(max(end, start), 3), round(min(max(score, 0.0), 1.0), 4)))
            k += 1
        placed.append(words)
    return placed


def line_spans(lines: list[list[Word]], *, pad: float, duration: float | None = None) -> list[tuple[float, float]]:
    """Each line's span, from its first start to its last end, widened by ``pad`` seconds; spans never overlap.

    Two neighbouring lines share the gap between them (or the stretch where
    they overlap) at its middle.

    Examples
    --------
    >>> lines = [[Word("a", 1.0, 1.5, 1.0)], [Word("b", 1.8, 2.5, 1.0)]]
    >>> line_spans(lines, pad=0.5, duration=2.7)
    [(0.5, 1.65), (1.65, 2.7)]
    """
    bounds = [0.0] + [(a[-1].end + b[0].start) / 2 for a, b in zip(lines, lines[1:])] + [duration or np.inf]
    return [(round(max(words[0].start - pad, lo), 3), round(min(words[-1].end + pad, hi), 3))
            for words, lo, hi in zip(lines, bounds, bounds[1:])]


def sung_share(lines: list[list[str]], heard: list[Word], *, alike: float = 0.5) -> list[float]:
    """Share of each line's written words matched to a heard word at least ``alike`` similar: how surely it was sung.

    Examples
    --------
    >>> heard = [Word("hold", 1.0, 1.3, 1.0), Word("me", 1.4, 1.6, 1.0), Word("yeah", 2.0, 2.3, 1.0)]
    >>> sung_share([["hold", "me"], ["silver", "sky"]], heard)
    [1.0, 0.0]
    """
    flat = [w for line in lines for w in line]
    pairs = match(flat, [w.text for w in heard])
    shares, k = [], 0
    for line in lines:
        hits = sum(j is not None and similarity(normalise(text), normalise(heard[j].text)) >= alike
                   for text, j in zip(line, pairs[k:k + len(line)]))
        shares.append(hits / max(len(line), 1))
        k += len(line)
    return shares
