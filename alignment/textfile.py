"""Lyrics files as text, whatever their encoding, and whether a one-line string names a file or is the lyrics.

Lyrics come from many editors: UTF-8 with or without a byte-order mark,
UTF-16 from Windows tools, Windows-1252 or Latin-1 from older ones. The
encoding is read from the byte-order mark, else UTF-8 is tried, else
Windows-1252, else Latin-1 (which decodes any bytes). A file with NUL bytes
and no UTF-16 pattern is not text.

A one-line string is a file when a file of that name exists, whatever its
suffix. When none exists, a string ending in a lyrics suffix (``.txt``,
``.lrc``, ...) is a missing file (an error); any other is the lyrics text
itself, with a warning when it has no spaces and reads like a path
(``verses/one``, ``words.doc``), since that is more likely a mistyped file name.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "words")
>>> _ = open(path, "wb").write("Café au lait\\n".encode("latin-1"))
>>> read_text(path)
'Café au lait\\n'
>>> names_a_file(path), names_a_file("hold me closer")
(True, False)
"""

from __future__ import annotations

import codecs
import os
import re
import warnings
from pathlib import Path

from binarydream.errors import LyricsError

LYRICS_SUFFIXES = (".txt", ".lyrics", ".md", ".lrc", ".srt")
"""Suffixes that mark a one-line string as a lyrics file name even when no such file exists."""

_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def read_text(path) -> str:
    """The text of a file in UTF-8 (BOM or not), UTF-16 (BOM, or the NUL pattern), Windows-1252 or Latin-1.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> _ = open(path, "wb").write("\\ufeffla la".encode("utf-16-le"))
    >>> read_text(path)
    'la la'
    """
    path = Path(path)
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        encodings = ("utf-16-le",) if odd > len(data) // 4 > even else \
            ("utf-16-be",) if even > len(data) // 4 > odd else ()
    else:
        encodings = ("utf-8", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LyricsError(f"{path} is not a text file: give the lyrics as text (UTF-8, UTF-16 or Latin-1)")


def names_a_file(lyrics) -> bool:
    """Whether ``lyrics`` (a path or a str) is to be read as a file rather than taken as the lyrics text.

    Raises :class:`LyricsError` for a missing file with a lyrics suffix.

    Examples
    --------
    >>> names_a_file("no/such/song.lrc")
    Traceback (most recent call last):
    ...
    binarydream.errors.LyricsError: lyrics file not found: no/such/song.lrc (give an existing text, .lrc or .srt file, or the text)
    """
    if isinstance(lyrics, os.PathLike):
        return True
    if not isinstance(lyrics, str) or "\n" in lyrics:
        return False
    text = lyrics.strip()
    path = Path(text).expanduser()
    try:
        if text and path.is_file():
            return True
    except OSError:  # longer than a file name may be (pasted lyrics on one line): the text itself
        return False
    if text.lower().endswith(LYRICS_SUFFIXES):
        raise LyricsError(f"lyrics file not found: {path} (give an existing text, .lrc or .srt file, or the text)")
    if text and " " not in text and _PATH_LIKE.search(text):
        warnings.warn(f"no file named {text!r}: taking it as the lyrics text itself (give the path of an existing "
                      "file to read the lyrics from it)", stacklevel=3)
    return False
