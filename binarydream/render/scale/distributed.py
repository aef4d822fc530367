"""A render spread over the GPUs of a Ray cluster: one task per segment, the video assembled by the driver.

The driver plans the segments (:func:`binarydream.render.scale.segmented.plan_for`)
for as many workers as the cluster has GPUs (or units of a custom resource),
submits them longest first, each a task asking for one GPU, and keeps each
finished segment in the render folder as it arrives, so a driver run again
after a crash submits only the segments still missing; it writes the video's
frames up to the first segment still painting meanwhile, so little is left
to encode after the last. A task paints into a scratch folder on its own
machine (private to the user, :func:`scratch_root`; removed when the segment is done,
and what segments stopped part way left on the driver's machine when the render is
finished), with its own manifest: when its worker dies, Ray runs it again
(``max_retries``) and, on the same machine, it continues from its last
diffused frame. Frames come back as their PNG files through Ray's object
store, never through a shared disk. The video equals the one-process
segmented render (:func:`binarydream.render.scale.segmented.render_segmented`).

Examples
--------
>>> report = render("video.mp4", sched, audio_path="song.mp3", ray="auto")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ...errors import BinaryDreamError, MissingDependencyError, ParameterError, RenderError
from ..options import RenderOptions, SpeedOptions
from ..output.manifest import MANIFEST
from .segmented import (SegmentsProgress, is_done, paint_segment, prepare, segment_pngs, store_segment, video_of,
                        write_report)
from .segments import longest_first

MAX_RETRIES = 3
"""Times Ray runs a segment again after its worker died."""

POLL_SECONDS = 0.5


def import_ray():
    """The ``ray`` module, or a one-line error naming the extra that installs it.

    Examples
    --------
    >>> import_ray().__name__
    'ray'
    """
    try:
        import ray
    except ImportError:
        raise MissingDependencyError("Ray is not installed: pip install 'binarydream[ray]'") from None
    return ray


def connect(address):
    """Join the Ray cluster ``address`` names, unless this process has already joined one.

    ``True``: the cluster running on this machine, or else one of this machine alone, started now;
    ``"auto"``: the cluster running on this machine (``ray start`` / ``ray up``), an error when there is
    none; ``"ray://host:10001"``: a remote cluster through Ray Client.
    """
    ray = import_ray()
    if address is not True and not isinstance(address, str):
        raise ParameterError(f"ray must be True, 'auto' or a 'ray://host:port' address, got {address!r}")
    if not ray.is_initialized():
        ray.init(address=None if address is True else address, log_to_driver=False)
    return ray


def cluster_workers(ray, resource: str | None) -> int:
    """How many segments the cluster paints at once: its GPUs, or its units of ``resource``."""
    count = int(ray.cluster_resources().get(resource or "GPU", 0))
    if count < 1:
        raise RenderError(f"the Ray cluster has no {resource or 'GPU'}; start its nodes with GPUs, "
                          "or render without ray")
    return count


def scratch_root() -> Path:
    """This user's private scratch folder for segments on this machine: ``TMP/binarydream-segments-UID``, mode 0700.

    A folder of that name made by someone else, a link, or one others may read is refused: its frames
    would be theirs to read or to swap.

    Examples
    --------
    >>> import stat
    >>> stat.S_IMODE(scratch_root().stat().st_mode) == 0o700
    True
    """
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    root = Path(tempfile.gettempdir()) / (f"binarydream-segments-{uid}" if uid is not None else "binarydream-segments")
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700)
    info = os.lstat(root)
    if uid is not None and not (stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077):
        raise RenderError(f"the scratch folder {root} is not a private folder of this user (another user made it, "
                          "or it is a link or open to others): remove it, or point TMPDIR elsewhere")
    return root


def _scratch(work) -> Path:
    return scratch_root() / work.fingerprint / work.video / work.segment.name


def _remove_scratch(folder: Path) -> None:
    """Remove a scratch folder, and the folders above it up to :func:`scratch_root` that it leaves empty."""
    shutil.rmtree(folder, ignore_errors=True)
    root = scratch_root()
    for parent in folder.parents:
        if parent == root:
            break
        try:
            parent.rmdir()
        except OSError:  # another segment or render is still there
            break


def _name(work) -> str:
    return f"{work.video}/{work.segment.name}"


def paint_task(work, tracker):
    """The Ray task: paint one segment in this machine's scratch folder and return its PNG files and manifest."""
    folder = _scratch(work)
    sent = [0.0]

    def tick(made):
        if time.monotonic() - sent[0] >= POLL_SECONDS:  # an actor call per frame would cost more than a frame
            tracker.update.remote(_name(work), made)
            sent[0] = time.monotonic()

    try:
        state = paint_segment(work, folder, tick=tick, durable=False)
    except BaseException:
        if not (folder / MANIFEST).exists():  # nothing a retry could continue from
            _remove_scratch(folder)
        raise
    pngs = segment_pngs(folder, work.segment)
    _remove_scratch(folder)
    return pngs, state


class Tracker:
    """A Ray actor the tasks report their frames to: ``update(name, made)``, read with ``counts()``."""

    def __init__(self):
        self._counts = {}

    def update(self, name: str, made: int) -> None:
        self._counts[name] = made

    def counts(self) -> dict:
        return dict(self._counts)


def task_options(resource: str | None) -> dict:
    """What a segment's task asks for: one GPU, or one unit of a custom resource (benchmarks, tests).

    Examples
    --------
    >>> task_options("painter")
    {'num_cpus': 0, 'resources': {'painter': 1}, 'max_retries': 3}
    """
    if resource is None:
        return {"num_gpus": 1, "max_retries": MAX_RETRIES}
    return {"num_cpus": 0, "resources": {resource: 1}, "max_retries": MAX_RETRIES}


def submit(ray, jobs, *, resource: str | None, progress=True) -> int:
    """Paint the segments of several renders on the cluster, longest first across them all.

    ``jobs`` are ``(works, folder, video)``: each finished segment is stored in ``folder`` as it arrives
    and added to ``video`` (:class:`binarydream.render.scale.segmented.Assembly`); one found there already (a
    driver run again) is not painted again. Returns the frames counted (those found done included). A
    segment that fails with one of binarydream's errors raises it as it is.
    """
    remote = ray.remote(paint_task).options(**task_options(resource))
    tracker = ray.remote(Tracker).options(num_cpus=0).remote()
    bar = SegmentsProgress([work.segment for works, _, _ in jobs for work in works], progress)
    done, todo = [], []
    for works, folder, video in jobs:
        for work in works:
            if is_done(folder / work.segment.name, work):
                done.append((work, video))
            else:
                todo.append((work, folder / work.segment.name, video))
    pending = {}
    try:
        for work, folder, video in longest_first(todo, lambda item: item[0].segment):
            pending[remote.remote(work, tracker)] = (work, folder, video)
        for work, video in done:  # while the tasks start
            bar.update(_name(work), work.segment.n_painted)
            video.add(work.segment)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=POLL_SECONDS)
            for name, made in ray.get(tracker.counts.remote()).items():
                bar.update(name, made)
            for ref in ready:
                work, folder, video = pending.pop(ref)
                try:
                    pngs, state = ray.get(ref)
                except ray.exceptions.RayTaskError as error:
                    if isinstance(error.cause, BinaryDreamError):
                        raise error.cause from None
                    raise
                store_segment(folder, pngs, state, work.segment)
                bar.update(_name(work), work.segment.n_painted)
                video.add(work.segment)
    finally:
        for ref in pending:
            ray.cancel(ref)
        bar.close()
        ray.kill(tracker)
    return bar.made


@dataclass(frozen=True)
class RayRender:
    """One render to make on the cluster, checked and with its settings as data (see :func:`render_on_ray`)."""

    out: object
    schedule: object
    audio_path: object
    model: object
    options: RenderOptions = RenderOptions()
    speed: SpeedOptions = SpeedOptions()
    resume: bool = True
    beats: object = None
    downbeats: object = None
    init_image: object = None
    upscale: object = None


def render_all_on_ray(renders, *, address=True, resource: str | None = None, progress=True) -> list:
    """Make several renders at once: every one's segments share the cluster's GPUs, longest first.

    ``renders`` are :class:`RayRender`; returns their :class:`binarydream.render.RenderReport` in order.
    """
    ray = connect(address)
    workers = cluster_workers(ray, resource)
    jobs = [prepare(r.out, r.schedule, model=r.model, options=r.options, speed=r.speed, resume=r.resume,
                    beats=r.beats, downbeats=r.downbeats, init_image=r.init_image, workers=workers) for r in renders]
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:  # each video closed when all are painted, or aborted on an error
        videos = [stack.enter_context(video_of(r.out, job, audio_path=r.audio_path, upscale=r.upscale))
                  for r, job in zip(renders, jobs)]
        made = submit(ray, [(works, folder, video) for (works, folder, _), video in zip(jobs, videos)],
                      resource=resource, progress=progress)
    seconds = time.perf_counter() - started
    for works, _, _ in jobs:  # what tasks stopped part way (a driver killed before) left on this machine
        _remove_scratch(_scratch(works[0]).parent)
    return [write_report(r.out, folder, plan, made=made, seconds=seconds, progress=progress)
            for r, (_, folder, plan) in zip(renders, jobs)]


def render_on_ray(out, schedule, *, audio_path, model, address=True, resource: str | None = None, progress=True,
                  **settings):
    """Render ``schedule`` on a Ray cluster, one segment per GPU at a time; see :mod:`.distributed`.

    ``settings`` are the other fields of :class:`RayRender`. Requests are checked by the caller
    (:func:`binarydream.render.render`). ``resource`` names a custom Ray resource each task asks one
    unit of instead of a GPU (benchmarks and tests on machines without one).
    """
    render = RayRender(out, schedule, audio_path, model, **settings)
    return render_all_on_ray([render], address=address, resource=resource, progress=progress)[0]
