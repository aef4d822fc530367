"""LRC (with enhanced word tags) and SubRip (SRT): reading timed lyrics (:mod:`alignment.writing` writes them).

LRC lines look like ``[01:02.50]text``; several time tags on one line repeat it
(a chorus written once); ``[offset:+250]`` shifts every time 250 ms earlier;
enhanced word tags ``<01:02.50>word`` give each word's start, and a closing tag
after the last word gives its end. A time tag with no text ends the line before
it. Blank lines separate stanzas. Words without tags get times spread over
their line and score 0.

Examples
--------
>>> lyr = parse_lrc("[00:01.00]<00:01.00>hello <00:01.60>world <00:02.10>\\n")
>>> [(w.text, w.start, w.end) for w in lyr.words]
[('hello', 1.0, 1.6), ('world', 1.6, 2.1)]
>>> parse_srt("1\\n00:00:01,000 --> 00:00:02,000\\nhi\\n").lines[0].end
2.0
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from binarydream.errors import LyricsError

from .lyrics import Line, Lyrics, Word
from .textfile import read_text
from .writing import lrc_time, srt_time

_LRC_TIME = r"(\d{1,3}):(\d{1,2}(?:[.:]\d{1,3})?)"
_LINE_TAGS = re.compile(rf"^((?:\[{_LRC_TIME}\])+)(.*)$")
_ONE_TAG = re.compile(rf"\[{_LRC_TIME}\]")
_META = re.compile(r"^\[([a-zA-Z#]+):(.*)\]$")
_WORD_TAG = re.compile(rf"<{_LRC_TIME}>")
_SRT_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{2}):(\d{2})[,.](\d{1,3})")
_SECONDS_PER_WORD = 0.4
"""Duration given to the last line of an LRC file that does not say when it ends."""


def _lrc_seconds(minutes: str, seconds: str, where: str) -> float:
    seconds = seconds.replace(":", ".")
    value = int(minutes) * 60 + float(seconds)
    if float(seconds) >= 60:
        raise LyricsError(f"{where}: seconds must be below 60 in [{minutes}:{seconds}] (write [mm:ss.xx])")
    return value


def spread_words(text: str, start: float, end: float) -> tuple[Word, ...]:
    """Split ``text`` into words and share ``[start, end]`` among them by length, each with score 0.

    Examples
    --------
    >>> [(w.text, w.start, w.end) for w in spread_words("aa b", 0.0, 3.0)]
    [('aa', 0.0, 2.0), ('b', 2.0, 3.0)]
    """
    tokens = text.split()
    total = sum(len(t) for t in tokens) or 1
    words, t = [], start
    for token in tokens:
        step = (end - start) * len(token) / total
        words.append(Word(token, round(t, 6), round(t + step, 6), 0.0))
        t += step
    return tuple(words)


def _parse_word_tags(body: str, line_start: float, where: str) -> tuple[str, tuple[Word, ...], float | None]:
    """Text, words and closing time of one LRC line body that may carry enhanced ``<mm:ss.xx>`` tags."""
    pieces = _WORD_TAG.split(body)
    if len(pieces) == 1:
        return " ".join(body.split()), (), None
    lead, starts, texts = pieces[0].strip(), [], []
    for i in range(1, len(pieces), 3):
        starts.append(_lrc_seconds(pieces[i], pieces[i + 1], where))
        texts.append(pieces[i + 2].strip())
    if lead:
        starts.insert(0, line_start)
        texts.insert(0, lead)
    back = next((k for k in range(1, len(starts)) if starts[k] < starts[k - 1]), None)
    if back is not None:
        raise LyricsError(f"{where}: word tag <{lrc_time(starts[back])}> is earlier than the tag before it "
                          f"(<{lrc_time(starts[back - 1])}>); word tags must go forward in time")
    closing = starts[-1] if not texts[-1] else None
    words = []
    for k, text in enumerate(texts):
        if not text:
            continue
        end = starts[k + 1] if k + 1 < len(starts) else None
        for token_word in spread_words(text, starts[k], end if end is not None else starts[k] + _SECONDS_PER_WORD):
            words.append(Word(token_word.text, token_word.start, token_word.end,
                              1.0 if len(text.split()) == 1 and end is not None else 0.0))
    return " ".join(" ".join(texts).split()), tuple(words), closing


def parse_lrc(text: str, *, source: str = "LRC") -> Lyrics:
    """Parse LRC text (plain or enhanced) into :class:`Lyrics`; ``source`` names the file in errors.

    Examples
    --------
    >>> lyr = parse_lrc("[ti:song]\\n[00:05.00][00:20.00]chorus\\n[00:08.00]\\n[00:23.00]\\n")
    >>> [(l.text, l.start, l.end) for l in lyr.lines]
    [('chorus', 5.0, 8.0), ('chorus', 20.0, 23.0)]
    """
    offset, language, stanza = 0.0, None, 0
    entries = []   # (start, text, words, closing, stanza)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        where = f"{source} line {number}"
        if not line:
            stanza += 1 if entries and entries[-1][4] == stanza else 0
            continue
        match = _LINE_TAGS.match(line)
        if match is None:
            meta = _META.match(line)
            if meta is None:
                raise LyricsError(f"{where} is not LRC: {line[:40]!r} (each line starts with a time tag like [01:02.50])")
            key, value = meta.group(1).lower(), meta.group(2).strip()
            if key == "offset":
                try:
                    offset = int(value) / 1000
                except ValueError:
                    raise LyricsError(f"{where}: [offset:{value}] must be whole milliseconds, e.g. [offset:+250]") from None
            elif key == "la" and value:
                language = value
            continue
        body = match.group(4)
        for tag in _ONE_TAG.finditer(match.group(1)):
            start = _lrc_seconds(tag.group(1), tag.group(2), where)
            line_text, words, closing = _parse_word_tags(body, start, where)
            entries.append((start, line_text, words, closing, stanza))
    if not any(e[1] for e in entries):
        raise LyricsError(f"{source} holds no timed lyric lines (an LRC line looks like '[01:02.50] words')")
    entries.sort(key=lambda e: e[0])
    entries = _join_same_times(entries, source)
    lines = []
    for k, (start, line_text, words, closing, line_stanza) in enumerate(entries):
        if not line_text:
            continue
        following = entries[k + 1][0] if k + 1 < len(entries) else None
        end = closing if closing is not None else words[-1].end if words and words[-1].score > 0 else following
        if end is None:
            end = start + _SECONDS_PER_WORD * len(line_text.split())
        if not words:
            words = spread_words(line_text, start, end)
        shift = lambda t: round(max(0.0, t - offset), 6)  # noqa: E731 - one use, reads as a formula
        lines.append(Line(line_text, shift(start), shift(max(end, start)),
                          tuple(Word(w.text, shift(w.start), shift(w.end), w.score) for w in words), line_stanza))
    return Lyrics(lines, language=language)


def _join_same_times(entries: list, source: str) -> list:
    """Lyric lines that start at the time of the line before joined to it, with one warning.

    Two lines at one time would share one frame, and one prompt would replace
    the other; joined, the prompt holds both texts (their word tags dropped:
    the words are spread over the joined line).
    """
    joined, repeats = [], []
    for entry in entries:
        if joined and entry[1] and joined[-1][1] and entry[0] == joined[-1][0]:
            start, text, _, closing, stanza = joined[-1]
            closings = [c for c in (closing, entry[3]) if c is not None]
            joined[-1] = (start, f"{text} {entry[1]}", (), max(closings) if closings else None, stanza)
            repeats.append(entry)
        else:
            joined.append(entry)
    if repeats:
        warnings.warn(f"{source}: {len(repeats)} line(s) share their time with the line before, the first "
                      f"{repeats[0][1][:40]!r} at [{lrc_time(repeats[0][0])}]: each is joined to that line, so that "
                      "its words get a prompt", stacklevel=4)
    return joined


def _srt_blocks(text: str) -> list:
    """The blocks of SubRip text (split at blank lines) as lists of ``(line number, stripped row)``."""
    blocks, current = [], []
    for number, row in enumerate(text.replace("\r\n", "\n").lstrip("\ufeff").split("\n"), start=1):
        if row.strip():
            current.append((number, row.strip()))
        elif current:
            blocks.append(current)
            current = []
    return blocks + [current] if current else blocks


def parse_srt(text: str, *, source: str = "SRT") -> Lyrics:
    """Parse SubRip text into :class:`Lyrics`, one line per block; words are spread over the block.

    Examples
    --------
    >>> lyr = parse_srt("1\\n00:00:01,000 --> 00:00:03,000\\nhello\\nworld\\n\\n2\\n00:01:00,500 --> 00:01:01,000\\nbye\\n")
    >>> [(l.text, l.start) for l in lyr.lines]
    [('hello world', 1.0), ('bye', 60.5)]
    """
    lines = []
    for number, block in enumerate(_srt_blocks(text)):
        rows = [row for _, row in block]
        if rows[0].isdigit():
            block, rows = block[1:], rows[1:]
        match = _SRT_TIME.match(rows[0]) if rows else None
        if match is None:
            raise LyricsError(f"{source} block {number + 1} has no time line like "
                              f"'00:01:02,500 --> 00:01:04,000': {' '.join(rows)[:40]!r}")
        g = [int(x) for x in match.groups()]
        for hours, minutes, seconds in (g[0:3], g[4:7]):
            if minutes >= 60 or seconds >= 60:
                field = "minutes" if minutes >= 60 else "seconds"
                raise LyricsError(f"{source} line {block[0][0]}: {field} must be below 60 in {rows[0]!r} "
                                  "(write hh:mm:ss,mmm)")
        start = g[0] * 3600 + g[1] * 60 + g[2] + int(match.group(4).ljust(3, "0")) / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + int(match.group(8).ljust(3, "0")) / 1000
        if end < start:
            raise LyricsError(f"{source} block {number + 1} ends before it starts ({rows[0]})")
        line_text = " ".join(" ".join(rows[1:]).split())
        if line_text:
            lines.append(Line(line_text, start, end, spread_words(line_text, start, end)))
    if not lines:
        raise LyricsError(f"{source} holds no subtitle blocks (a block is a number, a time line and text)")
    lines.sort(key=lambda line: line.start)
    overlaps = [k for k in range(1, len(lines)) if lines[k].start < lines[k - 1].end]
    if overlaps:
        first = lines[overlaps[0]]
        warnings.warn(f"{source}: {len(overlaps)} subtitle block(s) start before the one before ends, the first "
                      f"{first.text[:30]!r} at {srt_time(first.start)}; each line counts from its own start",
                      stacklevel=3)
    return Lyrics(lines)


def load(path) -> Lyrics:
    """Read timed lyrics from a ``.lrc`` (plain or with enhanced word tags) or ``.srt`` file.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.lrc")
    >>> _ = open(p, "w").write("[00:01.00]hello world\\n[00:03.00]\\n")
    >>> [(w.text, w.start, w.end) for w in load(p).words]
    [('hello', 1.0, 2.0), ('world', 2.0, 3.0)]
    """
    path = Path(path).expanduser()
    parsers = {".lrc": parse_lrc, ".srt": parse_srt}
    if path.suffix.lower() not in parsers:
        raise LyricsError(f"cannot read timed lyrics from {path.name}: give a .lrc or .srt file")
    if not path.is_file():
        raise LyricsError(f"lyrics file not found: {path} (check the path)")
    return parsers[path.suffix.lower()](read_text(path), source=str(path))
