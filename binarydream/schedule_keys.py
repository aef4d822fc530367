"""A schedule's arguments checked, and the keys a person writes (frames, ``2.5s``, ``16b``) made frames.

:class:`binarydream.Schedule` takes prompts, negative prompts and section
markers keyed by frame, seconds or beats; this module turns each key into a
frame once, keeps the key as it was written (so a saved file says ``16b``
again), and warns once about keys past the last frame.

Examples
--------
>>> frame_of("1.5s", 100, 30, None, None, "prompt"), frame_of(7, 100, 30, None, None, "prompt")
(45, 7)
>>> keyed_prompts({"0": "a cat --neg blurry"}, None, lambda key, what: frame_of(key, 10, 30, None, None, what))
({0: [('a cat', 1.0)]}, {0: [('blurry', 1.0)]}, ({0: '0'}, {0: '0'}))
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np

from . import timebase
from .errors import ScheduleError
from .keyframes.expressions import tokenize
from .keyframes.grammar import resolve_key
from .keyframes.prompts import split_prompts

RENDER_OPTIONS = ("cadence", "seed", "colour_coherence", "border", "width", "height", "fov", "steps", "guidance_scale")
"""Render settings a schedule may carry (from a Deforum project): :meth:`Song.render` uses them unless given."""


def plain_number(value):
    """A Python int, float or str for a number or text (numpy scalars included), else the value unchanged.

    Examples
    --------
    >>> plain_number(np.float32(0.5)), plain_number(np.int64(3)), plain_number(None)
    (0.5, 3, None)
    """
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def check_numbers(n_frames, fps, bpm, blend_frames, beats) -> tuple:
    """``(n_frames, fps, bpm, blend_frames, beats)`` as plain numbers and an array, or a :class:`ScheduleError`.

    Examples
    --------
    >>> check_numbers(np.int64(10), 30, None, 0, [0.0, 0.5])[:2]
    (10, 30)
    """
    for name, value in (("n_frames", n_frames), ("fps", fps), ("bpm", bpm), ("blend_frames", blend_frames)):
        if isinstance(value, (bool, np.bool_)):  # YAML's true is no count of frames
            raise ScheduleError(f"{name} must be a number, got {value!r}")
    n_frames, fps, bpm, blend_frames = map(plain_number, (n_frames, fps, bpm, blend_frames))
    if not isinstance(n_frames, int) or not 1 <= n_frames <= timebase.MAX_FRAMES:
        raise ScheduleError(f"n_frames must be a whole number from 1 to {timebase.MAX_FRAMES:,}, got {n_frames!r}")
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise ScheduleError(f"fps must be a positive number, got {fps!r}")
    if bpm is not None and not (isinstance(bpm, (int, float)) and math.isfinite(bpm) and bpm > 0):
        raise ScheduleError(f"bpm must be a positive number or None, got {bpm!r}")
    if not isinstance(blend_frames, int) or blend_frames < 0:
        raise ScheduleError(f"blend_frames must be a whole number >= 0, got {blend_frames!r}")
    beats = None if beats is None else np.array(beats, dtype=np.float64).ravel()
    if beats is not None and not (np.isfinite(beats).all() and (np.diff(beats) > 0).all()):
        raise ScheduleError("beats must be finite seconds in ascending order")
    return n_frames, fps, None if bpm is None else float(bpm), blend_frames, beats


def check_mappings(**mappings) -> None:
    """Refuse a prompts, negative prompts or curves argument that is not a mapping.

    Examples
    --------
    >>> check_mappings(prompts=["a cat"])
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: prompts must be a mapping (a dict), got list "['a cat']"
    """
    for name, value in mappings.items():
        if value is not None and not isinstance(value, Mapping):
            raise ScheduleError(f"{name} must be a mapping (a dict), got {type(value).__name__} "
                                f"{str(value)[:40]!r}")


def render_options(options: dict) -> dict:
    """A schedule's render settings as plain numbers; an unknown one is refused.

    Examples
    --------
    >>> render_options({"cadence": np.int64(2)})
    {'cadence': 2}
    """
    unknown = sorted(set(options) - set(RENDER_OPTIONS))
    if unknown:
        raise ScheduleError(f"unknown render settings {unknown}: use only {', '.join(RENDER_OPTIONS)}")
    return {name: plain_number(value) for name, value in options.items()}


def frame_of(key, n_frames, fps, bpm, beats, what) -> int:
    """The frame of a prompt or section ``key``: a frame number, or a str like ``'2.5s'`` or ``'16b'``."""
    key = plain_number(key)
    if isinstance(key, int) and not isinstance(key, bool):
        if not 0 <= key <= timebase.MAX_FRAME:
            raise ScheduleError(f"{what} key {key} must be a frame from 0 to {timebase.MAX_FRAME:,}")
        frame = key
    elif isinstance(key, str):
        frame = resolve_key(key, tokenize(key), len(key), n_frames=n_frames, fps=fps, bpm=bpm, beats=beats,
                            far="refuse")
    else:
        raise ScheduleError(f"{what} key {key!r} must be a frame number or a str like '2.5s' or '16b'")
    return frame


def keyed_sections(sections, frame) -> tuple[dict, list]:
    """``({frame: (key as written, label)}, [(frame, label), ...] in order)`` for ``(key, label)`` pairs.

    ``frame(key, what)`` resolves a key (:func:`frame_of` with the schedule's timing).
    """
    if not isinstance(sections or [], (list, tuple)) \
            or any(not (isinstance(item, (list, tuple)) and len(item) == 2) for item in sections or []):
        raise ScheduleError(f"sections must be (key, label) pairs like (0, 'A'), got {sections!r:.60}")
    section_keys = {}
    for key, label in sections or []:
        section_keys[frame(key, "section")] = (plain_number(key), str(label))
    return section_keys, sorted((at, label) for at, (_, label) in section_keys.items())


def keyed_prompts(prompts, negative_prompts, frame) -> tuple[dict, dict, tuple]:
    """``(prompts, negative prompts, (their keys as written))``, each ``{frame: [(text, weight), ...]}``.

    Negative weights and ``--neg`` in ``prompts`` become negative prompts; ``frame(key, what)`` resolves a key.
    """
    positive, negative, keys = {}, {}, ({}, {})
    for source, is_negative in ((prompts, False), (negative_prompts, True)):
        for key, value in (source or {}).items():
            at = frame(key, "prompt")
            positives, negatives = split_prompts(value)
            if is_negative:
                if negatives:
                    raise ScheduleError(f"negative prompt {value!r} has a negative weight or --neg: "
                                        "give negative prompts weights >= 0")
                positives, negatives = [], positives
            for target, items, written in ((positive, positives, keys[0]), (negative, negatives, keys[1])):
                if items:
                    target.setdefault(at, []).extend(items)
                    written.setdefault(at, plain_number(key))
    return positive, negative, keys


def warn_late_keys(n_frames: int, section_keys: dict, prompt_keys: tuple, *, stacklevel: int) -> None:
    """One warning for all the section and prompt keys past the last frame (kept: they never show)."""
    written = [("section", {frame: key for frame, (key, _) in section_keys.items()}),
               ("prompt", prompt_keys[0]), ("negative prompt", prompt_keys[1])]
    late = [(frame, what, key) for what, keys in written for frame, key in keys.items() if frame >= n_frames]
    if late:
        frame, what, key = min(late)
        warnings.warn(f"{len(late)} keys lie past the last frame ({n_frames - 1}) and never show, the first, "
                      f"{what} key {key!r}, at frame {frame}", stacklevel=stacklevel + 1)
