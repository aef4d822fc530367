"""The bundled example song: its known tempo, meter, bars and verse/chorus form come out of the analysis."""

import re
from pathlib import Path

import mir_eval
import numpy as np
import pytest

from binarydream.analysis import analyze

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dream_example.ogg"
BAR = 2.4   # 100 BPM in 4/4; a one-bar intro, then verse, chorus, verse, chorus of 4 bars each


@pytest.fixture(scope="module")
def analysis():
    return analyze(EXAMPLE, fps=30)


def test_tempo_beats_and_bars(analysis):
    assert analysis.tempo == pytest.approx(100, rel=0.02)
    truth = np.arange(BAR, 17 * BAR, 0.6)
    found = analysis.beats[(analysis.beats > BAR - 0.3) & (analysis.beats < 17 * BAR - 0.3)]
    assert mir_eval.beat.f_measure(truth, found) >= 0.95
    assert analysis.beats_per_bar == 4
    bars = analysis.downbeats[(analysis.downbeats > BAR - 0.3) & (analysis.downbeats < 17 * BAR - 0.3)]
    assert mir_eval.beat.f_measure(np.arange(BAR, 17 * BAR, BAR), bars) >= 0.95


def test_verses_and_choruses_recur(analysis):
    def label_at(t):
        return next(s.group for s in analysis.sections if s.start <= t < s.end)

    verse_1, chorus_1, verse_2, chorus_2 = (label_at((1 + 4 * i + 2) * BAR) for i in range(4))
    assert verse_1 == verse_2 and chorus_1 == chorus_2 and verse_1 != chorus_1
    starts = [s.start for s in analysis.sections]
    for boundary in (5 * BAR, 9 * BAR, 13 * BAR):
        assert np.min(np.abs(np.array(starts) - boundary)) < 0.35


def test_lyrics_files_match(analysis):
    lines = [line for line in EXAMPLE.with_suffix(".txt").read_text().splitlines() if line]
    timed = [line for line in EXAMPLE.with_suffix(".lrc").read_text().splitlines() if re.match(r"\[\d\d:", line)]
    assert len(lines) == len(timed) == 8
    previous_end = 0.0
    for text, line in zip(lines, timed):
        tags = re.findall(r"<(\d\d):(\d\d\.\d\d)>([^<]*)", line)
        times = [60 * int(m) + float(s) for m, s, _ in tags]
        assert " ".join(word.strip() for _, _, word in tags if word.strip()) == text
        assert times == sorted(times) and previous_end <= times[0] and times[-1] < analysis.duration
        assert line.startswith(f"[{tags[0][0]}:{tags[0][1]}]")
        previous_end = times[-1]
