"""Where models run when the user names no device: cuda, then mps, then cpu.

Examples
--------
>>> pick_device("cuda:1")
'cuda:1'
>>> pick_device() in ("cuda", "mps", "cpu")
True
"""

from __future__ import annotations


def pick_device(device: str | None = None) -> str:
    """``device`` as given, or the best there is: cuda, then mps, then cpu.

    Examples
    --------
    >>> pick_device("cpu")
    'cpu'
    """
    if device:
        return str(device)
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"
