"""``Schedule``: prompt keyframes and per-frame curves for a video, and the file a person edits.

A curve is set from a keyframe string (see :func:`binarydream.keyframes.parse`),
a number, an array of one value per frame, or a function of time in seconds. The
schedule keeps what it was given, so a hand-written string is saved as that
string and read back unchanged; arrays are saved value by value and read back
bit for bit.

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

import json
import math
import numbers
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from . import timebase
from .errors import ScheduleError
from .files import write_text_atomic
from .keyframes import parse
from .keyframes.emit import keyframe_string
from .keyframes.expressions import tokenize
from .keyframes.grammar import resolve_key
from .keyframes.prompts import deforum_prompt, mix_prompts, split_prompts

CURVES = ("zoom", "angle", "translation_x", "translation_y", "translation_z",
          "rotation_3d_x", "rotation_3d_y", "rotation_3d_z", "strength", "noise", "seed")
"""Curves every schedule has; any other identifier names a user curve."""

DEFAULTS = {"zoom": 1.0, "strength": 0.65, "noise": 0.02}
"""Values of unset curves; the rest are 0 except ``seed``, which is the frame index."""

_DEFORUM_NAMES = {"strength": "strength_schedule", "noise": "noise_schedule", "seed": "seed_schedule"}
_RESERVED = {"max_frames", "fps", "prompts", "animation_mode", "seed_behavior", *_DEFORUM_NAMES.values()}
_FILE_KEYS = ("n_frames", "fps", "bpm", "beats", "blend_frames", "sections", "prompts", "negative_prompts", "curves")
_FORMAT = "binarydream_schedule"


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


def _frame_of(key, n_frames, fps, bpm, beats, what):
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if not 0 <= key <= timebase.MAX_FRAME:
            raise ScheduleError(f"{what} key {key} must be a frame from 0 to {timebase.MAX_FRAME:,}")
        frame = int(key)
    elif isinstance(key, str):
        frame = resolve_key(key, tokenize(key), len(key), n_frames=n_frames, fps=fps, bpm=bpm, beats=beats)
    else:
        raise ScheduleError(f"{what} key {key!r} must be a frame number or a str like '2.5s' or '16b'")
    if frame >= n_frames:
        warnings.warn(f"{what} key {key!r} is frame {frame}, past the last frame ({n_frames - 1}): it never shows",
                      stacklevel=4)
    return frame


class Schedule:
    """Prompt keyframes and named per-frame curves for ``n_frames`` video frames.

    Parameters
    ----------
    n_frames : int
        Number of video frames.
    fps : float
        Frame rate; frame ``i`` shows time ``i / fps``.
    prompts : dict or None
        ``{key: prompts}``: key a frame or a str key (``"2.5s"``, ``"16b"``);
        prompts a str (Disco ``"text:weight"``, Deforum ``"... --neg ..."``),
        a ``(text, weight)`` pair or a list of those. Negative weights become
        negative prompts.
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

    Examples
    --------
    >>> sched = Schedule(4, curves={"angle": [0.0, 1.0, 2.0, 3.0]})
    >>> sched["angle"].tolist(), sched["seed"].tolist()
    ([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0])
    """

    def __init__(self, n_frames, fps=30, *, prompts=None, curves=None, bpm=None, beats=None, sections=None,
                 blend_frames=0, negative_prompts=None):
        if isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) \
                or not 1 <= n_frames <= timebase.MAX_FRAMES:
            raise ScheduleError(f"n_frames must be a whole number from 1 to {timebase.MAX_FRAMES:,}, got {n_frames!r}")
        if not (isinstance(fps, numbers.Real) and math.isfinite(fps) and fps > 0):
            raise ScheduleError(f"fps must be a positive number, got {fps!r}")
        if bpm is not None and not (isinstance(bpm, numbers.Real) and math.isfinite(bpm) and bpm > 0):
            raise ScheduleError(f"bpm must be a positive number or None, got {bpm!r}")
        if isinstance(blend_frames, bool) or not isinstance(blend_frames, (int, np.integer)) or blend_frames < 0:
            raise ScheduleError(f"blend_frames must be a whole number >= 0, got {blend_frames!r}")
        self.n_frames, self.fps, self.bpm = int(n_frames), fps, None if bpm is None else float(bpm)
        self.beats = None if beats is None else np.array(beats, dtype=np.float64).ravel()
        if self.beats is not None and not (np.isfinite(self.beats).all() and (np.diff(self.beats) > 0).all()):
            raise ScheduleError("beats must be finite seconds in ascending order")
        self.blend_frames = int(blend_frames)
        for name, value in (("prompts", prompts), ("negative_prompts", negative_prompts), ("curves", curves)):
            if value is not None and not isinstance(value, Mapping):
                raise ScheduleError(f"{name} must be a mapping (a dict), got {type(value).__name__} "
                                    f"{str(value)[:40]!r}")
        if not isinstance(sections or [], (list, tuple)) \
                or any(not (isinstance(item, (list, tuple)) and len(item) == 2) for item in sections or []):
            raise ScheduleError(f"sections must be (key, label) pairs like (0, 'A'), got {sections!r:.60}")
        self.sections = sorted((self._frame(key, "section"), str(label)) for key, label in (sections or []))
        self.prompts, self.negative_prompts = {}, {}
        for key, value in (prompts or {}).items():
            self._add_prompts(key, value, negative=False)
        for key, value in (negative_prompts or {}).items():
            self._add_prompts(key, value, negative=True)
        self._sources, self._values = {}, {}
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
        for target, items in ((self.prompts, positives), (self.negative_prompts, negatives)):
            if items:
                target.setdefault(frame, []).extend(items)

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
        if name in self._values:
            return self._values[name].copy()
        if name == "seed":
            return np.arange(self.n_frames, dtype=np.float64)
        if name in CURVES:
            return np.full(self.n_frames, DEFAULTS.get(name, 0.0))
        raise KeyError(f"no curve {name!r}: set it first, or use one of {', '.join(self.curve_names)}")

    def __setitem__(self, name: str, value) -> None:
        if not (isinstance(name, str) and name.isidentifier()) or name in _RESERVED:
            raise ScheduleError(f"curve name {name!r} must be an identifier other than {', '.join(sorted(_RESERVED))}")
        if isinstance(value, str):
            source = value
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            source = float(value)
        elif callable(value):
            source = check_curve(name, np.broadcast_to(
                value(timebase.frame_times(self.n_frames, self.fps)), (self.n_frames,)), self.n_frames)
        else:
            source = check_curve(name, value, self.n_frames)
        self._values[name] = self._evaluate(name, source)
        self._sources[name] = source
        if name == "seed":
            self._reevaluate_seeded()

    def __delitem__(self, name: str) -> None:
        """Forget a curve: a standard one goes back to its default, a user one goes away."""
        del self._sources[name], self._values[name]
        if name == "seed":
            self._reevaluate_seeded()

    def _reevaluate_seeded(self) -> None:
        # Keyframe strings may read the seed curve as `s`: they follow it when it changes.
        for name, text in self._sources.items():
            if isinstance(text, str) and name != "seed":
                self._values[name] = self._evaluate(name, text)

    def _evaluate(self, name, source):
        if isinstance(source, np.ndarray):
            return source
        variables = {} if name == "seed" else {"s": self["seed"]}
        values = parse(source, self.n_frames, self.fps, bpm=self.bpm, beats=self.beats, variables=variables)
        try:
            return check_curve(name, values, self.n_frames)
        except ScheduleError as error:
            raise ScheduleError(f"{error} (from {source!r})") from None

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

        Examples
        --------
        >>> Schedule(2, curves={"zoom": "0:(1), 1:(1.1)"}).to_dict()["curves"]
        {'zoom': '0:(1), 1:(1.1)'}
        """
        def keyframes(prompts):
            return {frame: [[text, weight] for text, weight in prompts[frame]] for frame in sorted(prompts)}

        curves = {name: source.tolist() if isinstance(source, np.ndarray) else source
                  for name, source in self._sources.items()}
        return {_FORMAT: 1, "n_frames": self.n_frames, "fps": self.fps, "bpm": self.bpm,
                "beats": None if self.beats is None else self.beats.tolist(), "blend_frames": self.blend_frames,
                "sections": [[frame, label] for frame, label in self.sections],
                "prompts": keyframes(self.prompts), "negative_prompts": keyframes(self.negative_prompts),
                "curves": curves}

    @classmethod
    def from_dict(cls, data: dict) -> "Schedule":
        """A schedule from :meth:`to_dict`'s plain data (prompt keys may be str, as JSON writes them).

        Examples
        --------
        >>> Schedule.from_dict({"n_frames": 3, "prompts": {"0": [["a cat", 2.0]]}}).prompts
        {0: [('a cat', 2.0)]}
        """
        if not isinstance(data, dict) or "n_frames" not in data:
            raise ScheduleError("a schedule needs at least n_frames: is this a schedule file?")
        unknown = set(data) - set(_FILE_KEYS) - {_FORMAT}
        if unknown:
            raise ScheduleError(f"unknown schedule entries {sorted(unknown)}: use only {', '.join(_FILE_KEYS)}")

        def pairs(prompts):
            if not isinstance(prompts, dict):
                raise ScheduleError(f"prompts must be a mapping of frame to prompts, got {type(prompts).__name__}")
            return {key if not isinstance(key, str) or not key.isdigit() else int(key):
                    [tuple(item) if isinstance(item, list) else item for item in value]
                    if isinstance(value, list) else value for key, value in prompts.items()}

        try:
            return cls(data["n_frames"], data.get("fps", 30), bpm=data.get("bpm"), beats=data.get("beats"),
                       blend_frames=data.get("blend_frames", 0),
                       sections=[tuple(section) for section in data.get("sections") or []],
                       prompts=pairs(data.get("prompts") or {}), curves=data.get("curves") or {},
                       negative_prompts=pairs(data.get("negative_prompts") or {}))
        except (TypeError, AttributeError) as error:
            raise ScheduleError(f"malformed schedule: {error}") from None

    def save(self, path, *, overwrite: bool = False) -> Path:
        """Write the schedule to ``path`` (.yaml, .yml or .json) atomically; refuse to replace a file unless asked.

        Keyframe strings are written as they were given; arrays as every value,
        which read back bit for bit.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> path = Schedule(3, prompts={0: "a cat"}).save(folder / "schedule.yaml")
        >>> Schedule.load(path).prompts
        {0: [('a cat', 1.0)]}
        """
        path = Path(path)
        data = self.to_dict()
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None, allow_unicode=True, width=120)
        elif path.suffix.lower() == ".json":
            text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        else:
            raise ScheduleError(f"cannot tell the format of {path.name}: name it .yaml, .yml or .json")
        if path.exists() and not overwrite:
            raise ScheduleError(f"{path} exists already: pass overwrite=True to replace it, or choose another name")
        return write_text_atomic(path, text, overwrite=True)

    @classmethod
    def load(cls, path) -> "Schedule":
        """Read a schedule written by :meth:`save` (or by hand) from .yaml, .yml or .json.

        Examples
        --------
        >>> sched = Schedule.load("schedule.yaml")  # doctest: +SKIP
        """
        import yaml

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".yaml", ".yml", ".json"):
            raise ScheduleError(f"cannot tell the format of {path.name}: name it .yaml, .yml or .json")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ScheduleError(f"cannot read the schedule {path}: {error.strerror}") from None
        try:
            data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as error:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            kind = "JSON" if suffix == ".json" else "YAML"
            raise ScheduleError(f"{path} is not valid {kind}: {first_line}") from None
        return cls.from_dict(data)

    def to_deforum(self) -> dict:
        """Deforum settings: prompts by frame, every curve as a keyframe string, and the frame count.

        Curve strings hold plain numbers only, keyed where a straight line would
        not reproduce the values exactly, so Deforum's (and Disco's) linear
        inbetweens give back this schedule's values. Prompts join with ``AND``
        and ``text :weight``; negative prompts follow ``--neg``; prompt fades are
        not carried over.

        Examples
        --------
        >>> d = Schedule(10, prompts={0: "a cat"}, curves={"zoom": "0:(1), 9:(1.09)"}).to_deforum()
        >>> d["prompts"], d["zoom"], d["max_frames"]
        ({'0': 'a cat'}, '0: (1.0), 9: (1.09)', 10)
        """
        settings = {"max_frames": self.n_frames, "fps": self.fps, "animation_mode":
                    "3D" if any(np.any(self[name] != 0) for name in CURVES[4:8]) else "2D",
                    "seed_behavior": "schedule", "prompts": {}}
        for frame in sorted(set(self.prompts) | set(self.negative_prompts)):
            negatives = mix_prompts(self.negative_prompts, frame, hold_first=False)
            settings["prompts"][str(frame)] = deforum_prompt(mix_prompts(self.prompts, frame), negatives)
        for name in self.curve_names:
            settings[_DEFORUM_NAMES.get(name, name)] = keyframe_string(self[name])
        return settings

    def __repr__(self) -> str:
        return (f"Schedule(n_frames={self.n_frames}, fps={self.fps}, prompts={len(self.prompts)} keyframes, "
                f"curves={list(self._sources)})")
