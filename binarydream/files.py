"""Writing files safely: atomically (temp file + rename), and never over a user's file unless asked.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
>>> write_text_atomic(path, "hello")
PosixPath('...notes.txt')
>>> write_text_atomic(path, "again")
Traceback (most recent call last):
...
FileExistsError: ...notes.txt exists; pass overwrite=True (--overwrite) to replace it, or choose another path
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"),
          (stat.S_ISSOCK, "a socket"))


def output_target(path) -> Path:
    """The file a write to ``path`` lands in: a symbolic link's target; refuses a device, pipe or socket there.

    Outputs are written beside their target and renamed over it, which would replace a link by a
    file and a device (``/dev/full``) or a named pipe by a regular file: the link is followed instead,
    and anything but a regular file (or nothing) is refused.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> os.symlink("real.txt", os.path.join(folder, "link.txt"))
    >>> output_target(os.path.join(folder, "link.txt")).name
    'real.txt'
    >>> os.mkfifo(os.path.join(folder, "pipe"))
    >>> output_target(os.path.join(folder, "pipe"))
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: cannot write to .../pipe: it is a named pipe, not a regular file; give a file path (--out)
    """
    from .errors import ParameterError

    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except OSError:
        return path  # nothing there yet (or a parent that is no folder, which the write reports)
    for test, kind in _KINDS:
        if test(mode):
            raise ParameterError(f"cannot write to {path}: it is {kind}, not a regular file; give a file path (--out)")
    return path


def check_writable(path, *, overwrite: bool = False) -> Path:
    """Refuse an existing ``path`` unless ``overwrite``, a folder, a device or a pipe always; create its parent
    folder. Returns the path to write: a symbolic link's target (:func:`output_target`).

    Examples
    --------
    >>> check_writable("/tmp/never-made-by-binarydream.txt").name
    'never-made-by-binarydream.txt'
    """
    from .checks import check_output_path

    path = output_target(check_output_path(path))
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it, or choose another path")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def temporary_sibling(path) -> Path:
    """A fresh temporary path in ``path``'s folder, with the same suffix, for an atomic replace.

    Examples
    --------
    >>> p = temporary_sibling("/tmp/video.mp4"); p.suffix, p.parent.name
    ('.mp4', 'tmp')
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    # mkstemp makes the file private (0600); the finished output gets the mode any new file would get.
    os.chmod(name, 0o666 & ~_umask())
    return Path(name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path, data: bytes, *, overwrite: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one, never half.

    ``durable``: on disk before it replaces the old file, so that also a crash of the machine leaves one
    or the other (False: a crash of the process only, for scratch files that do not outlive the machine).
    Through a symbolic link the link's target is written; a device or a pipe at ``path`` is refused.

    Examples
    --------
    >>> import tempfile, os
    >>> p = write_bytes_atomic(os.path.join(tempfile.mkdtemp(), "x.bin"), b"abc"); p.read_bytes()
    b'abc'
    """
    path = check_writable(path, overwrite=overwrite)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text_atomic(path, text: str, *, overwrite: bool = False, durable: bool = True) -> Path:
    """Write ``text`` (UTF-8) atomically; see :func:`write_bytes_atomic`.

    Examples
    --------
    >>> import tempfile, os
    >>> write_text_atomic(os.path.join(tempfile.mkdtemp(), "a.txt"), "hi").read_text()
    'hi'
    """
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite=overwrite, durable=durable)


def looks_local(model: str) -> bool:
    """Whether a model name is a local path rather than a hub id (``owner/name``, one slash).

    It is local when it exists, reads as a path (``/``, ``.``, ``~``, a backslash,
    more than one slash), or names a weights file.

    Examples
    --------
    >>> looks_local("stabilityai/sd-turbo"), looks_local("./models/sd-turbo"), looks_local("dream.safetensors")
    (False, True, True)
    """
    model = str(model)
    return (Path(model).expanduser().exists() or model.startswith(("/", ".", "~")) or "\\" in model
            or model.count("/") > 1 or model.endswith((".safetensors", ".ckpt", ".bin")))
