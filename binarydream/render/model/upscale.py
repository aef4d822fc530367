"""From the size the model paints at to the size of the video: a fast resize, or a learned upscaler.

The model paints at its native area (512 px for sd-turbo); the video is
written at the size asked for (720p, 1080p, 4K). The upscaler runs on the
render's writer thread, beside the model, not between its frames. An upscaler
is any ``upscaler(frame, width, height) -> frame`` on uint8 RGB frames.

Examples
--------
>>> import numpy as np
>>> make_upscaler("resize")(np.zeros((384, 680, 3), np.uint8), 1280, 720).shape
(720, 1280, 3)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import MissingDependencyError, ModelNotFoundError, ParameterError


def resize(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bicubic resize (area averaging when shrinking); the frame as it is when the size already matches.

    Examples
    --------
    >>> resize(np.zeros((4, 4, 3), np.uint8), 8, 2).shape
    (2, 8, 3)
    """
    import cv2

    if frame.shape[:2] == (height, width):
        return frame
    grow = width * height > frame.shape[0] * frame.shape[1]
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_CUBIC if grow else cv2.INTER_AREA)


class LearnedUpscaler:
    """An ESRGAN-type super-resolution model (Real-ESRGAN, 4x-UltraSharp, ...) loaded with spandrel.

    Its fixed scale (2x, 4x) is followed by a resize to the exact size asked for.

    Parameters
    ----------
    path : str or Path
        A ``.pth`` or ``.safetensors`` file spandrel recognises.
    device : str, optional
        None: cuda, then mps, then cpu.

    Examples
    --------
    >>> up = LearnedUpscaler("models/RealESRGAN_x4plus.pth", device="cuda")  # doctest: +SKIP
    >>> up(frame, 3840, 2160).shape  # doctest: +SKIP
    (2160, 3840, 3)
    """

    def __init__(self, path, *, device: str | None = None):
        from ...devices import pick_device

        try:
            import spandrel
        except ImportError:
            raise MissingDependencyError("a learned upscaler needs spandrel; run `pip install spandrel`") from None
        path = Path(path).expanduser()
        if not path.is_file():
            raise ModelNotFoundError(f"upscaler weights not found: {path} (give an ESRGAN-type .pth or .safetensors "
                                     "file, e.g. RealESRGAN_x4plus.pth, or upscaler='resize')")
        self.name = path.name
        self.device = pick_device(device)
        self.model = spandrel.ModelLoader().load_from_file(str(path)).to(self.device).eval()

    def __call__(self, frame: np.ndarray, width: int, height: int) -> np.ndarray:
        import torch

        if frame.shape[:2] == (height, width):
            return frame
        with torch.inference_mode():
            pixels = torch.from_numpy(np.ascontiguousarray(frame)).to(self.device).permute(2, 0, 1)[None]
            out = self.model(pixels.float() / 255.0)[0].clamp(0, 1)
        big = np.rint(out.permute(1, 2, 0).cpu().numpy() * 255).astype(np.uint8)
        return resize(big, width, height)


def make_upscaler(spec, *, device: str | None = None):
    """The upscaler ``spec`` names: "resize", a weights file, or a callable as it is.

    Examples
    --------
    >>> make_upscaler("bilinear")
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: upscaler must be "resize", an ESRGAN-type .pth/.safetensors file or a callable, got 'bilinear'
    """
    if callable(spec):
        return spec
    if spec in (None, "resize"):
        return resize
    if isinstance(spec, (str, os.PathLike)) and Path(spec).suffix in (".pth", ".safetensors"):
        return LearnedUpscaler(spec, device=device)
    raise ParameterError(f'upscaler must be "resize", an ESRGAN-type .pth/.safetensors file or a callable, '
                         f"got {spec!r}")


def upscaler_name(spec) -> str:
    """How the report names an upscaler.

    Examples
    --------
    >>> upscaler_name("resize"), upscaler_name("models/4x.pth")
    ('resize', '4x.pth')
    """
    if spec in (None, "resize"):
        return "resize"
    if isinstance(spec, (str, os.PathLike)):
        return Path(spec).name
    return getattr(spec, "__name__", type(spec).__name__)
