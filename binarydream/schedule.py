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

import difflib
import functools
import math
import numbers
import warnings
from pathlib import Path

import numpy as np

from . import schedule_file, timebase
from .errors import KeyframeError, ScheduleError
from .keyframes import parse
from .keyframes.expressions import FUNCTIONS, tokenize
from .keyframes.grammar import BUILTIN_NAMES, resolve_key
from .keyframes.prompts import mix_prompts, split_prompts
from .keyframes.signals import SIGNAL_NAMES, song_signals

CURVES = ("zoom", "angle", "translation_x", "translation_y", "translation_z",
          "rotation_3d_x", "rotation_3d_y", "rotation_3d_z", "strength", "noise", "seed")
"""Curves every schedule has; any other identifier names a user curve (one that other curves may read)."""

DEFAULTS = {"zoom": 1.0, "strength": 0.65, "noise": 0.02}
"""Values of unset curves; the rest are 0 except ``seed``, which is the frame index."""

RENDER_OPTIONS = ("cadence", "seed", "colour_coherence", "border", "width", "height", "fov")
"""Render settings a schedule may carry (from a Deforum project): :meth:`Song.render` uses them unless given."""

_DEFORUM_NAMES = ("max_frames", "fps", "prompts", "animation_mode", "seed_behavior", "strength_schedule",
                  "noise_schedule", "seed_schedule")
_TAKEN = set(_DEFORUM_NAMES) | set(SIGNAL_NAMES) | set(BUILTIN_NAMES) | set(FUNCTIONS) | {"pi", "e"}


def check_curve(name: str, values, n_frames: int) -> np.ndarray:
    """``values`` as a float64 array after checking its length, finiteness and the range ``name`` needs.

    Examples
    --------
    >>> check_curve("strength", [0.2, 0.4], 2).tolist()
    [0.2, 0.4]
    >>> check_curve("zoom", [1.0, 0.0], 2)
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: zoom is 0.0 at frame 1: zoom must be > 0 (1 keeps the size)
    """
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ScheduleError(f"{name} must be numbers, got {type(values).__name__}") from None
    if array.shape != (n_frames,):
        raise ScheduleError(f"{name} has shape {array.shape}: give one value per frame, {n_frames} in all")
    rules = {"zoom": (lambda v: v > 0, "zoom must be > 0 (1 keeps the size)"),
             "strength": (lambda v: (v >= 0) & (v <= 1), "strength must lie in [0, 1]"),
             "noise": (lambda v: v >= 0, "noise must be >= 0")}
    bad = ~np.isfinite(array)
    why = "values must be finite"
    if not bad.any() and name in rules:
        test, why = rules[name]
        bad = ~test(array)
    if bad.any():
        frame = int(np.flatnonzero(bad)[0])
        raise ScheduleError(f"{name} is {float(array[frame])!r} at frame {frame}: {why}")
    return array


def check_curve_name(name, existing=()) -> str:
    """``name`` if it may name a curve; a near miss of a standard curve is refused with the nearest one.

    Examples
    --------
    >>> check_curve_name("blur")
    'blur'
    >>> check_curve_name("zooom")
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: unknown curve 'zooom': did you mean 'zoom'? (a new curve needs a name unlike the standard ones)
    """
    if name in CURVES or name in existing:
        return name
    if not (isinstance(name, str) and name.isidentifier()) or name in _TAKEN:
        raise ScheduleError(f"curve name {name!r} must be an identifier that is not a Deforum setting, a signal "
                            f"of the song or a name of the expressions: e.g. blur, energy")
    near = difflib.get_close_matches(name.lower(), CURVES, n=1, cutoff=0.8)
    if near:
        raise ScheduleError(f"unknown curve {name!r}: did you mean {near[0]!r}? "
                            "(a new curve needs a name unlike the standard ones)")
    return name


def _plain_number(value):
    """A Python int or float for a real number (numpy scalars included), else the value unchanged."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def _frame_of(key, n_frames, fps, bpm, beats, what):
    key = _plain_number(key)
    if isinstance(key, int):
        if key < 0:
            raise ScheduleError(f"{what} key {key} is negative: frames count from 0")
        frame = key
    elif isinstance(key, str):
        frame = resolve_key(key, tokenize(key), len(key), n_frames=n_frames, fps=fps, bpm=bpm, beats=beats)
    else:
        raise ScheduleError(f"{what} key {key!r} must be a frame number or a str like '2.5s' or '16b'")
    if frame >= n_frames:
        warnings.warn(f"{what} key {key!r} is frame {frame}, past the last frame ({n_frames - 1}): it never shows",
                      stacklevel=4)
    return frame


def _reads(source) -> frozenset:
    """Names a curve's source reads (all name tokens of a string; the seed's alias ``s`` as ``seed``)."""
    return _names_in(source) if isinstance(source, str) else frozenset()


@functools.lru_cache(maxsize=4096)
def _names_in(source: str) -> frozenset:
    try:
        names = {value for kind, value, _, _ in tokenize(source) if kind == "name"}
    except KeyframeError:
        return frozenset()
    return frozenset(names | {"seed"} if "s" in names else names)


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
        n_frames, fps, bpm, blend_frames = map(_plain_number, (n_frames, fps, bpm, blend_frames))
        if not isinstance(n_frames, int) or n_frames < 1:
            raise ScheduleError(f"n_frames must be a whole number >= 1, got {n_frames!r}")
        if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
            raise ScheduleError(f"fps must be a positive number, got {fps!r}")
        if bpm is not None and not (isinstance(bpm, (int, float)) and math.isfinite(bpm) and bpm > 0):
            raise ScheduleError(f"bpm must be a positive number or None, got {bpm!r}")
        if not isinstance(blend_frames, int) or blend_frames < 0:
            raise ScheduleError(f"blend_frames must be a whole number >= 0, got {blend_frames!r}")
        self.n_frames, self.fps, self.bpm = n_frames, fps, None if bpm is None else float(bpm)
        self.beats = None if beats is None else np.array(beats, dtype=np.float64).ravel()
        if self.beats is not None and not (np.isfinite(self.beats).all() and (np.diff(self.beats) > 0).all()):
            raise ScheduleError("beats must be finite seconds in ascending order")
        self.blend_frames = blend_frames
        self.render_options = _render_options(render or {})
        self._section_keys = {}
        for key, label in sections or []:
            self._section_keys[self._frame(key, "section")] = (_plain_number(key), str(label))
        self.sections = sorted((frame, label) for frame, (_, label) in self._section_keys.items())
        self.prompts, self.negative_prompts, self._prompt_keys = {}, {}, ({}, {})
        for key, value in (prompts or {}).items():
            self._add_prompts(key, value, negative=False)
        for key, value in (negative_prompts or {}).items():
            self._add_prompts(key, value, negative=True)
        self._song_signals, self._with_prompts = signals, None
        self._sources, self._values, self._pending, self._planned = {}, {}, {}, {}
        for name, value in (curves or {}).items():
            self[name] = value

    def _frame(self, key, what):
        return _frame_of(key, self.n_frames, self.fps, self.bpm, self.beats, what)

    def _add_prompts(self, key, value, *, negative):
        frame = self._frame(key, "prompt")
        positives, negatives = split_prompts(value)
        if negative:
            if negatives:
                raise ScheduleError(f"negative prompt {value!r} has a negative weight or --neg: "
                                    "give negative prompts weights >= 0")
            positives, negatives = [], positives
        for target, items, written in ((self.prompts, positives, self._prompt_keys[0]),
                                       (self.negative_prompts, negatives, self._prompt_keys[1])):
            if items:
                target.setdefault(frame, []).extend(items)
                written.setdefault(frame, _plain_number(key))

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
            raise ScheduleError(f"the song has {analysis.n_frames} frames and the schedule {self.n_frames}: "
                                "plan the schedule for this song at this fps")
        lines = lyrics.lines if lyrics is not None else []
        words = [(w.start, w.end) for line in lines for w in line.words]
        self._song_signals = song_signals(
            self.n_frames, self.fps, envelopes=analysis.envelopes, beats=analysis.beats,
            downbeats=analysis.downbeats, sections=[(s.start, s.label) for s in analysis.sections],
            words=sorted(words), lines=sorted(line.start for line in lines if line.text.strip()))
        self._with_prompts = None
        if self.beats is None and len(analysis.beats):
            self.beats = np.asarray(analysis.beats, dtype=np.float64)
        sources = {name: source for name, source in self._sources.items() if isinstance(source, str)}
        self._pending = {}
        for name in self._order(sources):
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
        value = _plain_number(value)
        if isinstance(value, str):
            source = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            source = float(value)
        elif callable(value):
            source = check_curve(name, np.broadcast_to(
                value(timebase.frame_times(self.n_frames, self.fps)), (self.n_frames,)), self.n_frames)
        else:
            source = check_curve(name, value, self.n_frames)
        reads = _reads(source) & set(self.curve_names)
        loop = sorted(reads & (self._readers_of(name) | {name}))
        if loop:
            raise ScheduleError(f"{name} would read itself (through {', '.join(loop)}): a curve may read only "
                                "curves that do not read it")
        self._store(name, source)
        self._refresh({name})

    def _store(self, name, source):
        blocked = sorted(other for other in _reads(source) if other in self._pending)
        if blocked:
            self._pending[name] = self._pending[blocked[0]]
        else:
            self._values[name] = self._evaluate(name, source)
            self._pending.pop(name, None)
        self._sources[name] = source

    def __delitem__(self, name: str) -> None:
        """Forget a curve: a standard one goes back to its default, a user one goes away."""
        if name not in CURVES and self._readers_of(name):
            raise ScheduleError(f"{', '.join(sorted(self._readers_of(name)))} read(s) {name}: change them first")
        del self._sources[name]
        self._values.pop(name, None)
        self._pending.pop(name, None)
        self._refresh({name})

    def _readers_of(self, name) -> set:
        """Curves that read ``name``, directly or through others."""
        readers, todo = set(), [name]
        while todo:
            current = todo.pop()
            for other, source in self._sources.items():
                if other not in readers and other != name and current in _reads(source):
                    readers.add(other)
                    todo.append(other)
        return readers

    def _order(self, sources: dict) -> list:
        """Names of ``sources`` ordered so that each comes after the curves among them it reads."""
        order, placed = [], set()

        def place(name, path):
            if name in placed:
                return
            if name in path:
                raise ScheduleError(f"curves {' -> '.join(path + [name])} read each other in a loop: break it")
            for other in sorted(_reads(sources[name]) & set(sources) - {name}):
                place(other, path + [name])
            placed.add(name)
            order.append(name)

        for name in sources:
            place(name, [])
        return order

    def _refresh(self, changed: set) -> None:
        """Evaluate again every curve that reads one of ``changed``, in dependency order."""
        readers = set().union(*(self._readers_of(name) for name in changed)) - changed
        if readers:
            sources = {name: self._sources[name] for name in readers}
            for name in self._order(sources):
                self._store(name, sources[name])

    def _evaluate(self, name, source):
        if isinstance(source, np.ndarray):
            return source
        reads = _reads(source)
        variables = {other: self._values[other] if other in self._values else self[other]
                     for other in reads & set(self.curve_names) - {name}}
        if name != "seed" and "s" in reads:
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
        """Curves set by hand: all that are set, less those still as :meth:`mark_planned` found them.

        Examples
        --------
        >>> Schedule(3, curves={"zoom": 1.01}).hand_curves
        ['zoom']
        """
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
        song_names = set(SIGNAL_NAMES) - {"prompt"} | {"pulse", "is_section"}
        for name in self._order(curves):
            source = curves[name]
            used = sorted(_reads(source) & song_names)
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

    def to_deforum(self) -> dict:
        """Deforum settings: prompts by frame, every standard curve as a compact keyframe string, render settings.

        See :func:`binarydream.deforum.to_deforum`.

        Examples
        --------
        >>> d = Schedule(10, prompts={0: "a cat"}, curves={"zoom": "0:(1), 9:(1.09)"}).to_deforum()
        >>> d["prompts"], d["zoom"], d["max_frames"]
        ({'0': 'a cat'}, '0: (1), 9: (1.09)', 10)
        """
        from .deforum import to_deforum

        return to_deforum(self)

    @classmethod
    def from_deforum(cls, settings) -> "Schedule":
        """A schedule from Deforum settings (a dict, or the path of the JSON settings file Deforum saves).

        See :func:`binarydream.deforum.from_deforum`.

        Examples
        --------
        >>> Schedule.from_deforum({"max_frames": 3, "prompts": {"0": "a cat"}}).prompts
        {0: [('a cat', 1.0)]}
        """
        from .deforum import from_deforum

        return from_deforum(settings)

    def __repr__(self) -> str:
        return (f"Schedule(n_frames={self.n_frames}, fps={self.fps}, prompts={len(self.prompts)} keyframes, "
                f"curves={list(self._sources)})")


def _render_options(options: dict) -> dict:
    unknown = sorted(set(options) - set(RENDER_OPTIONS))
    if unknown:
        raise ScheduleError(f"unknown render settings {unknown}: use only {', '.join(RENDER_OPTIONS)}")
    return {name: _plain_number(value) for name, value in options.items()}
