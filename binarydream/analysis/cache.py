"""The analysis cache: one ``.npz`` file per song content, parameters and code version.

The key hashes the audio file's bytes (not its name or date, so a renamed copy
hits and an edited file misses), the analysis parameters, the frame rate, the
beat tracker's name and version (which :func:`~binarydream.analysis.analyze`
puts in the parameters) and :data:`CODE_VERSION`, which changes whenever the
analysis would give different numbers. Files are written atomically, so a crash never leaves half a file.

Examples
--------
>>> import numpy as np, tempfile
>>> from binarydream.analysis import Analysis, Section, ENVELOPE_NAMES
>>> a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4, [Section(0.0, 2.0, "A")],
...              {n: np.zeros(20, np.float32) for n in ENVELOPE_NAMES}, tracker="madmom", tracker_version="0.17.post1")
>>> folder = tempfile.mkdtemp()
>>> path = save(a, folder, "0123abcd")
>>> b = load(folder, "0123abcd")
>>> b.tempo, b.tracker, b.tracker_version, path.name
(120.0, 'madmom', '0.17.post1', 'analysis-0123abcd.npz')
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from pathlib import Path

import numpy as np

from ..files import write_bytes_atomic
from .result import Analysis, Section

CODE_VERSION = "3"
"""Bumped whenever a change to the analysis code changes its results; old cache files are then ignored."""


def cache_key(path, params: dict) -> str:
    """Hex digest identifying the analysis of the audio at ``path`` with ``params`` by this code version.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "song.wav")
    >>> _ = open(f, "wb").write(b"RIFF....")
    >>> cache_key(f, {"fps": 30}) == cache_key(f, {"fps": 30}), cache_key(f, {"fps": 30}) == cache_key(f, {"fps": 24})
    (True, False)
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(json.dumps({"params": params, "code": CODE_VERSION}, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def cache_path(cache_dir, key: str) -> Path:
    """File holding the analysis with ``key`` under ``cache_dir``.

    Examples
    --------
    >>> cache_path("/tmp/c", "ab" * 32).name
    'analysis-abababababababababababababababab.npz'
    """
    return Path(cache_dir) / f"analysis-{key[:32]}.npz"


def save(analysis: Analysis, cache_dir, key: str) -> Path | None:
    """Write ``analysis`` to the cache (atomically) and return the file's path.

    The cache is optional: a folder that cannot be written gives a warning and None.

    Examples
    --------
    >>> save(analysis, "~/.cache/binarydream", key)  # doctest: +SKIP
    """
    path = cache_path(Path(cache_dir).expanduser(), key)
    try:
        return _write(analysis, path, key)
    except OSError as error:
        warnings.warn(f"cannot write the analysis cache {path} ({error.strerror or error}); going on without it: "
                      "give another cache_dir (--cache-dir), or cache_dir=False (--no-cache)", stacklevel=3)
        return None


def _write(analysis: Analysis, path: Path, key: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"duration": analysis.duration, "fps": analysis.fps, "tempo": analysis.tempo,
            "beats_per_bar": analysis.beats_per_bar, "key": key,
            "tracker": analysis.tracker, "tracker_version": analysis.tracker_version,
            "sections": [[s.start, s.end, s.label, s.energy, s.group] for s in analysis.sections]}
    arrays = {f"envelope_{name}": values for name, values in analysis.envelopes.items()}
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), beats=analysis.beats, downbeats=analysis.downbeats, **arrays)
    return write_bytes_atomic(path, buffer.getvalue(), overwrite=True)


def load(cache_dir, key: str) -> Analysis | None:
    """The cached analysis with ``key``, or None when there is none (or it cannot be read).

    Examples
    --------
    >>> import tempfile
    >>> load(tempfile.mkdtemp(), "ff" * 32) is None
    True
    """
    path = cache_path(Path(cache_dir).expanduser(), key)
    try:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("key") != key:
                return None
            envelopes = {name[len("envelope_"):]: data[name] for name in data.files if name.startswith("envelope_")}
            return Analysis(duration=meta["duration"], fps=meta["fps"], tempo=meta["tempo"],
                            beats=data["beats"], downbeats=data["downbeats"], beats_per_bar=meta["beats_per_bar"],
                            sections=[Section(*s) for s in meta["sections"]], envelopes=envelopes,
                            tracker=meta["tracker"], tracker_version=meta["tracker_version"])
    except (OSError, ValueError, KeyError):
        return None
