"""``parse``: a keyframe string to one value per video frame.

Examples
--------
>>> parse("0: (0), 4: (1)", n_frames=6).tolist()
[0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
"""

from __future__ import annotations

import re

import numpy as np

from .. import timebase
from ..errors import KeyframeError
from .evaluation import EvaluationContext, evaluate, tree_size
from .expressions import FUNCTIONS, MAX_VALUES, syntax_error, uses_names
from .grammar import BUILTIN_NAMES, parse_keyframes
from .interpolation import get_interpolation
from .signals import SIGNAL_NAMES
from .stem_signals import STEM_KEYS, unbound_reasons

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PLAIN_KEY = rf"\s*(\d{{1,12}})\s*:\s*(?:\(\s*({_NUMBER})\s*\)|({_NUMBER}))\s*"
_PLAIN_LIST = re.compile(rf"{_PLAIN_KEY}(?:,{_PLAIN_KEY})*,?\s*")
_PLAIN_ITEM = re.compile(_PLAIN_KEY)
_RESERVED = (set(BUILTIN_NAMES) - {"s"}) | set(FUNCTIONS)


def parse(text, n_frames: int, fps: float = 30, bpm: float | None = None, beats=None,
          variables: dict | None = None, signals=None) -> np.ndarray:
    """Values of a keyframe string at every video frame.

    Accepts Disco Diffusion and Deforum keyframe strings as they are, plus keys in
    seconds and beats and a choice of interpolation::

        [method|] key: value, key: value, ...      or a single value: 1.05, sin(t)

    * **key**: a frame number (``10``); an expression in brackets of ``max_f``
      (the last frame, ``n_frames - 1``), ``fps`` and ``bpm``, truncated to a
      whole frame as Deforum does (``(max_f/2)``); seconds (``2.5s``, nearest
      frame); or beats (``16b``: beat 16 counted from 0, on the tracked
      ``beats`` when given, else on a grid of ``60/bpm`` s from time 0). A
      repeated key keeps the last value. Keys past the end shape the curve as if
      the video went on (``0:(0), 20:(1)`` with 10 frames ends at 0.45).
    * **value**: a plain number (``(1.02)``, ``-0.5``) is a key the curve is
      interpolated through. Anything else (``(1+0.1*sin(t))``, ``(where(t>5, 1, 0))``,
      ``(pi)``) is an expression evaluated on every frame from its key up to the
      next key, with ``t`` the frame index, as in Deforum's notebook. Names:
      ``t``, ``max_f``, ``fps``, ``bpm``, ``s`` (seed, when bound through
      ``variables``), ``pi``, ``e``, the keys of ``variables`` and the song's
      signals (``bass``, ``beat``, ``section``, ... when ``signals`` are given:
      see :mod:`.signals`); functions: sin cos tan abs floor ceil sqrt exp log
      min max clip where lerp, and the song's pulse smooth slew is_section; operators
      ``+ - * / % ** ^`` (``^`` is power, ``%`` is floored as in Python), comparisons (1.0 or 0.0), ``&`` and ``|``.
    * **method**: how gaps between known values are filled, ``linear`` (the
      default, Disco's and Deforum's), ``step``, ``cubic``, ``ease_in``,
      ``ease_out``, ``ease_in_out`` or any name given to
      :func:`register_interpolation_method`; written as a prefix, e.g.
      ``"ease_in_out| 0:(1), 2s:(1.5)"``.

    The first known value holds before the first key, the last after the last.

    Parameters
    ----------
    text : str or float
        The keyframe string (or a number, for a constant curve).
    n_frames : int
        Number of video frames.
    fps : float
        Frame rate, for keys in seconds and the name ``fps``.
    bpm : float or None
        Tempo, for beat keys without tracked beats and the name ``bpm``.
    beats : array of float or None
        Tracked beat times in seconds, ascending, for beat keys.
    variables : dict or None
        Extra names for values: each a number or an array of ``n_frames``
        values (an envelope, say), read at the frame being evaluated.
    signals : binarydream.keyframes.signals.Signals or None
        The song's signals (:func:`~binarydream.keyframes.signals.song_signals`),
        for ``n_frames`` frames at ``fps``.

    Returns
    -------
    np.ndarray
        float64, shape ``(n_frames,)``, all finite.

    Raises
    ------
    KeyframeError
        The text is malformed or a value is not finite; the message shows
        where, with a caret under the text.

    Examples
    --------
    >>> parse("0: (1.02), 10: (0.45)", n_frames=12)[[0, 5, 10, 11]].round(3).tolist()
    [1.02, 0.735, 0.45, 0.45]
    >>> parse("0:(where(t>2, 1, 0))", n_frames=5).tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0]
    >>> parse("step| 0:(1), 1s:(2)", n_frames=4, fps=2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    >>> parse("0:(0), 2b:(1)", n_frames=5, fps=2, bpm=60).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> parse("0:(1 + bass)", n_frames=3, variables={"bass": [0.0, 0.5, 1.0]}).tolist()
    [1.0, 1.5, 2.0]
    """
    n_frames = _check_n_frames(n_frames)
    if not (isinstance(fps, (int, float, np.number)) and np.isfinite(fps) and fps > 0):
        raise KeyframeError(f"fps must be a positive number, got {fps!r}")
    if isinstance(text, (int, float, np.number)) and not isinstance(text, bool):
        if not np.isfinite(text):
            raise KeyframeError(f"a curve value must be finite, got {text!r}")
        return np.full(n_frames, float(text))
    if not isinstance(text, str):
        raise KeyframeError(f"a keyframe string must be a str, got {type(text).__name__}: write e.g. '0: (1.0)'")
    plain = _parse_plain(text)
    if plain is not None:
        return _fill(*plain, n_frames, get_interpolation("linear"))
    env, names = _bind(variables, n_frames, signals)
    method, keys = parse_keyframes(text, n_frames=n_frames, fps=fps, bpm=bpm, beats=beats, value_names=names,
                                   labels=None if signals is None else signals.sections)
    interpolator = get_interpolation(method)
    env.update(max_f=np.float64(n_frames - 1), fps=np.float64(fps))
    if bpm is not None:
        env["bpm"] = np.float64(bpm)
    _check_size(text, keys, n_frames)
    context = EvaluationContext(dict(env, t=np.arange(n_frames, dtype=np.float64)), None,
                                timebase.frame_times(n_frames, fps), {} if signals is None else signals.events, fps)
    frames, values = [], []
    for i, key in enumerate(keys):
        if key.number is not None:
            if not np.isfinite(key.number):
                raise syntax_error(text, key.start, "this number is too large for a float")
            frames.append(np.array([key.frame]))
            values.append(np.array([key.number]))
            continue
        stop = keys[i + 1].frame if i + 1 < len(keys) else n_frames
        segment = np.arange(key.frame, max(key.frame + 1, min(stop, n_frames)))
        frames.append(segment)
        values.append(_evaluate_segment(text, key, segment, env, n_frames, context))
    return _fill(np.concatenate(frames), np.concatenate(values), n_frames, interpolator)


def _check_size(text, keys, n_frames):
    """Refuse expressions whose values (terms times frames) would not fit :data:`MAX_VALUES`, before computing any."""
    stops = [key.frame for key in keys[1:]] + [n_frames]
    values = sum(tree_size(key.tree) * max(1, min(stop, n_frames) - key.frame)
                 for key, stop in zip(keys, stops) if key.number is None)
    if values > MAX_VALUES:
        raise KeyframeError(f"this curve's expressions would compute {values:,} values ({n_frames:,} frames), more "
                            f"than the {MAX_VALUES:,} allowed: simplify them, or give the curve as an array")


def _check_n_frames(n_frames):
    if isinstance(n_frames, (bool, np.bool_)) or not isinstance(n_frames, (int, np.integer)) \
            or not 0 <= n_frames <= timebase.MAX_FRAMES:
        raise KeyframeError(f"n_frames must be a whole number from 0 to {timebase.MAX_FRAMES:,}, got {n_frames!r}")
    return int(n_frames)


def _parse_plain(text):
    """Keys and values of a string of only ``frame: (number)`` items, or None: the fast path for long files."""
    if _PLAIN_LIST.fullmatch(text) is None:
        return None
    keys = {}
    for match in _PLAIN_ITEM.finditer(text):
        frame = int(match.group(1))
        keys.pop(frame, None)
        keys[frame] = float(match.group(2) or match.group(3))
    frames = np.array(sorted(keys), dtype=np.int64)
    values = np.array([keys[frame] for frame in frames.tolist()], dtype=np.float64)
    if not np.isfinite(values).all():
        return None  # let the full parser point at the offending item
    return frames, values


def _bind(variables, n_frames, signals=None):
    """Evaluation environment of the song's signals and the caller's variables, and the names the parser accepts."""
    env, names = {}, {}
    if signals is None:
        names.update({name: f"{name} is a signal of the song: bind the song first (Schedule.bind, or "
                            "parse(..., signals=song_signals(...)))" for name in SIGNAL_NAMES + STEM_KEYS})
    else:
        if signals.n_frames != n_frames:
            raise KeyframeError(f"the signals are for {signals.n_frames} frames, not {n_frames}: "
                                "build them for this video")
        env.update(signals.values)
        names.update({name: None for name in signals.values})
        names.update(unbound_reasons(signals.values))
    for name, value in (variables or {}).items():
        if not (isinstance(name, str) and name.isidentifier()) or name in _RESERVED:
            raise KeyframeError(f"cannot bind the name {name!r}: choose an identifier other than "
                                f"{', '.join(sorted(_RESERVED))}")
        array = np.asarray(value, dtype=np.float64)
        if array.ndim == 1 and array.shape != (n_frames,) or array.ndim > 1:
            raise KeyframeError(f"variable {name!r} has shape {array.shape}: give a number or {n_frames} values")
        if not np.isfinite(array).all():
            raise KeyframeError(f"variable {name!r} holds a value that is not finite: fix it before use")
        env[name] = array
        names[name] = None
    if "s" not in names:
        names["s"] = "the seed s is not known here: bind it with variables={'s': seed}"
    return env, names


def _evaluate_segment(text, key, segment, env, n_frames, context):
    whole = segment.size == n_frames and key.frame == 0  # one key for the whole video: no slicing to do
    index = slice(None) if whole else np.minimum(segment, max(n_frames - 1, 0))
    local = {name: (env[name][index] if np.ndim(env[name]) == 1 else env[name]) for name in uses_names(key.tree)
             if name in env}
    local["t"] = context.whole["t"] if whole else segment.astype(np.float64)
    context.index = index
    values = np.broadcast_to(evaluate(key.tree, local, context), segment.shape).astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        frame = int(segment[bad[0]])
        raise syntax_error(text, key.start, f"this value is {values[bad[0]]} at frame {frame} (t={frame}): "
                           "keep it finite (no division by zero, log of 0, huge powers)")
    return values


def _fill(frames, values, n_frames, interpolator):
    """Curve through known (frame, value) points: interpolated between them, held outside them."""
    if frames.size == n_frames and frames.size and frames[0] == 0 and frames[-1] == n_frames - 1:
        return values  # every frame known (one expression over the whole video): nothing to fill
    out = np.empty(n_frames, dtype=np.float64)
    if n_frames == 0:
        return out
    query = np.arange(n_frames, dtype=np.float64)
    inside = (query > frames[0]) & (query < frames[-1])
    out[query <= frames[0]] = values[0]
    out[query >= frames[-1]] = values[-1]
    if inside.any():
        with np.errstate(all="ignore"):
            out[inside] = interpolator(frames.astype(np.float64), values, query[inside])
    known = frames < n_frames
    out[frames[known]] = values[known]
    if not np.isfinite(out).all():
        raise KeyframeError("interpolation gave values that are not finite: check the keys and the method")
    return out
