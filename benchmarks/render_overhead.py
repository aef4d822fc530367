"""CPU time per 720p frame of everything in the render except the model: warp, colour, guard, PNG, encode.

Run: ``python benchmarks/render_overhead.py [--frames 60] [--width 1280 --height 720] [--preset veryfast --crf 17]``.
The PNG write and the encoder feed run on the render's writer threads, beside the
model; they are timed here on their own too (one PNG, and the sink's PNG threads
together). ffmpeg (x264) runs in its own process: its figure is wall time per frame
for a moving stream at the given preset and crf, with the stream's size and PSNR.
The 3D warp (only with ``render(depth=...)``) is timed apart from the 2D loop.

Colour matching works in YCrCb; the LAB matching it replaced is timed beside it,
and both are run on a frame whose colours drifted, to show that the cheaper
space keeps the look: the drift each leaves (mean CIE76 colour difference from
the reference, in LAB) and how far apart their two results are.

Frames on disk: the size of one frame PNG of a photograph (scikit-learn's
sample ``china.jpg``, resized to the size given) and what a 4-minute song at
30 fps keeps in its render folder at that size (the folder holds the frames at
the size the model paints at: 680x384 for sd-turbo, 1368x768 for SDXL at 16:9).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from binarydream.measures import collapse_reason, measure_frame
from binarydream.render.frame.cadence import tweens
from binarydream.render.frame.colour import match_colours, reference_cdfs
from binarydream.render.frame.warp import camera_matrix, warp
from binarydream.render.frame.warp3d import camera_move_3d, warp_3d
from binarydream.render.output.encode import VideoEncoder
from binarydream.render.output.images import save_png
from binarydream.render.output.sink import FrameSink


def clock(fn, repeats):
    """Best time of ``repeats`` calls, ms: on a shared machine the slower calls measure the neighbours (timeit's advice)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


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
        "colour match (YCrCb)": clock(lambda: match_colours(frame, reference), n),
        "colour reference": clock(lambda: reference_cdfs(frame), n),
        "guard measure": clock(lambda: collapse_reason(measure_frame(frame, previous)), n),
    }
    loop_ms = sum(v for k, v in figures.items() if k != "colour reference")
    lab_reference = lab_cdfs(previous)
    figures["colour match in LAB (before, for comparison)"] = clock(lambda: match_in_lab(frame, lab_reference), n)
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
    print(f"{w}x{h}, {n} frames, ms per frame (best of {n} for the parts timed alone; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for name, ms in figures.items():
        print(f"  {name:38s} {ms:7.2f}")
    writer = figures["PNG writes (sink's threads, wall)"] + figures["encoder feed (pipe write)"]
    print(f"  {'loop, main thread (warp+colour+guard)':38s} {loop_ms:7.2f}   target < 10")
    print(f"  {'writer threads (PNGs + feed)':38s} {writer:7.2f}")
    print(f"  x264 stream: {video_path.stat().st_size / n / 1e3:.0f} kB/frame, PSNR {psnr(video_path, stream):.2f} dB")
    photo = photograph(w, h)
    save_png(folder / "photo.png", photo)
    kb = (folder / "photo.png").stat().st_size / 1e3
    print(f"  frames on disk: {kb:.0f} kB per {w}x{h} PNG of a photograph; a 4-minute song at 30 fps: "
          f"{kb * 4 * 60 * 30 / 1e6:.1f} GB")
    drifted = drift(frame)
    by_ycrcb, by_lab = match_colours(drifted, reference_cdfs(frame)), match_in_lab(drifted, lab_cdfs(frame))
    print(f"  colour drift from the reference, mean CIE76 dE: drifted {delta_e(drifted, frame):.2f}, "
          f"matched in YCrCb {delta_e(by_ycrcb, frame):.2f}, in LAB {delta_e(by_lab, frame):.2f}; "
          f"YCrCb vs LAB results {delta_e(by_ycrcb, by_lab):.2f}")


def lab_cdfs(frame, stride=2):
    """The LAB colour reference the render used before YCrCb (cumulative histograms of L, a, b)."""
    import cv2

    from binarydream.render.frame.colour import _cdfs, _every

    return _cdfs(cv2.cvtColor(np.ascontiguousarray(_every(frame, stride)), cv2.COLOR_RGB2LAB))


def match_in_lab(frame, reference, stride=2):
    """Histogram matching in LAB, as the render did before YCrCb."""
    import cv2

    from binarydream.render.frame.colour import _cdfs, _every

    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB)
    source = _cdfs(_every(lab, stride))
    matched = np.stack([np.searchsorted(reference[c], source[c] - 1e-12) for c in range(3)]).clip(0, 255)
    lab = cv2.LUT(lab, np.ascontiguousarray(matched.astype(np.uint8).T.reshape(256, 1, 3)))
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def photograph(width, height):
    """scikit-learn's sample photograph at the given size."""
    import cv2
    from sklearn.datasets import load_sample_image

    return cv2.resize(load_sample_image("china.jpg"), (width, height), interpolation=cv2.INTER_CUBIC)


def drift(frame):
    """The frame as a feedback loop leaves it: warmer, greener shadows, brighter."""
    shifted = frame.astype(np.float32) * np.array([1.12, 0.97, 0.82], np.float32) + np.array([10, 6, 0], np.float32)
    return shifted.clip(0, 255).astype(np.uint8)


def delta_e(a, b):
    """Mean CIE76 colour difference of two uint8 RGB frames."""
    import cv2

    def lab(frame):
        return cv2.cvtColor(frame.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)

    return float(np.linalg.norm(lab(a) - lab(b), axis=-1).mean())


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
