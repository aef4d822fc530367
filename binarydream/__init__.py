"""binarydream: turn a song into an AI "dream" music video that listens to the music.

Examples
--------
>>> from binarydream import Song  # doctest: +SKIP
>>> song = Song("examples/dream_example.ogg", lyrics="examples/dream_example.lrc")  # doctest: +SKIP
>>> sched = song.plan(style="sad and tired cyberpunk, by greg rutkowski")  # doctest: +SKIP
>>> song.preview("preview.mp4", schedule=sched)  # doctest: +SKIP
"""

from .errors import (AudioError, BinaryDreamError, KeyframeError, LyricsError, MissingDependencyError,
                     ModelNotFoundError, RenderError, ScheduleError)
from .song import Song

__version__ = "0.1.0"


def __getattr__(name):
    # Schedule is imported on first use so that `import binarydream` stays light.
    if name == "Schedule":
        from .schedule import Schedule

        return Schedule
    raise AttributeError(f"module 'binarydream' has no attribute {name!r}")


__all__ = ["Song", "Schedule", "BinaryDreamError", "AudioError", "KeyframeError", "LyricsError",
           "MissingDependencyError", "ModelNotFoundError", "RenderError", "ScheduleError"]
