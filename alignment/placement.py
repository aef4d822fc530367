"""Where each lyric line is sung, chosen for the whole song at once: a monotonic path over lines and time.

The window walk of :mod:`alignment.forced` is greedy: a window that loses the
singing, or a later repeat of the same words taken as progress, costs every
line after it. Here its placements are evidence, not the answer:

1. the walk runs over the whole song, and every line it keeps becomes a
   candidate (start, end, score);
2. :func:`choose` picks the candidates of all lines at once, by dynamic
   programming over lines and time: placements keep the lines' order, and the
   lines left between two chosen ones (or before the first, or after the last)
   must have time to be sung there: their syllables at the singing rate
   measured in this song (:func:`singing_rate`, :func:`need`). A line placed
   where the lines before it, or after it, do not fit (a verse line put on the
   last chorus, whose words it shares) costs more than it brings;
3. a line's candidates are also candidates of every line with the same words
   (:func:`shared`): a chorus heard once may be sung at any of its places;
4. each run of lines left without a place is walked again inside its own gap,
   never past it, where a line that the walk passes without finding it is
   given up so the next one can be found (the walk's ``latest``); its
   placements join the candidates and :func:`choose` runs again;
5. a candidate is believed by the voice heard where it lies (:func:`believed`):
   forced text scores fairly over an instrumental or in the fade-out; and a
   line sung again right after it keeps, of two placements alike, the one that
   does not stretch its last words over the repeat (:func:`compact`).

Words inside each chosen line keep the times warping gave them.

Examples
--------
>>> syllables("fantasma"), syllables("oh"), syllables("rhythm")
(3, 1, 1)
>>> choose([(0, 1.0, 2.0, 0.9), (1, 3.0, 4.0, 0.8), (1, 50.0, 51.0, 0.9), (2, 5.0, 6.0, 0.7)],
...        need=np.array([1.0, 1.0, 1.0]), duration=60.0)
[0, 1, 3]
"""

from __future__ import annotations

import numpy as np

from .confidence import voice_factor
from .evidence import SECONDS_PER_WORD, gather, sung_start
from .forced import FRAMES_PER_SECOND, Timing, force_align, recheck
from .textalign import normalise

DEFAULT_RATE = 0.3
"""Seconds per syllable (start of a line to start of the next, over its syllables) when too few lines are placed
surely to measure the song's own."""
FAST = 0.6
"""Share of the song's measured seconds per syllable that lines need at least: sung faster, they do not fit."""
SHORTFALL = 0.2
"""Cost, in line scores, of each second that lines left between two placements lack to be sung there."""
UNSUNG_COST = 0.1
"""Most that one line left out costs for lacking time: written lines may be not sung at all (a chorus pasted out
more times than it is sung, a verse the recording leaves out)."""
BASE = 0.1
"""Word probability that a placement must beat to add to a path: a weak placement is worth little more than none."""
OVERLAP = 0.3
"""Seconds a line may start before the previous chosen one ends (warping lets the last word run on)."""
SURE = 0.4
"""Mean word probability from which a placed line counts in measuring the singing rate."""
REWALKS = 2
"""Rounds of walking the gaps again and choosing again."""
MIN_GAP = 2.0
"""Seconds a gap must last to be walked again."""
SAME_START = 0.3
"""Seconds within which two placements of a line start at the same place (:func:`compact`)."""
SAME_SCORE = 0.05
"""Score within which two placements of a line are heard as well (:func:`compact`)."""
LONGER = 1.0
"""Seconds by which a placement must end later than another of the same start to be the same singing stretched."""


def syllables(word: str) -> int:
    """Vowel groups in ``word`` (accents and case ignored), at least one: a rough syllable count for any language."""
    groups, previous = 0, False
    for c in normalise(word):
        vowel = c in "aeiouy"
        groups += vowel and not previous
        previous = vowel
    return max(groups, 1)


def singing_rate(starts: np.ndarray, syllable_counts: np.ndarray, scores: np.ndarray) -> float:
    """Seconds per syllable in this song: the median, over surely placed lines followed by a placed one, of the
    time from a line's start to the next line's start over its syllables (breaths between lines included).

    ``starts`` holds each line's start, nan where it is not placed; ``scores`` its score.

    Examples
    --------
    >>> singing_rate(np.array([0.0, 2.0, 4.0, 6.0, np.nan]), np.array([4, 4, 4, 4, 4]), np.array([0.9] * 5))
    0.5
    """
    period = np.diff(starts)
    n = np.asarray(syllable_counts, float)[:-1]
    sure = (np.asarray(scores)[:-1] >= SURE) & (period > 0) & (period < 4.0 * n)   # nan compares False
    if sure.sum() < 3:
        return DEFAULT_RATE
    return float(np.clip(np.median(period[sure] / n[sure]), 0.12, 0.8))


def need(syllable_counts: np.ndarray, rate: float) -> np.ndarray:
    """Seconds each line needs at least: its syllables at :data:`FAST` times the song's rate."""
    return FAST * rate * np.asarray(syllable_counts, float)


def choose(candidates: list[tuple[int, float, float, float]], *, need: np.ndarray, duration: float,
           weights: np.ndarray | None = None) -> list[int]:
    """Indices of the candidates (line, start, end, score) on the best monotonic path through the song.

    The path takes at most one candidate per line, in the lines' order and
    in time (a line starts no earlier than :data:`OVERLAP` before the previous
    chosen one ends) and scores the sum of its candidates' scores, less
    :data:`SHORTFALL` per second that the lines it leaves out between two
    chosen ones, before the first (from 0) or after the last (to ``duration``)
    lack to be sung there (``need``, seconds per line), at most
    :data:`UNSUNG_COST` per line left out. ``weights`` (per line, default 1)
    scale the scores of each line's candidates.
    """
    n = len(need)
    cum = np.concatenate([[0.0], np.cumsum(need)])
    order = sorted(range(len(candidates)), key=lambda c: (candidates[c][0], candidates[c][1]))
    weights = np.ones(n) if weights is None else weights
    nodes = [(-1, 0.0, 0.0, 0.0)] + [(*candidates[c][:3], candidates[c][3] * weights[candidates[c][0]])
                                     for c in order] + [(n, duration, duration, 0.0)]
    line = np.array([node[0] for node in nodes])
    start = np.array([node[1] for node in nodes])
    end = np.array([node[2] for node in nodes])
    best = np.full(len(nodes), -np.inf)
    back = np.zeros(len(nodes), int)
    best[0] = 0.0
    for j in range(1, len(nodes)):
        i = np.flatnonzero((line[:j] < line[j]) & (start[j] >= end[:j] - OVERLAP) & np.isfinite(best[:j]))
        lack = np.maximum(0.0, cum[line[j]] - cum[line[i] + 1] - (start[j] - end[i]))
        value = best[i] - np.minimum(SHORTFALL * lack, UNSUNG_COST * (line[j] - line[i] - 1))
        k = int(np.argmax(value))
        best[j], back[j] = value[k] + nodes[j][3], i[k]
    path, j = [], back[-1]
    while j > 0:
        path.append(order[j - 1])
        j = back[j]
    return path[::-1]


def _candidates(timings: list[Timing | None]) -> list[tuple[int, float, float, float, Timing]]:
    """Placements of the walk as candidates; a line spread thin (an instrumental in it) is none."""
    return [(k, sung_start(t), t.ends[-1], float(np.mean(t.probs)) - BASE, t) for k, t in enumerate(timings)
            if t is not None and t.ends[-1] - sung_start(t) <= SECONDS_PER_WORD * len(t.starts) + 3.0]


def _shift(timing: Timing | None, seconds: float) -> Timing | None:
    if timing is None:
        return None
    return Timing(tuple(s + seconds for s in timing.starts), tuple(e + seconds for e in timing.ends), timing.probs)


def believed(candidates: list[tuple], voiced: np.ndarray | None) -> list[tuple]:
    """``candidates`` (line, start, end, score, ...) with each score (a mean word probability less :data:`BASE`)
    scaled by the voice heard where it is (:func:`alignment.confidence.voice_factor`): forced text scores fairly
    over an instrumental or in the fade-out, where nobody sings.

    Examples
    --------
    >>> voiced = np.zeros(3000, bool); voiced[:2000] = True      # a voice until 20 s, then the fade-out
    >>> [round(c[3], 2) for c in believed([(0, 5.0, 7.0, 0.5, None), (0, 22.0, 24.0, 0.5, None)], voiced)]
    [0.5, -0.1]
    """
    if voiced is None:
        return candidates
    return [(k, a, b, (score + BASE) * voice_factor(voiced, a, b) - BASE, t) for k, a, b, score, t in candidates]


def place(whisper, tokenizer, features: np.ndarray, lines: list[list[list[int]]], syllable_counts: np.ndarray, *,
          unsung: float = 0.0, voiced: np.ndarray | None = None) -> list[Timing | None]:
    """Time every line (its words as token lists) over the song, chosen globally; None for a line left unplaced.

    Parameters
    ----------
    whisper, tokenizer, features, lines :
        As for :func:`alignment.forced.force_align`.
    syllable_counts : np.ndarray
        Syllables per line (:func:`syllables` of its written words).
    unsung : float
        Mean word probability below which a placement is no evidence at all.
    voiced : np.ndarray or None
        Whether each 10 ms frame sounds like voice (:func:`alignment.onsets.voiced_frames`): a placement is
        believed less where little voice sounds; None: everywhere alike.

    Examples
    --------
    >>> place(whisper, tokenizer, features, tokens, np.array([7, 9, 8]))  # doctest: +SKIP
    [Timing(...), None, Timing(...)]
    """
    duration = features.shape[1] / FRAMES_PER_SECOND
    pool = [c for c in _candidates(force_align(whisper, tokenizer, features, lines)) if c[3] + BASE >= unsung]
    pool += [(k, a, b, score - BASE, t) for k, a, b, score, t in gather(whisper, tokenizer, features, lines,
                                                                         unsung=unsung)]
    pool = shared(believed(pool, voiced), lines)
    # A placement of a line whose words the lyrics repeat says less about where the song is: it could be any copy.
    copies = [sum(other == line for other in lines) for line in lines]
    weights = 1.0 / np.sqrt(copies)
    chosen: list[Timing | None] = [None] * len(lines)
    walked: set[tuple[int, int, float, float]] = set()
    for round_ in range(REWALKS + 1):
        first = [None] * len(lines)
        for c in pool:
            first[c[0]] = first[c[0]] or c[4]
        timings = chosen if round_ else first
        rate = singing_rate(np.array([t.starts[0] if t else np.nan for t in timings]), syllable_counts,
                            np.array([np.mean(t.probs) if t else 0.0 for t in timings]))
        needs = need(syllable_counts, rate)
        chosen = [None] * len(lines)
        live = compact(pool, lines)
        for c in choose([c[:4] for c in live], need=needs, duration=duration, weights=weights):
            chosen[live[c][0]] = live[c][4]
        if round_ == REWALKS:
            break
        found = False
        for a, b, lo, hi in _gaps(chosen, duration):
            if hi - lo < MIN_GAP or (a, b, round(lo, 1), round(hi, 1)) in walked:
                continue
            walked.add((a, b, round(lo, 1), round(hi, 1)))
            first_frame, last_frame = int(lo * FRAMES_PER_SECOND), int(np.ceil(hi * FRAMES_PER_SECOND))
            # A line must leave the lines after it in the gap time to be sung before the gap ends.
            latest = (hi - lo) - (np.cumsum(needs[a:b][::-1])[::-1] - needs[a:b])
            timings = force_align(whisper, tokenizer, features[:, first_frame:last_frame], lines[a:b], latest=latest)
            new = [(a + c[0], *c[1:]) for c in _candidates([_shift(t, lo) for t in timings]) if c[3] + BASE >= unsung]
            pool += shared(believed(new, voiced), lines)
            found = found or bool(new)
        if not found:
            break
    return recheck(whisper, tokenizer, features, lines, chosen)


def compact(candidates: list[tuple], lines: list) -> list[tuple]:
    """``candidates`` (line, start, end, score, ...) without those of a line sung again right after it (the next
    of ``lines`` is the same) that another of the same line, starting at the same place (:data:`SAME_START`) and
    heard as well (:data:`SAME_SCORE`), ends sooner than by :data:`LONGER`.

    Warping stretches a line's last words over the same words sung again after it: the same start, ending
    seconds later, over the time of the repeat. Other lines keep their longer placements (a held "ah ah ah").

    Examples
    --------
    >>> same = [[7, 8], [7, 8], [9]]
    >>> compact([(0, 120.6, 122.5, 0.57), (0, 120.6, 132.6, 0.57), (2, 125.0, 127.0, 0.5), (2, 125.0, 131.0, 0.5)],
    ...         same)
    [(0, 120.6, 122.5, 0.57), (2, 125.0, 127.0, 0.5), (2, 125.0, 131.0, 0.5)]
    """
    def stretched(c) -> bool:
        return c[0] + 1 < len(lines) and lines[c[0] + 1] == lines[c[0]] and any(
            abs(o[1] - c[1]) <= SAME_START and o[3] >= c[3] - SAME_SCORE and o[2] < c[2] - LONGER
            for o in by_line[c[0]])

    by_line: dict[int, list[tuple]] = {}
    for c in candidates:
        by_line.setdefault(c[0], []).append(c)
    return [c for c in candidates if not stretched(c)]


def shared(candidates: list[tuple], lines: list) -> list[tuple]:
    """``candidates`` (line first) with each one also given to every other line of the same words: where one
    copy of a chorus line is heard, any copy may be sung.

    Their scores are not changed here; :func:`choose` weighs them down (``weights``).

    Examples
    --------
    >>> shared([(0, 1.0, 2.0, 0.5), (1, 3.0, 4.0, 0.5)], [[[7]], [[8]], [[7]]])
    [(0, 1.0, 2.0, 0.5), (2, 1.0, 2.0, 0.5), (1, 3.0, 4.0, 0.5)]
    """
    copies: dict[str, list[int]] = {}
    for k, line in enumerate(lines):
        copies.setdefault(repr(line), []).append(k)
    return [(j, *c[1:]) for c in candidates for j in [c[0]] + [j for j in copies[repr(lines[c[0]])] if j != c[0]]]


def _gaps(chosen: list[Timing | None], duration: float) -> list[tuple[int, int, float, float]]:
    """Runs of unplaced lines ``a:b`` and the seconds ``lo``-``hi`` between their placed neighbours."""
    out, k = [], 0
    while k < len(chosen):
        if chosen[k] is not None:
            k += 1
            continue
        b = next((j for j in range(k, len(chosen)) if chosen[j] is not None), len(chosen))
        lo = chosen[k - 1].ends[-1] if k else 0.0
        hi = chosen[b].starts[0] if b < len(chosen) else duration
        out.append((k, b, lo, hi))
        k = b
    return out
