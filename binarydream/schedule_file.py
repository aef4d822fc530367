"""The schedule file: YAML (round trip: comments and layout kept) or JSON, and its plain data.

Examples
--------
>>> prompt_texts([("a cat", 1.0), ("at 5:30", 1.0), ("fog", 0.5)])
['a cat', 'at 5:30:1', 'fog:0.5']
"""

from __future__ import annotations

import io
import json
import numbers
from pathlib import Path

import numpy as np

from .errors import ScheduleError
from .files import write_text_atomic
from .keyframes.emit import format_number
from .keyframes.prompts import parse_prompt
from .nesting import check_nesting

FORMAT = "binarydream_schedule"
FILE_KEYS = ("n_frames", "fps", "bpm", "beats", "blend_frames", "sections", "prompts", "negative_prompts", "render",
             "curves")
"""Entries a schedule file may have."""


def prompt_texts(prompts) -> list:
    """``(text, weight)`` pairs as Disco prompt strings: ``"text"`` when the weight is 1, else ``"text:weight"``.

    A text that would read as weighted (``"at 5:30"``) gets its weight written out.

    Examples
    --------
    >>> prompt_texts([("a lighthouse", 2.0)])
    ['a lighthouse:2']
    """
    out = []
    for text, weight in prompts:
        plain = weight == 1.0 and "--neg" not in text
        try:
            plain = plain and parse_prompt(text) == (text, 1.0)
        except ScheduleError:
            plain = False
        out.append(text if plain else f"{text}:{format_number(weight)}")
    return out


def plain(value):
    """``value`` with numpy and ruamel.yaml types turned into Python's (dict, list, str, int, float, bool, None).

    Examples
    --------
    >>> plain({"a": [np.int64(2), np.float32(0.5), np.str_("x")]})
    {'a': [2, 0.5, 'x']}
    """
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None if value is None else bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _key(key):
    return int(key) if isinstance(key, str) and key.strip().isdigit() else key


def read_fields(data) -> dict:
    """Keyword arguments of :class:`~binarydream.schedule.Schedule` (and ``curves``) from a file's plain data.

    Examples
    --------
    >>> read_fields({"n_frames": 3, "prompts": {"0": ["a cat:2"]}})["prompts"]
    {0: ['a cat:2']}
    """
    data = plain(data)
    if not isinstance(data, dict) or "n_frames" not in data:
        raise ScheduleError("a schedule needs at least n_frames: is this a schedule file?")
    unknown = set(data) - set(FILE_KEYS) - {FORMAT}
    if unknown:
        raise ScheduleError(f"unknown schedule entries {sorted(unknown, key=str)}: use only {', '.join(FILE_KEYS)}")

    def pairs(prompts):
        if not isinstance(prompts, dict):
            raise ScheduleError(f"prompts must be a mapping of frame to prompts, got {type(prompts).__name__}")
        return {_key(key): [tuple(item) if isinstance(item, list) else item for item in value]
                if isinstance(value, list) else value for key, value in prompts.items()}

    def mapping(name):
        value = data.get(name) or {}
        if not isinstance(value, dict):
            raise ScheduleError(f"{name} must be a mapping, got {type(value).__name__}")
        return value

    sections = data.get("sections") or []
    if not isinstance(sections, list) or not all(isinstance(s, list) and len(s) == 2 for s in sections):
        raise ScheduleError("sections must be a list of [key, label] pairs")
    return {"n_frames": data["n_frames"], "fps": data.get("fps", 30), "bpm": data.get("bpm"),
            "beats": data.get("beats"), "blend_frames": data.get("blend_frames", 0),
            "sections": [(_key(key), label) for key, label in sections],
            "prompts": pairs(data.get("prompts") or {}), "negative_prompts": pairs(data.get("negative_prompts") or {}),
            "render": mapping("render"), "curves": mapping("curves")}


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per prompt and per curve, however long
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _styled(data: dict):
    """A ruamel.yaml document of ``data``: number lists and section pairs on one line, the rest in blocks."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def convert(value, flow=False):
        if isinstance(value, dict):
            return CommentedMap((key, convert(item, flow)) for key, item in value.items())
        if isinstance(value, list):
            seq = CommentedSeq(convert(item, True) for item in value)
            if flow or all(isinstance(item, (int, float)) for item in value):
                seq.fa.set_flow_style()
            return seq
        return value

    return convert(data)


def _merge(document, data):
    """Put ``data`` into the loaded ``document`` in place, keeping the comments of entries that remain."""
    from ruamel.yaml.comments import CommentedMap

    fresh = _styled(data)
    for key in [key for key in document if key not in fresh]:
        del document[key]
    for key, value in fresh.items():
        if key in document and isinstance(document[key], CommentedMap) and isinstance(value, CommentedMap):
            _merge(document[key], plain(value))
        elif key not in document or plain(document[key]) != plain(value):
            document[key] = value
    return document


def save(path, data: dict, document=None, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` (.yaml, .yml or .json) atomically; into ``document`` (comments kept) for YAML.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = save(pathlib.Path(tempfile.mkdtemp()) / "s.yaml", {"n_frames": 3})
    >>> path.read_text()
    'n_frames: 3\\n'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        stream = io.StringIO()
        _yaml().dump(_merge(document, data) if document is not None and hasattr(document, "ca")
                     else _styled(data), stream)
        text = stream.getvalue()
    elif suffix == ".json":
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    else:
        raise ScheduleError(f"cannot tell the format of {path.name}: name it .yaml, .yml or .json")
    if path.exists() and not overwrite:
        raise ScheduleError(f"{path} exists already: pass overwrite=True to replace it, or choose another name")
    return write_text_atomic(path, text, overwrite=True)


def load(path):
    """The data of a schedule file: a ruamel.yaml document (comments kept) for YAML, a dict for JSON.

    Data nested too deep or too large once its YAML aliases are expanded is refused
    (:func:`binarydream.nesting.check_nesting`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = path.write_text("n_frames: 3  # a short one\\n")
    >>> dict(load(path))
    {'n_frames': 3}
    """
    from ruamel.yaml.error import YAMLError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise ScheduleError(f"cannot tell the format of {path.name}: name it .yaml, .yml or .json")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScheduleError(f"cannot read the schedule {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if suffix == ".json" else _yaml().load(text)
    except (ValueError, YAMLError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScheduleError(f"{path} is not valid {'JSON' if suffix == '.json' else 'YAML'}: {first_line}") from None
    except RecursionError:  # the parsers nest a call per level
        raise ScheduleError(f"{path} nests too deep to read: a schedule is a few levels of mappings and lists; "
                            "is this the right file?") from None
    if getattr(data, "tag", None) is not None and getattr(data.tag, "value", None):
        raise ScheduleError(f"{path} is not valid YAML: tag {data.tag.value} is not allowed in a schedule")
    check_nesting(data, str(path))
    return data
