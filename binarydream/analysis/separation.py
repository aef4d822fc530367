"""Stems: a song split into drums, bass, vocals and other, by Demucs or by a separator the user brings.

:func:`separate` is the entry point: the song's stems, each mono float32 at
:data:`STEM_SR`, from the stems cache (:mod:`.stem_cache`) when it has them.
Demucs (``htdemucs`` by default; ``pip install 'binarydream[stems]'``) runs
on the GPU when there is one. A long song is separated in overlapping chunks
of :data:`CHUNK_SECONDS` (Demucs's own ``apply_model(split=True)`` inside
each, reading its context from the whole song), each chunk reduced to mono at
:data:`STEM_SR` at once and cross-faded into the result: memory holds the
song, the four mono stems and one chunk's work, whatever the song's length.

A separator of your own is a function ``fn(y, sr)`` of the song as float32
of shape (channels, samples) at its own rate, returning
``{"drums", "bass", "vocals", "other": array}`` of the same samples (mono, or
with the same channels); :func:`check_stems` says what is wrong with one
that does not.

Examples
--------
>>> import numpy as np
>>> def halves(y, sr):  # a toy separator: the mix split in four equal parts
...     return {name: y / 4 for name in STEM_NAMES}
>>> stems = separator_stems(halves, np.ones((2, 44100), np.float32), 44100)
>>> sorted(stems), stems["drums"].shape, float(stems["drums"][1000])
(['bass', 'drums', 'other', 'vocals'], (22050,), 0.25)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import MissingDependencyError, ModelNotFoundError, ParameterError
from .stem_cache import STEM_NAMES, STEM_SR

DEFAULT_MODEL = "htdemucs"
"""The Demucs model used by ``stems=True``."""

CHUNK_SECONDS = 60.0
"""Length of the chunks a long song is separated in."""

OVERLAP_SECONDS = 5.0
"""How much neighbouring chunks overlap; their results cross-fade linearly over it."""

_WEIGHTS = {"htdemucs": "https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/955717e8-8726e21a.th"}

logger = logging.getLogger("binarydream")


def _torch_demucs():
    try:
        import torch  # noqa: F401
        from demucs.apply import apply_model  # noqa: F401
    except ImportError:
        raise MissingDependencyError("stems need Demucs: pip install 'binarydream[stems]' (or bring your own "
                                     "separator: Song(..., separator=fn))") from None


def _check_model(model) -> None:
    if not isinstance(model, (str, os.PathLike)) and not hasattr(model, "state_dict"):
        raise ParameterError(f"stems= takes True, a Demucs model name (e.g. 'htdemucs'), a .th file or a Demucs "
                             f"model, got {type(model).__name__}")


def load_demucs(model=DEFAULT_MODEL):
    """A Demucs model: a pretrained name (fetched once into torch's hub cache), a local ``.th`` file, or the model.

    Raises
    ------
    MissingDependencyError
        Demucs is not installed (the ``stems`` extra).
    ModelNotFoundError
        The weights are not on this machine and cannot be downloaded; the
        message says where to put them.

    Examples
    --------
    >>> model = load_demucs("htdemucs")  # doctest: +SKIP
    >>> model.sources, model.samplerate  # doctest: +SKIP
    (['drums', 'bass', 'other', 'vocals'], 44100)
    """
    _torch_demucs()
    import torch

    if isinstance(model, torch.nn.Module):
        return model.eval()
    _check_model(model)
    from demucs.states import load_model

    path = Path(str(model)).expanduser()
    if path.suffix == ".th" or path.is_file():
        if not path.is_file():
            raise ModelNotFoundError(f"Demucs model file not found: {path} (give an existing .th file, or a model "
                                     "name such as 'htdemucs')")
        # Demucs's packages hold the model's class and arguments, which weights_only loading refuses.
        return load_model(torch.load(path, map_location="cpu", weights_only=False)).eval()
    from demucs.pretrained import get_model

    try:
        return get_model(str(model)).eval()
    except Exception as error:  # noqa: BLE001 - a failed download comes in many types
        hub = Path(torch.hub.get_dir()) / "checkpoints"
        url = _WEIGHTS.get(str(model))
        where = (f"download {url} (about 80 MB) into {hub}/" if url else
                 f"run once where the internet is reachable, so Demucs fetches it into {hub}/")
        raise ModelNotFoundError(f"the Demucs model {model!r} for stems (extra binarydream[stems]) is not on this "
                                 f"machine and cannot be downloaded ({type(error).__name__}): {where}, or pass "
                                 "stems='path/to/model.th'") from None


def model_id(model) -> str:
    """What identifies a Demucs model's results in the stems cache: its name, or a digest of its weights.

    Examples
    --------
    >>> model_id("htdemucs")
    'htdemucs'
    """
    if isinstance(model, (str, Path)) and Path(str(model)).suffix != ".th":
        return str(model)
    import hashlib

    if isinstance(model, (str, Path)):
        from ..cache_files import file_digest

        return f"file:{file_digest(model).hexdigest()[:32]}"
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return f"{type(model).__name__}:{digest.hexdigest()[:32]}"


def _chunks(n_samples: int, chunk: int, overlap: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of overlapping chunks covering ``n_samples``; each overlaps the next by ``overlap``."""
    if n_samples <= chunk:
        return [(0, n_samples)]
    step = chunk - overlap
    starts = list(range(0, n_samples - overlap, step))
    return [(a, min(n_samples, a + chunk)) for a in starts if a < n_samples]


def _resampled(y: np.ndarray, sr: int, length: int) -> np.ndarray:
    """Mono ``y`` at ``sr`` resampled to :data:`STEM_SR`, cut or padded to ``length`` samples."""
    import soxr

    out = y if sr == STEM_SR else soxr.resample(y, sr, STEM_SR)
    return np.pad(out, (0, max(0, length - len(out))))[:length].astype(np.float32, copy=False)


def demucs_stems(mix: np.ndarray, model, *, device: str | None = None, chunk_seconds: float = CHUNK_SECONDS,
                 overlap_seconds: float = OVERLAP_SECONDS) -> dict[str, np.ndarray]:
    """Separate ``mix`` (channels, samples) at the model's rate with Demucs, chunk by chunk: mono stems at STEM_SR.

    Parameters
    ----------
    mix : np.ndarray, float32, shape (model.audio_channels, n)
        The song at ``model.samplerate``.
    model : torch.nn.Module
        A Demucs model (:func:`load_demucs`).
    device : str or None
        ``"cuda"``, ``"cpu"``; None: cuda when there is one.
    chunk_seconds, overlap_seconds : float
        Chunk length and overlap; memory grows with the chunk, not the song.

    Returns
    -------
    dict of str to np.ndarray
        :data:`STEM_NAMES` to mono float32 at :data:`STEM_SR`.

    Examples
    --------
    >>> stems = demucs_stems(mix, load_demucs("htdemucs"))  # doctest: +SKIP
    """
    _torch_demucs()
    import torch
    from demucs.apply import TensorChunk, apply_model

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    rate = int(model.samplerate)
    whole = torch.from_numpy(np.ascontiguousarray(mix, dtype=np.float32))[None]
    n_out = int(round(mix.shape[-1] * STEM_SR / rate))
    out = {name: np.zeros(n_out, dtype=np.float32) for name in STEM_NAMES}
    chunks = _chunks(mix.shape[-1], int(chunk_seconds * rate), int(overlap_seconds * rate))
    bounds = [(int(round(a * STEM_SR / rate)), int(round(b * STEM_SR / rate))) for a, b in chunks]
    logger.info("separating %.0f s into stems with Demucs on %s, in %d chunk(s)", mix.shape[-1] / rate, device,
                len(chunks))
    with torch.no_grad():
        for k, ((a, b), (lo, hi)) in enumerate(zip(chunks, bounds)):
            # shifts=0: no random time shifts, so the same song always gives the same stems (the cache relies on it)
            separated = apply_model(model, TensorChunk(whole, a, b - a), shifts=0, split=True, overlap=0.25,
                                    device=device, progress=False)[0].mean(dim=1).cpu().numpy()
            weight = np.ones(hi - lo, dtype=np.float32)
            fade_in = bounds[k - 1][1] - lo if k > 0 else 0
            fade_out = hi - bounds[k + 1][0] if k + 1 < len(bounds) else 0
            if fade_in > 0:
                weight[:fade_in] = np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
            if fade_out > 0:
                weight[-fade_out:] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)
            for name in STEM_NAMES:
                piece = separated[list(model.sources).index(name)]
                out[name][lo:hi] += weight * _resampled(piece, rate, hi - lo)
            del separated
    return out


def check_stems(stems, n_samples: int, channels: int) -> dict[str, np.ndarray]:
    """A separator's result as float32 arrays of shape (channels, n_samples) or (n_samples,); else one line saying why.

    Examples
    --------
    >>> check_stems({"drums": np.zeros(3)}, 3, 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: the separator returned no bass, vocals, other: it must return a dict ...
    """
    if not isinstance(stems, Mapping):
        raise ParameterError(f"the separator returned {type(stems).__name__}, not a dict: it must return a dict with "
                             f"the keys {', '.join(STEM_NAMES)}, each an array of the song's samples")
    missing = [name for name in STEM_NAMES if name not in stems]
    if missing:
        raise ParameterError(f"the separator returned no {', '.join(missing)}: it must return a dict with the keys "
                             f"{', '.join(STEM_NAMES)}")
    extra = [str(name) for name in stems if name not in STEM_NAMES]
    if extra:
        raise ParameterError(f"the separator returned unknown stem(s) {', '.join(extra)[:80]}: give only "
                             f"{', '.join(STEM_NAMES)} (add the others into 'other')")
    out = {}
    for name in STEM_NAMES:
        try:
            y = np.asarray(stems[name], dtype=np.float32)
        except (TypeError, ValueError, RuntimeError):
            raise ParameterError(f"the separator's {name!r} is a {type(stems[name]).__name__}, not an array of "
                                 "numbers (return numpy arrays, on the CPU)") from None
        if y.shape not in ((n_samples,), (1, n_samples), (channels, n_samples)):
            raise ParameterError(f"the separator's {name!r} has shape {y.shape}: it must be ({n_samples},) or "
                                 f"({channels}, {n_samples}), the song's samples")
        if not np.isfinite(y).all():
            raise ParameterError(f"the separator's {name!r} holds values that are not finite (nan or inf): fix "
                                 "the separator")
        out[name] = y
    return out


def separator_stems(separator, mix: np.ndarray, sr: int) -> dict[str, np.ndarray]:
    """Stems from a separator of your own, ``separator(mix, sr)``, checked: mono float32 at :data:`STEM_SR`.

    Examples
    --------
    >>> separator_stems(lambda y, sr: {n: y[0] for n in STEM_NAMES}, np.ones((1, 100), np.float32), 22050)["bass"][:3]
    array([1., 1., 1.], dtype=float32)
    """
    stems = check_stems(separator(mix, sr), mix.shape[-1], mix.shape[0])
    n_out = int(round(mix.shape[-1] * STEM_SR / sr))
    return {name: _resampled(y.reshape(-1, y.shape[-1]).mean(axis=0), sr, n_out) for name, y in stems.items()}


def separate(path, *, model=DEFAULT_MODEL, separator=None, cache_dir=None, device: str | None = None
             ) -> dict[str, np.ndarray]:
    """The song's stems, mono float32 at :data:`STEM_SR`: from the cache, else from Demucs or ``separator``.

    Parameters
    ----------
    path : str or Path
        The song.
    model : str, Path or torch.nn.Module
        The Demucs model (:func:`load_demucs`); ignored when ``separator`` is given.
    separator : callable or None
        ``separator(y, sr)`` with ``y`` float32 (channels, samples) at the file's
        rate, returning :data:`STEM_NAMES` to arrays (:func:`check_stems`).
        Its stems are not cached (the cache cannot tell one function from another).
    cache_dir : str, Path or None
        The stems cache's folder (beside the analysis cache); None: no cache.
    device : str or None
        For Demucs: ``"cuda"``, ``"cpu"``; None: cuda when there is one.

    Examples
    --------
    >>> stems = separate("song.mp3", cache_dir="~/.cache/binarydream")  # doctest: +SKIP
    >>> stems["vocals"].shape  # doctest: +SKIP
    (5292000,)
    """
    from ..audio import load_audio_channels

    if separator is not None:
        if not callable(separator):
            raise ParameterError(f"separator must be a function fn(y, sr), got {type(separator).__name__}")
        mix, sr = load_audio_channels(path)
        return separator_stems(separator, mix, sr)
    from . import stem_cache

    _check_model(model)
    key = None
    if cache_dir:
        key = stem_cache.stems_key(path, model_id(model))
        cached = stem_cache.load(cache_dir, key)
        if cached is not None:
            return cached
    demucs = load_demucs(model)
    mix, _ = load_audio_channels(path, sr=int(demucs.samplerate), channels=int(demucs.audio_channels))
    stems = demucs_stems(mix, demucs, device=device)
    del mix
    if key is not None:
        stem_cache.save(stems, cache_dir, key)
    return stems
