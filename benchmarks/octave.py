"""Benchmark the librosa tracker's tempo octave on the synthetic grooves mixed differently.

Usage::

    python benchmarks/octave.py                          # 11 grooves x 11 mixes x 22.05 and 44.1 kHz
    python benchmarks/octave.py --rates 22050 --hats -6 0 6 --tilts --drums
    python benchmarks/octave.py --product                # every hat level with every tilt and drum level

The grooves of ``tests/synth.py`` (:func:`groove_song`, the tempos of the
tests and a few more) are mixed another way, one change at a time: the hats
and ride ``--hats`` dB louder or softer, a high shelf (above 4 kHz) of
``--tilts`` dB over the whole mix, the kick and snare ``--drums`` dB louder or
softer. The octave rules of :mod:`binarydream.analysis.tempo` were made on the
plain mix; a rule that only holds there shows here as a groove whose tempo
flips an octave when the hats change by 3 dB.

For each groove and mix: the dominant tempo of the librosa backend
(``Song(..., beats="librosa")``) and of plain ``librosa.beat.beat_track``,
each marked when it is a metrical level off the truth (x2, x1/2, x3/2, x2/3).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

GROOVES = (("ballad", 72), ("rock", 75), ("country", 84), ("ballad", 90), ("rock", 100), ("country", 120),
           ("swing", 120), ("house", 128), ("rock", 160), ("drums", 172), ("dnb", 172))
SHELF_HZ = 4000.0


def mixed_song(groove: str, bpm: float, *, hats: float, tilt: float, drums: float, sr: int):
    """A groove of :func:`groove_song` at ``sr`` with hats and drums ``hats``, ``drums`` dB, a ``tilt`` dB high shelf."""
    import scipy.signal
    from synth import groove_song

    gains = {"hat": hats, "ride": hats, "kick": drums, "snare": drums}
    y, beats, _ = groove_song([(groove, bpm, max(8, bpm // 9))], sr=sr, gains_db=gains)
    if tilt:
        highs = scipy.signal.sosfilt(scipy.signal.butter(2, SHELF_HZ, "highpass", fs=sr, output="sos"), y)
        y = y + (10.0 ** (tilt / 20.0) - 1.0) * highs
        y = (0.9 * y / np.abs(y).max()).astype(np.float32)
    return y, beats


def mixes(args) -> list[tuple[float, float, float]]:
    """(hats, tilt, drums) in dB: each axis alone around the plain mix, or (``--product``) every combination."""
    if args.product:
        return list(itertools.product(args.hats, [0.0, *args.tilts], [0.0, *args.drums]))
    return ([(h, 0.0, 0.0) for h in args.hats] + [(0.0, t, 0.0) for t in args.tilts]
            + [(0.0, 0.0, d) for d in args.drums])


def main(argv=None) -> None:
    from beats import octave_off, plain_librosa

    from binarydream.analysis.grid import dominant_tempo
    from binarydream.analysis.trackers import librosa_tracker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hats", nargs="*", type=float, default=[-9, -6, -3, 0, 3, 6, 9])
    parser.add_argument("--tilts", nargs="*", type=float, default=[-6, 6])
    parser.add_argument("--drums", nargs="*", type=float, default=[-6, 6])
    parser.add_argument("--rates", nargs="+", type=int, default=[22050, 44100])
    parser.add_argument("--product", action="store_true")
    args = parser.parse_args(argv)

    grid = mixes(args)
    print(f"{len(GROOVES)} grooves x {len(grid)} mixes x {len(args.rates)} rates; "
          "tempo of the librosa backend (plain librosa.beat), ! an octave off\n")
    counts = {}
    for sr in args.rates:
        for groove, bpm in GROOVES:
            cells = []
            for hats, tilt, drums in grid:
                y, truth = mixed_song(groove, bpm, hats=hats, tilt=tilt, drums=drums, sr=sr)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ours = librosa_tracker.track(y, sr).tempo
                    plain = dominant_tempo(plain_librosa(y, sr)[0])
                wrong = octave_off(ours, bpm), octave_off(plain, bpm)
                for backend, off in zip(("librosa", "librosa.beat"), wrong):
                    total, errors = counts.get((backend, sr), (0, 0))
                    counts[backend, sr] = total + 1, errors + off
                cells.append(f"{ours:.0f}{'!' if wrong[0] else ''}({plain:.0f}{'!' if wrong[1] else ''})")
            print(f"{sr:>6} {groove:<8}{bpm:>4}  " + " ".join(f"{c:>11}" for c in cells), flush=True)
        print("mixes (hats, tilt, drums dB): " + " ".join(f"{h:+.0f},{t:+.0f},{d:+.0f}" for h, t, d in grid) + "\n")
    print("octave errors (songs an octave off / songs)")
    for (backend, sr), (total, errors) in counts.items():
        print(f"{backend:<13} {sr:>6} Hz  {errors}/{total}")


if __name__ == "__main__":
    main()
