"""Optional vocal separation with Demucs before recognition (``vocals=True`` in transcribe and align).

Whisper hears a voice over drums and synths reasonably well, but dense mixes
(distorted guitars, loud pads) make it miss or invent words; separating the
vocals first helps there. It is an optional extra: ``pip install demucs``.

Cost: the ``htdemucs`` model downloads about 80 MB once (into torch's hub
cache); on a CPU it separates at roughly 1x to 1.5x real time per core pair
(a 4-minute song: several minutes on 2 cores) with about 3 GB of memory; on a
GPU a song takes seconds.

Examples
--------
>>> import numpy as np
>>> separate_vocals(np.zeros(16000, np.float32), 16000)  # doctest: +SKIP
array([0., 0., ..., 0.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from binarydream.errors import MissingDependencyError, ModelNotFoundError


def separate_vocals(y: np.ndarray, sr: int, *, model: str = "htdemucs", device: str | None = None) -> np.ndarray:
    """The vocal stem of ``y`` (mono, at ``sr``), separated by Demucs.

    Parameters
    ----------
    y : np.ndarray
        Mono audio.
    sr : int
        Its sample rate; the result has the same rate and length.
    model : str
        A Demucs pretrained model name.
    device : str or None
        ``"cuda"``, ``"cpu"``, or None for cuda when there.

    Returns
    -------
    np.ndarray, float32, shape ``y.shape``
    """
    try:
        import torch
        from demucs.apply import apply_model
        from demucs.pretrained import get_model
    except ImportError:
        raise MissingDependencyError("vocal separation needs Demucs: pip install demucs "
                                     "(or run without vocals=True)") from None
    import soxr

    try:
        separator = get_model(model)
    except Exception as error:  # noqa: BLE001 - download failures come in many types
        raise ModelNotFoundError(f"Demucs model {model!r} could not be loaded or downloaded ({type(error).__name__}); "
                                 "connect once to fetch it into torch's hub cache") from None
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    mix = soxr.resample(y, sr, separator.samplerate).astype(np.float32)
    stereo = torch.from_numpy(np.stack([mix] * separator.audio_channels))[None]
    with torch.no_grad():
        stems = apply_model(separator, stereo, device=device, progress=False)[0]
    vocals = stems[separator.sources.index("vocals")].mean(dim=0).cpu().numpy()
    vocals = soxr.resample(vocals, separator.samplerate, sr).astype(np.float32)
    return np.pad(vocals, (0, max(0, len(y) - len(vocals))))[:len(y)]
