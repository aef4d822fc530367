"""Benchmark the preview: seconds to make the CPU animatic of a song, and its real-time factor.

Usage::

    python benchmarks/preview.py                  # the first 30 s of the bundled example song
    python benchmarks/preview.py song.mp3         # any song, whole
    python benchmarks/preview.py --width 640 --height 360

The analysis is computed (and timed) first, then the schedule is planned; the
figure that matters is the preview itself, which must beat real time on a CPU.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _first_seconds(path: Path, seconds: float, folder: Path) -> Path:
    import soundfile as sf

    from binarydream.audio import load_audio

    y, sr = load_audio(path, sr=44100)
    out = folder / f"{path.stem}.{seconds:g}s.wav"
    sf.write(out, y[: int(seconds * sr)], sr)
    return out


def main(argv=None) -> None:
    """Time the preview of one song and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("song", nargs="?", help="audio file (default: 30 s of examples/dream_example.ogg)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length taken from the example song")
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--width", type=int, default=480)
    parser.add_argument("--height", type=int, default=270)
    args = parser.parse_args(argv)

    from binarydream import Song

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = Path(args.song) if args.song else _first_seconds(HERE / "examples" / "dream_example.ogg",
                                                                  args.seconds, folder)
        started = time.perf_counter()
        song = Song(path, fps=args.fps, cache_dir=False)
        song.analysis
        analysed = time.perf_counter()
        sched = song.plan(style="benchmark")
        planned = time.perf_counter()
        song.preview(folder / "preview.mp4", schedule=sched, width=args.width, height=args.height)
        done = time.perf_counter()
    preview = done - planned
    print(f"preview: {song.duration:.1f} s song, {song.n_frames} frames at {args.width}x{args.height}, {args.fps:g} fps")
    print(f"  analysis {analysed - started:.2f} s, plan {planned - analysed:.2f} s, preview {preview:.2f} s "
          f"({song.duration / preview:.1f}x real time; target: under {song.duration:.0f} s)")


if __name__ == "__main__":
    main()
