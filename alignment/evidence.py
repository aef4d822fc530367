"""Where each lyric line could be sung, heard over the whole song: forced alignment of text chunks in a grid of windows.

The window walk (:mod:`alignment.forced`) only ever looks for the next line
after the last one it kept, so a line it never reaches has no evidence at all.
Here every chunk of consecutive lines (about :data:`CHUNK_TOKENS` tokens, each
line in two chunks) is warped into every window of a fixed grid (30 s every
:data:`HOP` s, each window encoded once). In a window that holds a line, the
line's words are spread over its singing with a high probability; lines the
window does not hold are squeezed together, pile up at its end, or run past it,
and are dropped (:func:`held`). What remains is a list of candidate placements
(line, start, end, score, timing) for :func:`alignment.placement.choose`.

Examples
--------
>>> chunks([[[1, 2], [3]], [[4]], [[5, 6, 7]], [[8]]], budget=4)
[[0, 1], [1, 2], [2, 3]]
>>> held(np.array([10.0, 10.5, 11.0]), np.array([10.5, 11.0, 11.6]), pile=np.inf, window=(0.0, 30.0), song_end=60.0)
True
>>> held(np.array([29.0, 29.02, 29.04]), np.array([29.02, 29.04, 29.9]), pile=29.0, window=(0.0, 30.0), song_end=60.0)
False
"""

from __future__ import annotations

import numpy as np

from . import FIRST_WORD
from .forced import EDGE, FRAMES_PER_SECOND, PILE, WINDOW, Timing, encode_window, pile_start, warp_encoded

HOP = 15.0
"""Seconds between the starts of the grid's windows."""
CHUNK_TOKENS = 60
"""Most text tokens in one chunk (a chunk of one line may hold more)."""
PINNED = 0.3
"""Seconds after a window's start within which a line is taken as pinned there by warping (sung before it)."""
SECONDS_PER_WORD = 2.0
"""Longest a held line lasts per word (plus :data:`PINNED` * 10): warping spreads a line it does not hear thin."""


def sung_start(timing: Timing) -> float:
    """Where a line warped into a window starts being sung: its first word lasts
    :data:`alignment.FIRST_WORD` at most (warping starts it in the pause before it).

    Examples
    --------
    >>> sung_start(Timing((0.0, 17.9), (17.9, 18.3), (0.9, 0.9)))
    17.4
    """
    return max(timing.starts[0], timing.ends[0] - FIRST_WORD)


def chunks(tokens: list[list[list[int]]], *, budget: int = CHUNK_TOKENS) -> list[list[int]]:
    """Runs of consecutive line indices within ``budget`` tokens (``tokens[line][word]``), each starting halfway
    through the one before, the last one ending with the last line."""
    sizes = [sum(len(w) for w in line) for line in tokens]
    out, first = [], 0
    while first < len(sizes):
        last, used = first + 1, sizes[first]
        while last < len(sizes) and used + sizes[last] <= budget:
            used += sizes[last]
            last += 1
        out.append(list(range(first, last)))
        if last == len(sizes):
            break
        first += max(1, (last - first) // 2)
    return out


def held(starts: np.ndarray, ends: np.ndarray, *, pile: float, window: tuple[float, float], song_end: float) -> bool:
    """Whether a window holds a line warped into it with these word ``starts`` and ``ends`` (seconds).

    It does not when the line starts in the pile of words the window could not
    hold (:func:`alignment.forced.pile_start`) or has two words there, runs past
    the window's end (less :data:`~alignment.forced.EDGE`, unless the song ends
    there), has most of its words squeezed onto one frame, is pinned to the
    window's start (sung before it), or is spread thinner than
    :data:`SECONDS_PER_WORD`.
    """
    n = len(starts)
    edge = window[1] if window[1] >= song_end else window[1] - EDGE
    squeezed = n > 2 and np.mean(np.diff(starts) < PILE) > 0.5
    pinned = window[0] > 0 and starts[0] < window[0] + PINNED
    thin = ends[-1] - max(starts[0], ends[0] - FIRST_WORD) > SECONDS_PER_WORD * n + 10 * PINNED
    return not (starts[0] >= pile - PILE or np.sum(starts >= pile - PILE) > 1 or ends[-1] > edge or squeezed
                or pinned or thin)


def gather(whisper, tokenizer, features: np.ndarray, lines: list[list[list[int]]],
           *, unsung: float = 0.0) -> list[tuple[int, float, float, float, Timing]]:
    """Candidate placements (line, start, end, score, timing) of every line, from every chunk in every window.

    ``score`` is the mean of the line's word probabilities; placements scoring below ``unsung`` are left out.

    Examples
    --------
    >>> gather(whisper, tokenizer, features, tokens)[0]  # doctest: +SKIP
    (0, 17.7, 20.9, 0.61, Timing(...))
    """
    duration = features.shape[1] / FRAMES_PER_SECOND
    groups = chunks(lines)
    out = []
    last = max(duration - WINDOW, 0.0)
    for start in np.unique(np.minimum(np.arange(0.0, last + HOP, HOP), last)):
        start = float(start)
        window = (start, min(start + WINDOW, duration))
        encoded, frames = encode_window(whisper, features, start)
        for group in groups:
            words = [w for k in group for w in lines[k]]
            starts, ends, probs = warp_encoded(whisper, tokenizer, encoded, frames, start, words)
            pile = pile_start(starts, window[1])
            offset = 0
            for k in group:
                n = len(lines[k])
                part = slice(offset, offset + n)
                offset += n
                score = float(np.mean(probs[part]))
                if score >= unsung and held(starts[part], ends[part], pile=pile, window=window, song_end=duration):
                    timing = Timing(tuple(starts[part]), tuple(ends[part]), tuple(probs[part]))
                    out.append((k, sung_start(timing), float(ends[part][-1]), score, timing))
    return out
