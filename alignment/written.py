"""Written lyrics checked before any model hears them: as much text as a song can hold, lines Whisper can take.

Two faults would otherwise surface late and obscurely. Text far longer than
anyone could sing in the song (another song's lyrics, a whole book pasted)
takes minutes of alignment before failing: :func:`fit_to_song` refuses it at
once, by a generous bound on words and on characters per second of song. A
line longer than Whisper's decoder can hold (448 tokens, and the aligner
packs lines into :data:`LINE_BYTES`) fails inside CTranslate2: such lines are
split, after punctuation where there is some, else between words, else
between characters, with a warning saying which lines were split.

Examples
--------
>>> fit_to_song("la la la\\nla la", 10.0, source="the lyrics given")
'la la la\\nla la'
>>> fit_to_song("la " * 5000, 6.0, source="lyrics.txt")
Traceback (most recent call last):
...
binarydream.errors.LyricsError: lyrics.txt has 5000 words for a song of 6.0 s: more than anyone sings (10 words a second); give this song's lyrics, or its whole audio
"""

from __future__ import annotations

import re
import warnings

from binarydream.errors import LyricsError

WORDS_PER_SECOND = 10
"""Most words a second the lyrics may hold over the whole song: twice the fastest rap verses' pace."""

BYTES_PER_SECOND = 100
"""Most characters (UTF-8 bytes) a second: the same bound for scripts without spaces between words."""

SLACK_WORDS = 20
"""Words allowed on top of the rate, so that a few seconds of audio may still hold a line or two."""

LINE_BYTES = 200
"""Longest line in UTF-8 bytes: at most one Whisper token a byte, well inside its 448 positions."""

_PAUSE = re.compile(r"[,;:.!?\u2014\u2013\u3001\u3002\uff01\uff0c\uff1f]$")
"""A piece of text ending where a singer pauses: comma, semicolon, colon, stop, dash, CJK commas and stops."""


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _pieces(word: str) -> list[str]:
    """A word cut into pieces of at most :data:`LINE_BYTES`, after a pause mark where there is one."""
    pieces, start = [], 0
    while _size(word[start:]) > LINE_BYTES:
        end = start
        while _size(word[start:end + 1]) <= LINE_BYTES:
            end += 1
        marks = [k + 1 for k in range(start, end) if _PAUSE.match(word[k])]
        cut = marks[-1] if marks and marks[-1] - start >= (end - start) // 2 else end
        pieces.append(word[start:cut])
        start = cut
    return pieces + [word[start:]]


def split_line(line: str) -> list[str]:
    """``line`` as lines of at most :data:`LINE_BYTES`: cut after a pause mark in the second half of a
    piece, else between words (a word longer than that between characters).

    Examples
    --------
    >>> [len(part) for part in split_line("oh, " * 80)]
    [199, 119]
    """
    words = [piece for word in line.split() for piece in _pieces(word)]
    lines, current = [], []
    for word in words:
        if current and _size(" ".join(current + [word])) > LINE_BYTES:
            marks = [k + 1 for k, w in enumerate(current) if _PAUSE.search(w)]
            cut = marks[-1] if marks and marks[-1] >= len(current) // 2 else len(current)
            lines.append(" ".join(current[:cut]))
            current = current[cut:]
        current.append(word)
    return lines + ([" ".join(current)] if current else [])


def fit_to_song(text: str, duration: float, *, source: str) -> str:
    """``text`` with its over-long lines split (one warning), or a :class:`LyricsError` when the song cannot hold it.

    Parameters
    ----------
    text : str
        The written lyrics, one sung line per line, a blank line between stanzas.
    duration : float
        The song's length in seconds.
    source : str
        Where the text came from, for the messages.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     lines = fit_to_song("sing along " * 40, 60.0, source="lyrics.txt").splitlines()
    >>> len(lines), str(caught[0].message)
    (3, 'lyrics.txt: line 1 is longer than the aligner takes (440 characters): split into 3 lines')
    """
    words, size = len(text.split()), _size(text)
    if words > WORDS_PER_SECOND * duration + SLACK_WORDS:
        raise LyricsError(f"{source} has {words} words for a song of {duration:.1f} s: more than anyone sings "
                          f"({WORDS_PER_SECOND} words a second); give this song's lyrics, or its whole audio")
    if size > BYTES_PER_SECOND * duration + SLACK_WORDS * 10:
        raise LyricsError(f"{source} has {size} bytes of text for a song of {duration:.1f} s: more than anyone sings "
                          f"({BYTES_PER_SECOND} a second); give this song's lyrics, or its whole audio")
    lines, split = [], []
    for number, line in enumerate(text.splitlines(), 1):
        parts = split_line(line) if _size(line) > LINE_BYTES else [line]
        if len(parts) > 1:
            split.append((number, len(line), len(parts)))
        lines += parts
    if split:
        said = "; ".join(f"line {number} is longer than the aligner takes ({chars} characters): split into {parts} "
                         "lines" for number, chars, parts in split[:3])
        more = f"; and {len(split) - 3} more" if len(split) > 3 else ""
        warnings.warn(f"{source}: {said}{more}", stacklevel=3)
    return "\n".join(lines)
