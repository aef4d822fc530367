"""Which Whisper model to use, and where its files are: a name for the Hugging Face Hub or a local folder.

The default when ``model=None`` is ``$BINARYDREAM_WHISPER_MODEL`` if set, else
``"large-v3"`` on a GPU (best on singing over music) and ``"small"`` on a CPU
(about 0.3x real time on 4 cores, still fair on singing). Names are those of
faster-whisper (``tiny``, ``base``, ``small``, ``medium``, ``large-v3``,
``distil-large-v3``, ...) or a Hub repository id; a name is looked for in the
Hugging Face cache, then downloaded once.

Examples
--------
>>> default_model("cuda"), default_model("cpu") in ("small", __import__("os").environ.get("BINARYDREAM_WHISPER_MODEL"))
('large-v3', True)
>>> whisper_folder("no/such/folder")
Traceback (most recent call last):
...
binarydream.errors.ModelNotFoundError: Whisper model folder not found: no/such/folder (pass a faster-whisper folder holding model.bin, config.json and tokenizer.json, or a model name such as 'small')
"""

from __future__ import annotations

import os
from pathlib import Path

from binarydream.errors import ModelNotFoundError
from binarydream.files import looks_local


def default_device() -> str:
    """``"cuda"`` when CTranslate2 sees a GPU, else ``"cpu"``.

    Examples
    --------
    >>> default_device() in ("cuda", "cpu")
    True
    """
    try:
        import ctranslate2
    except ImportError:
        return "cpu"
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def default_model(device: str) -> str:
    """The Whisper model used when none is given (see the module notes)."""
    if os.environ.get("BINARYDREAM_WHISPER_MODEL"):
        return os.environ["BINARYDREAM_WHISPER_MODEL"]
    return "large-v3" if str(device).startswith("cuda") else "small"


def whisper_folder(model) -> str:
    """The local folder of a faster-whisper (CTranslate2) Whisper model given by name or path.

    Raises :class:`~binarydream.errors.ModelNotFoundError` (one line: which
    model, where it was looked for, how to get it) when it is not on this
    machine and cannot be downloaded.
    """
    model = str(model)
    if looks_local(model):
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise ModelNotFoundError(f"Whisper model folder not found: {model} (pass a faster-whisper folder holding "
                                     "model.bin, config.json and tokenizer.json, or a model name such as 'small')")
        if not (folder / "model.bin").is_file():
            raise ModelNotFoundError(f"{model} has no model.bin: not a faster-whisper model folder (convert a Whisper "
                                     "model with ct2-transformers-converter, or pass a model name such as 'small')")
        return str(folder)
    from faster_whisper.utils import download_model
    from huggingface_hub.constants import HF_HUB_CACHE

    try:
        return download_model(model, local_files_only=True)
    except Exception:  # noqa: BLE001 - any miss in the cache means: try the Hub
        pass
    try:
        return download_model(model)
    except Exception as error:  # noqa: BLE001 - network, auth or unknown-repo errors all mean the same to a user
        raise ModelNotFoundError(
            f"Whisper model {model!r} is not in the Hugging Face cache ({HF_HUB_CACHE}) and could not be downloaded "
            f"({type(error).__name__}); connect once to fetch it, or pass model= a local faster-whisper folder") from None
