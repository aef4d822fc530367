"""The Beat This! backend (CPJKU 2024, MIT): a transformer that hears beats and downbeats in a mel spectrogram.

``pip install binarydream[beat-this]``. Its checkpoint (``final0``, about 80 MB)
is looked for, in order: the file named in ``beats="beat_this:PATH"``;
``$BINARYDREAM_BEAT_THIS_CHECKPOINT``; the torch hub cache, where Beat This!
itself keeps it (``~/.cache/torch/hub/checkpoints/beat_this-final0.ckpt``).
When none is there, it is downloaded once into that cache; when that cannot
happen, a :class:`~binarydream.errors.ModelNotFoundError` names the file and
where to put it.

The model's own peak picking gives beats and downbeats (downbeats moved onto
the nearest beat); the meter is the usual number of beats between downbeats.

Examples
--------
>>> checkpoint_path("no/such/final0.ckpt")
Traceback (most recent call last):
...
binarydream.errors.ModelNotFoundError: Beat This! checkpoint not found: no/such/final0.ckpt (give the path of a Beat This! .ckpt file, e.g. final0.ckpt)
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
from pathlib import Path

import numpy as np

from ...cache_files import file_digest
from ...errors import MissingDependencyError, ModelNotFoundError

SAMPLE_RATE = 22050
CHECKPOINT = "final0"
"""The checkpoint used unless another is given: trained on all their data but GTZAN, seed 0."""

ENV_CHECKPOINT = "BINARYDREAM_BEAT_THIS_CHECKPOINT"


def cached_checkpoint() -> Path:
    """Where the default checkpoint is cached: Beat This!'s own place in the torch hub cache.

    Examples
    --------
    >>> cached_checkpoint().name
    'beat_this-final0.ckpt'
    """
    torch_home = os.environ.get("TORCH_HOME") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch"
    return Path(torch_home).expanduser() / "hub" / "checkpoints" / f"beat_this-{CHECKPOINT}.ckpt"


def checkpoint_path(option: str | None = None, *, download: bool = True) -> Path:
    """The checkpoint file to load: ``option``, else ``$BINARYDREAM_BEAT_THIS_CHECKPOINT``, else the cached one.

    The cached one is downloaded first when missing and ``download`` is True.

    Raises
    ------
    ModelNotFoundError
        A given file does not exist, or the default one is not cached and cannot be downloaded.
    """
    given = option or os.environ.get(ENV_CHECKPOINT)
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise ModelNotFoundError(f"Beat This! checkpoint not found: {given} "
                                     "(give the path of a Beat This! .ckpt file, e.g. final0.ckpt)")
        return path
    path = cached_checkpoint()
    if path.is_file() or not download:
        return path
    _beat_this()
    import torch
    from beat_this.inference import CHECKPOINT_URL

    url = f"{CHECKPOINT_URL}/{CHECKPOINT}.ckpt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(url, str(path), progress=False)  # writes a temporary file, then renames
    except Exception as error:  # noqa: BLE001 - network, proxy and HTTP errors all mean the same to a user
        raise ModelNotFoundError(
            f"Beat This! checkpoint {path.name} is not in {path.parent} and could not be downloaded "
            f"({type(error).__name__}); fetch {url} to that path, or pass beats='beat_this:/path/to/{CHECKPOINT}.ckpt' "
            f"or set ${ENV_CHECKPOINT}") from None
    return path


def _beat_this():
    if importlib.util.find_spec("beat_this") is None:
        raise MissingDependencyError("the Beat This! beat tracker needs beat-this; run "
                                     "`pip install binarydream[beat-this]`")


def ready() -> bool:
    """Whether beat-this is installed and a checkpoint is on this machine (nothing is downloaded).

    Examples
    --------
    >>> ready() in (True, False)
    True
    """
    if importlib.util.find_spec("beat_this") is None:
        return False
    try:
        return checkpoint_path(download=False).is_file()
    except ModelNotFoundError:
        return False


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return file_digest(path).hexdigest()[:12]


def load(option: str | None):
    """``(version, sample_rate, track)`` for :class:`~binarydream.analysis.trackers.Tracker`.

    The version names the package, the checkpoint file and a digest of its
    bytes, so the analysis cache tells two checkpoints apart.
    """
    _beat_this()
    path = checkpoint_path(option)
    stat = path.stat()
    version = f"{importlib.metadata.version('beat-this')} {path.stem}-{_file_digest(str(path), stat.st_mtime_ns, stat.st_size)}"
    return version, SAMPLE_RATE, functools.partial(track, checkpoint=path, version=version)


@functools.lru_cache(maxsize=2)
def _model(checkpoint: str, device: str):
    from beat_this.inference import Audio2Beats

    try:
        return Audio2Beats(checkpoint_path=checkpoint, device=device)
    except Exception as error:  # noqa: BLE001 - unpickling, missing keys or shapes: the file is not one of theirs
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ModelNotFoundError(f"{checkpoint} is not a Beat This! checkpoint ({type(error).__name__}: {detail})") from None


def track(y: np.ndarray, sr: int, *, beats_per_bar: int | None = None, checkpoint: Path, version: str):
    """Beats, downbeats and meter of a mono signal, by Beat This! with the given checkpoint.

    Examples
    --------
    >>> grid = track(y, 22050, checkpoint=Path("final0.ckpt"), version="1.1.0 final0")  # doctest: +SKIP
    """
    import torch

    from ...devices import pick_device
    from ..grid import BeatGrid
    from .bars import meter_and_downbeats
    from .resample import to_rate

    y = to_rate(np.asarray(y, dtype=np.float32), sr, SAMPLE_RATE)
    beats, downbeats = np.zeros(0), np.zeros(0)
    if y.size >= SAMPLE_RATE // 10:  # shorter than its spectrogram's window: nothing to hear
        with torch.inference_mode():
            beats, downbeats = _model(str(checkpoint), pick_device())(y, SAMPLE_RATE)
    meter, downbeats = meter_and_downbeats(beats, downbeats, beats_per_bar=beats_per_bar)
    return BeatGrid(beats=np.asarray(beats, dtype=np.float64), downbeats=downbeats, beats_per_bar=meter,
                    tracker="beat_this", version=version)
