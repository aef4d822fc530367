"""Benchmark the librosa tracker's tempo octave on the synthetic grooves mixed differently.

Usage::

    python benchmarks/octave.py                          # 11 grooves x 11 mixes x 22.05 and 44.1 kHz
    python benchmarks/octave.py --rates 22050 --hats -6 0 6 --tilts --drums
    python benchmarks/octave.py --product                # every hat level with every tilt and drum level
    python benchmarks/octave.py --sweep 72 82 92 102 112 122 132 142 152 162 172   # each groove at these tempos

The grooves of ``tests/synth.py`` (:func:`groove_song`, the tempos of the
tests and a few more) are mixed another way, one change at a time: the hats
and ride ``--hats`` dB louder or softer, a high shelf (above 4 kHz) of
``--tilts`` dB over the whole mix, the kick and snare ``--drums`` dB louder or
softer. The octave rules of :mod:`binarydream.analysis.tempo` were made on the
plain mix; a rule that only holds there shows here as a groove whose tempo
flips an octave when the hats change by 3 dB.

``--sweep`` plays every groove (and the band of :func:`band_song`, other
drums and hats on every beat) at each of the given tempos instead, in the plain mix.

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
    """A groove of :func:`groove_song` at ``sr``: hats and drums ``hats``, ``drums`` dB, a ``tilt`` dB high shelf."""
    import scipy.signal
    from synth import groove_song

    gains = {"hat": hats, "ride": hats, "kick": drums, "snare": drums}
    y, _, _ = groove_song([(groove, bpm, max(8, bpm // 9))], sr=sr, gains_db=gains)
    if tilt:
        highs = scipy.signal.sosfilt(scipy.signal.butter(2, SHELF_HZ, "highpass", fs=sr, output="sos"), y)
        y = y + (10.0 ** (tilt / 20.0) - 1.0) * highs
        y = (0.9 * y / np.abs(y).max()).astype(np.float32)
    return y


def sweep(bpms, sr: int):
    """Rows ``(name, [(bpm, y)])``: each groove and :func:`band_song` at each tempo in ``bpms``, about 25 s long."""
    from synth import band_song, groove_song, tempo_beats

    rows = [(groove, [(bpm, groove_song([(groove, bpm, max(8, int(bpm // 9)))], sr=sr)[0]) for bpm in bpms])
            for groove in dict.fromkeys(g for g, _ in GROOVES)]
    return rows + [("band", [(bpm, band_song(tempo_beats([(bpm, int(bpm / 2.4))]), sr=sr)[0]) for bpm in bpms])]


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
    parser.add_argument("--sweep", nargs="*", type=float, default=None)
    args = parser.parse_args(argv)

    grid = mixes(args)
    shape = f"{len(args.sweep)} tempos" if args.sweep else f"{len(GROOVES)} grooves x {len(grid)} mixes"
    print(f"{shape} x {len(args.rates)} rates; tempo of the librosa backend (plain librosa.beat), "
          "! an octave off, ? another wrong tempo\n")
    counts = {}
    for sr in args.rates:
        if args.sweep:
            rows = sweep(args.sweep, sr)
        else:
            rows = [(f"{groove:<8}{bpm:>4}", [(bpm, mixed_song(groove, bpm, hats=h, tilt=t, drums=d, sr=sr))
                                              for h, t, d in grid]) for groove, bpm in GROOVES]
        for name, songs in rows:
            cells = []
            for bpm, y in songs:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ours = librosa_tracker.track(y, sr).tempo
                    plain = dominant_tempo(plain_librosa(y, sr)[0])
                marks = []
                for backend, tempo in (("librosa", ours), ("librosa.beat", plain)):
                    octave, right = octave_off(tempo, bpm), abs(tempo / bpm - 1) <= 0.02
                    total, octaves, others = counts.get((backend, sr), (0, 0, 0))
                    counts[backend, sr] = total + 1, octaves + octave, others + (not right and not octave)
                    marks.append(f"{tempo:.0f}{'!' if octave else '' if right else '?'}")
                cells.append(f"{marks[0]}({marks[1]})")
            print(f"{sr:>6} {name:<12}  " + " ".join(f"{c:>11}" for c in cells), flush=True)
        print(f"tempos: {' '.join(f'{b:g}' for b in args.sweep)}\n" if args.sweep else
              "mixes (hats, tilt, drums dB): " + " ".join(f"{h:+.0f},{t:+.0f},{d:+.0f}" for h, t, d in grid) + "\n")
    print("songs an octave off (x2, x1/2, x3/2, x2/3) and otherwise more than 2 % off the true tempo")
    for (backend, sr), (total, octaves, others) in counts.items():
        print(f"{backend:<13} {sr:>6} Hz  octave errors {octaves}/{total}  other errors {others}/{total}")


if __name__ == "__main__":
    main()
