"""The render's writer threads: frames to PNGs (a few at once), raw pixels to the encoder, the manifest after them.

Examples
--------
>>> FrameSink.put.__doc__
'Queue a frame (blocks while the queue is full).'
"""

from __future__ import annotations

import collections
import os
import queue
import threading
from pathlib import Path

import numpy as np

from . import manifest as mf
from .encode import VideoEncoder
from .images import save_png


class FrameSink:
    """Writes frames in the background: PNGs to the folder (a few at once), raw pixels to the encoder, the manifest.

    ``upscale(frame) -> frame`` brings a frame to the video's size on the way to the encoder;
    the PNGs keep the size the model painted at.

    The queue and the PNGs in flight are few, so memory stays flat; the
    threads overlap disk and encoding with the model's next frame (cv2
    releases the GIL while it encodes). The manifest of a diffused frame is
    written only when every PNG up to that frame is on disk.
    """

    def __init__(self, folder: Path, encoder: VideoEncoder, base_manifest: dict, *, png_threads: int | None = None,
                 upscale=None):
        from concurrent.futures import ThreadPoolExecutor

        self.folder, self.encoder, self.base = folder, encoder, base_manifest
        self.upscale = upscale
        self._queue = queue.Queue(maxsize=4)
        self._error = None
        self._threads = png_threads or min(4, os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="png")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        pending = collections.deque()
        while True:
            item = self._queue.get()
            if item is None:
                break
            index, frame, state, save = item
            try:
                if self._error is None:
                    if save:
                        pending.append(self._pool.submit(save_png, mf.frame_path(self.folder, index), frame))
                    self.encoder.write(frame if self.upscale is None else self.upscale(frame))
                    while pending and (state is not None or len(pending) > 2 * self._threads):
                        pending.popleft().result()
                    if state is not None:
                        mf.write_json_atomic(self.folder / mf.MANIFEST, {**self.base, **state})
            except Exception as error:  # reported to the render's thread at the next put or at close
                self._error = error
        for future in pending:
            if future.exception() is not None and self._error is None:
                self._error = future.exception()
        self._pool.shutdown()

    def put(self, index: int, frame: np.ndarray, state=None, *, save: bool = True) -> None:
        """Queue a frame (blocks while the queue is full)."""
        if self._error is not None:
            raise self._error
        self._queue.put((index, frame, state, save))

    def stop(self) -> None:
        """Stop after what is queued, without reporting errors (the render is failing already)."""
        self._queue.put(None)
        self._thread.join()

    def close(self) -> None:
        """Wait for every queued frame to be written."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
