"""A render run from start to finish: the render folder, resume, the frame loop, the writer threads, the report.

:func:`binarydream.render.render` checks the request (:mod:`.request`), loads
the painter (:mod:`.painting`) and calls :func:`run_render` here.

Examples
--------
>>> from binarydream import Schedule
>>> from binarydream.render.options import RenderOptions
>>> base = manifest_base(Schedule(3), RenderOptions(), [0, 1, 2], model_settings={"model": "m"})
>>> sorted(base), base["settings"]["model"], base["settings"]["init_image"]
(['fps', 'n_frames', 'schedule', 'settings', 'version'], 'm', None)
"""

from __future__ import annotations

import functools
import hashlib
import time
from pathlib import Path

import numpy as np

from .. import timebase
from ..errors import RenderError
from .frame.cadence import diffusion_frames
from .loop import frame_loop
from .model.upscale import resize, upscaler_name
from .options import frame_settings
from .output import manifest as mf
from .output.encode import VideoEncoder
from .output.images import load_png, read_image
from .output.progress import Progress
from .output.report import RenderReport, save_report
from .output.sink import FrameSink

CURVES_READ = ("zoom", "angle", "translation_x", "translation_y", "strength", "noise", "seed")


def _to_size(upscale, width: int, height: int, frame: np.ndarray) -> np.ndarray:
    return upscale(frame, width, height)


def _load_frame(folder: Path, index: int) -> np.ndarray:
    return load_png(mf.frame_path(folder, index))


def _start_state(folder: Path, base: dict, schedule, resume: bool):
    """The manifest to continue from (None: start over, the folder cleared); refuses a mismatched one."""
    state = mf.read_manifest(folder) if resume else None
    if state is not None:
        if state.get("schedule") != base["schedule"] or state.get("settings") != base["settings"]:
            changed = mf.changed_settings(state.get("settings", {}), base["settings"])
            if "weights" in changed:
                raise RenderError(f"{folder} holds a render made with other weights than {base['settings']['model']}"
                                  "'s now (the folder or file changed, another hub revision, or another pipeline): "
                                  "render to another output name, or pass resume=False (--no-resume) to start over")
            if state.get("schedule") != base["schedule"]:
                changed.insert(0, "schedule")
            raise RenderError(f"{folder} holds a render made with a different {', '.join(changed) or 'version'}; "
                              "pass resume=False to start over, or choose another output path")
    else:
        mf.clear_folder(folder)
        schedule.save(folder / "schedule.yaml", overwrite=True)
    return state


def manifest_base(schedule, options, keys, *, model_settings: dict, init=None, adherence=None, depth=None) -> dict:
    """What a render's manifest holds besides its progress: the fingerprints of the schedule and the settings.

    A render (or a segment of one) continues only from a manifest with the same base.
    """
    settings = {**model_settings, **frame_settings(options),
                "diffusion_frames": hashlib.sha256(np.asarray(keys).tobytes()).hexdigest()[:16],
                "init_image": None if init is None else hashlib.sha256(init.tobytes()).hexdigest()[:16],
                "adherence": adherence is not None}
    if depth is not None:
        settings["fov"] = options.fov
    return {"version": mf.VERSION, "n_frames": schedule.n_frames, "fps": schedule.fps, "settings": settings,
            "schedule": mf.schedule_fingerprint(schedule, set(CURVES_READ) | set(getattr(schedule, "curve_names", ())))}


def run_render(out, schedule, painter, options, *, audio_path, model_settings: dict, profile: str | None = None,
               resume: bool = True, progress=True, beats=None, init_image=None, adherence=None, depth=None,
               upscale=None) -> RenderReport:
    """Render with a ready painter and resolved options; :func:`binarydream.render.render` checks the request
    (:func:`check_request`), loads the models, resolves the options (:func:`binarydream.render.options.resolve`)
    and calls this.

    ``model_settings`` (the model, its dtype and speed options, the depth model) go into the
    manifest beside the frame settings, so a resume uses the same ones. ``depth`` is a ready depth
    callable (3D camera) or None (2D); ``upscale(frame, width, height)`` brings frames to the video's size.
    """
    out = Path(out)
    n, fps = schedule.n_frames, schedule.fps
    width, height = options.render_size
    beat_frames = None if beats is None else timebase.frame_at(np.asarray(beats, dtype=np.float64), fps)
    keys = diffusion_frames(n, options.cadence, beat_frames)
    init = None if init_image is None else read_image(init_image, width, height)
    base = manifest_base(schedule, options, keys, model_settings=model_settings, init=init, adherence=adherence,
                         depth=depth)
    settings = base["settings"]

    folder = mf.frames_folder(out)
    folder.mkdir(parents=True, exist_ok=True)
    state = _start_state(folder, base, schedule, resume)
    encoder = VideoEncoder(out, options.width, options.height, fps=fps, n_frames=n, audio_path=audio_path,
                           crf=options.crf, preset=options.preset)
    upscale = upscale or resize
    sink = FrameSink(folder, encoder, base, upscale=None if (options.width, options.height) == (width, height)
                     else functools.partial(_to_size, upscale, options.width, options.height))
    start = 0 if state is None else state["last_key"] + 1
    bar = Progress(n, initial=start, callback=progress if callable(progress) else None, bar=bool(progress))
    started = time.perf_counter()
    actions, diffused = list(state["guard_actions"]) if state else [], 0
    load = functools.partial(_load_frame, folder)
    try:
        for index in range(start):
            sink.put(index, load(index), save=False)
        for index, frame, frame_state in frame_loop(painter, schedule, keys, options, init_image=init,
                                                    adherence=adherence, resume=state, load_frame=load, depth=depth):
            if frame_state is not None:
                diffused += 1
                actions = frame_state["guard_actions"]
            sink.put(index, frame, frame_state)
            bar.advance()
        sink.close()
        encoder.close()
    except BaseException:
        sink.stop()  # frames already made reach the folder and the manifest, so a resume keeps them
        encoder.abort()
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    made = n - start
    report = RenderReport(str(out), str(folder), n, made, None if state is None else state["last_key"], seconds,
                          seconds / made if made else 0.0, actions, diffused, profile)
    return save_report(folder, report, {"settings": settings,
                                        "video": {"width": options.width, "height": options.height,
                                                  "upscaler": upscaler_name(options.upscaler),
                                                  "crf": options.crf, "preset": options.preset}}, progress=progress)
