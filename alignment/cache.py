"""Aligned lyrics kept on disk, so a song's lyrics text is aligned once, not on every ``plan`` or ``preview``.

One JSON file per key, beside the analysis cache (:mod:`binarydream.analysis.cache`).
The key hashes the audio file's bytes, the lyrics text, the model, the
options and :data:`CODE_VERSION`; the warnings the alignment gave are kept
with the lyrics and given again on a hit. A file that cannot be read is a
miss, with one warning, and is written again. Only a model and backend given
by name or path can be keyed: with a loaded object the lyrics are aligned
every time.

Examples
--------
>>> import tempfile
>>> from alignment import Line, Lyrics, Word
>>> lyr = Lyrics([Line("hi there", 1.0, 1.8, (Word("hi", 1.0, 1.3, 0.9), Word("there", 1.3, 1.8, 0.8)), 0, 0.85)],
...              language="en")
>>> folder = tempfile.mkdtemp()
>>> save(folder, "ab" * 32, lyr, ["1 of 1 lyric lines ..."]).name
'lyrics-abababababababababababababababab.json'
>>> load(folder, "ab" * 32) == (lyr, ["1 of 1 lyric lines ..."])
True
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from binarydream.cache_files import file_digest, read_cached, write_cached

from .lyrics import Line, Lyrics, Word

CODE_VERSION = "2"
"""Bumped whenever a change to the alignment changes its results; older files are then ignored."""


def lyrics_key(audio, text: str, options: dict) -> str | None:
    """Hex digest naming the alignment of ``text`` to ``audio`` (a file, or samples) with ``options``; None when
    an option is an object (a loaded model, a backend instance) that cannot be named.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "song.wav")
    >>> _ = open(f, "wb").write(b"RIFF....")
    >>> lyrics_key(f, "la la", {"model": "base"}) == lyrics_key(f, "la la", {"model": "base"})
    True
    >>> lyrics_key(f, "la la", {"model": "base"}) == lyrics_key(f, "la la", {"model": "small"})
    False
    >>> lyrics_key(f, "la la", {"model": object()}) is None
    True
    >>> lyrics_key(np.zeros(4, np.float32), "la la", {}) == lyrics_key(np.ones(4, np.float32), "la la", {})
    False
    """
    if not all(value is None or isinstance(value, (str, bool, int, float, os.PathLike)) for value in options.values()):
        return None
    if isinstance(audio, np.ndarray):    # samples (a separated vocal stem, say): their bytes
        digest = hashlib.sha256(np.ascontiguousarray(audio).tobytes())
    else:
        digest = file_digest(audio)
    named = {name: str(value) if isinstance(value, os.PathLike) else value for name, value in options.items()}
    digest.update(json.dumps({"text": text, "options": named, "code": CODE_VERSION}, sort_keys=True).encode())
    return digest.hexdigest()


def cache_path(cache_dir, key: str) -> Path:
    """File holding the lyrics with ``key`` under ``cache_dir``."""
    return Path(cache_dir).expanduser() / f"lyrics-{key[:32]}.json"


def save(cache_dir, key: str, lyrics: Lyrics, messages: list[str]) -> Path | None:
    """Write ``lyrics`` and the alignment's warning ``messages`` (atomically); None, with a warning, when the
    folder cannot be written (the cache is optional)."""
    path = cache_path(cache_dir, key)
    data = {"key": key, "language": lyrics.language, "warnings": list(messages),
            "lines": [{"text": line.text, "start": line.start, "end": line.end, "stanza": line.stanza,
                       "score": line.score, "words": [[w.text, w.start, w.end, w.score] for w in line.words]}
                      for line in lyrics.lines]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_cached(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError as error:
        warnings.warn(f"cannot write the lyrics cache {path} ({error.strerror or error}); going on without it: "
                      "give another cache_dir (--cache-dir), or cache_dir=False (--no-cache)", stacklevel=3)
        return None


def load(cache_dir, key: str) -> tuple[Lyrics, list[str]] | None:
    """The cached lyrics with ``key`` and their warnings, or None when there are none; a file that cannot be
    read is none, with one warning."""
    return read_cached(cache_path(cache_dir, key), lambda path: _read(path, key))


def _read(path: Path, key: str) -> tuple[Lyrics, list[str]] | None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["key"] != key:
        return None
    lines = [Line(line["text"], line["start"], line["end"], tuple(Word(*w) for w in line["words"]),
                  line["stanza"], line["score"]) for line in data["lines"]]
    return Lyrics(lines, language=data["language"]), [str(m) for m in data["warnings"]]


def cached_align(audio, lyrics, *, cache_dir, **options) -> Lyrics:
    """:func:`alignment.align` of ``lyrics`` to ``audio`` (a file, or samples), from ``cache_dir`` when done before.

    ``options`` are :func:`alignment.align`'s. ``cache_dir`` None: no cache.

    Examples
    --------
    >>> lyr = cached_align("song.ogg", "lyrics.txt", cache_dir="~/.cache/binarydream", model="base")  # doctest: +SKIP
    """
    from . import align  # read from the package when called: a replaced alignment.align is the one used
    from .aligner import read_lyrics

    text = read_lyrics(lyrics)[0] if cache_dir is not None else None
    key = lyrics_key(audio, text, options) if text is not None else None
    found = load(cache_dir, key) if key else None
    if found is not None:
        for message in found[1]:
            warnings.warn(message, stacklevel=2)
        return found[0]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = align(audio, lyrics, **options)
    finally:   # given on, also when the alignment fails
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if key:
        save(cache_dir, key, result, [str(w.message) for w in caught if issubclass(w.category, UserWarning)])
    return result
