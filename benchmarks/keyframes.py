"""Parse and evaluate 12 keyframe curves of mixed forms over 10,000 frames; print the total time.

Target: under 50 ms. Run: ``.venv/bin/python benchmarks/keyframes.py``.
"""

import time

import numpy as np

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


def main():
    bass = np.random.default_rng(0).random(N_FRAMES)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for text in CURVES.values():
            values = parse(text, N_FRAMES, fps=30, bpm=120, variables={"bass": bass})
            assert values.shape == (N_FRAMES,) and np.isfinite(values).all()
        best = min(best, time.perf_counter() - start)
    print(f"keyframes: 12 curves x {N_FRAMES} frames parsed and evaluated in {best * 1000:.1f} ms "
          f"(best of 5; target < 50 ms)")


if __name__ == "__main__":
    main()
