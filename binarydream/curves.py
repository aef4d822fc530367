"""Curve names and values a schedule accepts, and which curves read which.

A curve's keyframe string may read other curves by name (the seed also as
``s``); :func:`readers_of` and :func:`dependency_order` say which must be
evaluated again, and in what order, when one changes.

Examples
--------
>>> sources = {"pace": "0: (1)", "zoom": "0: (1 + 0.01*pace)", "angle": 0.5}
>>> sorted(readers_of(sources, "pace")), dependency_order({"zoom": sources["zoom"], "pace": sources["pace"]})
(['zoom'], ['pace', 'zoom'])
"""

from __future__ import annotations

import difflib
import functools

import numpy as np

from .errors import KeyframeError, ScheduleError
from .keyframes.expressions import FUNCTIONS, tokenize
from .keyframes.grammar import BUILTIN_NAMES
from .keyframes.signals import SIGNAL_NAMES

CURVES = ("zoom", "angle", "translation_x", "translation_y", "translation_z",
          "rotation_3d_x", "rotation_3d_y", "rotation_3d_z", "strength", "noise", "seed")
"""Curves every schedule has; any other identifier names a user curve (one that other curves may read)."""

DEFAULTS = {"zoom": 1.0, "strength": 0.65, "noise": 0.02}
"""Values of unset curves; the rest are 0 except ``seed``, which is the frame index."""

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
    >>> check_curve_name("zooom")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: unknown curve 'zooom': did you mean 'zoom'? ...
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


def reads(source) -> frozenset:
    """Names a curve's source reads (all name tokens of a string; the seed's alias ``s`` as ``seed``).

    Examples
    --------
    >>> sorted(reads("0: (1 + s*bass)"))
    ['bass', 's', 'seed']
    """
    return _names_in(source) if isinstance(source, str) else frozenset()


@functools.lru_cache(maxsize=4096)
def _names_in(source: str) -> frozenset:
    try:
        names = {value for kind, value, _, _ in tokenize(source) if kind == "name"}
    except KeyframeError:
        return frozenset()
    return frozenset(names | {"seed"} if "s" in names else names)


def readers_of(sources: dict, name: str) -> set:
    """Curves of ``sources`` that read ``name``, directly or through others.

    Examples
    --------
    >>> sorted(readers_of({"a": "0: (b)", "b": "0: (c)", "c": 1.0}, "c"))
    ['a', 'b']
    """
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        for other, source in sources.items():
            if other not in found and other != name and current in reads(source):
                found.add(other)
                todo.append(other)
    return found


def dependency_order(sources: dict) -> list:
    """Names of ``sources`` ordered so that each comes after the curves among them it reads.

    Examples
    --------
    >>> dependency_order({"a": "0: (b)", "b": "0: (a)"})
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: curves a -> b -> a read each other in a loop: break it
    """
    order, placed = [], set()

    def place(name, path):
        if name in placed:
            return
        if name in path:
            raise ScheduleError(f"curves {' -> '.join(path + [name])} read each other in a loop: break it")
        for other in sorted(reads(sources[name]) & set(sources) - {name}):
            place(other, path + [name])
        placed.add(name)
        order.append(name)

    for name in sources:
        place(name, [])
    return order
