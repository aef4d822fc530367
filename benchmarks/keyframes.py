"""Keyframe evaluation speed over 10,000 frames: plain curves, and a whole planned schedule with the song's signals.

Targets: under 50 ms for each. Run: ``.venv/bin/python benchmarks/keyframes.py``.

1. 12 keyframe curves of mixed forms parsed and evaluated (``parse``).
2. A schedule planned for a 10,000-frame song (a synthetic analysis: moving
   envelopes, 120 BPM, 8 sections, sung words) plus three hand curves that read
   its signals: every curve string (17 planned, 3 by hand) parsed and evaluated
   against the song's signals, as ``Schedule.load(path, song=song)`` does.
"""

import time
from types import SimpleNamespace

import numpy as np

from binarydream import Schedule, timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section
from binarydream.direction import plan
from binarydream.keyframes import parse

N_FRAMES = 10_000
CURVES = {
    "zoom": "0:(1.0025+0.002*sin(1.25*3.14*t/30))",
    "angle": "0: (0), 2500: (10), 5000: (-10), 7500: (0)",
    "translation_x": "0:(10*sin(2*3.14*t/10))",
    "translation_y": "0:(where(t>5000, 2, -2))",
    "translation_z": "0:(0), (max_f/2):(10), (max_f-1):(0)",
    "rotation_3d_x": "cubic| 0:(0), 30s:(1), 60s:(0), 90s:(2)",
    "rotation_3d_y": "ease_in_out| 0:(0), 16b:(1), 32b:(0), 64b:(1)",
    "rotation_3d_z": "0: (0), 100s: (0.5*cos(t/fps)), 200s: (0)",
    "strength": "0:(clip(0.65 + 0.2*bass, 0, 1))",
    "noise": "step| " + ", ".join(f"{i * 500}: ({0.02 + 0.001 * (i % 3)})" for i in range(20)),
    "seed": "0:(floor(t/30))",
    "blur": ", ".join(f"{i}: ({np.sin(i / 50):.6f})" for i in range(0, N_FRAMES, 10)),
}
HAND = {"zoom": "0: (1 + 0.03*bass)", "translation_x": "0: (1 + 0.02*pulse(beat, 0.25))",
        "angle": '0: (0.1*is_section("chorus"))'}


def best_of(function, repeats=20) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeats`` calls (CPU time is what a busy machine cannot inflate)."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def plain_curves():
    bass = np.random.default_rng(0).random(N_FRAMES)
    for text in CURVES.values():
        values = parse(text, N_FRAMES, fps=30, bpm=120, variables={"bass": bass})
        assert values.shape == (N_FRAMES,) and np.isfinite(values).all()


def song(fps=30):
    duration = N_FRAMES / fps
    t = timebase.frame_times(N_FRAMES, fps)
    rng = np.random.default_rng(0)
    envelopes = {name: np.clip(0.5 + 0.3 * np.sin(t / 7 + i) + 0.1 * rng.standard_normal(N_FRAMES), 0, 1)
                 .astype(np.float32) for i, name in enumerate(ENVELOPE_NAMES)}
    beats = np.arange(0.3, duration, 0.5)
    labels = ["intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"]
    part = duration / len(labels)
    # Lyrics as plain records (benchmarks/alignment.py shadows the alignment package here).
    lines = [SimpleNamespace(text=f"line {i}", start=s, end=s + 3.0, words=[
        SimpleNamespace(text="w", start=s + 0.5 * j, end=s + 0.5 * j + 0.4) for j in range(6)])
        for i, s in enumerate(np.arange(part, duration - part, 4.0))]
    analysis = Analysis(duration=duration, fps=fps, tempo=120.0, beats=beats, downbeats=beats[::4], beats_per_bar=4,
                        sections=[Section(part * i, part * (i + 1), label) for i, label in enumerate(labels)],
                        envelopes=envelopes)
    return SimpleNamespace(analysis=analysis, lyrics=SimpleNamespace(lines=lines))


def main():
    wall, cpu = best_of(plain_curves)
    print(f"keyframes: 12 curves x {N_FRAMES} frames parsed and evaluated in {wall * 1000:.1f} ms "
          f"({cpu * 1000:.1f} ms CPU; best of 20; target < 50 ms)")
    the_song = song()
    data = plan(the_song.analysis, the_song.lyrics, style="a dream", **HAND).to_dict()
    n_strings = sum(isinstance(source, str) for source in data["curves"].values())
    wall, cpu = best_of(lambda: Schedule.from_dict(data, song=the_song))
    print(f"keyframes: a planned schedule with signals, {n_strings} curve strings x {N_FRAMES} frames, evaluated "
          f"against the song in {wall * 1000:.1f} ms ({cpu * 1000:.1f} ms CPU; best of 20; target < 50 ms)")


if __name__ == "__main__":
    main()
