"""Sections: parts of distinct timbre that recur share a label; sections are contiguous and cover the song."""

import numpy as np
import pytest
from synth import SR, click_track, timbre_sections

from binarydream.analysis import Section, analyze_signal
from binarydream.analysis.sections import labels_to_sections, unit_starts


def _label_at(sections, t):
    return next(s.label for s in sections if s.start <= t < s.end)


@pytest.mark.parametrize("pattern", ["ABAB", "ABBA"])
def test_recurring_parts_share_a_label(pattern):
    y, truth = timbre_sections(pattern, 10.0)   # 5 bars a part: shorter ones are fragments that merge
    a = analyze_signal(y, SR)
    found = [_label_at(a.sections, (start + end) / 2) for start, end, _ in truth]
    letters = [letter for _, _, letter in truth]
    assert [found[letters.index(x)] == f for x, f in zip(letters, found)] == [True] * len(letters)
    assert len(set(found)) == 2 and found[0] == "A"
    boundaries = [s.start for s in a.sections[1:]]
    true_boundaries = [start for (start, _, letter), (_, _, before) in zip(truth[1:], truth) if letter != before]
    np.testing.assert_allclose(boundaries, true_boundaries, atol=0.6)   # within about a beat


def test_steady_track_is_one_section():
    y, _ = click_track(110, 20.0)
    assert [s.label for s in analyze_signal(y, SR).sections] == ["A"]


def test_sections_are_contiguous_and_cover_the_song():
    sections = labels_to_sections(np.array([3, 3, 1, 1, 3, 7]), np.array([0.4, 1.0, 2.0, 3.0, 4.0, 5.0]), duration=6.5)
    assert sections[0].start == 0.0 and sections[-1].end == 6.5
    assert all(a.end == b.start for a, b in zip(sections, sections[1:]))
    assert [s.label for s in sections] == ["A", "B", "A", "C"]
    assert sections[1] == Section(2.0, 4.0, "B")


def test_units_fill_stretches_without_beats():
    beats = np.r_[np.arange(4.0, 10.0, 0.5), np.arange(14.0, 20.0, 0.5)]
    starts = unit_starts(beats, 22.0)
    assert starts[0] == 0.0 and np.all(np.diff(starts) <= 0.5 + 1e-9) and starts[-1] >= 21.0
