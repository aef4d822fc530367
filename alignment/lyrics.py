"""Timed lyrics as plain data: ``Word``, ``Line`` and ``Lyrics``.

Times are seconds from the start of the song. A word's ``score`` in [0, 1] says
how sure its time is: the recogniser's confidence times how well the heard word
matches the written one; 0 for a word whose time was interpolated (not heard,
or read from a file that gives no word times).

Examples
--------
>>> w = Word("hello", 1.0, 1.4, 0.9)
>>> lyr = Lyrics([Line("hello", 1.0, 1.4, (w,))], language="en")
>>> lyr.words[0].text, lyr.line_at(1.2).text, lyr.line_at(3.0)
('hello', 'hello', None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from binarydream.errors import LyricsError
from binarydream.files import write_text_atomic

from .writing import format_lrc, format_srt


@dataclass(frozen=True)
class Word:
    """One word as written, with its start and end in seconds and a confidence ``score`` in [0, 1].

    Examples
    --------
    >>> Word("night", 4.05, 4.46, 0.93).end
    4.46
    """

    text: str
    start: float
    end: float
    score: float


@dataclass(frozen=True)
class Line:
    """One lyric line: its text as written, its span in seconds, its words, its stanza number and its score.

    ``score`` in [0, 1] says how sure the line's place is (:func:`alignment.align`
    sets it: the mean of its word scores); None where nothing estimated it (a
    transcribed line, or one read from a file).

    Examples
    --------
    >>> line = Line("oh yeah", 18.0, 19.1, (Word("oh", 18.0, 18.3, 1.0), Word("yeah", 18.4, 19.1, 1.0)), stanza=2)
    >>> [w.text for w in line.words], line.stanza
    (['oh', 'yeah'], 2)
    """

    text: str
    start: float
    end: float
    words: tuple[Word, ...]
    stanza: int = 0
    score: float | None = None


@dataclass
class Lyrics:
    """Timed lyrics: lines of words, in order of time, and the language they are in (None: unknown).

    Examples
    --------
    >>> lyr = Lyrics([Line("la la", 2.0, 3.0, (Word("la", 2.0, 2.4, 1.0), Word("la", 2.5, 3.0, 1.0)))])
    >>> print(lyr.to_lrc())
    [00:02.00]<00:02.00>la <00:02.50>la <00:03.00>
    <BLANKLINE>
    """

    lines: list[Line] = field(default_factory=list)
    language: str | None = None

    @property
    def words(self) -> list[Word]:
        """Every word of every line, in order.

        Examples
        --------
        >>> lyr = Lyrics([Line("hi there", 1.0, 2.0, (Word("hi", 1.0, 1.4, 0.9), Word("there", 1.5, 2.0, 0.8)))])
        >>> [w.text for w in lyr.words]
        ['hi', 'there']
        """
        return [w for line in self.lines for w in line.words]

    def line_at(self, seconds: float) -> Line | None:
        """The line being sung at ``seconds`` (start <= seconds < end), or None between lines.

        Examples
        --------
        >>> Lyrics([Line("a", 1.0, 2.0, ())]).line_at(1.5).text
        'a'
        """
        for line in self.lines:
            if line.start <= seconds < line.end:
                return line
        return None

    def to_lrc(self) -> str:
        """LRC text with enhanced word tags ``<mm:ss.xx>`` (times to 10 ms), a blank line between stanzas.

        Examples
        --------
        >>> Lyrics([Line("hi", 61.0, 61.5, (Word("hi", 61.0, 61.5, 1.0),))]).to_lrc()
        '[01:01.00]<01:01.00>hi <01:01.50>\\n'
        """
        return format_lrc(self)

    def to_srt(self) -> str:
        """SubRip text, one numbered block per line (times to 1 ms).

        Examples
        --------
        >>> print(Lyrics([Line("hi there", 1.0, 2.5, ())]).to_srt())
        1
        00:00:01,000 --> 00:00:02,500
        hi there
        <BLANKLINE>
        """
        return format_srt(self)

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write ``.lrc`` or ``.srt`` (chosen by the suffix), atomically; an existing file needs ``overwrite=True``.

        Examples
        --------
        >>> import tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "song.lrc")
        >>> Lyrics([Line("hi", 1.0, 1.5, (Word("hi", 1.0, 1.5, 1.0),))]).save(out).name
        'song.lrc'
        """
        path = Path(path)
        writers = {".lrc": self.to_lrc, ".srt": self.to_srt}
        if path.suffix.lower() not in writers:
            raise LyricsError(f"cannot save lyrics as {path.name}: use a .lrc or .srt suffix")
        if path.exists() and not overwrite:
            raise LyricsError(f"{path} exists; pass overwrite=True to replace it")
        return write_text_atomic(path, writers[path.suffix.lower()](), overwrite=True)
