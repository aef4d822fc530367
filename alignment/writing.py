"""Timed lyrics written as text: LRC with enhanced word tags, and SubRip (SRT); :mod:`alignment.formats` reads them.

Examples
--------
>>> from alignment import Line, Lyrics, Word
>>> format_lrc(Lyrics([Line("hi", 61.0, 61.5, (Word("hi", 61.0, 61.5, 1.0),))]))
'[01:01.00]<01:01.00>hi <01:01.50>\\n'
"""

from __future__ import annotations


def lrc_time(seconds: float) -> str:
    """``mm:ss.xx`` for LRC tags (minutes may pass 99).

    Examples
    --------
    >>> lrc_time(62.504), lrc_time(6000.0)
    ('01:02.50', '100:00.00')
    """
    centis = int(round(max(0.0, seconds) * 100))
    minutes, centis = divmod(centis, 6000)
    return f"{minutes:02d}:{centis // 100:02d}.{centis % 100:02d}"


def srt_time(seconds: float) -> str:
    """``hh:mm:ss,mmm`` for SubRip.

    Examples
    --------
    >>> srt_time(3723.5)
    '01:02:03,500'
    """
    millis = int(round(max(0.0, seconds) * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d},{millis % 1000:03d}"


def format_lrc(lyrics) -> str:
    """Enhanced LRC text for ``lyrics`` (see :meth:`Lyrics.to_lrc`)."""
    out = [f"[la:{lyrics.language}]"] if lyrics.language else []
    for k, line in enumerate(lyrics.lines):
        if k and line.stanza != lyrics.lines[k - 1].stanza:
            out.append("")
        if line.words:
            tags = "".join(f"<{lrc_time(w.start)}>{w.text} " for w in line.words)
            out.append(f"[{lrc_time(line.start)}]{tags}<{lrc_time(line.words[-1].end)}>")
        else:
            out.append(f"[{lrc_time(line.start)}]{line.text}")
    return "\n".join(out) + "\n"


def format_srt(lyrics) -> str:
    """SubRip text for ``lyrics`` (see :meth:`Lyrics.to_srt`)."""
    blocks = [f"{k}\n{srt_time(line.start)} --> {srt_time(line.end)}\n{line.text}\n"
              for k, line in enumerate(lyrics.lines, start=1)]
    return "\n".join(blocks)
