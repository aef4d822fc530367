"""CPU time per 720p frame of everything in the render except the model: warp, colour, guard, PNG, encode.

Run: ``python benchmarks/render_overhead.py [--frames 60] [--width 1280 --height 720]``.
The PNG write and the encoder feed run on the render's writer thread, beside the
model; they are timed here on their own too. ffmpeg (x264) runs in its own process:
its figure is wall time per frame for the whole stream at the render's preset.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from binarydream.measures import collapse_reason, measure_frame
from binarydream.render.cadence import tweens
from binarydream.render.colour import match_colours, reference_cdfs
from binarydream.render.encode import VideoEncoder
from binarydream.render.job import save_png
from binarydream.render.warp import camera_matrix, warp


def clock(fn, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--preset", default="medium")
    args = parser.parse_args()
    w, h, n = args.width, args.height, args.frames
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (h // 8, w // 8, 3), dtype=np.uint8)
    import cv2

    frame = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)  # image-like, not white noise
    previous = np.roll(frame, 3, axis=1)
    matrix = camera_matrix(w, h, zoom=1.02, angle=0.5, translation_x=1.5)
    reference = reference_cdfs(previous)
    folder = Path(tempfile.mkdtemp())
    figures = {
        "warp": clock(lambda: warp(frame, matrix), n),
        "colour match (LAB)": clock(lambda: match_colours(frame, reference), n),
        "colour reference": clock(lambda: reference_cdfs(frame), n),
        "guard measure": clock(lambda: collapse_reason(measure_frame(frame, previous)), n),
    }
    loop_ms = sum(v for k, v in figures.items() if k != "colour reference")
    figures["PNG write (writer thread)"] = clock(lambda: save_png(folder / "000000.png", frame), n)
    matrices = np.stack([matrix] * 5)
    figures["cadence tween (per frame)"] = clock(lambda: list(tweens(frame, previous, matrices, 0, 4)), n // 4 or 1) / 3
    with VideoEncoder(folder / "bench.mp4", w, h, fps=30, n_frames=n, preset=args.preset) as video:
        start = time.perf_counter()
        feed = 0.0
        for _ in range(n):
            t = time.perf_counter()
            video.write(frame)
            feed += time.perf_counter() - t
    figures["encoder feed (pipe write)"] = feed / n * 1000
    figures[f"x264 {args.preset} wall (own process)"] = (time.perf_counter() - start) / n * 1000
    print(f"{w}x{h}, {n} frames, ms per frame:")
    for name, ms in figures.items():
        print(f"  {name:34s} {ms:7.2f}")
    print(f"  {'loop, main thread (warp+colour+guard)':34s} {loop_ms:7.2f}   target < 10")
    print(f"  {'+ writer thread (PNG + feed)':34s} {loop_ms + figures['PNG write (writer thread)'] + figures['encoder feed (pipe write)']:7.2f}")


if __name__ == "__main__":
    main()
