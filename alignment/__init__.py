"""Lyrics for a song: transcribe them, align the words you have to the audio, or load timed ones.

Three entry points, plain data out (:class:`Lyrics` of :class:`Line` of :class:`Word`):

- :func:`align` finds when each written word is sung (the main path: artists
  have their lyrics). Lines and words stay exactly as written.
- :func:`transcribe` hears the lyrics when none are known.
- :func:`load` reads ``.lrc`` (enhanced word tags too) or ``.srt``.

Recognition runs Whisper through a backend (``"faster-whisper"`` by default,
``"whisperx"`` in its own environment); word starts are then moved onto the
vocal onsets heard in the audio (``snap_onsets=True``), since Whisper's own
word times run early. Known lyrics are force-aligned where the backend can
(faster-whisper: :mod:`alignment.placement` over :mod:`alignment.forced`): the
written words are the transcript, nothing is recognised. ``Song`` keeps aligned
lyrics in its cache (:mod:`alignment.cache`).

This module is the face only: :func:`transcribe` is in :mod:`alignment.transcription`,
:func:`align` in :mod:`alignment.aligner`, :func:`load` in :mod:`alignment.formats`
(:mod:`alignment.writing` writes LRC and SRT), the shared thresholds in
:mod:`alignment.thresholds`.

Examples
--------
>>> import alignment
>>> lyr = alignment.align("song.ogg", "line one\\nline two", model="path/to/whisper-base")  # doctest: +SKIP
>>> lyr.lines[0].words[0]  # doctest: +SKIP
Word(text='line', start=1.52, end=1.9, score=0.97)
>>> print(alignment.load("song.lrc").to_srt())  # doctest: +SKIP
"""

from __future__ import annotations

from .aligner import align
from .formats import load
from .lyrics import Line, Lyrics, Word
from .thresholds import FIRST_WORD, LINE_PAD, LOW_SCORE, STANZA_GAP, SUNG_SHARE, UNSUNG  # noqa: F401 (as before)
from .transcription import transcribe

__all__ = ["transcribe", "align", "load", "LOW_SCORE", "Lyrics", "Line", "Word"]
