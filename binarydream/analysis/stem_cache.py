"""The stems cache: a song's four mono stems in one ``.npz`` file beside the analysis cache, keyed by content.

The key hashes the audio file's bytes (a renamed copy hits, an edited file
misses), the separation model and :data:`STEMS_VERSION`. Stems are kept as
float16 at :data:`~binarydream.analysis.separation.STEM_SR` (about 10 MB a
minute for all four). A file that cannot be read is a miss, with one warning,
and is written again.

Examples
--------
>>> import numpy as np, tempfile
>>> stems = {name: np.full(100, 0.5, np.float32) for name in ("drums", "bass", "vocals", "other")}
>>> folder = tempfile.mkdtemp()
>>> path = save(stems, folder, "ab" * 32)
>>> load(folder, "ab" * 32)["vocals"][:3].tolist(), path.name
([0.5, 0.5, 0.5], 'stems-abababababababababababababababab.npz')
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np

from ..cache_files import file_digest, read_cached, write_cached

STEM_NAMES = ("drums", "bass", "vocals", "other")
"""The stems a separator hands back."""

STEM_SR = 22050
"""Sample rate of the stems kept (mono): enough for the hats' highs and for the lyrics' 16 kHz."""

STEMS_VERSION = "1"
"""Bumped whenever a change to the separation changes the stems; older files are then ignored."""


def stems_key(path, model: str) -> str:
    """Hex digest identifying the stems of the audio at ``path`` by ``model`` (a :func:`~.separation.model_id`).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "song.wav")
    >>> _ = open(f, "wb").write(b"RIFF....")
    >>> stems_key(f, "htdemucs") == stems_key(f, "htdemucs"), stems_key(f, "htdemucs") == stems_key(f, "other")
    (True, False)
    """
    digest = file_digest(path)
    digest.update(json.dumps({"model": model, "version": STEMS_VERSION, "sr": STEM_SR}).encode())
    return digest.hexdigest()


def cache_path(cache_dir, key: str) -> Path:
    """File holding the stems with ``key`` under ``cache_dir``.

    Examples
    --------
    >>> cache_path("/tmp/c", "cd" * 32).name
    'stems-cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd.npz'
    """
    return Path(cache_dir).expanduser() / f"stems-{key[:32]}.npz"


def save(stems: dict, cache_dir, key: str) -> Path | None:
    """Write the stems to the cache atomically; a folder that cannot be written gives a warning and None.

    Examples
    --------
    >>> save(stems, "~/.cache/binarydream", key)  # doctest: +SKIP
    """
    path = cache_path(cache_dir, key)
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps({"key": key, "sr": STEM_SR})),
             **{name: np.asarray(stems[name], dtype=np.float16) for name in STEM_NAMES})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_cached(path, buffer.getvalue())
    except OSError as error:
        warnings.warn(f"cannot write the stems cache {path} ({error.strerror or error}); going on without it: "
                      "give another cache_dir (--cache-dir)", stacklevel=3)
        return None


def load(cache_dir, key: str) -> dict | None:
    """The cached stems with ``key`` (mono float32), or None: none there, or one that cannot be read (with a warning).

    Examples
    --------
    >>> import tempfile
    >>> load(tempfile.mkdtemp(), "ff" * 32) is None
    True
    """
    return read_cached(cache_path(cache_dir, key), lambda path: _read(path, key))


def _read(path: Path, key: str) -> dict:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if not isinstance(meta, dict) or meta.get("key") != key or meta.get("sr") != STEM_SR:
            raise ValueError("it belongs to another song or version")
        stems = {name: data[name].astype(np.float32) for name in STEM_NAMES}
    if any(y.ndim != 1 for y in stems.values()) or len({len(y) for y in stems.values()}) != 1 \
            or not all(np.isfinite(y).all() for y in stems.values()):
        raise ValueError("its stems differ in length or are not finite")
    return stems
