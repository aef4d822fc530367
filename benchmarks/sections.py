"""Benchmark the sections: boundaries and parts on synthetic song forms, and what real songs get.

Usage::

    python benchmarks/sections.py

Synthetic songs (``tests/song_forms.py``: verse A, chorus B, quiet breakdown C,
bridge D, 8 bars each) have a known form: boundary F-measure (mir_eval, hits
within 0.5 s and within one bar) and the number of distinct parts found against
the true number.

Real songs (``../shared/devdata/lyrics/*.mp3``, skipped when absent) have no
section annotations; the lyrics stand in for them. Block starts (a line after a
blank line, or the start of a run of three or more lines that are, or are not,
sung again elsewhere in the song) give reference boundaries, scored within 3 s
(lyrics start after the bar that opens a part); and every line sung more than
once (a chorus line) should fall in sections that share a label. Both are
proxies: a boundary the lyrics do not show (an instrumental break) counts as a
false alarm here.

The time of the sections step alone (:func:`binarydream.analysis.sections.song_sections`)
is reported apart from the whole analysis.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]
DEVDATA = ROOT.parent / "shared" / "devdata" / "lyrics"
FORMS = (("ABABCB", 112.0), ("AABCABDB", 96.0), ("ABABCB", 140.0), ("ABCABDB", 75.0))


def timed_sections():
    """Wrap the analysis's sections step so each call's seconds are recorded; returns the list they go in."""
    from binarydream.analysis import core

    seconds, inner = [], core.song_sections

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        out = inner(*args, **kwargs)
        seconds.append(time.perf_counter() - start)
        return out

    core.song_sections = wrapper
    return seconds


def boundary_f(reference, sections, window: float) -> float:
    import mir_eval

    estimate = np.array([[s.start, s.end] for s in sections])
    return float(mir_eval.segment.detection(np.asarray(reference), estimate, window=window, trim=True)[2])


def lyric_form(base: Path) -> tuple[list[float], dict[str, list[float]]]:
    """Boundaries the lyrics suggest, and the middle times of each line sung more than once (see the module doc)."""
    rows = list(csv.DictReader(open(base.with_suffix(".words.csv"), encoding="utf-8")))
    lines, i, after_blank = [], 0, True
    for raw in base.with_suffix(".txt").read_text(encoding="utf-8").split("\n"):
        words = raw.split()
        if not words:
            after_blank = True
            continue
        span = rows[i:i + len(words)]
        i += len(words)
        lines.append((" ".join(words), float(span[0]["word_start"]), float(span[-1]["word_end"]), after_blank))
        after_blank = False
    texts = [text for text, *_ in lines]
    repeated = [texts.count(text) > 1 for text in texts]
    run_start = [k == 0 or repeated[k] != repeated[k - 1] for k in range(len(lines))]
    run_length = [next((j for j in range(k + 1, len(lines)) if run_start[j]), len(lines)) - k
                  for k in range(len(lines))]
    bounds = [start for k, (_, start, _, blank) in enumerate(lines)
              if k == 0 or blank or (run_start[k] and run_length[k] >= 3)] + [lines[-1][2]]
    repeats: dict[str, list[float]] = {}
    for (text, start, end, _), again in zip(lines, repeated):
        if again:
            repeats.setdefault(text, []).append((start + end) / 2)
    return bounds, repeats


def label_at(sections, t: float) -> str:
    return next((s.label for s in sections if s.start <= t < s.end), sections[-1].label)


def synthetic(seconds: list) -> None:
    from song_forms import SR, song_form

    from binarydream.analysis import analyze_signal

    print("synthetic forms (8 bars a part):")
    for form, bpm in FORMS:
        y, parts = song_form(form, bars=8, bpm=bpm)
        seconds.clear()
        a = analyze_signal(y, SR)
        merged = [parts[0][:2]]
        for (start, end, letter), (_, _, before) in zip(parts[1:], parts):
            merged[-1:] = [(merged[-1][0], end)] if letter == before else [merged[-1], (start, end)]
        bar = 4 * 60.0 / bpm
        breakdown = [s for s in a.sections if "C" in form and s.start <= parts[form.index("C")][0] + bar < s.end]
        labels = [s.label for s in a.sections]
        print(f"  {form:9s} {bpm:5.0f} BPM: boundary F {boundary_f(merged, a.sections, 0.5):.2f} (0.5 s), "
              f"{boundary_f(merged, a.sections, bar):.2f} (1 bar); parts {len(set(labels))} of {len(set(form))}; "
              f"{len(labels)} sections: {' '.join(labels)}; "
              + (f"breakdown energy {breakdown[0].energy:.2f} ({breakdown[0].level}); " if breakdown else "")
              + f"sections step {seconds[-1]:.2f} s")


def real(seconds: list) -> None:
    from binarydream.analysis import analyze

    songs = sorted(DEVDATA.glob("*.mp3"))
    if not songs:
        print(f"real songs: skipped ({DEVDATA} is absent)")
        return
    print(f"real songs ({DEVDATA}), lyrics as the reference:")
    for path in songs:
        seconds.clear()
        start = time.perf_counter()
        a = analyze(path, fps=30, cache_dir=None)
        whole = time.perf_counter() - start
        bounds, repeats = lyric_form(path.with_suffix(""))
        reference = np.array([[0.0, *bounds], [*bounds, a.duration]]).T
        same = [len({label_at(a.sections, t) for t in times}) == 1 for times in repeats.values()]
        print(f"  {path.stem}: {a.duration:.0f} s, {len(a.sections)} sections, "
              f"{len({s.label for s in a.sections})} labels; lyric-block boundary F "
              f"{boundary_f(reference, a.sections, 3.0):.2f} (3 s); "
              f"repeated lines within one label {sum(same)}/{len(same)}; "
              f"analysis {whole:.1f} s, sections step {seconds[-1]:.2f} s")
        print("    " + " ".join(f"{s.label}@{s.start:.0f}s:{s.energy:.2f}" for s in a.sections))


def main() -> None:
    seconds = timed_sections()
    print(f"CPUs available {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    synthetic(seconds)
    real(seconds)


if __name__ == "__main__":
    sys.exit(main())
