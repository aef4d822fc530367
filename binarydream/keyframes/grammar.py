"""The keyframe list: ``[method|] key: value, key: value, ...`` and what each key means in frames.

A key is a frame number (``10``), an expression of ``max_f``, ``fps`` and
``bpm`` (``(max_f/2)``, or quoted as Deforum's extension writes ``"max_f-1"``,
truncated to a whole frame as Deforum does), a time in
seconds (``2.5s``) or a beat (``16b``); the unit sticks to the number or the
closing bracket. A value is an expression (see :mod:`.expressions`); Disco and
Deforum wrap it in brackets, which are then only grouping. Items are separated
by commas at the top level, so ``where(t>5, 1, 0)`` keeps its commas.

Examples
--------
>>> method, keys = parse_keyframes("step| 0: (1), 2s: (2)", n_frames=90, fps=30)
>>> method, [(k.frame, k.number) for k in keys]
('step', [(0, 1.0), (60, 2.0)])
"""

from __future__ import annotations

import math
import re
import warnings
from typing import NamedTuple

import numpy as np

from .. import timebase
from ..errors import KeyframeError, ParameterError
from .evaluation import evaluate
from .expressions import parse_tokens, syntax_error, tokenize
from .interpolation import interpolation_methods

MAX_KEY_FRAME = 10**12
_METHOD = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*\|")
BUILTIN_NAMES = ("t", "max_f", "fps", "bpm", "s")
"""Names every value may use: frame index, last frame index, frame rate, tempo, seed."""


class Keyframe(NamedTuple):
    """One ``key: value`` item: its frame, its value's expression tree, and the number when it is a plain number."""

    frame: int
    tree: tuple
    number: float | None
    start: int
    """Position of the value in the text, for error messages."""


def beat_time(beat: float, *, bpm: float | None = None, beats=None) -> float:
    """Time in seconds of beat number ``beat`` (from 0, fractions allowed).

    With tracked ``beats`` (seconds, ascending) beat ``n`` is ``beats[n]``,
    interpolated between beats and extended past the last one at the tempo
    (``bpm``, else the median beat interval). Without them beats lie on a grid of
    ``60 / bpm`` seconds from time 0.

    Examples
    --------
    >>> beat_time(4, bpm=120)
    2.0
    >>> beat_time(1.5, beats=[0.5, 1.0, 2.0])
    1.5
    >>> beat_time(4, beats=[0.5, 1.0, 2.0])  # 2.0 + 2 beats of the median interval, 0.75 s
    3.5
    """
    tracked = np.asarray([] if beats is None else beats, dtype=np.float64).ravel()
    if tracked.size == 0:
        if bpm is None or not bpm > 0:
            raise KeyframeError("a key in beats (like 16b) needs the song's beats or a tempo: pass beats= or bpm=")
        return float(beat) * 60.0 / float(bpm)
    last = tracked.size - 1
    if beat <= last:
        return float(np.interp(beat, np.arange(tracked.size), tracked))
    if bpm is not None and bpm > 0:
        period = 60.0 / float(bpm)
    elif tracked.size > 1:
        period = float(np.median(np.diff(tracked)))
    else:
        raise KeyframeError(f"beat {beat:g} lies past the only tracked beat and the tempo is unknown: pass bpm=")
    return float(tracked[-1] + (beat - last) * period)


def _split(text, tokens, start):
    """Top-level items as (key tokens or None, value tokens, item start, item end)."""
    items, current, depth = [], [], 0
    item_start = start
    for token in tokens:
        if token[0] == "op":
            if token[1] == "(":
                depth += 1
            elif token[1] == ")":
                depth -= 1
                if depth < 0:
                    raise syntax_error(text, token[2], "unmatched ')': remove it or add the '(' it closes")
            elif token[1] == "," and depth == 0:
                items.append((current, item_start, token[2]))
                current, item_start = [], token[3]
                continue
        current.append(token)
    items.append((current, item_start, len(text)))
    if not items[-1][0] and len(items) > 1:
        items.pop()  # a trailing comma, as Deforum allows
    result = []
    for item, begin, end in items:
        if not item:
            raise syntax_error(text, begin, "empty keyframe: write 'frame: (value)' between the commas")
        colon = next((i for i, tok in enumerate(item) if tok[:2] == ("op", ":")), None)
        if colon is not None and _depth_before(item, colon) != 0:
            colon = None
        if colon is None:
            result.append((None, item, item[0][2], end))
        else:
            result.append((item[:colon], item[colon + 1:], item[colon][3], end))
    return result


def _depth_before(tokens, index):
    depth = 0
    for token in tokens[:index]:
        if token[0] == "op":
            depth += (token[1] == "(") - (token[1] == ")")
    return depth


def _plain_number(tokens):
    """The number a value's tokens say when they are only a number (in brackets, signed), else None."""
    while len(tokens) >= 2 and tokens[0][1] == "(" and tokens[-1][1] == ")" and tokens[0][0] == tokens[-1][0] == "op":
        tokens = tokens[1:-1]
    sign = 1.0
    if len(tokens) == 2 and tokens[0][:2] in (("op", "-"), ("op", "+")):
        sign, tokens = (-1.0 if tokens[0][1] == "-" else 1.0), tokens[1:]
    return sign * float(tokens[0][1]) if len(tokens) == 1 and tokens[0][0] == "num" else None


def key_names(fps, bpm) -> tuple[dict, dict]:
    """Names a key may use (to None) or may not (to the reason), and their values.

    Examples
    --------
    >>> names, env = key_names(30, None)
    >>> env["fps"], names["t"] is not None
    (30.0, True)
    """
    names = {"max_f": None, "fps": None, "bpm": None if bpm is not None else
             "bpm is not known here: pass bpm= (or give the song's beats)",
             "t": "a key cannot depend on t: give a frame number or an expression of max_f, fps, bpm",
             "s": "a key cannot depend on the seed s"}
    env = {"fps": float(fps)}
    if bpm is not None:
        env["bpm"] = float(bpm)
    return names, env


def resolve_key(text, tokens, end, *, n_frames, fps, bpm=None, beats=None, far: str = "warn") -> int:
    """Frame of one key given as tokens of ``text`` (a frame, an expression, or seconds/beats with ``s``/``b``).

    A key in quotes is the key inside them, as Deforum's extension writes ``"max_f-1"``. A frame
    number past :data:`MAX_KEY_FRAME` is read as that frame with a warning (``far="warn"``, for a
    curve, whose shape it only sets), or refused (``far="refuse"``, for a prompt that would never show).

    Examples
    --------
    >>> resolve_key("16b", tokenize("16b"), 3, n_frames=600, fps=30, bpm=120)
    240
    >>> resolve_key('"max_f-1"', tokenize('"max_f-1"'), 9, n_frames=10, fps=30)
    8
    """
    if len(tokens) == 1 and tokens[0][0] == "str":
        # Deforum's extension quotes expression keys ("max_f-1": (s)): the key is the text inside the quotes.
        first, last = tokens[0][2] + 1, tokens[0][3] - 1
        return resolve_key(text, tokenize(text, first, last), last, n_frames=n_frames, fps=fps, bpm=bpm, beats=beats,
                           far=far)
    unit = None
    if (len(tokens) >= 2 and tokens[-1][0] == "name" and tokens[-1][1] in ("s", "b")
            and tokens[-1][2] == tokens[-2][3]):
        unit, tokens = tokens[-1][1], tokens[:-1]
    if not tokens:
        raise syntax_error(text, end, "missing key: write a frame number, seconds (2.5s) or beats (16b) before ':'")
    if len(tokens) == 1 and tokens[0][0] == "num":
        value = float(tokens[0][1])  # the common key, a number: no expression to parse
    else:
        names, env = key_names(fps, bpm)
        env["max_f"] = float(n_frames - 1)
        value = float(np.asarray(evaluate(parse_tokens(text, tokens, names, end), env)))
    if not math.isfinite(value) or value < 0:
        raise syntax_error(text, tokens[0][2], f"this key is {value:g}: keys must be finite and not negative")
    if unit is not None:
        try:
            frame = timebase.frame_at(value if unit == "s" else beat_time(value, bpm=bpm, beats=beats), fps)
        except (KeyframeError, ParameterError) as error:
            raise syntax_error(text, tokens[0][2], str(error)) from None
    elif value < MAX_KEY_FRAME:
        frame = math.floor(value)
    elif far == "warn":
        frame = MAX_KEY_FRAME
        key = text[tokens[0][2]:tokens[-1][3]]
        warnings.warn(f"key {key} lies past frame {MAX_KEY_FRAME:,}: read as that frame, so the curve differs from "
                      "one with the key where it is written; use a smaller key", stacklevel=4)
    else:
        frame = MAX_KEY_FRAME + 1
    if frame > MAX_KEY_FRAME:
        raise syntax_error(text, tokens[0][2], f"this key lands past frame {MAX_KEY_FRAME}: use a smaller key")
    return int(frame)


def split_method(text: str) -> tuple[str | None, int]:
    """The ``method|`` prefix of a keyframe string (or None) and where the keyframes start.

    Examples
    --------
    >>> split_method("cubic| 0:(0), 10:(1)")
    ('cubic', 6)
    """
    match = _METHOD.match(text)
    return (match.group(1), match.end()) if match else (None, 0)


def parse_keyframes(text: str, *, n_frames: int, fps: float = 30, bpm=None, beats=None,
                    value_names=None, labels=None) -> tuple[str, list[Keyframe]]:
    """Interpolation method and keyframes (sorted by frame; a repeated frame keeps the last) of a keyframe string.

    ``value_names`` maps extra names a value may use to None (or to why it may
    not); its scalar entries are not known here, so keys use only ``max_f``,
    ``fps`` and ``bpm``. ``labels`` are the song's sections' labels (or (label, group) pairs), for ``is_section``. A string
    without any ``key:`` is one value at frame 0.

    Examples
    --------
    >>> _, keys = parse_keyframes("0:(0), (max_f/2):(10), (max_f-1):(0)", n_frames=11)
    >>> [k.frame for k in keys]
    [0, 5, 9]
    """
    method, start = split_method(text)
    if method is not None and method not in interpolation_methods():
        raise syntax_error(text, text.index(method), f"unknown interpolation {method!r}: use one of "
                           f"{', '.join(interpolation_methods())}")
    tokens = tokenize(text, start)
    if not tokens:
        raise syntax_error(text, start, "empty keyframe string: write e.g. '0: (1.0)' or a number")
    names = {name: None for name in BUILTIN_NAMES}
    if bpm is None:
        names["bpm"] = "bpm is not known here: pass bpm= (or use the song's tempo)"
    names.update(value_names or {})
    items = _split(text, tokens, start)
    keyframes = {}
    for key_tokens, value_tokens, begin, end in items:
        if key_tokens is None:
            if len(items) > 1:
                raise syntax_error(text, begin, "missing ':' in this keyframe: write 'frame: (value)'")
            frame = 0
        else:
            frame = resolve_key(text, key_tokens, begin, n_frames=n_frames, fps=fps, bpm=bpm, beats=beats)
        if not value_tokens:
            raise syntax_error(text, begin, "missing value after ':': write e.g. '10: (0.5)'")
        number = _plain_number(value_tokens)
        if number is None:
            tree = parse_tokens(text, value_tokens, names, end, labels=labels, song_functions=True)
        else:
            tree = ("num", np.float64(number))
        keyframes.pop(frame, None)
        keyframes[frame] = Keyframe(frame, tree, number, value_tokens[0][2])
    return method or "linear", [keyframes[frame] for frame in sorted(keyframes)]
