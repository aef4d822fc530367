"""A render made segment by segment (:mod:`.segments`), in one process: the reference a Ray run must equal.

Each segment is painted on its own (:func:`paint_segment`) into a folder of
its own with its own manifest, so a segment stopped part way continues from
its last diffused frame. The video is assembled from the segments in time
order (:class:`Assembly`), each overlap crossfaded into the previous segment's
tail, while later segments are still being painted. :mod:`.distributed` paints
the same segments as Ray tasks and assembles them the same way, so both give
the same video.

Examples
--------
>>> from binarydream.render.scale.segmented import render_segmented
>>> render_segmented("video.mp4", sched, audio_path="song.mp3", model=painter, workers=4)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ... import timebase
from ...errors import RenderError
from ..frame.cadence import diffusion_frames, segment_keys
from ..job import manifest_base
from ..loop import frame_loop
from ..model.upscale import resize
from ..model.weights import model_name, weights_fingerprint
from ..options import RenderOptions, SpeedOptions
from ..output import manifest as mf
from ..output.encode import FinishesOrAborts, VideoEncoder
from ..output.images import load_png, read_image, save_png, save_png_bytes
from ..output.progress import Progress
from ..output.report import RenderReport, save_report
from ..painting import load_painter
from .segments import Segment, crossfade, plan_segments

BARS_PER_SEGMENT = 4
"""The shortest segment, in bars: shorter pieces would spend too much of their time warming up."""

OVERLAP_SECONDS = 1.0
"""How long a segment paints before its cut, to warm up and crossfade."""


@dataclass(frozen=True)
class SegmentWork:
    """Everything a worker needs to paint one segment, as plain data (it travels to other machines).

    ``fingerprint`` names the whole render (schedule, settings, model, plan) and ``video`` its output:
    a worker keeps a segment's progress under both, so a retried task continues where the failed one
    stopped, and two renders of one schedule keep apart.
    """

    schedule: object
    model: object
    options: RenderOptions
    speed: SpeedOptions
    keys: np.ndarray
    segment: Segment
    init_image: np.ndarray | None
    fingerprint: str
    video: str


def plan_for(schedule, options: RenderOptions, *, workers: int, beats=None, downbeats=None) -> tuple:
    """The render's diffused frames and its segments, cut at the schedule's sections moved to downbeats.

    A bar is the median downbeat spacing (four beats without downbeats, two seconds without beats).
    """
    fps = schedule.fps
    beat_frames = None if beats is None else timebase.frame_at(np.asarray(beats, dtype=np.float64), fps)
    keys = diffusion_frames(schedule.n_frames, options.cadence, beat_frames)
    bar_times = np.asarray(downbeats if downbeats is not None and len(downbeats) > 1 else [], dtype=np.float64)
    if bar_times.size:
        bar = float(np.median(np.diff(bar_times)))
    elif beats is not None and len(beats) > 1:
        bar = 4 * float(np.median(np.diff(beats)))
    else:
        bar = 2.0
    bar_frames = timebase.frame_at(bar_times, fps) if bar_times.size else []
    plan = plan_segments(schedule.n_frames, [start for start, _ in (schedule.sections or [])] or [0], bar_frames,
                         workers=workers, min_frames=max(1, round(BARS_PER_SEGMENT * bar * fps)),
                         overlap=round(OVERLAP_SECONDS * fps))
    return keys, plan


def fingerprint(schedule, model, options: RenderOptions, keys, plan, init) -> str:
    """A short hash of everything that changes a segmented render's frames."""
    base = manifest_base(schedule, options, keys, init=init,
                         model_settings={"model": model_name(model), "weights": weights_fingerprint(model)})
    text = json.dumps([base, [(s.start, s.stop, s.warm) for s in plan]], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_work(out, schedule, model, options, speed, *, plan, keys, init_image) -> list[SegmentWork]:
    """One :class:`SegmentWork` per segment of ``plan``; only the first paints from ``init_image``."""
    init = None if init_image is None else read_image(init_image, *_render_size_hint(options))
    key = fingerprint(schedule, model, options, keys, plan, init)
    video = hashlib.sha256(str(Path(out).absolute()).encode()).hexdigest()[:16]
    return [SegmentWork(schedule, model, options, speed, keys, segment, init if segment.warm == 0 else None, key,
                        video) for segment in plan]


def _render_size_hint(options: RenderOptions) -> tuple:
    return (options.render_width or options.width, options.render_height or options.height)


@functools.lru_cache(maxsize=1)  # one model in memory (a GPU's) per process
def _cached_painter(model, options, speed, device):
    return load_painter(model, options, speed, device=device, step_callback=None)


def painter_for(work: SegmentWork, device=None):
    """The painter, resolved options and model settings of ``work``, loaded once per process and model."""
    try:
        hash((work.model, work.options, work.speed))
    except TypeError:  # a model or setting that cannot be hashed: load it each time
        return _cached_painter.__wrapped__(work.model, work.options, work.speed, device)
    return _cached_painter(work.model, work.options, work.speed, device)


def paint_segment(work: SegmentWork, folder, *, device=None, tick=None, durable: bool = True) -> dict:
    """Paint frames ``[warm, stop)`` of ``work.segment`` into ``folder``, continuing what a stopped run left there.

    Frames are PNGs named by their index in the video; the manifest after each diffused frame holds
    the loop's state. ``tick(n)`` says that ``n`` frames of the segment are made (those a resume keeps counted).
    ``durable=False``: the manifest survives the process, not the machine (a worker's scratch folder,
    lost with its machine anyway), and costs no disk sync per frame.

    Returns
    -------
    dict
        The manifest of the finished segment.
    """
    painter, options, model_settings, _ = painter_for(work, device)
    segment = work.segment
    keys = segment_keys(work.keys, segment.warm, segment.stop)
    init = work.init_image
    if init is not None and init.shape[:2] != options.render_size[::-1]:
        init = read_image(init, *options.render_size)
    base = {**manifest_base(work.schedule, options, keys, model_settings=model_settings, init=init),
            "segment": [segment.warm, segment.start, segment.stop], "fingerprint": work.fingerprint}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = mf.read_manifest(folder)
    if state is not None and {k: state.get(k) for k in base} != base:
        state = None  # another render's leftovers under this name: start the segment over
    if state is not None and state["last_key"] == segment.stop - 1:
        return state
    made = (state["last_key"] + 1 - segment.warm) if state else 0
    if tick is not None:
        tick(made)
    load = functools.partial(_load, folder)
    for index, frame, frame_state in frame_loop(painter, work.schedule, keys, options, init_image=init,
                                                resume=state, load_frame=load):
        save_png(mf.frame_path(folder, index), frame)
        if frame_state is not None:
            state = {**base, **frame_state}
            mf.write_json_atomic(folder / mf.MANIFEST, state, durable=durable)
        made += 1
        if tick is not None:
            tick(made)
    return state


def _load(folder, index: int) -> np.ndarray:
    return load_png(mf.frame_path(folder, index))


def segment_frames(folder, segment: Segment) -> np.ndarray:
    """The frames ``[warm, stop)`` of a painted segment, ``(n, height, width, 3)`` uint8."""
    return np.stack([_load(folder, index) for index in range(segment.warm, segment.stop)])


def segment_pngs(folder, segment: Segment) -> list[bytes]:
    """The PNG files of the frames ``[warm, stop)`` of a painted segment, as they are on disk."""
    return [mf.frame_path(folder, index).read_bytes() for index in range(segment.warm, segment.stop)]


def store_segment(folder, pngs, state: dict, segment: Segment) -> None:
    """Keep a segment painted elsewhere (its :func:`segment_pngs`) in the driver's folder, the manifest last,
    so a rerun skips it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for index, data in zip(range(segment.warm, segment.stop), pngs):
        save_png_bytes(mf.frame_path(folder, index), data)
    mf.write_json_atomic(folder / mf.MANIFEST, state)


def is_done(folder, work: SegmentWork) -> bool:
    """Whether ``folder`` holds the whole of ``work``'s segment, from this render."""
    state = mf.read_manifest(folder)
    return (state is not None and state.get("fingerprint") == work.fingerprint
            and state["last_key"] == work.segment.stop - 1)


class Assembly(FinishesOrAborts):
    """A segmented render's video, written while its segments are still being painted.

    ``add(segment)`` says that a segment of ``plan`` is painted into ``folder_of(segment)``; segments
    come in any order, and each one whose predecessors are all in is written at once, all but its
    last frames, which wait to be crossfaded with the next segment's overlap. ``close()`` finishes
    the file (every segment added), ``abort()`` drops it; memory holds one segment at a time.

    Examples
    --------
    >>> video = Assembly("video.mp4", plan, folder_of, audio_path="song.mp3", options=options, fps=24)  # doctest: +SKIP
    >>> for segment in plan:  # doctest: +SKIP
    ...     paint(segment)  # in any order
    ...     video.add(segment)
    >>> video.close()  # doctest: +SKIP
    """

    def __init__(self, out, plan, folder_of, *, audio_path, options: RenderOptions, fps: float, upscale=None):
        self.plan, self.folder_of, self.options = tuple(plan), folder_of, options
        self.upscale = upscale or resize
        self.encoder = VideoEncoder(out, options.width, options.height, fps=fps, n_frames=self.plan[-1].stop,
                                    audio_path=audio_path, crf=options.crf, preset=options.preset)
        self._painted = set()
        self._written = 0  # segments written, their held tails aside
        self._tail = None  # the last frames of the last segment written, that the next one's overlap blends into

    def add(self, segment: Segment) -> None:
        """Segment ``segment`` is painted: write it, and those after it that wait for it."""
        self._painted.add(segment)
        while self._written < len(self.plan) and self.plan[self._written] in self._painted:
            self._write_next()

    def _write_next(self) -> None:
        segment = self.plan[self._written]
        frames = segment_frames(self.folder_of(segment), segment)
        lead = segment.start - segment.warm
        if self._tail is not None:
            self._write(crossfade(self._tail, frames[:lead]))
        self._written += 1
        after = self.plan[self._written] if self._written < len(self.plan) else None
        held = len(frames) - (after.start - after.warm if after else 0)
        self._write(frames[lead:held])
        self._tail = frames[held:]

    def _write(self, frames) -> None:
        for frame in frames:
            if frame.shape[:2] != (self.options.height, self.options.width):
                frame = self.upscale(frame, self.options.width, self.options.height)
            self.encoder.write(frame)

    def close(self) -> None:
        """Finish the video."""
        if self._written < len(self.plan):
            missing = [s.name for s in self.plan if s not in self._painted]
            raise RenderError(f"cannot finish the video without {', '.join(missing)}; render again to paint them")
        self.encoder.close()

    def abort(self) -> None:
        """Stop without writing the video."""
        self.encoder.abort()


def check_folder(folder: Path, key: str, plan, *, resume: bool) -> None:
    """Claim the render folder for this segmented render; refuse one holding another (unless ``resume=False``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "segments.json"
    if resume and path.is_file():
        held = json.loads(path.read_text(encoding="utf-8")).get("fingerprint")
        if held != key:
            raise RenderError(f"{folder} holds a segmented render with another schedule, model or weights, settings "
                              "or plan; pass resume=False to start over, or choose another output path")
        return
    for old in folder.glob("segment-*"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    mf.write_json_atomic(path, {"fingerprint": key, "segments": [[s.warm, s.start, s.stop] for s in plan]})


def write_report(out, folder: Path, plan, *, made: int, seconds: float, progress) -> RenderReport:
    """The report of a segmented render, written beside its segments and printed when ``progress``."""
    n = plan[-1].stop
    report = RenderReport(str(out), str(folder), n, made, None, seconds, seconds / made if made else 0.0)
    return save_report(folder, report, {"segments": [[s.warm, s.start, s.stop] for s in plan]}, progress=progress)


class SegmentsProgress:
    """One bar with an ETA for every segment of a render: ``update(name, made)`` sets a segment's frames made."""

    def __init__(self, plan, progress):
        self.counts = {}
        self.bar = Progress(sum(s.n_painted for s in plan), callback=progress if callable(progress) else None,
                            bar=bool(progress))

    @property
    def made(self) -> int:
        """Frames made since the bar began, those found done included."""
        return self.bar.done

    def update(self, name: str, made: int) -> None:
        """Segment ``name`` has ``made`` frames."""
        step = made - self.counts.get(name, 0)
        self.counts[name] = made
        if step > 0:
            self.bar.advance(step)

    def close(self) -> None:
        """Remove the bar."""
        self.bar.close()


def prepare(out, schedule, *, model, options, speed, resume: bool, beats, downbeats, init_image, workers: int):
    """The segments' work of one render and its claimed folder: ``(works, folder, plan)``."""
    keys, plan = plan_for(schedule, options, workers=workers, beats=beats, downbeats=downbeats)
    works = make_work(out, schedule, model, options, speed, plan=plan, keys=keys, init_image=init_image)
    folder = mf.frames_folder(out)
    check_folder(folder, works[0].fingerprint, plan, resume=resume)
    return works, folder, plan


def video_of(out, job, *, audio_path, upscale=None) -> Assembly:
    """The :class:`Assembly` of one render's video, from its :func:`prepare`'d ``job``."""
    works, folder, plan = job
    return Assembly(out, plan, lambda segment: folder / segment.name, audio_path=audio_path, options=works[0].options,
                    fps=works[0].schedule.fps, upscale=upscale)


def render_segmented(out, schedule, *, audio_path, model, workers: int, options: RenderOptions | None = None,
                     speed: SpeedOptions | None = None, resume: bool = True, progress=True, beats=None,
                     downbeats=None, init_image=None, device=None, upscale=None) -> RenderReport:
    """Render the segmented plan for ``workers`` one segment after another in this process.

    The video equals the one a Ray run of the same plan makes (:func:`binarydream.render.scale.distributed.render_on_ray`).
    Requests are checked by the caller (:func:`binarydream.render.render`).
    """
    job = prepare(out, schedule, model=model, options=options or RenderOptions(), speed=speed or SpeedOptions(),
                  resume=resume, beats=beats, downbeats=downbeats, init_image=init_image, workers=workers)
    works, folder, plan = job
    bar = SegmentsProgress(plan, progress)
    started = time.perf_counter()
    with video_of(out, job, audio_path=audio_path, upscale=upscale) as video:
        try:
            for work in works:
                paint_segment(work, folder / work.segment.name, device=device,
                              tick=functools.partial(bar.update, work.segment.name))
                video.add(work.segment)
        finally:
            bar.close()
    return write_report(out, folder, plan, made=bar.made, seconds=time.perf_counter() - started, progress=progress)


__all__ = ["render_segmented", "paint_segment", "Assembly", "plan_for", "SegmentWork"]
