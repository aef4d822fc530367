"""Frame images in and out of a render: a user's init image read at the render's size, frame PNGs read and written.

Frames are temporary working files in the render folder, so they are written
fast (Huffman-only deflate) and atomically (a partial file renamed into place).

Examples
--------
>>> read_image(np.zeros((10, 20, 3), np.uint8), 8, 4).shape
(4, 8, 3)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import RenderError


def read_image(image, width: int, height: int) -> np.ndarray:
    """A user's image (path, PIL image or array) as uint8 RGB of the render's size.

    Examples
    --------
    >>> read_image(np.zeros((10, 20, 3), np.uint8), 8, 4).shape
    (4, 8, 3)
    """
    from PIL import Image

    if isinstance(image, (str, os.PathLike)):
        if not Path(image).is_file():
            raise RenderError(f"init image not found: {image} (give an existing image file)")
        try:
            image = Image.open(image)
            image.load()
        except (OSError, Image.DecompressionBombError) as error:
            raise RenderError(f"cannot read the init image {image}: {error} (give a PNG, JPEG or WebP)") from None
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, dtype=np.uint8))
    return np.asarray(image.convert("RGB").resize((width, height), Image.LANCZOS))


def load_png(path) -> np.ndarray:
    """A frame PNG as uint8 RGB."""
    import cv2

    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise RenderError(f"cannot read frame {path}; pass resume=False to start the render over")
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def save_png(path, frame: np.ndarray) -> None:
    """Write a frame PNG atomically (fast compression: frames are temporary working files)."""
    import cv2

    # Huffman-only deflate is lossless and about twice as fast as level 1 on photographic frames; the Paeth
    # filter alone gives the same size as trying every filter per row, in two thirds of the time.
    options = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY,
               cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_PAETH]
    ok, data = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), options)
    if not ok:
        raise RenderError(f"cannot encode frame {path} as PNG")
    save_png_bytes(path, data.tobytes())


def save_png_bytes(path, data: bytes) -> None:
    """Write a frame's PNG file, encoded already, atomically (no fsync: the manifest, written after, is the record)."""
    partial = Path(path).with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
