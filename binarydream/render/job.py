"""A render from start to finish: the render folder, resume, the frame loop, the encoder, the report.

Examples
--------
>>> frames_folder("out/video.mp4").as_posix()
'out/video.frames'
"""

from __future__ import annotations

import collections
import functools
import hashlib
import os
import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import checks, timebase
from ..errors import RenderError
from ..files import output_target
from . import manifest as mf
from .cadence import diffusion_frames
from .encode import VideoEncoder
from .loop import frame_loop
from .options import check as check_options
from .options import frame_settings
from .progress import Progress, summary_line
from .upscale import resize, upscaler_name

CURVES_READ = ("zoom", "angle", "translation_x", "translation_y", "strength", "noise", "seed")


@dataclass
class RenderReport:
    """What a render did; also written to ``report.json`` in the render folder.

    Attributes
    ----------
    out : str
        The video.
    frames_dir : str
        The render folder (frames, manifest, schedule, this report).
    n_frames : int
        Frames in the video.
    made : int
        Frames made by this run (fewer than ``n_frames`` when it resumed).
    resumed_from : int or None
        The diffused frame a resumed run continued after.
    seconds : float
        Wall time of this run.
    seconds_per_frame : float
        ``seconds / made``.
    guard_actions : list of dict
        One entry per collapsed frame: ``frame``, ``reasons``, ``retries``, ``recovered``.
    diffused : int
        Frames painted by the model (the rest are tweens).
    profile : str or None
        The model profile's line (:meth:`binarydream.render.profiles.ModelProfile.line`); None for a painter callable.
    """

    out: str
    frames_dir: str
    n_frames: int
    made: int
    resumed_from: int | None
    seconds: float
    seconds_per_frame: float
    guard_actions: list = field(default_factory=list)
    diffused: int = 0
    profile: str | None = None

    @property
    def summary(self) -> str:
        """The one-line summary.

        Examples
        --------
        >>> RenderReport("v.mp4", "v.frames", 10, 10, None, 5.0, 0.5).summary
        'v.mp4: 10 frames (10 made now), 0.50 s/frame, 0 guard actions'
        """
        return summary_line(self.n_frames, self.made, self.seconds, len(self.guard_actions), self.out)


def frames_folder(out) -> Path:
    """The render folder of video ``out``: ``video.mp4`` -> ``video.frames``, ``video.mkv`` -> ``video.mkv.frames``.

    Examples
    --------
    >>> frames_folder("v.mp4").name, frames_folder("v.mov").name
    ('v.frames', 'v.mov.frames')
    """
    out = Path(out)
    return out.with_name((out.stem if out.suffix.lower() == ".mp4" else out.name) + ".frames")


def read_image(image, width: int, height: int) -> np.ndarray:
    """A user's image (path, PIL image or array) as uint8 RGB of the render's size.

    Examples
    --------
    >>> read_image(np.zeros((10, 20, 3), np.uint8), 8, 4).shape
    (4, 8, 3)
    """
    from PIL import Image

    if isinstance(image, (str, os.PathLike)):
        if not Path(image).is_file():
            raise RenderError(f"init image not found: {image} (give an existing image file)")
        try:
            image = Image.open(image)
            image.load()
        except (OSError, Image.DecompressionBombError) as error:
            raise RenderError(f"cannot read the init image {image}: {error} (give a PNG, JPEG or WebP)") from None
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, dtype=np.uint8))
    return np.asarray(image.convert("RGB").resize((width, height), Image.LANCZOS))


def load_png(path) -> np.ndarray:
    """A frame PNG as uint8 RGB."""
    import cv2

    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise RenderError(f"cannot read frame {path}; pass resume=False to start the render over")
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def save_png(path, frame: np.ndarray) -> None:
    """Write a frame PNG atomically (fast compression: frames are temporary working files)."""
    import cv2

    # Huffman-only deflate is lossless and about twice as fast as level 1 on photographic frames; the Paeth
    # filter alone gives the same size as trying every filter per row, in two thirds of the time.
    options = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY,
               cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_PAETH]
    ok, data = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), options)
    if not ok:
        raise RenderError(f"cannot encode frame {path} as PNG")
    save_png_bytes(path, data.tobytes())


def save_png_bytes(path, data: bytes) -> None:
    """Write a frame's PNG file, encoded already, atomically (no fsync: the manifest, written after, is the record)."""
    partial = Path(path).with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class FrameSink:
    """Writes frames in the background: PNGs to the folder (a few at once), raw pixels to the encoder, the manifest.

    ``upscale(frame) -> frame`` brings a frame to the video's size on the way to the encoder;
    the PNGs keep the size the model painted at.

    The queue and the PNGs in flight are few, so memory stays flat; the
    threads overlap disk and encoding with the model's next frame (cv2
    releases the GIL while it encodes). The manifest of a diffused frame is
    written only when every PNG up to that frame is on disk.
    """

    def __init__(self, folder: Path, encoder: VideoEncoder, base_manifest: dict, *, png_threads: int | None = None,
                 upscale=None):
        from concurrent.futures import ThreadPoolExecutor

        self.folder, self.encoder, self.base = folder, encoder, base_manifest
        self.upscale = upscale
        self._queue = queue.Queue(maxsize=4)
        self._error = None
        self._threads = png_threads or min(4, os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="png")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        pending = collections.deque()
        while True:
            item = self._queue.get()
            if item is None:
                break
            index, frame, state, save = item
            try:
                if self._error is None:
                    if save:
                        pending.append(self._pool.submit(save_png, mf.frame_path(self.folder, index), frame))
                    self.encoder.write(frame if self.upscale is None else self.upscale(frame))
                    while pending and (state is not None or len(pending) > 2 * self._threads):
                        pending.popleft().result()
                    if state is not None:
                        mf.write_json_atomic(self.folder / mf.MANIFEST, {**self.base, **state})
            except Exception as error:  # reported to the render's thread at the next put or at close
                self._error = error
        for future in pending:
            if future.exception() is not None and self._error is None:
                self._error = future.exception()
        self._pool.shutdown()

    def put(self, index: int, frame: np.ndarray, state=None, *, save: bool = True) -> None:
        """Queue a frame (blocks while the queue is full)."""
        if self._error is not None:
            raise self._error
        self._queue.put((index, frame, state, save))

    def stop(self) -> None:
        """Stop after what is queued, without reporting errors (the render is failing already)."""
        self._queue.put(None)
        self._thread.join()

    def close(self) -> None:
        """Wait for every queued frame to be written."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def _clear(folder: Path) -> None:
    for path in folder.glob("[0-9][0-9][0-9][0-9][0-9][0-9].png"):
        path.unlink()
    for name in (mf.MANIFEST, "report.json", "schedule.yaml"):
        (folder / name).unlink(missing_ok=True)


def model_name(model) -> str:
    """How the manifest names a model: its id or path, or a pipeline's source, or the painter's type."""
    if isinstance(model, (str, os.PathLike)):
        return str(model)
    config = getattr(model, "config", None)
    return str(getattr(config, "_name_or_path", "") or type(model).__name__) if config else type(model).__name__




def check_song(schedule, audio_path) -> None:
    """Refuse a schedule planned for a song of another length than ``audio_path``'s."""
    from ..audio import probe_duration

    checks.check_schedule_song(schedule, probe_duration(audio_path), audio_path)


def check_settings(schedule, *, steps: int | None, seed: int, device, init_image) -> None:
    """The render's steps, seed, device and init image, checked before a model loads.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> check_settings(Schedule(3), steps=-1, seed=0, device=None, init_image=None)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: steps must be a whole number from 1 to 1000, got -1
    """
    if steps is not None:  # None: the model's profile gives them
        checks.check_steps(steps)
    checks.check_seed(seed, schedule)
    checks.check_device(device)
    if init_image is not None:
        read_image(init_image, 8, 8)


def check_request(out, schedule, options, *, audio_path, overwrite: bool) -> None:
    """Everything about a render request that can be checked before a model loads.

    The output (:func:`check_output`), the song's length against the schedule,
    the settings (:func:`binarydream.render.options.check`) and the cadence, so
    that a wrong request fails in a second, not after minutes of loading weights.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> from binarydream.render.options import RenderOptions
    >>> check_request("video.mp4", Schedule(30), RenderOptions(cadence=0), audio_path="song.mp3",
    ...               overwrite=False)  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: cadence must be a whole number of frames >= 1, got 0
    """
    check_output(out, options.width, options.height, overwrite=overwrite)
    if options.render_width is not None:
        check_output(out, options.render_width, options.render_height, overwrite=True)
    check_options(options)
    check_song(schedule, audio_path)
    diffusion_frames(1, options.cadence)


def check_output(out, width: int, height: int, *, overwrite: bool) -> None:
    """Refuse an existing video (unless ``overwrite``), a folder, a container not written, and a frame size
    the model and H.264 cannot take.

    Examples
    --------
    >>> check_output("video.mp4", 1280, 718, overwrite=False)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: width and height must be multiples of 8 from 8 to 8192, got 1280x718
    """
    checks.check_output_path(out)
    checks.video_format(out)
    checks.check_frame_size(width, height)
    output_target(out)
    if Path(out).exists() and not overwrite:
        raise RenderError(f"{out} exists; pass overwrite=True (--overwrite) to replace it, or choose another path")


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
        _clear(folder)
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

    folder = frames_folder(out)
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
    mf.write_json_atomic(folder / "report.json", {**asdict(report), "summary": report.summary, "settings": settings,
                                                   "video": {"width": options.width, "height": options.height,
                                                             "upscaler": upscaler_name(options.upscaler),
                                                             "crf": options.crf, "preset": options.preset}})
    if progress:
        print(report.summary, flush=True)
    return report
