"""Bounds on the nested data a settings file may hold: how deep it nests, how large it is once expanded.

YAML's aliases (``&name`` ... ``*name``) let a few hundred bytes stand for
billions of values ("billion laughs"): the loader shares one object per
anchor, but everything that walks the data afterwards walks every repeat.
:func:`check_nesting` counts the data as it would be walked, visiting each
shared object once, so the count costs no more than the file's own size, and
refuses data past :data:`MAX_VALUES` or nested past :data:`MAX_DEPTH` with
one line, before anything walks it.

Examples
--------
>>> shared = ["lol"] * 9
>>> for _ in range(8):
...     shared = [shared] * 9
>>> check_nesting(shared, "bomb.yaml")
Traceback (most recent call last):
...
binarydream.errors.ScheduleError: bomb.yaml expands to more than 5000000 values (aliases, *name, repeat parts of it): write the repeated parts out, or repeat fewer
>>> check_nesting({"n_frames": 3, "curves": {"zoom": [1.0, 1.01, 1.02]}}, "s.yaml")
(3, 10)
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ScheduleError

MAX_DEPTH = 64
"""Most levels of mappings and lists (a schedule has four; Deforum settings two)."""

MAX_VALUES = 5_000_000
"""Most values and keys, every repeat counted (a 20-minute song at 60 fps with twenty per-frame curves has 1.5 million)."""

_NESTED = (dict, list, tuple)


def _children(node) -> list:
    return [*node.keys(), *node.values()] if isinstance(node, dict) else list(node)


def check_nesting(data, name: str) -> tuple[int, int]:
    """``(depth, values)`` of ``data`` (dicts, lists, scalars), or a :class:`ScheduleError` past the bounds.

    ``values`` counts every scalar, key and container each time it appears, as a walk of the data
    would meet it; ``name`` names the file in the error. Data that contains itself is refused too.

    Examples
    --------
    >>> check_nesting([[[[1]]]], "deep.json")
    (4, 5)
    >>> loop = []; loop.append(loop)
    >>> check_nesting(loop, "loop.yaml")
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: loop.yaml contains itself (an alias inside its own anchor): remove that alias
    """
    if not isinstance(data, _NESTED):
        return 0, 1
    measured = {}  # id of a container -> (depth, values), each shared container measured once
    parts = {}  # id of a container being measured -> (its nested parts, its count of scalars and keys)
    keep = []  # the containers measured, so that their ids are not reused while this runs
    stack = [(data, False)]
    while stack:
        node, parts_done = stack.pop()
        key = id(node)
        if parts_done:
            nested, scalars = parts.pop(key)
            depth = 1 + max((measured[id(child)][0] for child in nested), default=0)
            values = 1 + scalars + sum(measured[id(child)][1] for child in nested)
            if depth > MAX_DEPTH:
                raise ScheduleError(f"{name} nests more than {MAX_DEPTH} levels deep: a schedule is a few levels of "
                                    "mappings and lists; is this the right file?")
            if values > MAX_VALUES:
                raise ScheduleError(f"{name} expands to more than {MAX_VALUES} values (aliases, *name, repeat parts "
                                    "of it): write the repeated parts out, or repeat fewer")
            measured[key] = (depth, values)
            keep.append(node)
            continue
        if key in measured:
            continue
        children = _children(node)
        nested = [child for child in children if isinstance(child, _NESTED)]
        parts[key] = (nested, len(children) - len(nested))
        stack.append((node, True))
        for child in nested:
            if id(child) in parts:  # being measured: an ancestor of this one
                raise ScheduleError(f"{name} contains itself (an alias inside its own anchor): remove that alias")
            if id(child) not in measured:
                stack.append((child, False))
    return measured[id(data)]


def read_json(path, what: str, error: type[Exception] = ScheduleError):
    """The JSON a person's file holds, ``what`` naming the file in errors (``"Deforum settings"``).

    A file that cannot be read, is not JSON, or nests deeper than the parser
    follows (a crafted ``[[[[...``) is one line of ``error``, never a traceback.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "deep.json"
    >>> _ = p.write_text("[" * 100_000)
    >>> read_json(p, "Deforum settings")
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: ...deep.json nests too deep to read: Deforum settings are a JSON object
    """
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise error(f"cannot read the {what} {path}: {err.strerror}") from None
    except ValueError as err:
        raise error(f"{path} is not valid JSON ({err}): fix the {what} or give another file") from None
    except RecursionError:  # json nests a call per level
        raise error(f"{path} nests too deep to read: {what} are a JSON object") from None
