"""Direction: the schedule a song suggests (prompt keyframes from the lyrics, camera curves from the music).

:func:`plan` builds a :class:`~binarydream.schedule.Schedule`; :func:`plot_timeline`
draws the song and the schedule on one timeline picture. ``PRESETS`` holds the
named sets of numbers behind a plan (calm, default, energetic).

Examples
--------
>>> from binarydream.direction import PRESETS, plan, plot_timeline
>>> sorted(PRESETS)
['calm', 'default', 'energetic']
>>> sched = plan(song.analysis, song.lyrics, style="sad and tired cyberpunk")  # doctest: +SKIP
>>> plot_timeline("timeline.png", song.analysis, audio_path=song.path, lyrics=song.lyrics,
...               schedule=sched)  # doctest: +SKIP
PosixPath('timeline.png')
"""

from .planner import plan
from .plot import plot_timeline
from .presets import PRESETS, Preset

__all__ = ["plan", "plot_timeline", "PRESETS", "Preset"]
