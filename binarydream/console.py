"""What the command line shows on the terminal besides its results: warnings, an interrupt, the slow stages.

Warnings print as ``warning: <message>``, one line each, instead of Python's
``file.py:146: UserWarning:`` and a line of source; Ctrl-C ends a command with
one line and exit code 130 (a render says that running it again resumes); a
standard output that cannot be written (``> /dev/full``) is one line on stderr.

Examples
--------
>>> import io, warnings
>>> out = io.StringIO()
>>> with warning_lines(out):
...     warnings.warn("the Deforum settings give no fps: 30 assumed")
>>> out.getvalue()
'warning: the Deforum settings give no fps: 30 assumed\\n'
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import warnings

from .errors import BinaryDreamError

INTERRUPTED = 130
"""Exit code after Ctrl-C: 128 + SIGINT, as shells report it."""

def warning_line(message) -> str:
    """One line for a warning: ``warning: `` and the first line of its message.

    Examples
    --------
    >>> warning_line(UserWarning("a key lies past the end\\n  0: (1)\\n  ^"))
    'warning: a key lies past the end'
    """
    text = str(message).strip()
    return f"warning: {text.splitlines()[0] if text else type(message).__name__}"


@contextlib.contextmanager
def warning_lines(stream=None):
    """While inside, every warning shown prints as :func:`warning_line` on ``stream`` (default stderr).

    Which warnings show is left to the warnings filters (each once per place, as Python does).
    """
    def show(message, category, filename, lineno, file=None, line=None):
        print(warning_line(message), file=stream if stream is not None else sys.stderr, flush=True)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


def interrupted_line(command: str, *, resumable: bool = False) -> str:
    """What Ctrl-C prints: one line, and for a run that resumes (a render) how to go on.

    Examples
    --------
    >>> interrupted_line("render", resumable=True)
    'binarydream render: interrupted: run the same command again to resume'
    >>> interrupted_line("plan")
    'binarydream plan: interrupted'
    """
    return f"binarydream {command}: interrupted" + (": run the same command again to resume" if resumable else "")


def stdout_failed(command: str, error: OSError) -> str:
    """The line for a standard output that cannot be written; it is then pointed at the null device.

    So that Python's own flush at exit does not fail again with a traceback
    (as the Python documentation advises for a closed pipe).
    """
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    reason = (error.strerror or str(error) or type(error).__name__).lower()
    return f"binarydream {command}: cannot write to standard output ({reason}); the files were written"


def error_line(error: BaseException) -> str:
    """What the command line prints for one of our errors or a common OS or text error: one line, what to do.

    Examples
    --------
    >>> import errno
    >>> error_line(OSError(errno.ENOSPC, "No space left on device", "out/video.frames/000001.png"))
    'no space left on device writing out/video.frames/000001.png: free some space, or write elsewhere with --out'
    >>> error_line(PermissionError(13, "Permission denied", "/music/out.yaml"))
    'permission denied: /music/out.yaml: choose a file you may write (--out), or change its permissions'
    """
    if isinstance(error, UnicodeDecodeError):
        return (f"a file is not text in a known encoding ({error.encoding} fails at byte {error.start}): "
                "save it as UTF-8")
    if isinstance(error, OSError) and not isinstance(error, BinaryDreamError):
        where = " -> ".join(str(name) for name in (error.filename, error.filename2) if name is not None)
        reason = (error.strerror or str(error) or type(error).__name__).lower()
        if error.errno == errno.ENOSPC:
            return f"no space left on device writing {where}: free some space, or write elsewhere with --out"
        if isinstance(error, PermissionError):
            return f"{reason}: {where}: choose a file you may write (--out), or change its permissions"
        return f"{reason}: {where}" if where else str(error)
    return str(error)
