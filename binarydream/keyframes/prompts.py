"""Prompt keyframes: Disco's ``"text:weight"``, Deforum's ``--neg``, and the blend between keyframes.

Examples
--------
>>> split_prompts(["a cat:2", "blurry:-1"])
([('a cat', 2.0)], [('blurry', 1.0)])
>>> split_prompts("a lighthouse, by greg rutkowski --neg blurry, text")
([('a lighthouse, by greg rutkowski', 1.0)], [('blurry, text', 1.0)])
"""

from __future__ import annotations

import bisect
import math
import numbers

from ..errors import ScheduleError


def parse_prompt(text: str) -> tuple[str, float]:
    """Text and weight of one prompt in Disco's form, ``"text:weight"`` (weight 1 when there is none).

    Only a number after the last colon is a weight, so ``"style: noir"`` keeps its colon.

    Examples
    --------
    >>> parse_prompt("a cat:2")
    ('a cat', 2.0)
    >>> parse_prompt("style: noir")
    ('style: noir', 1.0)
    """
    head, colon, tail = text.rpartition(":")
    weight = 1.0
    if colon:
        try:
            weight = float(tail)
        except ValueError:
            head = text
        else:
            if not math.isfinite(weight):
                raise ScheduleError(f"prompt {text!r} has weight {tail.strip()}: give a finite number")
    else:
        head = text
    head = head.strip()
    if not head:
        raise ScheduleError(f"prompt {text!r} has no text: write e.g. 'a lighthouse:1'")
    return head, weight


def _pair(item):
    if isinstance(item, str):
        return parse_prompt(item)
    if (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str)
            and isinstance(item[1], numbers.Real) and not isinstance(item[1], bool)):
        weight = float(item[1])
        if not item[0].strip() or not math.isfinite(weight):
            raise ScheduleError(f"prompt {item!r} needs text and a finite weight")
        return item[0].strip(), weight
    raise ScheduleError(f"cannot read the prompt {item!r}: give a str ('text:weight') or a (text, weight) pair")


def split_prompts(value) -> tuple[list, list]:
    """Positive and negative ``(text, weight)`` pairs of one prompt keyframe.

    ``value`` is a str (Disco ``"text:weight"``; anything after Deforum's
    ``--neg`` is negative), a ``(text, weight)`` pair, or a list of those.
    A negative weight makes a negative prompt with the opposite weight.

    Examples
    --------
    >>> split_prompts([("a cat", 1.5), "a dog"])
    ([('a cat', 1.5), ('a dog', 1.0)], [])
    """
    if isinstance(value, str):
        positive, _, negative = value.partition("--neg")
        items = [positive] if positive.strip() else []
        negatives = [_pair(negative)] if negative.strip() else []
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and not isinstance(value[1], str):
        items, negatives = [value], []
    elif isinstance(value, (list, tuple)):
        items, negatives = list(value), []
    else:
        raise ScheduleError(f"cannot read the prompts {value!r}: give a str or a list of "
                            "'text:weight' / (text, weight)")
    positives = []
    for item in items:
        text, weight = _pair(item)
        (negatives if weight < 0 else positives).append((text, abs(weight) if weight < 0 else weight))
    return positives, negatives


def _smooth(u):
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def _blend(old, new, alpha):
    if old is None or alpha >= 1.0:
        return list(new)
    weights = {}
    for text, weight in new:
        weights[text] = weights.get(text, 0.0) + alpha * weight
    for text, weight in old:
        weights[text] = weights.get(text, 0.0) + (1.0 - alpha) * weight
    return list(weights.items())


def mix_prompts(keyframes: dict, frame: int, blend_frames: int = 0, *,
                hold_first: bool = True) -> list[tuple[str, float]]:
    """Prompts active at ``frame``, each keyframe fading in over ``blend_frames`` frames from its own frame.

    During a fade the weights are ``(1 - a) * previous + a * new`` with ``a`` a
    smoothstep of ``(frame - key + 1) / (blend_frames + 1)``, so the new prompts
    show from their frame and are alone from ``key + blend_frames``. The
    "previous" mix is whatever showed just before the key, itself possibly a
    fade. Before the first keyframe its prompts hold (with ``hold_first``,
    for positive prompts, which must exist) or none are active (for negative ones).

    Examples
    --------
    >>> keys = {0: [("a cat", 1.0)], 10: [("a dog", 1.0)]}
    >>> mix_prompts(keys, 11, blend_frames=3)
    [('a dog', 0.5), ('a cat', 0.5)]
    >>> mix_prompts(keys, 13, blend_frames=3)
    [('a dog', 1.0)]
    """
    frames = sorted(keyframes)
    if not frames:
        return []
    last = bisect.bisect_right(frames, frame) - 1
    if last < 0:
        return list(keyframes[frames[0]]) if hold_first else []
    first = last
    while first > 0 and frames[first] - 1 < frames[first - 1] + blend_frames:
        first -= 1  # the mix just before this key was still fading: start from an earlier key
    mix = list(keyframes[frames[first - 1]]) if first > 0 else None
    for index in range(first, last + 1):
        at = frames[index + 1] - 1 if index < last else frame
        alpha = 1.0 if blend_frames <= 0 else _smooth((at - frames[index] + 1) / (blend_frames + 1))
        mix = _blend(mix, keyframes[frames[index]], alpha)
    return mix


def deforum_prompt(positives, negatives) -> str:
    """One Deforum prompt string: ``AND``-joined ``text :weight`` (weight left out when 1), then ``--neg``.

    Examples
    --------
    >>> deforum_prompt([("a cat", 2.0), ("a dog", 1.0)], [("blurry", 1.0)])
    'a cat :2.0 AND a dog --neg blurry'
    """
    text = " AND ".join(t if w == 1.0 else f"{t} :{w!r}" for t, w in positives)
    if negatives:
        text += " --neg " + ", ".join(t if w == 1.0 else f"{t} :{w!r}" for t, w in negatives)
    return text.strip()
