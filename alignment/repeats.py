"""Lyrics that repeat go to audio that repeats: a chorus the aligner could not place is found by its sound.

Forcing a text into Whisper makes it give high probability to predictable
words even where nobody sings, so after a long instrumental the aligner may
lose a chorus it placed well earlier in the song. A chorus sounds alike each
time it comes back (same melody, same harmony, same voice), so a run of
weakly placed lines whose words repeat an earlier, well-placed run is looked
for in the audio between its placed neighbours: the earlier run's sound
(chroma and MFCC, :func:`sound_features`) slides over that gap and the run is
put where it matches best, its words timed as the earlier ones were, provided
the match is clear (:data:`SIMILAR`, :data:`MARGIN`). Otherwise the lines stay
as they are.

A chorus is also sung at the same pace each time it comes back: where two
lines in a row repeat two earlier lines placed surely (:data:`STEADY`) and
start much further apart or closer than those did (:data:`PACE`), the one heard
less well is put back at that pace from the other (:func:`keep_pace`).

Examples
--------
>>> repeat_of(["a b", "c", "a b", "c"], [True, True, False, False], 2)
(0, 2)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .confidence import voice_factor
from .textalign import normalise

HOP = 0.1
"""Seconds between sound frames."""
SIMILAR = 0.6
"""Least mean cosine similarity (chroma and MFCC) between a run's earlier sound and the audio it is put on."""
MARGIN = 0.15
"""How much better than the next best place, not overlapping it, the chosen place must match."""
STEADY = 0.5
"""Mean word score from which an earlier pair of lines sets the pace of its repeats."""
PACE = 1.5
"""Seconds by which the starts of two repeated lines may be further apart, or closer, than their earlier copies'."""


def repeat_of(texts: list[str], strong: list[bool], k: int) -> tuple[int, int] | None:
    """The earlier well-placed run of lines that lines ``k``, ``k + 1``, ... repeat: (its first line, length).

    Lines repeat when their normalised words are equal; the run grows while
    the lines after ``k`` are weak and those after the earlier one strong. The
    longest earlier run wins (the latest one of that length); None when line ``k`` repeats no strong line.
    """
    keys = [" ".join(normalise(w) for w in text.split()) for text in texts]
    best = None
    for m in range(k):
        n = 0
        while (k + n < len(keys) and m + n < k and strong[m + n] and not strong[k + n]
               and keys[m + n] == keys[k + n]):
            n += 1
        if n and (best is None or n >= best[1]):
            best = (m, n)
    return best


def sound_features(y: np.ndarray, sr: int) -> np.ndarray:
    """Unit-length frames (every :data:`HOP` seconds) of chroma and MFCC, shape (24, frames).

    Examples
    --------
    >>> sound_features(np.zeros(16000, np.float32), 16000).shape
    (24, 11)
    """
    import librosa

    hop = int(round(HOP * sr))
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, n_fft=4096, hop_length=hop, tuning=0.0)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=13, n_fft=2048, hop_length=hop)[1:]
    mfcc = mfcc - mfcc.mean(axis=1, keepdims=True)
    unit = [f / (np.linalg.norm(f, axis=0, keepdims=True) + 1e-9) for f in (chroma, mfcc)]
    return np.vstack(unit) / np.sqrt(2)


def best_match(features: np.ndarray, template: tuple[float, float], search: tuple[float, float]) -> tuple[float, float]:
    """Where in ``search`` (seconds) the sound of ``template`` (seconds) comes back: (start, similarity).

    Similarity is the mean cosine of aligned frames; (nan, 0.0) when no place
    matches clearly (below :data:`SIMILAR`, or within :data:`MARGIN` of another
    place that does not overlap it).
    """
    a, b = (int(round(t / HOP)) for t in template)
    lo, hi = int(round(search[0] / HOP)), min(int(round(search[1] / HOP)), features.shape[1])
    size = b - a
    if size <= 0 or hi - lo < size:
        return np.nan, 0.0
    shape = features[:, a:b]
    sims = np.array([np.mean(np.sum(features[:, k:k + size] * shape, axis=0)) for k in range(lo, hi - size + 1)])
    top = int(np.argmax(sims))
    apart = np.abs(np.arange(len(sims)) - top) >= size
    runner_up = sims[apart].max() if apart.any() else -1.0
    if sims[top] < SIMILAR or sims[top] - runner_up < MARGIN:
        return np.nan, 0.0
    return (lo + top) * HOP, float(sims[top])


def place_repeats(texts: list[str], timed: list, features: np.ndarray, *, weak: float,
                  duration: float, voiced: np.ndarray | None = None) -> list:
    """``timed`` (words per line, None where unplaced) with weak runs that repeat a chorus moved onto its sound.

    A line is weak when unplaced or its mean word score is below ``weak``.
    A place where less than half the time sounds like voice (``voiced``:
    :func:`alignment.onsets.voiced_frames`; the fade-out after the last
    chorus, an instrumental playing its tune) is no place for the run.
    A moved run keeps its earlier run's word timing, shifted, with each word's
    score scaled by the similarity; weak lines it leaves out of order (placed
    before it when they follow it, or after it when they precede it) become
    unplaced.
    """
    timed = list(timed)
    strong = [words is not None and np.mean([w.score for w in words]) >= weak for words in timed]
    k = 0
    while k < len(timed):
        found = None if strong[k] else repeat_of(texts, strong, k)
        if found is None:
            k += 1
            continue
        m, n = found
        before = max((timed[j][-1].end for j in range(k) if strong[j]), default=0.0)
        after = min((timed[j][0].start for j in range(k + n, len(timed)) if strong[j]), default=duration)
        template = (timed[m][0].start, timed[m + n - 1][-1].end)
        start, sim = best_match(features, template, (before, after))
        if not np.isnan(start) and voiced is not None:
            sim *= float(voice_factor(voiced, start, start + template[1] - template[0]) >= 1.0)
        if np.isnan(start) or sim == 0.0:
            k += 1
            continue
        shift = start - template[0]
        for d in range(n):
            timed[k + d] = [replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3),
                                    score=round(w.score * sim, 4)) for w in timed[m + d]]
            strong[k + d] = True
        end = timed[k + n - 1][-1].end
        for j in range(len(timed)):
            if timed[j] is not None and not strong[j] and ((j < k and timed[j][-1].end > start)
                                                           or (j >= k + n and timed[j][0].start < end)):
                timed[j] = None
        k += n
    return timed


def _key(text: str) -> str:
    return " ".join(normalise(w) for w in text.split())


def keep_pace(texts: list[str], timed: list, *, voiced: np.ndarray | None = None) -> list:
    """``timed`` (words per line, None where unplaced) with repeated lines put back at their chorus's pace.

    For each two placed lines in a row whose words repeat two earlier lines in
    a row, both scoring :data:`STEADY` or more (the latest such pair), the
    earlier pair's distance between starts is the pace. When the two start more
    than :data:`PACE` seconds further apart or closer, the line with the lower
    mean score takes its earlier copy's word timing, shifted to that distance
    from the other, keeping its own scores; unless that place would pass a
    neighbouring line or has less than half its time voiced (``voiced``).

    Examples
    --------
    >>> from alignment import Word
    >>> la = lambda start, score: [Word("la", start, start + 1.0, score), Word("di", start + 1.0, start + 2.0, score)]
    >>> timed = [la(10.0, 0.9), la(14.0, 0.9), la(60.0, 0.4), la(70.0, 0.8)]
    >>> [line[0].start for line in keep_pace(["la di", "la di da", "la di", "la di da"], timed)]
    [10.0, 14.0, 66.0, 70.0]
    """
    timed = list(timed)
    keys = [_key(text) for text in texts]
    score = [np.mean([w.score for w in words]) if words is not None else 0.0 for words in timed]
    for k in range(len(timed) - 1):
        pair = [m for m in range(k - 1) if keys[m] == keys[k] and keys[m + 1] == keys[k + 1]
                and min(score[m], score[m + 1]) >= STEADY]
        if not pair or timed[k] is None or timed[k + 1] is None:
            continue
        m = pair[-1]
        pace = timed[m + 1][0].start - timed[m][0].start
        if abs((timed[k + 1][0].start - timed[k][0].start) - pace) <= PACE:
            continue
        weak = k if score[k] < score[k + 1] else k + 1
        copy, shift = (m, timed[k + 1][0].start - pace - timed[m][0].start) if weak == k else \
            (m + 1, timed[k][0].start + pace - timed[m + 1][0].start)
        moved = [replace(w, start=round(c.start + shift, 3), end=round(c.end + shift, 3))
                 for w, c in zip(timed[weak], timed[copy])]
        before = next((timed[j][-1].start for j in range(weak - 1, -1, -1) if timed[j] is not None), -np.inf)
        after = next((timed[j][0].start for j in range(weak + 1, len(timed)) if timed[j] is not None), np.inf)
        voice = 1.0 if voiced is None else voice_factor(voiced, moved[0].start, moved[-1].end)
        if before < moved[0].start and moved[-1].start < after and voice >= 1.0:
            timed[weak] = moved
    return timed
