"""Force-align known lyrics to a whole song through Whisper's cross-attention (CTranslate2), window by window.

Whisper's decoder is fed the written words as its transcript (the tokens are
forced, nothing is recognised) and dynamic time warping over its alignment
heads' cross-attention says when each token is heard: ``Whisper.align`` in
CTranslate2, the step faster-whisper uses for its own word timestamps.

A song is longer than Whisper's 30-second window, so the text is walked over
the song in order. Each window is given the line placed last (an anchor, so the
window starts on known ground) and then as many following lines as fit in
:data:`TOKEN_BUDGET`. Warping has to place every token somewhere; the words the
window does not hold pile up on one frame at its end or where the singing stops
(:func:`pile_start`). Lines before that pile, and before a line whose words
warping squeezed onto one frame, are kept, and the next window starts at the
last kept line. A window that keeps nothing tries again with half its lines
(warping loses its way over long texts), then looks past its anchor, then (an
instrumental stretch) moves on by :data:`STEP` seconds. Lines never kept are
left unplaced (``None``) for the caller to fit into their gap. Finally a line
that a long gap follows, which warping may have pulled into an instrumental, is
warped again on its own (:func:`recheck`).

Examples
--------
>>> group_lines([[[1, 2], [3]], [[4]], [[5, 6, 7]]], budget=4)
[[0, 1], [2]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 30.0
"""Seconds of audio Whisper hears at once."""
FRAMES_PER_SECOND = 100
"""Mel frames per second of Whisper's features (the encoder halves them)."""
TOKEN_BUDGET = 200
"""Most text tokens given to one window (Whisper's decoder holds 448)."""
STEP = 20.0
"""Seconds a window moves on when it kept no line."""
PILE = 0.05
"""Seconds: word starts this close to the last one at the end of a window form the pile of words it did not hold."""
EDGE = 1.0
"""Seconds before a window's end that a kept line must end by (unless the window ends the song)."""
LEAD = 0.5
"""Seconds a window starts before the start of its anchor line, or after the end of the line before the line that
:func:`recheck` warps again."""
GAP = 8.0
"""Seconds without a placed line after a line, from which on that line is warped again on its own (:func:`recheck`)."""


@dataclass(frozen=True)
class Timing:
    """When each word of a line is sung (seconds) and Whisper's probability of its tokens there (geometric mean)."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    probs: tuple[float, ...]


def group_lines(tokens: list[list[list[int]]], budget: int = TOKEN_BUDGET) -> list[list[int]]:
    """Consecutive line indices whose tokens (``tokens[line][word]``) fit in ``budget``; a longer line stands alone."""
    groups, current, used = [], [], 0
    for k, line in enumerate(tokens):
        size = sum(len(w) for w in line)
        if current and used + size > budget:
            groups.append(current)
            current, used = [], 0
        current.append(k)
        used += size
    return groups + ([current] if current else [])


def warp_window(whisper, tokenizer, features: np.ndarray, start: float,
                words: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word starts, ends (seconds in the song) and probabilities for ``words`` (token lists) forced into one window.

    ``whisper`` is a ``faster_whisper.WhisperModel``, ``features`` its log-mel
    features of the whole song, ``start`` the window's start in seconds.
    """
    return warp_encoded(whisper, tokenizer, *encode_window(whisper, features, start), start, words)


def encode_window(whisper, features: np.ndarray, start: float):
    """Whisper's encoding of the window from ``start`` (seconds) and how many of its frames hold the song."""
    first = int(round(start * FRAMES_PER_SECOND))
    size = int(WINDOW * FRAMES_PER_SECOND)
    segment = features[:, first:first + size]
    frames = segment.shape[1]
    return whisper.encode(np.pad(segment, ((0, 0), (0, size - frames)))), frames


def warp_encoded(whisper, tokenizer, encoded, frames: int, start: float,
                 words: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`warp_window` for a window already encoded (:func:`encode_window`)."""
    flat = [t for word in words for t in word]
    result = whisper.model.align(encoded, tokenizer.sot_sequence, [flat], frames)[0]
    text_index = np.array([pair[0] for pair in result.alignments])
    time_index = np.array([pair[1] for pair in result.alignments])
    jumps = np.concatenate([[True], np.diff(text_index) != 0])
    jump_times = start + time_index[jumps] / (FRAMES_PER_SECOND / 2)
    bounds = np.cumsum([0] + [len(w) for w in words])
    log_probs = np.log(np.maximum(np.asarray(result.text_token_probs[:len(flat)]), 1e-6))
    probs = np.array([np.exp(log_probs[a:b].mean()) for a, b in zip(bounds, bounds[1:])])
    return jump_times[bounds[:-1]], jump_times[np.minimum(bounds[1:], len(jump_times) - 1)], probs


def pile_start(starts: np.ndarray, window_end: float, *, run: int = 3) -> float:
    """Where the words a window could not hold begin, or inf when it held them all.

    That is the first word from which on, ``run`` words or more, the words
    start less than :data:`PILE` seconds apart on average (a squeeze in the
    middle followed by words spread out again is warping catching up, not a
    pile), or a last word squeezed against the window's end.

    Examples
    --------
    >>> pile_start(np.array([1.0, 2.0, 9.0, 9.02, 9.04, 9.04]), 30.0)
    9.0
    >>> pile_start(np.array([1.0, 2.0, 2.0, 2.0, 2.0, 5.0, 8.0, 11.0]), 30.0), pile_start(np.array([1.0, 2.0]), 30.0)
    (inf, inf)
    """
    n = len(starts)
    for k in range(n - run + 1):
        if (starts[-1] - starts[k]) / (n - 1 - k) < PILE:
            return float(starts[k])
    if n and starts[-1] >= window_end - PILE:
        return float(starts[-1])
    return np.inf


def force_align(whisper, tokenizer, features: np.ndarray, lines: list[list[list[int]]], *,
                latest: np.ndarray | None = None) -> list[Timing | None]:
    """Time every line (its words as token lists) over the song, in order; None for a line no window held.

    Parameters
    ----------
    whisper : faster_whisper.WhisperModel
    tokenizer : faster_whisper.tokenizer.Tokenizer
        Set to the lyrics' language, task ``transcribe``.
    features : np.ndarray
        The whole song's log-mel features (``whisper.feature_extractor(y)``).
    lines : list of list of list of int
        Tokens per word per line.
    latest : np.ndarray or None
        Per line, the latest start (seconds) that leaves the lines after it
        time to be sung (:mod:`alignment.placement`): a line is never kept
        later, and once the walk has passed it the line is given up (None) and
        the walk looks for the next one; None: no limit.
    """
    latest = np.full(len(lines), np.inf) if latest is None else np.asarray(latest)
    duration = features.shape[1] / FRAMES_PER_SECOND
    timings: list[Timing | None] = [None] * len(lines)
    seek, anchor, next_line, budget = 0.0, None, 0, TOKEN_BUDGET
    while next_line < len(lines) and seek < duration - 1.0:
        if seek > latest[next_line]:   # the walk is past where this line can be sung: look for the next one
            next_line, budget = next_line + 1, TOKEN_BUDGET
            continue
        group = group_lines(lines[next_line:], budget)[0]
        candidates = ([anchor] if anchor is not None else []) + [next_line + k for k in group]
        words = [w for k in candidates for w in lines[k]]
        starts, ends, probs = warp_window(whisper, tokenizer, features, seek, words)
        end = min(seek + WINDOW, duration)
        pile, edge = pile_start(starts, end), end if end >= duration else end - EDGE
        kept, offset = [], 0
        for k in candidates:
            n = len(lines[k])
            if k != anchor:
                # Its last word may touch the pile (warping ends it where the next line's words pile up).
                squeezed = np.mean(np.diff(starts[offset:offset + n]) < PILE) > 0.5 if n > 2 else False
                if np.sum(starts[offset:offset + n] >= pile - PILE) > 1 or starts[offset] >= pile - PILE \
                        or ends[offset + n - 1] > edge or squeezed or starts[offset] > latest[k]:
                    break
                kept.append(k)
                timings[k] = Timing(tuple(starts[offset:offset + n]), tuple(ends[offset:offset + n]),
                                    tuple(probs[offset:offset + n]))
            offset += n
        if kept:
            anchor, next_line, budget = kept[-1], kept[-1] + 1, TOKEN_BUDGET
            seek = max(seek + 1.0, timings[anchor].starts[0] - LEAD)
        elif end >= duration:
            break
        elif len(group) > 1:   # warping often breaks down over a long text: try fewer lines
            budget = sum(len(w) for k in group[:len(group) // 2] for w in lines[next_line + k])
        elif anchor is not None:   # what follows the anchor starts beyond this window: look past the anchor
            seek, anchor = max(seek + 1.0, timings[anchor].ends[-1]), None
        else:
            seek = max(seek + 5.0, min(seek + STEP, pile - 5.0))
    return recheck(whisper, tokenizer, features, lines, timings)


def recheck(whisper, tokenizer, features: np.ndarray, lines: list[list[list[int]]],
            timings: list[Timing | None]) -> list[Timing | None]:
    """``timings`` with each line that a long gap (:data:`GAP`) follows warped again alone, moved where heard better.

    A window that runs out of singing (an instrumental follows) still has to
    place the lines after its anchor somewhere: warping may pull the next line
    into the instrumental right after the anchor when it is sung after it,
    leaving a gap behind the line. Such a line is warped again alone, in a
    window that starts :data:`LEAD` after the line before it ends (its last
    vowel may sound a little longer than warping says; the line's first word,
    pinned to the window's start, is cut later like every first word). It
    moves there when Whisper gives its words after the first (which has no
    text before it there) a higher mean probability and it still ends before
    the next placed line.
    """
    duration = features.shape[1] / FRAMES_PER_SECOND
    timings = list(timings)
    placed = [k for k, t in enumerate(timings) if t is not None]
    # From the last line back: a line moved later leaves a gap behind the one before it, pulled in with it.
    for before, k, after in reversed(list(zip(placed, placed[1:], placed[2:] + [None]))):
        # Where the next line's first word ends: its start may be pinned to the start of a window.
        following = duration if after is None else timings[after].ends[0]
        old = timings[k]
        if len(lines[k]) < 2 or following - old.ends[-1] < GAP:
            continue
        starts, ends, probs = warp_window(whisper, tokenizer, features, timings[before].ends[-1] + LEAD, lines[k])
        if np.mean(probs[1:]) > np.mean(old.probs[1:]) and starts[1] > old.starts[1] and ends[-1] < following:
            timings[k] = Timing(tuple(starts), tuple(ends), tuple(probs))
    return timings
