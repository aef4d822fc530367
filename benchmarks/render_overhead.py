"""CPU time per 720p frame of everything in the render except the model: warp, colour, guard, PNG, encode.

Run: ``python benchmarks/render_overhead.py [--frames 60] [--width 1280 --height 720] [--preset veryfast --crf 17]``.
The PNG write and the encoder feed run on the render's writer threads, beside the
model; they are timed here on their own too (one PNG, and the sink's PNG threads
together). ffmpeg (x264) runs in its own process: its figure is wall time per frame
for a moving stream at the given preset and crf, with the stream's size and PSNR.
The 3D warp (only with ``render(depth=...)``) is timed apart from the 2D loop.
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
from binarydream.render.job import FrameSink, save_png
from binarydream.render.warp import camera_matrix, warp
from binarydream.render.warp3d import camera_move_3d, warp_3d


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
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--crf", type=int, default=17)
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
    figures["PNG write (one)"] = clock(lambda: save_png(folder / "000000.png", frame), n)
    figures["PNG writes (sink's threads, wall)"] = clock_sink(folder, frame, n)
    depth = np.linspace(3.0, 1.0, h, dtype=np.float32)[:, None] * np.ones(w, np.float32)
    move = camera_move_3d(translation_x=2, translation_z=5, rotation_3d_y=0.3)
    figures["3D warp (depth given)"] = clock(lambda: warp_3d(frame, depth, move), n)
    matrices = np.stack([matrix] * 5)
    figures["cadence tween (per frame)"] = clock(lambda: list(tweens(frame, previous, matrices, 0, 4)), n // 4 or 1) / 3
    stream = moving_stream(frame, n, rng)
    video_path = folder / "bench.mp4"
    with VideoEncoder(video_path, w, h, fps=30, n_frames=n, preset=args.preset, crf=args.crf) as video:
        start = time.perf_counter()
        feed = 0.0
        for picture in stream:
            t = time.perf_counter()
            video.write(picture)
            feed += time.perf_counter() - t
    figures["encoder feed (pipe write)"] = feed / n * 1000
    figures[f"x264 {args.preset} crf {args.crf} wall"] = (time.perf_counter() - start) / n * 1000
    print(f"{w}x{h}, {n} frames, ms per frame:")
    for name, ms in figures.items():
        print(f"  {name:38s} {ms:7.2f}")
    writer = figures["PNG writes (sink's threads, wall)"] + figures["encoder feed (pipe write)"]
    print(f"  {'loop, main thread (warp+colour+guard)':38s} {loop_ms:7.2f}   target < 10")
    print(f"  {'writer threads (PNGs + feed)':38s} {writer:7.2f}")
    print(f"  x264 stream: {video_path.stat().st_size / n / 1e3:.0f} kB/frame, PSNR {psnr(video_path, stream):.2f} dB")


def clock_sink(folder, frame, n):
    """Wall time per frame of the render's sink writing ``n`` PNGs (no encoder)."""
    class NoEncoder:
        def write(self, frame):
            pass

    sink = FrameSink(folder, NoEncoder(), {})
    start = time.perf_counter()
    for index in range(n):
        sink.put(index, frame)
    sink.close()
    return (time.perf_counter() - start) / n * 1000


def moving_stream(frame, n, rng):
    """Frames that zoom, turn and gain new detail, as a render's do (a still frame is too easy for x264)."""
    import cv2

    h, w = frame.shape[:2]
    matrix = camera_matrix(w, h, zoom=1.01, angle=0.3, translation_x=1.5)
    stream = []
    for _ in range(n):
        detail = cv2.resize(rng.integers(0, 256, (h // 3, w // 3, 3), dtype=np.uint8), (w, h),
                            interpolation=cv2.INTER_CUBIC)
        frame = cv2.addWeighted(warp(frame, matrix), 0.92, detail, 0.08, 0.0)
        stream.append(frame)
    return stream


def psnr(path, stream):
    """PSNR in dB of the decoded video against the frames fed to it."""
    import av

    with av.open(str(path)) as container:
        decoded = [picture.to_ndarray(format="rgb24") for picture in container.decode(video=0)]
    mse = np.mean([np.mean((a.astype(np.float64) - b) ** 2) for a, b in zip(decoded, stream)])
    return 10 * np.log10(255.0 ** 2 / mse)


if __name__ == "__main__":
    main()
