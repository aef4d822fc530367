"""``Schedule``: prompt keyframes and per-frame curves for a video, and the file a person edits.

A curve is set from a keyframe string (see :func:`binarydream.keyframes.parse`),
a number, an array of one value per frame, or a function of time in seconds. The
schedule keeps what it was given, so a hand-written string is saved as that
string and read back unchanged; arrays are saved value by value and read back
bit for bit. Strings may read the song's signals (``bass``, ``beat``,
``pulse(beat, 0.25)``, ``is_section("B")``: see :mod:`binarydream.keyframes.signals`)
once the schedule is bound to its song, and any other curve by its name (the
seed also as ``s``); a curve follows the curves it reads when they change.

Examples
--------
>>> from binarydream import Schedule
>>> sched = Schedule(90, fps=30, prompts={0: "a lighthouse:2", "2s": ["a storm", "blurry:-1"]})
>>> sched["zoom"] = "0: (1.0), 1s: (1.05)"
>>> round(float(sched["zoom"][15]), 4), float(sched["strength"][0])
(1.025, 0.65)
>>> sched.negative_prompts
{60: [('blurry', 1.0)]}
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import deforum, schedule_file, timebase
from .curves import CURVES, DEFAULTS, check_curve, check_curve_name, dependency_order, readers_of, reads
from .errors import ScheduleError
from .keyframes import parse
from .keyframes.prompts import mix_prompts
from .keyframes.signals import SIGNAL_NAMES, song_signals
from .schedule_keys import (RENDER_OPTIONS, check_mappings, check_numbers, frame_of, keyed_prompts, keyed_sections,
                            plain_number, render_options, warn_late_keys)

__all__ = ["Schedule", "CURVES", "DEFAULTS", "RENDER_OPTIONS", "check_curve", "check_curve_name"]

class Schedule:
    """Prompt keyframes and named per-frame curves for ``n_frames`` video frames.

    Parameters
    ----------
    n_frames : int
        Number of video frames.
    fps : float
        Frame rate; frame ``i`` shows time ``i / fps``.
    prompts : dict or None
        ``{key: prompts}``: key a frame or a str key (``"2.5s"``, ``"16b"``), kept as
        written in the file; prompts a str (Disco ``"text:weight"``, Deforum
        ``"... --neg ..."``), a ``(text, weight)`` pair or a list of those.
        Negative weights become negative prompts.
    curves : dict or None
        ``{name: str | number | array | callable(t_seconds)}``, as ``sched[name] = ...``.
    bpm : float or None
        Tempo, for beat keys and the name ``bpm`` in expressions.
    beats : array of float or None
        Tracked beat times in seconds, for beat keys.
    sections : list of (key, label) or None
        Section markers, key a frame or a str key.
    blend_frames : int
        Each prompt keyframe fades in over this many frames from its frame.
    negative_prompts : dict or None
        Like ``prompts``, weights not negative.
    signals : binarydream.keyframes.signals.Signals or None
        The song's signals for curve strings (see :meth:`bind`).
    render : dict or None
        Render settings from :data:`RENDER_OPTIONS` (a Deforum project's cadence, seed, ...).

    Examples
    --------
    >>> sched = Schedule(4, curves={"angle": [0.0, 1.0, 2.0, 3.0]})
    >>> sched["angle"].tolist(), sched["seed"].tolist()
    ([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0])
    """

    def __init__(self, n_frames, fps=30, *, prompts=None, curves=None, bpm=None, beats=None, sections=None,
                 blend_frames=0, negative_prompts=None, signals=None, render=None):
        n_frames, fps, bpm, blend_frames, beats = check_numbers(n_frames, fps, bpm, blend_frames, beats)
        self.n_frames, self.fps, self.bpm, self.blend_frames, self.beats = n_frames, fps, bpm, blend_frames, beats
        self.render_options = render_options(render or {})
        check_mappings(prompts=prompts, negative_prompts=negative_prompts, curves=curves)
        self._section_keys, self.sections = keyed_sections(sections, self._frame)
        self.prompts, self.negative_prompts, self._prompt_keys = keyed_prompts(prompts, negative_prompts, self._frame)
        warn_late_keys(n_frames, self._section_keys, self._prompt_keys, stacklevel=2)
        self._song_signals, self._with_prompts = signals, None
        self._sources, self._values, self._pending, self._planned = {}, {}, {}, {}
        for name, value in (curves or {}).items():
            self[name] = value

    def _frame(self, key, what):
        return frame_of(key, self.n_frames, self.fps, self.bpm, self.beats, what)

    # The song ---------------------------------------------------------------

    def bind(self, analysis, lyrics=None) -> "Schedule":
        """Bind the song's signals (envelopes, beats, sections, words) so that curve strings can read them.

        Curves that read them are evaluated again. Returns the schedule itself.

        Parameters
        ----------
        analysis : binarydream.analysis.Analysis
            Of the same number of frames.
        lyrics : alignment.Lyrics or None
            For ``word``, ``line``, ``sung``.

        Examples
        --------
        >>> import numpy as np
        >>> from binarydream.analysis import Analysis, Section
        >>> a = Analysis(1.0, 4, 120.0, np.array([0.0, 0.5]), np.array([0.0]), 4, [Section(0.0, 1.0, "A")],
        ...              {"bass": np.array([0, 0.5, 1, 1], np.float32)})
        >>> Schedule(4, fps=4).bind(a, None).__setitem__("zoom", "0: (1 + 0.1*bass)")
        """
        if analysis.n_frames != self.n_frames:
            raise ScheduleError(f"the schedule has {self.n_frames} frames at {self.fps:g} fps but the song "
                                f"{analysis.n_frames} at {analysis.fps:g} fps; plan the schedule from this song")
        lines = lyrics.lines if lyrics is not None else []
        words = [(w.start, w.end) for line in lines for w in line.words]
        self._song_signals = song_signals(
            self.n_frames, self.fps, envelopes=analysis.envelopes, beats=analysis.beats,
            downbeats=analysis.downbeats, sections=[(s.start, s.label, s.group) for s in analysis.sections],
            words=sorted(words), lines=sorted(line.start for line in lines if line.text.strip()),
            stems=getattr(analysis, "stems", None))
        self._with_prompts = None
        if self.beats is None and len(analysis.beats):
            self.beats = np.asarray(analysis.beats, dtype=np.float64)
        sources = {name: source for name, source in self._sources.items() if isinstance(source, str)}
        self._pending = {}
        for name in dependency_order(sources):
            self._store(name, sources[name])
        return self

    @property
    def bound(self) -> bool:
        """Whether the song's signals are bound (:meth:`bind`).

        Examples
        --------
        >>> Schedule(2).bound
        False
        """
        return self._song_signals is not None

    def _signals(self):
        """The song's signals and the prompt keyframes' (which do not change once the schedule is made)."""
        if self._song_signals is None:
            return None
        if self._with_prompts is None:
            self._with_prompts = self._song_signals.with_prompts(self.prompts)
        return self._with_prompts

    # Curves -----------------------------------------------------------------

    @property
    def curve_names(self) -> list[str]:
        """The standard curves, then the user curves in the order they were set.

        Examples
        --------
        >>> Schedule(2, curves={"blur": 0.5}).curve_names[-2:]
        ['seed', 'blur']
        """
        return list(CURVES) + [name for name in self._sources if name not in CURVES]

    def __contains__(self, name) -> bool:
        return name in CURVES or name in self._sources

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._pending:
            raise ScheduleError(self._pending[name])
        if name in self._values:
            return self._values[name].copy()
        if name == "seed":
            return np.arange(self.n_frames, dtype=np.float64)
        if name in CURVES:
            return np.full(self.n_frames, DEFAULTS.get(name, 0.0))
        raise KeyError(f"no curve {name!r}: set it first, or use one of {', '.join(self.curve_names)}")

    def __setitem__(self, name: str, value) -> None:
        check_curve_name(name, self._sources)
        value = plain_number(value)
        if isinstance(value, str):
            source = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            source = float(value)
        elif callable(value):
            source = check_curve(name, np.broadcast_to(
                value(timebase.frame_times(self.n_frames, self.fps)), (self.n_frames,)), self.n_frames)
        else:
            source = check_curve(name, value, self.n_frames)
        read = reads(source) & set(self.curve_names)
        loop = sorted(read & (readers_of(self._sources, name) | {name}))
        if loop:
            raise ScheduleError(f"{name} would read itself (through {', '.join(loop)}): a curve may read only "
                                "curves that do not read it")
        self._store(name, source)
        self._refresh({name})

    def _store(self, name, source):
        blocked = sorted(other for other in reads(source) if other in self._pending)
        if blocked:
            self._pending[name] = self._pending[blocked[0]]
        else:
            self._values[name] = self._evaluate(name, source)
            self._pending.pop(name, None)
        self._sources[name] = source

    def __delitem__(self, name: str) -> None:
        """Forget a curve: a standard one goes back to its default, a user one goes away."""
        readers = sorted(readers_of(self._sources, name))
        if name not in CURVES and readers:
            raise ScheduleError(f"{', '.join(readers)} read(s) {name}: change them first")
        del self._sources[name]
        self._values.pop(name, None)
        self._pending.pop(name, None)
        self._refresh({name})

    def _refresh(self, changed: set) -> None:
        """Evaluate again every curve that reads one of ``changed``, in dependency order."""
        readers = set().union(*(readers_of(self._sources, name) for name in changed)) - changed
        if readers:
            sources = {name: self._sources[name] for name in readers}
            for name in dependency_order(sources):
                self._store(name, sources[name])

    def _evaluate(self, name, source):
        if isinstance(source, np.ndarray):
            return source
        read = reads(source)
        variables = {other: self._values[other] if other in self._values else self[other]
                     for other in read & set(self.curve_names) - {name}}
        if name != "seed" and "s" in read:
            variables["s"] = variables.get("seed", self["seed"])
        values = parse(source, self.n_frames, self.fps, bpm=self.bpm, beats=self.beats, variables=variables,
                       signals=self._signals())
        try:
            return check_curve(name, values, self.n_frames)
        except ScheduleError as error:
            raise ScheduleError(f"{error} (from {source!r})") from None

    def mark_planned(self) -> None:
        """Remember every curve's source as planned: a curve set differently afterwards counts as by hand.

        Examples
        --------
        >>> sched = Schedule(3, curves={"zoom": 1.01, "angle": 0.5})
        >>> sched.mark_planned(); sched["zoom"] = "0: (1.02)"
        >>> sched.hand_curves
        ['zoom']
        """
        self._planned = {name: source for name, source in self._sources.items() if isinstance(source, str | float)}

    @property
    def hand_curves(self) -> list[str]:
        """Curves set by hand since :meth:`mark_planned` (none when it was never called, as after a load).

        Examples
        --------
        >>> sched = Schedule(3, curves={"zoom": 1.01})
        >>> sched.hand_curves, sched.mark_planned(), sched.__setitem__("angle", 1.0), sched.hand_curves
        ([], None, None, ['angle'])
        """
        if not self._planned:
            return []
        return [name for name, source in self._sources.items()
                if not (isinstance(source, str | float) and self._planned.get(name) == source)]

    def curve_source(self, name: str):
        """What curve ``name`` was set from: a keyframe str, a number, an array, or None when unset.

        Examples
        --------
        >>> sched = Schedule(3)
        >>> sched["zoom"] = "0: (1.0), 2: (1.1)"
        >>> sched.curve_source("zoom"), sched.curve_source("angle")
        ('0: (1.0), 2: (1.1)', None)
        """
        source = self._sources.get(name)
        return source.copy() if isinstance(source, np.ndarray) else source

    # Prompts ----------------------------------------------------------------

    def prompt_mix(self, frame: int) -> list[tuple[str, float]]:
        """Prompts active at ``frame`` with their weights, fading between keyframes over ``blend_frames``.

        Examples
        --------
        >>> sched = Schedule(20, prompts={0: "a cat", 10: "a dog"}, blend_frames=3)
        >>> sched.prompt_mix(5), sched.prompt_mix(11)
        ([('a cat', 1.0)], [('a dog', 0.5), ('a cat', 0.5)])
        """
        return mix_prompts(self.prompts, frame, self.blend_frames)

    def negative_prompt_mix(self, frame: int) -> list[tuple[str, float]]:
        """Negative prompts active at ``frame``, blended like :meth:`prompt_mix`; none before the first.

        Examples
        --------
        >>> Schedule(5, prompts={0: "a cat --neg blurry"}).negative_prompt_mix(3)
        [('blurry', 1.0)]
        """
        return mix_prompts(self.negative_prompts, frame, self.blend_frames, hold_first=False)

    # Files --------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain data (str, float, int, lists, dicts) that :meth:`from_dict` reads back to an equal schedule.

        Prompt and section keys are written as they were given (``16b``, ``2.5s``,
        frames); a prompt is ``"text"`` or ``"text:weight"``.

        Examples
        --------
        >>> Schedule(2, curves={"zoom": "0:(1), 1:(1.1)"}).to_dict()["curves"]
        {'zoom': '0:(1), 1:(1.1)'}
        >>> Schedule(90, prompts={"2s": [("a cat", 2.0)]}).to_dict()["prompts"]
        {'2s': ['a cat:2']}
        """
        def keyframes(prompts, written):
            return {written[frame]: schedule_file.prompt_texts(prompts[frame]) for frame in sorted(prompts)}

        data = {schedule_file.FORMAT: 1, "n_frames": self.n_frames, "fps": self.fps, "bpm": self.bpm}
        if self.beats is not None and not self.bound:
            data["beats"] = self.beats.tolist()
        data.update(blend_frames=self.blend_frames,
                    sections=[[self._section_keys[frame][0], label] for frame, label in self.sections],
                    prompts=keyframes(self.prompts, self._prompt_keys[0]))
        if self.negative_prompts:
            data["negative_prompts"] = keyframes(self.negative_prompts, self._prompt_keys[1])
        if self.render_options:
            data["render"] = dict(self.render_options)
        data["curves"] = {name: source.tolist() if isinstance(source, np.ndarray) else source
                          for name, source in self._sources.items()}
        return data

    @classmethod
    def from_dict(cls, data, song=None) -> "Schedule":
        """A schedule from :meth:`to_dict`'s plain data (prompt keys may be str, as JSON writes them).

        ``song`` (anything with ``analysis`` and ``lyrics``) binds its signals;
        without it, curves that read them wait for :meth:`bind`.

        Examples
        --------
        >>> Schedule.from_dict({"n_frames": 3, "prompts": {"0": [["a cat", 2.0]]}}).prompts
        {0: [('a cat', 2.0)]}
        """
        fields = schedule_file.read_fields(data)
        curves = fields.pop("curves")
        sched = cls(**fields)
        if song is not None:
            sched.bind(song.analysis, song.lyrics)
        sched._defer_unbound(curves)
        return sched

    def _defer_unbound(self, curves: dict) -> None:
        """Set ``curves`` in dependency order; those reading the song's signals wait for :meth:`bind` when unbound."""
        for name in curves:
            check_curve_name(name, curves)
        song_names = set(SIGNAL_NAMES) - {"prompt"} | {"pulse", "is_section", "stem"}
        for name in dependency_order(curves):
            source = curves[name]
            used = sorted(reads(source) & song_names)
            if used and not self.bound and isinstance(source, str):
                self._sources[name] = source
                self._pending[name] = (f"{name} reads the song's signals ({', '.join(used)}): load the schedule "
                                       "with its song, Schedule.load(path, song=song), or sched.bind(song.analysis, "
                                       "song.lyrics)")
            else:
                self[name] = source

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write the schedule to ``path`` (.yaml, .yml or .json) atomically; refuse to replace a file unless asked.

        Keyframe strings are written as they were given; arrays as every value,
        which read back bit for bit. A schedule read from YAML keeps its comments.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> path = Schedule(3, prompts={0: "a cat"}).save(folder / "schedule.yaml")
        >>> Schedule.load(path).prompts
        {0: [('a cat', 1.0)]}
        """
        return schedule_file.save(path, self.to_dict(), getattr(self, "_document", None), overwrite=overwrite)

    @classmethod
    def load(cls, path, song=None) -> "Schedule":
        """Read a schedule written by :meth:`save` (or by hand) from .yaml, .yml or .json.

        ``song`` (a :class:`~binarydream.Song`) binds its signals for the curves that read them.

        Examples
        --------
        >>> sched = Schedule.load("schedule.yaml", song=song)  # doctest: +SKIP
        """
        document = schedule_file.load(path)
        sched = cls.from_dict(document, song=song)
        sched._document = document
        return sched

    def to_deforum(self, path=None, *, depth: bool = False, overwrite: bool = False):
        """Deforum settings: prompts by frame, every standard curve as a compact keyframe string, render settings.

        With ``path``, written there as Deforum's JSON settings file (atomically; an existing
        file only with ``overwrite``), and the path returned. ``depth``: the render has a depth
        model, so a schedule that moves in 3D is Deforum's 3D mode. See :func:`binarydream.deforum.to_deforum`.

        Examples
        --------
        >>> d = Schedule(10, prompts={0: "a cat"}, curves={"zoom": "0:(1), 9:(1.09)"}).to_deforum()
        >>> d["prompts"], d["zoom"], d["max_frames"]
        ({'0': 'a cat'}, '0: (1), 9: (1.09)', 10)
        """
        return deforum.to_deforum(self, path, depth=depth, overwrite=overwrite)

    @classmethod
    def from_deforum(cls, settings) -> "Schedule":
        """A schedule from Deforum settings (a dict, or the path of the JSON settings file Deforum saves).

        See :func:`binarydream.deforum.from_deforum`.

        Examples
        --------
        >>> Schedule.from_deforum({"max_frames": 3, "fps": 15, "prompts": {"0": "a cat"}}).prompts
        {0: [('a cat', 1.0)]}
        """
        return deforum.from_deforum(settings, cls)

    def __repr__(self) -> str:
        return (f"Schedule(n_frames={self.n_frames}, fps={self.fps}, prompts={len(self.prompts)} keyframes, "
                f"curves={list(self._sources)})")

