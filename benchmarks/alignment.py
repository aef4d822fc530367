"""Lyrics alignment benchmark: word-onset error and speed on the speech fixtures, with Whisper base.

Per fixture and overall: average absolute onset error (AAE, seconds), share of
onsets within 0.3 s and real-time factor (processing time / audio duration),
for ``align`` (lyrics known) and ``transcribe``. Targets for align on clean
speech over a beat: AAE <= 0.1 s, >= 95 % within 0.3 s.

    .venv/bin/python benchmarks/alignment.py [--backend faster-whisper|whisperx] [--no-snap]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

# This script is itself named alignment.py: take its folder off the path so `import alignment` finds the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]

import alignment  # noqa: E402
from alignment_support import FIXTURES, fixtures, onset_errors, sung_written_words, whisper_base_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="faster-whisper")
    parser.add_argument("--no-snap", action="store_true", help="keep Whisper's own word starts")
    parser.add_argument("--align-model", help="wav2vec2 folder for the whisperx backend")
    args = parser.parse_args()
    backend = args.backend
    if backend == "whisperx":
        from alignment.backends.whisperx import WhisperX

        backend = WhisperX(align_model=args.align_model)
    model = str(whisper_base_folder())
    options = dict(model=model, device="cpu", backend=backend, snap_onsets=not args.no_snap)
    alignment.transcribe(FIXTURES / "instrumental.ogg", **options)   # load the model outside the timings
    print(f"{'fixture':<12} {'mode':<10} {'AAE s':>7} {'<=0.3s':>7} {'words':>5} {'RTF':>6}")
    totals = {"align": [], "transcribe": []}
    for name, fx in fixtures().items():
        for mode in ("align", "transcribe"):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if mode == "align":
                    lyr = alignment.align(FIXTURES / fx["audio"], fx["lyrics"], language=fx["language"], **options)
                    words = sung_written_words(fx, lyr)
                else:
                    lyr = alignment.transcribe(FIXTURES / fx["audio"], language=fx["language"], **options)
                    words = lyr.words
            rtf = (time.perf_counter() - start) / fx["duration"]
            aae, share, n = onset_errors(fx["words"], words, written_only=mode == "align")
            totals[mode].append((aae, share, n, rtf))
            print(f"{name:<12} {mode:<10} {aae:7.3f} {share:7.1%} {n:5d} {rtf:6.3f}")
    for mode, rows in totals.items():
        n = sum(r[2] for r in rows)
        aae = sum(r[0] * r[2] for r in rows) / n
        share = sum(r[1] * r[2] for r in rows) / n
        rtf = sum(r[3] for r in rows) / len(rows)
        print(f"{'overall':<12} {mode:<10} {aae:7.3f} {share:7.1%} {n:5d} {rtf:6.3f}")


if __name__ == "__main__":
    main()
