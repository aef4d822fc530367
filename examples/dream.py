"""The main job on the bundled example song: analyse, plan, plot, preview and (with a model) render.

Run ``make demo`` (or ``python examples/dream.py --out out``). Without ``--model``
it stops after the CPU preview, which needs no weights; with ``--model`` (a hub
id such as ``stabilityai/sd-turbo``, a local folder or a ``.safetensors`` file)
it renders the dream video too. Run again, it keeps what an earlier run made and
says so, and plans from the schedule there, which is yours to edit; ``--overwrite``
(``make demo OVERWRITE=1``) makes everything again.

Examples
--------
>>> main(["--out", "out"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from binarydream import BinaryDreamError, Schedule, Song

HERE = Path(__file__).resolve().parent
STYLE = "dreamlike synthwave city at night, by greg rutkowski, highly detailed"


def _kept(path: Path, overwrite: bool) -> bool:
    """Whether ``path`` is there from an earlier run and stays (said on the terminal)."""
    if path.exists() and not overwrite:
        print(f"kept {path} from an earlier run (make demo OVERWRITE=1 makes it again)")
        return True
    return False


def main(argv=None) -> None:
    """Make the example's schedule, timeline, preview and, with ``--model``, its video."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: out)")
    parser.add_argument("--model", help="diffusion model for the full render (default: preview only)")
    parser.add_argument("--overwrite", action="store_true", help="replace outputs from an earlier run")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    song = Song(HERE / "dream_example.ogg", lyrics=HERE / "dream_example.lrc", fps=24)
    a = song.analysis
    print(f"{song}: {a.tempo:.1f} BPM, {a.beats_per_bar} beats a bar, {len(a.beats)} beats, "
          f"sections {' '.join(s.label for s in a.sections)}, {len(song.lyrics.lines)} lyric lines")

    if _kept(out / "schedule.yaml", args.overwrite):
        sched = Schedule.load(out / "schedule.yaml", song=song)
    else:
        sched = song.plan(style=STYLE)
        print(f"wrote {sched.save(out / 'schedule.yaml', overwrite=args.overwrite)}")
    if not _kept(out / "timeline.png", args.overwrite):
        print(f"wrote {song.plot(out / 'timeline.png', schedule=sched, overwrite=args.overwrite)}")
    if not _kept(out / "preview.mp4", args.overwrite):
        print(f"wrote {song.preview(out / 'preview.mp4', schedule=sched, overwrite=args.overwrite)}")
    if args.model and not _kept(out / "video.mp4", args.overwrite):
        report = song.render(out / "video.mp4", schedule=sched, model=args.model, overwrite=args.overwrite)
        print(f"wrote {out / 'video.mp4'}: {report}")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    try:
        main()
    except (BinaryDreamError, FileExistsError) as error:
        sys.exit(f"dream.py: {error} (make demo OVERWRITE=1 replaces an earlier run)")
