"""One run at a time per output: a lock on a video's path and its frames folder, held while it is made.

Two runs into one path (a notebook cell run twice, two terminals) would write
the same frames folder and race to the same video. The second run finds the
lock taken and stops at once with one line, before loading anything. The lock
is an OS file lock (``flock``; ``msvcrt.locking`` on Windows) on a hidden file
beside the frames folder, so a run killed with ``kill -9`` leaves no stale lock.

Examples
--------
>>> import tempfile, os, threading
>>> out = os.path.join(tempfile.mkdtemp(), "video.mp4")
>>> refused = []
>>> def second_run():
...     try:
...         with output_lock(out):
...             pass
...     except RenderError as error:
...         refused.append(str(error))
>>> with output_lock(out):
...     worker = threading.Thread(target=second_run)
...     worker.start()
...     worker.join()
>>> refused[0].split(": ")[0].endswith("video.mp4 is already rendering in another run (it holds .video.frames.lock)")
True
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from pathlib import Path

from ...errors import RenderError
from .manifest import frames_folder

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


def lock_path(out) -> Path:
    """The lock file of video ``out``: beside its frames folder, so two outputs sharing one share the lock.

    Examples
    --------
    >>> lock_path("out/video.mp4").as_posix()
    'out/.video.frames.lock'
    """
    folder = frames_folder(out)
    return folder.with_name(f".{folder.name}.lock")


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


_held: dict[Path, int] = {}
"""Locks this process holds, by lock file, with the thread holding each: a holder may take its lock again."""


@contextlib.contextmanager
def output_lock(out):
    """Hold the lock of video ``out`` for the ``with`` block; :class:`RenderError` at once if another run holds it.

    The thread holding it may enter again (the command line holds it from before the analysis, the render
    inside takes it too); another thread or process may not.
    """
    path = lock_path(out).absolute()
    if _held.get(path) == threading.get_ident():
        yield path
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise RenderError(f"{out} is already rendering in another run (it holds {path.name}): wait for it to "
                              "finish, or choose another output path")
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file as we opened it: lock the new one
    _held[path] = threading.get_ident()
    try:
        yield path
    finally:
        del _held[path]
        with contextlib.suppress(OSError):  # Windows cannot remove a file held open; the next run reuses it
            path.unlink()
        os.close(fd)


def locks_output(function):
    """Decorate a function whose first argument is a video path so that it runs holding :func:`output_lock`."""
    @functools.wraps(function)
    def locked(out, *args, **kwargs):
        with output_lock(out):
            return function(out, *args, **kwargs)

    return locked
