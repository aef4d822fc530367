"""What a model's weights are, as a short hash: a render resumes only with the weights it was started with.

A model's name says little: a folder updated in place, another revision of a
hub repository, or another pipeline object of the same class all keep it, and a
resumed render would be half one model and half the other. The fingerprint
is cheap where it can be and exact where it must be:

- a hub id: the commit of the snapshot in the local cache (a commit's files never change);
- a local folder or file: each weight and config file's name, size, modification
  time and three 1 MiB samples of its bytes (a file rewritten in place changes
  them; nothing is read in full);
- a pipeline object, a torch module or a painter holding a pipeline (``.pipe``):
  every tensor of its state dicts, names, dtypes, shapes and bytes (the weights in
  memory may differ from any file).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "model.safetensors").write_bytes(b"weights")
>>> first = weights_fingerprint(folder)
>>> _ = (folder / "model.safetensors").write_bytes(b"WEIGHTS")
>>> first == weights_fingerprint(folder), first.startswith("files ")
(False, True)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

WEIGHT_FILES = (".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".json", ".txt", ".model", ".gguf")
"""Files of a model folder that make its weights: tensors, configs, tokenizers (not READMEs or images)."""

SAMPLE = 1 << 20
"""Bytes read from the start, the middle and the end of each weight file."""


def _digest(sha) -> str:
    return sha.hexdigest()[:16]


def files_fingerprint(path) -> str:
    """A hash of a model file, or of a folder's weight files (:data:`WEIGHT_FILES`, hidden folders left out).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "README.md").write_text("notes")
    >>> before = files_fingerprint(folder)
    >>> _ = (folder / "README.md").write_text("other notes")
    >>> before == files_fingerprint(folder)
    True
    """
    path = Path(path)
    if path.is_file():
        files = [(path.name, path)]
    else:
        files = sorted((str(file.relative_to(path)), file) for file in path.rglob("*")
                       if file.suffix.lower() in WEIGHT_FILES and file.is_file()
                       and not any(part.startswith(".") for part in file.relative_to(path).parts))
    sha = hashlib.sha256()
    for name, file in files:
        info = file.stat()
        sha.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
        with open(file, "rb") as f:
            for offset in sorted({0, max(0, info.st_size // 2 - SAMPLE // 2), max(0, info.st_size - SAMPLE)}):
                f.seek(offset)
                sha.update(f.read(SAMPLE))
    return _digest(sha)


def hub_commit(repo_id: str) -> str | None:
    """The commit of ``repo_id``'s snapshot in the local hub cache (the one a load without a revision uses), or None.

    Examples
    --------
    >>> hub_commit("nobody/no-such-model-anywhere") is None
    True
    """
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    for name in ("model_index.json", "config.json"):
        try:
            found = try_to_load_from_cache(repo_id, name)
        except ValueError:  # not a repository id
            return None
        if isinstance(found, str):
            return Path(found).parent.name
    return None


def tensors_fingerprint(modules) -> str:
    """A hash of every tensor in the state dicts of ``modules`` (``(name, torch module)`` pairs).

    Examples
    --------
    >>> import torch
    >>> a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    >>> tensors_fingerprint([("unet", a)]) == tensors_fingerprint([("unet", b)])
    False
    """
    import torch

    sha = hashlib.sha256()
    for name, module in sorted(modules, key=lambda item: item[0]):
        for key, tensor in sorted(module.state_dict().items()):
            sha.update(f"{name}.{key}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
            if not tensor.is_meta:
                data = tensor.detach().to("cpu").contiguous().reshape(-1)
                sha.update(data.view(dtype=torch.uint8).numpy())
    return _digest(sha)


def _modules(model, skip) -> list:
    import torch

    if isinstance(model, torch.nn.Module):
        parts = [("", model)]
    elif isinstance(getattr(model, "components", None), dict):
        parts = [(name, part) for name, part in model.components.items() if name not in skip]
    else:
        return []
    # torch.compile wraps a module; its weights are the wrapped one's.
    parts = [(name, getattr(part, "_orig_mod", part)) for name, part in parts]
    return [(name, part) for name, part in parts if isinstance(part, torch.nn.Module)]


def weights_fingerprint(model, *, skip=()) -> str | None:
    """A short text naming what ``model``'s weights are (see the module's notes); None when nothing tells.

    ``model`` is what a render takes: a hub id, a local folder or file, a pipeline, a torch module,
    or a painter (one with a ``pipe`` attribute is fingerprinted by it; another callable gives None).
    ``skip`` names pipeline components left out (the autoencoder, when a tiny one paints instead).

    Examples
    --------
    >>> weights_fingerprint(lambda image, **settings: image) is None
    True
    """
    if isinstance(model, (str, os.PathLike)):
        path = Path(model).expanduser()
        if path.exists():
            return f"files {files_fingerprint(path)}"
        commit = hub_commit(str(model))
        return None if commit is None else f"hub {model}@{commit}"
    if hasattr(model, "pipe") and not hasattr(model, "components"):
        model = model.pipe
    try:
        modules = _modules(model, skip)
    except ImportError:  # no torch: the model cannot be a pipeline
        return None
    return f"tensors {tensors_fingerprint(modules)}" if modules else None


def model_name(model) -> str:
    """How the manifest names a model: its id or path, or a pipeline's source, or the painter's type."""
    if isinstance(model, (str, os.PathLike)):
        return str(model)
    config = getattr(model, "config", None)
    return str(getattr(config, "_name_or_path", "") or type(model).__name__) if config else type(model).__name__
