"""Expression trees evaluated with numpy over many frames at once, the song's functions included.

:mod:`.expressions` turns text into a tree of tuples; this module gives its
value. Plain arithmetic needs only the names' values; the song's functions
(``pulse``, ``smooth``, ``slew``, ``is_section``, ``stem``) also read the song's
events and whole curves, through an :class:`EvaluationContext`.

Examples
--------
>>> import numpy as np
>>> from binarydream.keyframes.expressions import compile_expression
>>> evaluate(compile_expression("where(t > 1, 2, 0.5*t)"), {"t": np.arange(4.0)}).tolist()
[0.0, 0.5, 2.0, 2.0]
"""

from __future__ import annotations

import numpy as np

from .expressions import COMPARE, UNARY
from .signals import follow, pulse_train, slew_limit


class EvaluationContext:
    """What the song's functions need besides the values at the frames evaluated.

    Parameters
    ----------
    whole : dict
        Every name's values at every frame of the video (``t`` included).
    index : np.ndarray of int
        The frames being evaluated, as indices into ``whole``'s arrays.
    times : np.ndarray
        Seconds of each frame in ``whole``.
    events : dict of str to np.ndarray
        Event times (seconds) ``pulse`` counts, by name.
    fps : float
    """

    def __init__(self, whole, index, times, events, fps):
        self.whole, self.index, self.times, self.events, self.fps = whole, index, times, events, fps
        self.cache = {}


def tree_size(tree: tuple) -> int:
    """Number of nodes (numbers, names, operations, calls) in an expression tree.

    Examples
    --------
    >>> from binarydream.keyframes.expressions import compile_expression
    >>> tree_size(compile_expression("1 + 2*t"))
    5
    """
    size, pending = 0, [tree]
    while pending:
        node = pending.pop()
        size += 1
        kind = node[0]
        if kind == "chain":
            pending.append(node[1])
            pending.extend(operand for _, operand in node[2])
        elif kind in ("and", "or"):
            pending.extend(node[1])
        elif kind in ("call", "whole"):
            pending.extend(node[2])
        elif kind in ("cmp", "pulse"):
            pending.extend(node[2:])
        elif kind in ("neg", "pow"):
            pending.extend(node[1:])
    return size


def evaluate(tree: tuple, env: dict, context: EvaluationContext | None = None):
    """Value of an expression tree; ``env`` maps names to floats or equal-length float64 arrays.

    Overflow and invalid operations give inf or nan rather than raising; callers
    check the result is finite. Trees with the song's functions need ``context``.

    Examples
    --------
    >>> from binarydream.keyframes.expressions import compile_expression
    >>> evaluate(compile_expression("clip(t*2, 1, 3)"), {"t": np.arange(4.0)}).tolist()
    [1.0, 2.0, 3.0, 3.0]
    """
    with np.errstate(all="ignore"):
        return _evaluate(tree, env, context)


def _evaluate(tree, env, context=None):
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "name":
        return env[tree[1]]
    if kind == "chain":
        value = _evaluate(tree[1], env, context)
        for ufunc, node in tree[2]:
            value = ufunc(value, _evaluate(node, env, context))
        return value
    if kind == "neg":
        return np.negative(_evaluate(tree[1], env, context))
    if kind == "pow":
        return np.power(_evaluate(tree[1], env, context), _evaluate(tree[2], env, context))
    if kind == "cmp":
        return COMPARE[tree[1]](_evaluate(tree[2], env, context),
                                 _evaluate(tree[3], env, context)).astype(np.float64)
    if kind in ("and", "or"):
        truth = [np.not_equal(_evaluate(node, env, context), 0) for node in tree[1]]
        combine = np.logical_and if kind == "and" else np.logical_or
        return combine.reduce(np.broadcast_arrays(*truth)).astype(np.float64)
    if kind in ("pulse", "whole", "in_section"):
        return _song_function(tree, env, context)
    name, args = tree[1], [_evaluate(node, env, context) for node in tree[2]]
    if name == "lerp":
        return args[0] + (args[1] - args[0]) * args[2]
    if name in UNARY:
        return UNARY[name](args[0])
    if name == "min":
        return np.minimum.reduce(np.broadcast_arrays(*args))
    if name == "max":
        return np.maximum.reduce(np.broadcast_arrays(*args))
    if name == "clip":
        return np.minimum(np.maximum(args[0], args[1]), args[2])
    return np.where(np.not_equal(args[0], 0), args[1], args[2])


def _song_function(tree, env, context):
    kind = tree[0]
    if kind == "in_section":
        return np.isin(env["section"], tree[1]).astype(np.float64)
    if kind == "pulse":
        decay, attack = float(_evaluate(tree[2], {})), float(_evaluate(tree[3], {}))
        times = context.times[context.index]
        return pulse_train(times, context.events.get(tree[1], ()), decay=decay, attack=attack)
    key = id(tree)
    if key not in context.cache:
        name, args = tree[1], tree[2]
        index, context.index = context.index, slice(None)  # functions inside read every frame too
        whole = np.broadcast_to(_evaluate(args[0], context.whole, context), context.times.shape)
        context.index = index
        numbers = [float(_evaluate(node, {})) for node in args[1:]]
        if not (np.isfinite(whole).all() and np.isfinite(numbers).all()):
            context.cache[key] = np.full(context.times.shape, np.nan)  # the caller reports where
        elif name == "slew":
            context.cache[key] = slew_limit(whole, abs(numbers[0]))
        else:
            context.cache[key] = follow(whole, context.fps, *numbers)
    return context.cache[key][context.index]
