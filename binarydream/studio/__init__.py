"""The studio: a local web page to see, hear and fix a song's analysis, lyrics and schedule.

``binarydream studio SONG`` or ``song.studio(schedule=sched)`` serves it on
127.0.0.1 with a random token in its URL. The server (:mod:`.server`) holds no
logic of its own: each route calls one method of :class:`~.session.Session`,
which calls the library (the keyframe evaluator, ``Schedule`` files,
:mod:`alignment`, the preview, Deforum export); :mod:`.payload` turns the
library's plain data into the page's JSON and back. The page itself is
``static/``.

Saving writes ``<song stem>.schedule.yaml`` (or the schedule file given), the
LRC with word tags (``<song stem>.lrc``, or the lyrics file given when it is an
LRC) and ``<song stem>.overrides.json`` (moved downbeats, renamed sections),
each atomically, the previous version kept as ``<file>.bak``. A ``Song`` reads
the overrides file beside it from then on (:mod:`binarydream.analysis.overrides`).

Examples
--------
>>> from binarydream import Song
>>> studio = Song("examples/dream_example.ogg").studio(open_browser=False, block=False)  # doctest: +SKIP
>>> studio.url  # doctest: +SKIP
'http://127.0.0.1:40213/?token=...'
>>> studio.stop()  # doctest: +SKIP
"""

from .server import Studio, start
from .session import Session

__all__ = ["Studio", "Session", "start"]
