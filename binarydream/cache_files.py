"""Cache files that can only cost time: a damaged one is a miss, named in one warning, and replaced.

A cache file may be truncated by a full disk, emptied, corrupted, written by
a crafted hand or replaced by a folder. None of that may stop the work it
only speeds up: :func:`read_cached` turns any failure of reading into a miss
(warning once per file, naming it), the caller computes the value again and
:func:`write_cached` puts the new file in the damaged one's place. The
analysis, stems and aligned-lyrics caches use them, and :func:`file_digest` names
an audio file by its bytes for all of them.

Examples
--------
>>> import json, tempfile, pathlib, warnings
>>> path = pathlib.Path(tempfile.mkdtemp()) / "entry.json"
>>> _ = path.write_text('{"tempo": 12')  # cut short
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     read_cached(path, lambda p: json.loads(p.read_text())) is None
True
>>> str(caught[0].message).startswith(f"the cache file {path} cannot be read (JSONDecodeError")
True
>>> write_cached(path, b'{"tempo": 120}').read_text()
'{"tempo": 120}'
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

from .files import write_bytes_atomic

_warned: set = set()
"""Cache files warned about in this process: one warning each, however often they are read."""


def _warn_once(path: Path, reason: str) -> None:
    if path not in _warned:
        _warned.add(path)
        warnings.warn(f"the cache file {path} cannot be read ({reason}); ignoring it: it is computed again and "
                      "replaced", stacklevel=4)


def file_digest(path):
    """A sha256 object fed with the bytes of the file at ``path``, read a megabyte at a time.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "a.bin")
    >>> _ = open(f, "wb").write(b"abc")
    >>> file_digest(f).hexdigest()[:8]
    'ba7816bf'
    """
    digest = hashlib.sha256()
    with open(Path(path).expanduser(), "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest


def read_cached(path, read):
    """``read(path)`` of a cache file; None when there is none, or when it cannot be read (one warning per file).

    ``read`` may return None for an entry that is whole but not the one wanted (another key), and
    raise anything for one that is damaged: a bad zip, a truncated file, a wrong type, a missing entry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_cached(pathlib.Path(tempfile.mkdtemp()) / "none.npz", lambda p: p.read_bytes()) is None
    True
    """
    path = Path(path)
    if not os.path.lexists(path):
        return None
    try:
        if not path.is_file():
            raise ValueError("it is not a regular file")
        return read(path)
    except Exception as error:  # any failure of a cache file only costs recomputing it; the warning names it
        detail = str(error).strip().splitlines()
        _warn_once(path, type(error).__name__ + (f": {detail[0]}" if detail else ""))
        return None


def write_cached(path, data: bytes, *, durable: bool = True) -> Path:
    """Write a cache file atomically in place of whatever is there: a file, a link (not followed), an empty folder.

    Raises OSError when it cannot (a folder with files in it, no permission), for the caller to warn about.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "entry.npz").mkdir()
    >>> write_cached(folder / "entry.npz", b"fresh").read_bytes()
    b'fresh'
    """
    path = Path(path)
    if path.is_symlink():
        path.unlink()  # a link in a cache is no one's output: never write through it
    elif path.is_dir():
        path.rmdir()  # OSError when it holds files: those are not ours to remove
    return write_bytes_atomic(path, data, overwrite=True, durable=durable)
