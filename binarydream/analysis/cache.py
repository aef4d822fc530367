"""The analysis cache: one ``.npz`` file per song content, parameters and code version.

The key hashes the audio file's bytes (not its name or date, so a renamed copy
hits and an edited file misses), the analysis parameters, the frame rate, the
beat tracker's name and version and the voice detector in use (which
:func:`~binarydream.analysis.analyze` puts in the parameters) and :data:`CODE_VERSION`, which changes whenever the
analysis would give different numbers. Files are written atomically, so a crash never leaves half a file;
one damaged all the same (truncated, emptied, crafted, a folder) is a miss with one warning naming it, and
is replaced (:mod:`binarydream.cache_files`).

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

import io
import json
import math
import numbers
import warnings
from pathlib import Path

import numpy as np

from ..cache_files import file_digest, read_cached, write_cached
from .result import ENVELOPE_NAMES, Analysis, Section

CODE_VERSION = "5"
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
    digest = file_digest(path)
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
    except OSError as error:  # also a folder in the entry's place that holds files
        warnings.warn(f"cannot write the analysis cache {path} ({error.strerror or error}); going on without it: "
                      "give another cache_dir (--cache-dir), or cache_dir=False (--no-cache)", stacklevel=3)
        return None


def _write(analysis: Analysis, path: Path, key: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"duration": analysis.duration, "fps": analysis.fps, "tempo": analysis.tempo,
            "beats_per_bar": analysis.beats_per_bar, "key": key,
            "tracker": analysis.tracker, "tracker_version": analysis.tracker_version,
            "downbeat_confidence": analysis.downbeat_confidence,
            "sections": [[s.start, s.end, s.label, s.energy, s.group] for s in analysis.sections]}
    arrays = {f"envelope_{name}": values for name, values in analysis.envelopes.items()}
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), beats=analysis.beats, downbeats=analysis.downbeats, **arrays)
    return write_cached(path, buffer.getvalue())


def load(cache_dir, key: str) -> Analysis | None:
    """The cached analysis with ``key``, or None when there is none (or it cannot be read: one warning names it).

    Examples
    --------
    >>> import tempfile
    >>> load(tempfile.mkdtemp(), "ff" * 32) is None
    True
    """
    return read_cached(cache_path(Path(cache_dir).expanduser(), key), lambda path: _read(path, key))


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{name} is {value!r}, not a number")
    return float(value)


def _text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} is {value!r}, not text")
    return value


def _times(array: np.ndarray, name: str, dtype=np.float64) -> np.ndarray:
    if array.ndim != 1 or array.dtype.kind not in "fi" or not np.all(np.isfinite(array)):
        raise TypeError(f"{name} is not a list of numbers")
    return array.astype(dtype, copy=False)


def _section(item) -> Section:
    if not (isinstance(item, list) and len(item) in (4, 5)):  # four: written before sections had a group
        raise TypeError(f"a section is {item!r}, not [start, end, label, energy, group]")
    start, end, label, energy, group = [*item, ""][:5]
    return Section(_real(start, "a section's start"), _real(end, "a section's end"), _text(label, "a section's label"),
                   None if energy is None else _real(energy, "a section's energy"), _text(group, "a section's group"))


def _read(path: Path, key: str) -> Analysis | None:
    """The analysis in a cache file, checked value by value (a file may be damaged or crafted)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if not isinstance(meta, dict):
            raise TypeError("its metadata is not a mapping")
        if meta.get("key") != key:
            return None
        envelopes = {name[len("envelope_"):]: _times(data[name], name, np.float32)
                     for name in data.files if name.startswith("envelope_")}
        missing = [name for name in ENVELOPE_NAMES if name not in envelopes]
        if missing:
            raise KeyError(f"no {', '.join(missing)} envelope")
        beats_per_bar = meta["beats_per_bar"]
        if isinstance(beats_per_bar, bool) or not isinstance(beats_per_bar, int) or beats_per_bar < 1:
            raise TypeError(f"beats_per_bar is {beats_per_bar!r}, not a whole number")
        sections = meta["sections"]
        if not isinstance(sections, list) or not sections:
            raise TypeError("its sections are not a list")
        confidence = meta.get("downbeat_confidence")
        analysis = Analysis(duration=_real(meta["duration"], "duration"), fps=_real(meta["fps"], "fps"),
                            tempo=_real(meta["tempo"], "tempo"), beats=_times(data["beats"], "beats"),
                            downbeats=_times(data["downbeats"], "downbeats"), beats_per_bar=beats_per_bar,
                            sections=[_section(item) for item in sections], envelopes=envelopes,
                            tracker=_text(meta["tracker"], "tracker"),
                            tracker_version=_text(meta["tracker_version"], "tracker_version"),
                            downbeat_confidence=None if confidence is None
                            else _real(confidence, "downbeat_confidence"))
    wrong = [name for name, values in envelopes.items() if values.shape != (analysis.n_frames,)]
    if wrong:
        raise ValueError(f"envelope {wrong[0]} has {envelopes[wrong[0]].size} values for {analysis.n_frames} frames")
    return analysis
