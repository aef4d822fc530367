"""Error types: one root, one type per family, each message a line that says what is wrong and what to do.

A :class:`KeyframeError` adds the offending text with a caret under the fault
below that first line.

Examples
--------
>>> from binarydream.errors import AudioError, BinaryDreamError
>>> issubclass(AudioError, BinaryDreamError)
True
"""


class BinaryDreamError(Exception):
    """Root of every error binarydream raises on purpose."""


class ParameterError(BinaryDreamError, ValueError):
    """An argument is out of range or of the wrong type; the message names it and what it may be."""


class AudioError(BinaryDreamError, ValueError):
    """The audio cannot be read or is unusable (missing, not audio, truncated, too short)."""


class KeyframeError(BinaryDreamError, ValueError):
    """A keyframe string or curve value is malformed; the message shows where."""


class ScheduleError(BinaryDreamError, ValueError):
    """A schedule value is out of range or of the wrong shape, or a schedule file is malformed."""


class LyricsError(BinaryDreamError, ValueError):
    """Lyrics text or a timed-lyrics file (.lrc, .srt) cannot be used."""


class ModelNotFoundError(BinaryDreamError, FileNotFoundError):
    """A model's weights are not on this machine and cannot be fetched; the message says how to get them."""


class RenderError(BinaryDreamError, RuntimeError):
    """A render cannot start or continue (an existing output, a manifest that does not match)."""


class MissingDependencyError(BinaryDreamError, ImportError):
    """An optional dependency is not installed; the message gives the install command."""
