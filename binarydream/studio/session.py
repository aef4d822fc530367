"""One studio session: a song, its lyrics and schedule as last saved, and the files they are saved to.

Each method is what one API route does, in library calls: the curve through
``Schedule.__setitem__`` (the keyframe evaluator), the save through
``Schedule.from_dict``/``schedule_file.save``, ``Lyrics.to_lrc`` and
:mod:`binarydream.analysis.overrides`, the line through :func:`alignment.align`,
the animatic through :func:`binarydream.render.preview`, Deforum through
``Schedule.to_deforum``. Every write is atomic and keeps the file it replaces as
``<file>.bak``.

Examples
--------
>>> from binarydream import Song
>>> session = Session(Song("examples/dream_example.ogg", lyrics="examples/dream_example.lrc"))  # doctest: +SKIP
>>> session.curve("zoom", "0: (1 + 0.03*bass)")["values"][:2]  # doctest: +SKIP
[1.0012, 1.0009]
"""

from __future__ import annotations

import copy
import errno
import json
import math
import numbers
import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

from ..errors import ParameterError
from ..files import check_writable, write_bytes_atomic, write_text_atomic
from . import payload

PEAK_RATE = 8000
"""Sample rate (Hz) the waveform's peaks are taken at: enough for a picture, quick to decode."""
PEAKS_PER_SECOND = 100
MAX_PREVIEW = 60.0
"""Longest preview range, in seconds."""
PREVIEW_SIZE = (384, 216)
"""Width and height of the page's animatic."""


def write_keeping_backup(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically; an existing file is first copied to ``<path>.bak`` (atomically too).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.lrc"
    >>> _ = write_keeping_backup(p, "one"); _ = write_keeping_backup(p, "two")
    >>> p.read_text(), p.with_name("a.lrc.bak").read_text()
    ('two', 'one')
    """
    path = Path(path)
    if path.exists():
        write_bytes_atomic(path.with_name(path.name + ".bak"), path.read_bytes(), overwrite=True)
    return write_text_atomic(path, text, overwrite=True)


def _range(start, end, duration: float) -> tuple[float, float]:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ParameterError(f"{name} must be seconds, got {value!r:.40}")
    start, end = max(0.0, float(start)), min(float(end), duration)
    if end <= start:
        raise ParameterError(f"the range {start:g}-{end:g} s is empty: end must come after start, inside the song "
                             f"({duration:.2f} s)")
    return start, end


class Session:
    """What the studio shows and saves for one song.

    Parameters
    ----------
    song : binarydream.Song
        The song; its analysis (with its overrides) and lyrics are what the page shows first.
    schedule : Schedule or None
        The schedule to edit; None: the one at ``schedule_path`` when that file exists, else ``song.plan()``.
    schedule_path, lrc_path : str, Path or None
        Where the schedule and the lyrics are saved (default ``<song stem>.schedule.yaml`` and
        ``<song stem>.lrc`` beside the song).
    lyrics : alignment.Lyrics or None
        Lyrics to show instead of ``song.lyrics``.
    lyrics_model, language : str or None
        For re-aligning a line (:func:`alignment.align`'s ``model`` and ``language``); None: the song's own.

    Examples
    --------
    >>> session = Session(song, schedule_path="out/song.schedule.yaml")  # doctest: +SKIP
    >>> session.files["schedule"]  # doctest: +SKIP
    'out/song.schedule.yaml'
    """

    def __init__(self, song, schedule=None, *, schedule_path=None, lrc_path=None, lyrics=None, lyrics_model=None,
                 language=None):
        import alignment

        from ..analysis.overrides import overrides_path
        from ..audio import load_audio
        from ..schedule import Schedule

        self.song = song
        stem = song.path.with_name(song.path.stem)
        self.schedule_path = Path(schedule_path) if schedule_path else Path(f"{stem}.schedule.yaml")
        self.lrc_path = Path(lrc_path) if lrc_path else Path(f"{stem}.lrc")
        self.overrides_path = overrides_path(song.path)
        self.lyrics = lyrics if lyrics is not None else song.lyrics
        self.low_score = alignment.LOW_SCORE
        heard_with = song.alignment_options  # a line is aligned again with the song's own model unless told
        self._align_options = {"model": lyrics_model or heard_with["model"],
                               "language": language or heard_with["language"]}
        if schedule is None:
            schedule = Schedule.load(self.schedule_path, song=song) if self.schedule_path.is_file() else song.plan()
        self.schedule = schedule if schedule.bound else schedule.bind(song.analysis, self.lyrics)
        self._peaks = payload.waveform_peaks(load_audio(song.path, sr=PEAK_RATE)[0], PEAK_RATE, PEAKS_PER_SECOND)
        self._lock = threading.Lock()
        self._state = None
        self._speech = None
        self._folder = Path(tempfile.mkdtemp(prefix="binarydream-studio-"))
        self.previews: dict[str, Path] = {}

    @property
    def files(self) -> dict:
        """Where the schedule, the lyrics and the analysis overrides are saved.

        Examples
        --------
        >>> sorted(session.files)  # doctest: +SKIP
        ['lrc', 'overrides', 'schedule']
        """
        return {"schedule": str(self.schedule_path), "lrc": str(self.lrc_path),
                "overrides": str(self.overrides_path)}

    def state_bytes(self) -> bytes:
        """The page's whole state as JSON bytes (see the studio contract), made once per save.

        Examples
        --------
        >>> session.state_bytes()[:9]  # doctest: +SKIP
        b'{"song":{'
        """
        from ..analysis.overrides import find_overrides, overrides_data
        from ..keyframes.signals import SIGNAL_NAMES

        with self._lock:
            if self._state is None:
                song, schedule = self.song, self.schedule
                state = {"song": {"name": song.path.name, "path": str(song.path), "duration": float(song.duration),
                                  "fps": float(song.fps), "n_frames": song.n_frames},
                         "analysis": payload.analysis_json(song.analysis),
                         "waveform": self._peaks,
                         "lyrics": payload.lyrics_json(self.lyrics, self.low_score),
                         "low_confidence": self.low_score,
                         "schedule": payload.schedule_json(schedule),
                         "curves": payload.curves_json(schedule),
                         "signals": list(SIGNAL_NAMES),
                         "overrides": overrides_data(find_overrides(song.path, song.overrides)),
                         "files": self.files}
                self._state = json.dumps(state, separators=(",", ":")).encode()
            return self._state

    def state(self) -> dict:
        """:meth:`state_bytes` as data.

        Examples
        --------
        >>> session.state()["song"]["fps"]  # doctest: +SKIP
        30.0
        """
        return json.loads(self.state_bytes())

    def curve(self, name, source) -> dict:
        """Curve ``name``'s values from keyframe string ``source``, on a copy of the schedule (nothing changes).

        Returns ``{"values": [...], "curves": {every curve that changed with it: values}}``.
        Raises :class:`~binarydream.errors.ParameterError` for an unknown curve and the evaluator's
        :class:`~binarydream.errors.KeyframeError` or :class:`~binarydream.errors.ScheduleError` for a bad string.

        Examples
        --------
        >>> sorted(session.curve("energy", "0: (1)")["curves"])  # doctest: +SKIP
        ['energy', 'pace', 'steady', 'strength', 'translation_x', 'zoom', ...]
        """
        schedule = self.schedule
        if not isinstance(name, str) or name not in schedule.curve_names:
            raise ParameterError(f"no curve {name!r:.40} in this schedule; its curves are "
                                 f"{', '.join(schedule.curve_names)}")
        if not isinstance(source, str):
            raise ParameterError(f"source must be a keyframe string, got {source!r:.40}")
        trial = copy.deepcopy(schedule)
        trial[name] = source
        changed = payload.values_json({other: trial[other] for other in trial.curve_names
                                       if other == name or not _same(trial[other], schedule[other])})
        return {"values": changed[name], "curves": changed}

    def edited_schedule(self, data):
        """The session's schedule with the page's prompts and curves (:func:`payload.schedule_from_json`), bound.

        Examples
        --------
        >>> session.edited_schedule({"curves": {"zoom": "0: (1.01)"}})["zoom"][0]  # doctest: +SKIP
        1.01
        """
        return payload.schedule_from_json(data, self.schedule, song=_Bound(self.song.analysis, self.lyrics))

    def save(self, body) -> dict:
        """Write the schedule, the LRC (word tags) and the overrides the page sent; returns ``{"written": [...]}``.

        Everything is checked before anything is written; each file keeps its previous version as ``.bak``.

        Examples
        --------
        >>> session.save({"schedule": {"curves": {"zoom": "0: (1.01)"}},
        ...               "overrides": {"section_labels": {"0": "intro"}}})  # doctest: +SKIP
        {'written': ['song.schedule.yaml', 'song.overrides.json']}
        """
        from ..analysis.overrides import overrides_from_data, overrides_json
        from ..schedule_file import load as load_document, save as save_schedule

        if not isinstance(body, dict):
            raise ParameterError("the body must be an object with schedule, lyrics and overrides")
        new_lyrics = body.get("lyrics") is not None
        lyrics = payload.lyrics_from_json(body["lyrics"], previous=self.lyrics) if new_lyrics else self.lyrics
        overrides = None if body.get("overrides") is None else overrides_from_data(body["overrides"])
        targets = [self.schedule_path] + [self.lrc_path] * new_lyrics + [self.overrides_path] * (overrides is not None)
        for path in targets:  # a folder that cannot be written fails the save before any file changes
            check_writable(path, overwrite=True)
            if not os.access(path.parent, os.W_OK):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
        with self._lock:
            previous = self.song.overrides
            if overrides is not None:
                self.song.use_overrides(overrides)
            try:
                schedule = payload.schedule_from_json(body.get("schedule") or {}, self.schedule,
                                                      song=_Bound(self.song.analysis, lyrics))
            except BaseException:
                if overrides is not None:
                    self.song.use_overrides(previous)
                raise
            document = load_document(self.schedule_path) if self.schedule_path.is_file() else None
            if self.schedule_path.is_file():
                write_bytes_atomic(self.schedule_path.with_name(self.schedule_path.name + ".bak"),
                                   self.schedule_path.read_bytes(), overwrite=True)
            written = [save_schedule(self.schedule_path, schedule.to_dict(), document, overwrite=True)]
            if new_lyrics and lyrics is not None:
                written.append(write_keeping_backup(self.lrc_path, lyrics.to_lrc()))
            if overrides is not None:
                written.append(write_keeping_backup(self.overrides_path, overrides_json(overrides) + "\n"))
            self.schedule, self.lyrics, self._state = schedule, lyrics, None
        return {"written": [str(path) for path in written]}

    def realign(self, index, start, end) -> dict:
        """Line ``index`` aligned again, its own text, inside ``[start, end]`` seconds of the audio.

        Uses :func:`alignment.align` with the song's Whisper model; returns ``{"line": ...}`` (not saved).

        Examples
        --------
        >>> session.realign(0, 0.5, 5.5)["line"]["start"]  # doctest: +SKIP
        1.52
        """
        import alignment
        from alignment.backends import SAMPLE_RATE

        from ..audio import load_audio

        lines = self.lyrics.lines if self.lyrics is not None else []
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(lines):
            raise ParameterError(f"index must be a lyric line number from 0 to {len(lines) - 1}, got {index!r:.20}")
        start, end = _range(start, end, self.song.duration)
        if self._speech is None:
            self._speech = load_audio(self.song.path, sr=SAMPLE_RATE)[0]
        clip = self._speech[int(start * SAMPLE_RATE):int(math.ceil(end * SAMPLE_RATE))]
        line = lines[index]
        found = alignment.align(clip, line.text, **self._align_options).lines[0]
        words = tuple(alignment.Word(w.text, round(w.start + start, 3), round(w.end + start, 3), w.score)
                      for w in found.words)
        placed = alignment.Line(line.text, words[0].start, words[-1].end, words, line.stanza, found.score)
        return {"line": payload.line_json(placed, self.low_score)}

    def preview(self, start, end, schedule_data=None) -> dict:
        """The animatic of ``[start, end]`` seconds (at most :data:`MAX_PREVIEW`) with the page's schedule.

        Examples
        --------
        >>> session.preview(10.0, 12.0)["url"]  # doctest: +SKIP
        '/api/preview/3f2a9c0e1b7d4a56.mp4'
        """
        from ..render import preview

        start, end = _range(start, end, self.song.duration)
        if end - start > MAX_PREVIEW:
            raise ParameterError(f"a preview range is at most {MAX_PREVIEW:g} s, got {end - start:.1f} s: "
                                 "choose a shorter one")
        schedule = self.edited_schedule(schedule_data) if schedule_data else self.schedule
        key = secrets.token_hex(8)
        out = self._folder / f"{key}.mp4"
        preview(out, schedule, audio_path=self.song.path, analysis=self.song.analysis, lyrics=self.lyrics,
                width=PREVIEW_SIZE[0], height=PREVIEW_SIZE[1], start=start, end=end)
        self.previews[key] = out
        return {"url": f"/api/preview/{key}.mp4", "start": start, "end": end}

    def export_deforum(self, schedule_data=None) -> dict:
        """Deforum settings JSON of the page's schedule beside the schedule file (``<name>.deforum.json``).

        Examples
        --------
        >>> session.export_deforum()  # doctest: +SKIP
        {'written': 'song.schedule.deforum.json'}
        """
        schedule = self.edited_schedule(schedule_data) if schedule_data else self.schedule
        name = self.schedule_path.name.rsplit(".", 1)[0] + ".deforum.json"
        out = write_keeping_backup(self.schedule_path.with_name(name),
                                   json.dumps(schedule.to_deforum(), indent=1, ensure_ascii=False) + "\n")
        return {"written": str(out)}

    def close(self) -> None:
        """Delete the previews made in this session.

        Examples
        --------
        >>> session.close()  # doctest: +SKIP
        """
        shutil.rmtree(self._folder, ignore_errors=True)


def _same(a, b) -> bool:
    import numpy as np

    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


class _Bound:
    """What ``Schedule.from_dict(song=...)`` reads of a song: its analysis and lyrics (the session's own)."""

    def __init__(self, analysis, lyrics):
        self.analysis, self.lyrics = analysis, lyrics

