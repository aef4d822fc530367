"""Benchmark the sections: boundaries, parts and functions (intro, verse, chorus, ...) on synthetic and real songs.

Usage::

    python benchmarks/sections.py [--cache-dir DIR] [--only synthetic|real] [--aligned]

Synthetic songs (``tests/song_forms.py``: verse A, chorus B, quiet breakdown C,
bridge D, 8 bars each) have a known form: boundary F-measure (mir_eval, hits
within 0.5 s and within one bar), the number of distinct parts found against
the true number, and the functional labels from the audio alone and with
lyrics (``form_lyrics``: new text in each verse, the same in each chorus)
against the true ones. The band alone is an instrumental to the audio (no
voice: no verse or chorus); the same song with espeak-ng speech over its sung
parts (``tests/voice_songs.py``) is analysed too, for the audio's labels of a
sung song and its boundary F.

Real songs (``../shared/devdata/lyrics/*.mp3``, skipped when absent) have no
section annotations; the lyrics stand in for them. The hand word timings
(``.words.csv``) and the text (``.txt``, blank lines between stanzas) make timed
lines, so that only the form is judged, not the aligner. Block starts (a line
after a blank line, or the start of a run of three or more lines that are, or
are not, sung again elsewhere in the song) give reference boundaries, scored
within 3 s (lyrics start after the bar that opens a part). Lines that recur as
a run (two or more lines in a row, sung again in the same order, exact text)
should lie in sections labelled chorus, the other lines not: the share of each
(a line lies where its middle is) is printed, with the number of sections and
the longest one, for the audio's sections alone and for those labelled by the
lyrics (:func:`binarydream.analysis.lyric_form.form_from_lyrics`); with
``--aligned``, also for those labelled by the aligner's lines (the lines placed
by :func:`alignment.align` with Whisper base from the ``.txt``; the hand lines
still judge them).

The time of the sections step alone (:func:`binarydream.analysis.sections.song_sections`)
is reported apart from the whole analysis.
"""

from __future__ import annotations

import argparse
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
TRUE_FUNCTIONS = {
    "ABABCB": ["verse 1", "chorus", "verse 2", "chorus", "bridge", "chorus"],
    "AABCABDB": ["verse 1", "chorus", "instrumental", "verse 2", "chorus", "bridge", "chorus"],
    "ABCABDB": ["verse 1", "chorus", "instrumental", "verse 2", "chorus", "bridge", "chorus"],
}
"""The functions of the parts of each form (a verse that repeats at once is one verse; C sung after two choruses)."""


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


def hand_lines(base: Path) -> list:
    """Timed lines from the hand word timings (``.words.csv``) and the text (``.txt``); a blank line: a new stanza."""
    from alignment import Line

    rows = list(csv.DictReader(open(base.with_suffix(".words.csv"), encoding="utf-8")))
    lines, i, stanza, blank = [], 0, 0, False
    for raw in base.with_suffix(".txt").read_text(encoding="utf-8").split("\n"):
        words = raw.split()
        if not words:
            blank = bool(lines)
            continue
        stanza += blank
        blank = False
        span = rows[i:i + len(words)]
        i += len(words)
        lines.append(Line(" ".join(words), float(span[0]["word_start"]), float(span[-1]["word_end"]), (), stanza))
    return lines


def recurring_runs(texts) -> list[bool]:
    """Lines that recur as a run: with the next or the previous line, sung again in the same order (exact text)."""
    n = len(texts)
    return [any(texts[j] == texts[k] and j != k and ((k + 1 < n and j + 1 < n and texts[k + 1] == texts[j + 1])
                                                     or (k > 0 and j > 0 and texts[k - 1] == texts[j - 1]))
                for j in range(n)) for k in range(n)]


def lyric_form(lines) -> list[float]:
    """Boundaries the lyrics suggest (see the module doc)."""
    texts = [line.text for line in lines]
    repeated = [texts.count(text) > 1 for text in texts]
    run_start = [k == 0 or repeated[k] != repeated[k - 1] for k in range(len(lines))]
    run_length = [next((j for j in range(k + 1, len(lines)) if run_start[j]), len(lines)) - k
                  for k in range(len(lines))]
    return [line.start for k, line in enumerate(lines)
            if k == 0 or line.stanza != lines[k - 1].stanza or (run_start[k] and run_length[k] >= 3)] \
        + [lines[-1].end]


def label_at(sections, t: float) -> str:
    return next((s.label for s in sections if s.start <= t < s.end), sections[-1].label)


def in_chorus(sections, lines) -> tuple[list[bool], list[bool]]:
    """Whether each line recurring as a run lies in a chorus section, and each other line (by the line's middle)."""
    from binarydream.analysis.form import function_of

    run = recurring_runs([line.text for line in lines])
    inside = [function_of(label_at(sections, (line.start + line.end) / 2)) == "chorus" for line in lines]
    return [x for x, r in zip(inside, run) if r], [x for x, r in zip(inside, run) if not r]


def chorus_shares(sections, lines) -> tuple[float, float]:
    """Share of the lines recurring as a run that lie in chorus sections, and of the other lines."""
    runs, others = in_chorus(sections, lines)
    return (np.mean(runs) if runs else float("nan")), (np.mean(others) if others else float("nan"))


def form_figures(sections, lines, reference) -> str:
    runs, others = chorus_shares(sections, lines)
    return (f"{len(sections)} sections, longest {max(s.end - s.start for s in sections):.0f} s; "
            f"lyric-block boundary F {boundary_f(reference, sections, 3.0):.2f} (3 s); "
            f"run lines in chorus {100 * runs:.0f} %, other lines {100 * others:.0f} %")


def synthetic(seconds: list) -> None:
    from song_forms import SR, form_lyrics, song_form
    from voice_songs import sung_form

    from binarydream.analysis.form import function_of

    from binarydream.analysis import analyze_signal
    from binarydream.analysis.lyric_form import form_from_lyrics

    print("synthetic forms (8 bars a part; functions: audio alone, without and with a voice / with lyrics, "
          "C unsung where it is not a bridge):")
    for form, bpm in FORMS:
        y, parts = song_form(form, bars=8, bpm=bpm)
        seconds.clear()
        a = analyze_signal(y, SR)
        merged = [parts[0][:2]]
        for (start, end, letter), (_, _, before) in zip(parts[1:], parts):
            merged[-1:] = [(merged[-1][0], end)] if letter == before else [merged[-1], (start, end)]
        bar = 4 * 60.0 / bpm
        breakdown = [s for s in a.sections if "C" in form and s.start <= parts[form.index("C")][0] + bar < s.end]
        groups = [s.group for s in a.sections]
        unsung = "" if form.index("C") > 3 else "C"
        sung = form_from_lyrics(a.sections, form_lyrics(form, bars=8, bpm=bpm, unsung=unsung),
                                downbeats=a.downbeats, duration=a.duration)
        truth = TRUE_FUNCTIONS[form]
        print(f"  {form:9s} {bpm:5.0f} BPM: boundary F {boundary_f(merged, a.sections, 0.5):.2f} (0.5 s), "
              f"{boundary_f(merged, a.sections, bar):.2f} (1 bar), with lyrics {boundary_f(merged, sung, bar):.2f}; "
              f"parts {len(set(groups))} of {len(set(form))}; {len(groups)} sections: {' '.join(groups)}; "
              + (f"breakdown energy {breakdown[0].energy:.2f} ({breakdown[0].level}); " if breakdown else "")
              + f"sections step {seconds[-1]:.2f} s")
        voiced = analyze_signal(sung_form(form, bars=8, bpm=bpm, unsung=unsung)[0], SR).sections
        print(f"    with a voice: boundary F {boundary_f(merged, voiced, 0.5):.2f} (0.5 s), "
              f"{boundary_f(merged, voiced, bar):.2f} (1 bar)")
        plain = sorted({function_of(s.label) for s in a.sections})
        print(f"    no voice: {', '.join(plain)} "
              f"({'right: an instrumental' if set(plain) <= {'intro', 'instrumental', 'outro'} else 'WRONG'})")
        for name, found in (("voice", voiced), ("lyrics", sung)):
            labels = [s.label for s in found]
            print(f"    {name:6s}: {', '.join(labels)} ({'right' if labels == truth else 'true: ' + ', '.join(truth)})")


def aligned_lines(path: Path) -> list:
    """The song's lines as the aligner places them (Whisper base, CPU) from the ``.txt``."""
    import warnings

    import alignment
    from alignment_support import whisper_base_folder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return alignment.align(path, path.with_suffix(".txt"), model=str(whisper_base_folder()), device="cpu").lines


def real(seconds: list, cache_dir, aligned: bool = False) -> None:
    from binarydream.analysis import analyze
    from binarydream.analysis.lyric_form import form_from_lyrics

    songs = sorted(DEVDATA.glob("*.mp3"))
    if not songs:
        print(f"real songs: skipped ({DEVDATA} is absent)")
        return
    print(f"real songs ({DEVDATA}), hand-timed lyrics as the reference:")
    totals = {"audio": [], "lyrics": []} | ({"aligned": []} if aligned else {})
    for path in songs:
        seconds.clear()
        start = time.perf_counter()
        a = analyze(path, fps=30, cache_dir=cache_dir)
        whole = time.perf_counter() - start
        lines = hand_lines(path.with_suffix(""))
        bounds = lyric_form(lines)
        reference = np.array([[0.0, *bounds], [*bounds, a.duration]]).T
        start = time.perf_counter()
        sung = form_from_lyrics(a.sections, lines, downbeats=a.downbeats, duration=a.duration)
        labelling = time.perf_counter() - start
        print(f"  {path.stem}: {a.duration:.0f} s, {len(lines)} lines; analysis {whole:.1f} s"
              + (f", sections step {seconds[-1]:.2f} s" if seconds else " (cached)")
              + f", labelling by the lyrics {1000 * labelling:.0f} ms")
        found_by = [("audio", a.sections), ("lyrics", sung)]
        if aligned:   # the aligner's lines place the sections; the hand lines still judge them
            start = time.perf_counter()
            placed = aligned_lines(path)
            found_by.append(("aligned", form_from_lyrics(a.sections, placed, downbeats=a.downbeats,
                                                         duration=a.duration)))
            print(f"    (aligned in {time.perf_counter() - start:.0f} s)")
        for name, found in found_by:
            totals[name].append((found, lines))
            print(f"    {name:6s}: {form_figures(found, lines, reference)}")
            print("            " + " | ".join(f"{s.label}({s.group})@{s.start:.0f}s" for s in found))
    for name, pairs in totals.items():
        flags = [in_chorus(found, lines) for found, lines in pairs]
        runs, others = [x for r, _ in flags for x in r], [x for _, o in flags for x in o]
        print(f"  all songs, {name}: run lines in chorus {100 * np.mean(runs):.0f} % of {len(runs)}, other lines "
              f"{100 * np.mean(others):.0f} % of {len(others)}; fewest sections {min(len(f) for f, _ in pairs)}, "
              f"longest {max(s.end - s.start for f, _ in pairs for s in f):.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", default=None, help="analysis cache for the real songs (default: none)")
    parser.add_argument("--aligned", action="store_true",
                        help="also label the real songs by the aligner's lines (Whisper base on the CPU: slow)")
    parser.add_argument("--only", choices=("synthetic", "real"))
    args = parser.parse_args()
    seconds = timed_sections()
    print(f"CPUs available {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    if args.only != "real":
        synthetic(seconds)
    if args.only != "synthetic":
        real(seconds, args.cache_dir, args.aligned)


if __name__ == "__main__":
    sys.exit(main())
