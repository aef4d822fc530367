"""Auto-schedule the bundled example song, set one curve by hand, save the schedule and draw its timeline.

The schedule file is the one a person edits (``schedule.yaml``); the timeline
(``timeline.png``) shows the song and the schedule on one time axis, to judge the
plan at a glance before rendering anything.

Run ``python examples/auto_schedule.py --out out``.

Examples
--------
>>> main(["--out", "out", "--overwrite"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from binarydream import Song
from binarydream.timebase import frame_times

HERE = Path(__file__).resolve().parent
STYLE = "dreamlike synthwave city at night, by greg rutkowski, highly detailed"


def main(argv=None) -> None:
    """Plan the example song, hold the rotation still by hand, and write the schedule and the timeline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: out)")
    parser.add_argument("--preset", default="default", help="calm, default or energetic")
    parser.add_argument("--style", default=STYLE, help="style words added to every prompt")
    parser.add_argument("--overwrite", action="store_true", help="replace the schedule and timeline from an earlier run")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    song = Song(HERE / "dream_example.ogg", lyrics=HERE / "dream_example.lrc", fps=24)
    # A curve given by hand is kept exactly as given: here, no rotation at all.
    sched = song.plan(style=args.style, preset=args.preset, angle="0: (0)")
    # Or change one after planning: no sideways drift in the first eight seconds.
    intro = frame_times(sched.n_frames, sched.fps) < 8.0
    sched["translation_x"] = np.where(intro, 0.0, sched["translation_x"])

    a = song.analysis
    print(f"{song}: {a.tempo:.1f} BPM, sections {' '.join(s.label for s in a.sections)}, "
          f"{len(sched.prompts)} prompt keyframes, blend {sched.blend_frames} frames, "
          f"zoom {sched['zoom'].min():.4f}..{sched['zoom'].max():.4f} per frame")
    first = sorted(sched.prompts)[:3]
    for frame in first:
        print(f"  {frame / sched.fps:6.2f} s  {sched.prompts[frame]}")
    sched.save(out / "schedule.yaml", overwrite=args.overwrite)
    song.plot(out / "timeline.png", schedule=sched, overwrite=args.overwrite)
    for name in ("schedule.yaml", "timeline.png"):
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
