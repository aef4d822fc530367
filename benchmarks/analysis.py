"""Benchmark the analysis: wall time, real-time factor and peak memory of ``analyze`` on CPU, without cache.

Usage::

    python benchmarks/analysis.py                 # a synthesised 3-minute song
    python benchmarks/analysis.py song.mp3        # any song
    python benchmarks/analysis.py --minutes 20    # a longer synthesised song (memory bound check)
    python benchmarks/analysis.py --beats madmom  # with another beat tracker (default: auto)

Peak memory is reported two ways: the largest Python/numpy allocation total
during the analysis (tracemalloc) and the process's peak resident set size
(``ru_maxrss``, which includes the interpreter and imported libraries).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np


def synthesize_song(path: Path, minutes: float, *, sr: int = 22050, bpm: float = 104.0, seed: int = 0) -> Path:
    """Write a song of ``minutes`` to ``path``: kick, snare and hats at ``bpm``, bass and pads in 16-bar parts."""
    import soundfile as sf

    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    n = int(minutes * 60 * sr)
    t = np.arange(n) / sr
    y = np.zeros(n, np.float32)
    hit = np.arange(int(0.2 * sr)) / sr
    kick = (np.sin(2 * np.pi * (50 + 80 * np.exp(-hit * 30)) * hit) * np.exp(-hit * 12)).astype(np.float32)
    snare = (rng.standard_normal(len(hit)) * np.exp(-hit * 25)).astype(np.float32) * 0.4
    hat = (rng.standard_normal(len(hit)) * np.exp(-hit * 80)).astype(np.float32) * 0.15
    for i, start in enumerate(np.arange(0.0, n / sr - 0.25, beat / 2)):
        i0 = int(start * sr)
        span = slice(i0, min(n, i0 + len(hit)))
        length = span.stop - span.start
        if i % 2 == 0:
            y[span] += (kick if (i // 2) % 2 == 0 else snare)[:length]
        y[span] += hat[:length]
    part = (t // (16 * 4 * beat)).astype(int) % 2
    root = np.where(part == 0, 55.0, 73.4)
    y += (0.2 * np.sin(2 * np.pi * root * t) + 0.05 * np.sin(2 * np.pi * 4 * root * t) * part).astype(np.float32)
    sf.write(path, y / np.abs(y).max() * 0.9, sr)
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("song", nargs="?", help="audio file (default: synthesise one)")
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the synthesised song")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--beats", default="auto", help="beat tracker: auto, beat_this, madmom or librosa")
    parser.add_argument("--write-song", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_song:
        synthesize_song(Path(args.write_song), args.minutes)
        return

    start = time.perf_counter()
    import librosa  # noqa: F401  (analyze imports these on first use; timed apart here)
    import sklearn.cluster  # noqa: F401

    from binarydream.analysis import analyze, trackers
    from binarydream.audio import probe_duration

    tracker = trackers.choose(args.beats)

    import_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.song) if args.song else Path(folder) / "bench.wav"
        if not args.song:  # in a child process, so this one's peak memory is the analysis's alone
            subprocess.run([sys.executable, __file__, "--minutes", str(args.minutes), "--write-song", str(path)],
                           check=True)
        duration = probe_duration(path)
        timings, cpu_times = [], []
        for _ in range(2):  # the first call in a process also compiles (or loads) librosa's numba code
            start, cpu_start = time.perf_counter(), time.process_time()
            a = analyze(path, fps=args.fps, cache_dir=None, beats=tracker)
            timings.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()  # slows Python-level code a lot: a separate, untimed run
        analyze(path, fps=args.fps, cache_dir=None, beats=tracker)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    cold, warm = timings
    print(f"song: {path.name if args.song else f'synthesised {args.minutes:g} min'} ({duration:.1f} s), "
          f"fps {args.fps:g}, beats {tracker.name} {tracker.version}, CPUs available {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    print(f"imports: {import_s:.2f} s")
    print(f"wall time: first call {cold:.2f} s, second call {warm:.2f} s")
    print(f"CPU time (user + system, all threads; less swayed than wall time by other load on the machine): "
          f"first call {cpu_times[0]:.2f} s, second call {cpu_times[1]:.2f} s")
    print(f"real-time factor: first {cold / duration:.4f}, second {warm / duration:.4f} "
          f"({duration / warm:.0f}x faster than real time)")
    print(f"peak memory: process max RSS {rss_mib:.0f} MiB (interpreter and libraries included), "
          f"peak traced allocations during analyze {peak / 2**20:.0f} MiB")
    print(f"found: tempo {a.tempo:.1f} BPM, {len(a.beats)} beats, {a.beats_per_bar} beats/bar, "
          f"sections {' '.join(s.label for s in a.sections)}")


if __name__ == "__main__":
    sys.exit(main())
