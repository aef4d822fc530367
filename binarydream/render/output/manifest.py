"""The render folder's manifest: everything needed to continue a render exactly, written atomically.

A render of ``video.mp4`` keeps its frames in ``video.frames/`` (``000000.png``,
...) with ``manifest.json`` beside them. The manifest is rewritten after each
diffused frame is on disk, by writing a temporary file and renaming it over
the old one, so a ``kill -9`` at any moment leaves either the previous
manifest or the new one. It holds the fingerprints of the schedule and the
settings (a render is only continued with the same ones), the last diffused
frame (where the loop picks up), the colour reference frame, the cadence
position and the guard's log so far. Seeds need no state: each frame's seed is
a function of the schedule's ``seed`` curve.

Examples
--------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> write_json_atomic(f"{folder}/manifest.json", {"last_key": 4})
>>> read_manifest(folder)["last_key"]
4
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ...errors import RenderError
from ...files import write_text_atomic

MANIFEST = "manifest.json"
VERSION = 2


def frames_folder(out) -> Path:
    """The render folder of video ``out``: ``video.mp4`` -> ``video.frames``, ``video.mkv`` -> ``video.mkv.frames``.

    Examples
    --------
    >>> frames_folder("v.mp4").name, frames_folder("v.mov").name
    ('v.frames', 'v.mov.frames')
    """
    out = Path(out)
    return out.with_name((out.stem if out.suffix.lower() == ".mp4" else out.name) + ".frames")


def frame_path(folder, index: int) -> Path:
    """Path of frame ``index`` in a render folder.

    Examples
    --------
    >>> frame_path("video.frames", 12).name
    '000012.png'
    """
    return Path(folder) / f"{index:06d}.png"


def write_json_atomic(path, data: dict, *, durable: bool = True) -> None:
    """Write ``data`` as JSON so that a reader (or a resume after a crash) sees the old file or the new one.

    ``durable=False``: a crash of the process, not of the machine (:func:`binarydream.files.write_bytes_atomic`).

    Examples
    --------
    >>> import tempfile, json
    >>> p = tempfile.mkdtemp() + "/a.json"; write_json_atomic(p, {"a": 1}); json.load(open(p))
    {'a': 1}
    """
    write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True), overwrite=True, durable=durable)


def read_manifest(folder) -> dict | None:
    """The manifest of a render folder, or None when there is none.

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp()) is None
    True
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise RenderError(f"{path} is damaged ({error}); pass resume=False (--no-resume) to start the render "
                          "over") from None
    if not isinstance(state, dict) or not isinstance(state.get("last_key"), int):
        raise RenderError(f"{path} is not a render manifest; pass resume=False (--no-resume) to start the render over")
    return state


def _digest(parts) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
    return sha.hexdigest()[:16]


def schedule_fingerprint(schedule, curve_names) -> str:
    """A short hash of everything in a schedule that changes the frames.

    Parameters
    ----------
    schedule : Schedule
    curve_names : iterable of str
        The curves the render reads.

    Examples
    --------
    >>> class Tiny(dict):
    ...     n_frames, fps, prompts, negative_prompts, sections, blend_frames = 2, 10, {0: [("a", 1.0)]}, {}, [], 0
    >>> a = schedule_fingerprint(Tiny(zoom=np.ones(2)), ["zoom"])
    >>> a == schedule_fingerprint(Tiny(zoom=np.full(2, 1.01)), ["zoom"])
    False
    """
    parts = [[schedule.n_frames, float(schedule.fps), schedule.blend_frames],
             {str(k): v for k, v in schedule.prompts.items()},
             {str(k): v for k, v in (schedule.negative_prompts or {}).items()},
             list(schedule.sections)]
    parts += [name.encode() + np.ascontiguousarray(schedule[name], dtype=np.float64).tobytes()
              for name in sorted(curve_names)]
    return _digest(parts)


def changed_settings(old: dict, new: dict) -> list[str]:
    """Names of the settings that differ between two manifests' ``settings``.

    Examples
    --------
    >>> changed_settings({"steps": 2, "seed": 0}, {"steps": 3, "seed": 0})
    ['steps']
    """
    def text(value):
        return json.dumps(value, default=str, sort_keys=True)

    return sorted(k for k in set(old) | set(new) if text(old.get(k)) != text(new.get(k)))


def clear_folder(folder: Path) -> None:
    """Remove a render's frames, manifest, report and schedule from ``folder`` (a render that starts over)."""
    for path in folder.glob("[0-9][0-9][0-9][0-9][0-9][0-9].png"):
        path.unlink()
    for name in (MANIFEST, "report.json", "schedule.yaml"):
        (folder / name).unlink(missing_ok=True)
