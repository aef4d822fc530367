"""How a segmented render scales over Ray workers: speed-up, load balance and the seams at the cuts.

Run: ``nice python benchmarks/scale.py [--fps 8] [--latency 0.1] [--workers 1 2 4 8]``.

A synthetic 4-minute song (120 bpm, 4/4, ten sections of 8 to 40 bars) is
rendered at 64x64 by a stand-in painter that sleeps ``latency`` seconds per
frame in place of a GPU, each task asking for one unit of a custom Ray
resource ``painter`` in place of ``num_gpus``; the cluster is started on this
machine with as many units as workers and as many CPUs (a GPU machine has at
least one per GPU; with 2, Ray keeps 2 idle worker processes and stops the
others after a second idle, so tasks waited seconds for new ones), and its
worker processes, binarydream imported in each, before the clock (on 2 cores,
starting 8 Python processes and importing the library in each would take
seconds that a cluster of GPU machines spends once, in parallel, on each
machine's own CPUs). Figures: wall time, speed-up over one
worker, the plan's own ceiling (frames painted by one worker over those the busiest of
``workers`` paints, :func:`binarydream.render.scale.segments.makespan`), load balance (the
painting time, ``latency`` x frames painted, over workers x wall time) and the seam
measure: the largest frame-to-frame change (:func:`binarydream.measures.measure_frame`) around each segment cut,
over the 95th percentile of the changes at the schedule's own prompt changes
in the same render. Targets: speed-up >= 7 at 8 workers and >= 3.7 at 4; seam
ratio <= 1.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

from binarydream.measures import measure_frame
from binarydream.render.options import RenderOptions
from binarydream.render.scale.distributed import render_on_ray
from binarydream.render.scale.segments import Segment, makespan
from binarydream.schedule import Schedule

SECONDS, BPM = 240.0, 120.0
BARS = (8, 16, 12, 16, 8, 16, 12, 16, 8, 8)  # ten sections, 120 bars of 2 s: the 4 minutes
WORDS = ("a city at night", "a quiet forest", "waves on a shore", "a desert at dawn", "neon rain",
         "a cathedral of glass", "storm clouds", "a field of sunflowers", "a frozen lake", "fireworks")


class LatencyPainter:
    """A stand-in for a GPU: a colour per prompt mix and a seeded texture, after ``latency`` seconds of sleep."""

    def __init__(self, latency: float):
        self.latency = latency

    def __call__(self, image, *, prompts, negative_prompts, strength, noise, steps, seed):
        time.sleep(self.latency)
        colour = sum(w * np.frombuffer(zlib.crc32(text.encode()).to_bytes(4, "little")[:3], np.uint8).astype(np.float32)
                     for text, w in prompts)
        texture = np.random.default_rng(seed).normal(0, 12, (64, 64, 1)).astype(np.float32)
        fresh = np.clip(colour + texture, 0, 255)
        if image is None:
            return fresh.astype(np.uint8)
        return np.rint((1 - strength) * image + strength * fresh).astype(np.uint8)


def synthetic_song(fps: float):
    """A schedule of ``SECONDS`` with ten sections on bar lines, and its downbeats (seconds)."""
    n = round(SECONDS * fps)
    bar_seconds = 4 * 60 / BPM
    section_frames = [round(bar * bar_seconds * fps) for bar in np.cumsum([0, *BARS[:-1]])]
    prompts = {}
    for i, start in enumerate(section_frames):  # two prompts per section: changes inside sections too
        prompts[start] = WORDS[i % len(WORDS)]
        middle = (start + (section_frames[i + 1] if i + 1 < len(section_frames) else n)) // 2
        prompts[middle] = WORDS[(i + 5) % len(WORDS)]
    schedule = Schedule(n, fps=fps, prompts=prompts, blend_frames=round(fps), sections=[
        (start, f"s{i}") for i, start in enumerate(section_frames)], curves={"zoom": "0: (1.01)", "strength": 0.35})
    return schedule, np.arange(0, SECONDS, bar_seconds)


def seam_ratio(video, folder: Path, schedule) -> tuple[float, float]:
    """The largest change around a cut (from its overlap's first frame to the one after it) and the 95th
    percentile of the changes at the prompt keyframes away from the cuts (over the blend that follows each)."""
    import av

    with av.open(str(video)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    changes = np.array([0.0] + [measure_frame(frames[i], frames[i - 1]).change for i in range(1, len(frames))])
    segments = json.loads((folder / "segments.json").read_text())["segments"]
    windows = {i for warm, start, stop in segments if start > 0 for i in range(warm, start + 2)}
    prompt_frames = [k for k in schedule.prompts if k > 0 and k not in windows]
    at_prompts = [changes[k:k + schedule.blend_frames + 1].max() for k in prompt_frames]
    at_cuts = [changes[warm:start + 2].max() for warm, start, stop in segments if start > 0]
    return (max(at_cuts) if at_cuts else 0.0), float(np.percentile(at_prompts, 95))


def main() -> None:
    import ray

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=float, default=8.0)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per frame the stand-in sleeps")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    schedule, downbeats = synthetic_song(args.fps)
    options = RenderOptions(width=64, height=64, seed_mode="frame", guard=False)
    song = Path(tempfile.mkdtemp()) / "song.wav"
    _write_silence(song, SECONDS)
    print(f"{schedule.n_frames} frames at {args.fps:g} fps, {len(schedule.sections)} sections, "
          f"{args.latency * 1000:.0f} ms per frame")
    print("workers  segments  painted  wall s  speed-up  ceiling  balance  seam  prompt p95  seam ratio", flush=True)
    base = base_painted = None
    for workers in args.workers:
        scratch = tempfile.mkdtemp()  # the workers' own: no run continues another's segments
        ray.init(num_cpus=max(2, workers), resources={"painter": workers}, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"TMPDIR": scratch}})
        _start_workers(ray, workers)
        out = Path(tempfile.mkdtemp()) / "video.mp4"
        started = time.perf_counter()
        render_on_ray(out, schedule, audio_path=song, model=LatencyPainter(args.latency), options=options,
                      downbeats=downbeats, resource="painter", progress=False)
        wall = time.perf_counter() - started
        ray.shutdown()
        folder = out.with_name("video.frames")
        segments = json.loads((folder / "segments.json").read_text())["segments"]
        painted = sum(stop - warm for warm, start, stop in segments)
        busiest = makespan([Segment(start, stop, warm) for warm, start, stop in segments], workers)
        base, base_painted = base or wall, base_painted or painted  # the first run: one worker
        seam, p95 = seam_ratio(out, folder, schedule)
        print(f"{workers:7d}  {len(segments):8d}  {painted:7d}  {wall:6.1f}  {base / wall:8.2f}  "
              f"{base_painted / busiest:7.2f}  "
              f"{args.latency * painted / (workers * wall):7.2f}  {seam:.3f}  {p95:10.3f}  {seam / p95:10.2f}",
              flush=True)


def _start_workers(ray, workers: int) -> None:
    """Start the cluster's worker processes and import what a segment's task runs in each, before the clock:
    on a cluster each machine does that on its own CPUs, the same time for one worker or eight."""
    def hold():
        import binarydream.render.scale.distributed  # noqa: F401
        import cv2  # noqa: F401

        time.sleep(1.0)

    ray.get([ray.remote(hold).options(num_cpus=0, resources={"painter": 1}).remote() for _ in range(workers)])


def _write_silence(path, seconds: float, sr: int = 22050) -> None:
    import soundfile as sf

    sf.write(str(path), np.zeros(int(seconds * sr), np.float32), sr)


if __name__ == "__main__":
    main()
