"""Sections: parts that recur share a label, boundaries fall where the form changes, each section has its energy."""

import mir_eval
import numpy as np
import pytest
from song_forms import song_form
from synth import SR, click_track, timbre_sections

from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section, analyze_signal, cache
from binarydream.analysis.sections import (MIN_BARS, labels_to_sections, section_energies, snap_to_downbeats,
                                           unit_starts)


def _label_at(sections, t):
    """The audio group (the cluster's letter) of the section at ``t``."""
    return next(s.group for s in sections if s.start <= t < s.end)


# Clicks with no bar accent rightly leave the downbeats uncertain; that warning is tested in test_analysis_downbeats.
@pytest.mark.filterwarnings("ignore:the downbeats of the audio are uncertain")
@pytest.mark.parametrize("pattern", ["ABAB", "ABBA"])
def test_recurring_parts_share_a_label(pattern):
    y, truth = timbre_sections(pattern, 7.0)
    a = analyze_signal(y, SR)
    found = [_label_at(a.sections, (start + end) / 2) for start, end, _ in truth]
    letters = [letter for _, _, letter in truth]
    assert [found[letters.index(x)] == f for x, f in zip(letters, found)] == [True] * len(letters)
    assert len(set(found)) == 2 and found[0] == "A"
    boundaries = [s.start for s in a.sections[1:]]
    true_boundaries = [start for (start, _, letter), (_, _, before) in zip(truth[1:], truth) if letter != before]
    # each boundary sits on a tracked downbeat: the one nearest the true change, or one within about a beat of it
    on_grid = [a.downbeats[np.argmin(np.abs(a.downbeats - t))] for t in true_boundaries]
    assert all(abs(b - t) < 0.6 or b == pytest.approx(g) for b, t, g in zip(boundaries, true_boundaries, on_grid))


def test_steady_track_is_one_section():
    y, _ = click_track(110, 20.0)
    assert [s.group for s in analyze_signal(y, SR).sections] == ["A"]


def test_sections_are_contiguous_and_cover_the_song():
    sections = labels_to_sections(np.array([3, 3, 1, 1, 3, 7]), np.array([0.4, 1.0, 2.0, 3.0, 4.0, 5.0]), duration=6.5)
    assert sections[0].start == 0.0 and sections[-1].end == 6.5
    assert all(a.end == b.start for a, b in zip(sections, sections[1:]))
    assert [s.label for s in sections] == [s.group for s in sections] == ["A", "B", "A", "C"]
    assert sections[1] == Section(2.0, 4.0, "B", group="B")


def test_units_fill_stretches_without_beats():
    beats = np.r_[np.arange(4.0, 10.0, 0.5), np.arange(14.0, 20.0, 0.5)]
    starts = unit_starts(beats, 22.0)
    assert starts[0] == 0.0 and np.all(np.diff(starts) <= 0.5 + 1e-9) and starts[-1] >= 21.0


def _merged(parts):
    """True sections as (start, end, letter), equal neighbours joined (no boundary can be heard between them)."""
    out = []
    for start, end, letter in parts:
        if out and out[-1][2] == letter:
            out[-1] = (out[-1][0], end, letter)
        else:
            out.append((start, end, letter))
    return out


@pytest.mark.parametrize("form, bpm", [("ABABCB", 112), ("AABCABDB", 96)])
def test_a_song_form_gives_its_boundaries_parts_and_quiet_breakdown(form, bpm):
    y, parts = song_form(form, bars=8, bpm=bpm)
    a = analyze_signal(y, SR)
    bar = 4 * 60.0 / bpm
    truth = _merged(parts)
    reference = np.array([[start, end] for start, end, _ in truth])
    estimate = np.array([[s.start, s.end] for s in a.sections])
    assert mir_eval.segment.detection(reference, estimate, window=bar, trim=True)[2] == 1.0
    found = [_label_at(a.sections, (start + end) / 2) for start, end, _ in truth]
    pairs = set(zip([letter for _, _, letter in truth], found))
    assert len(pairs) == len(set(form)) == len({f for _, f in pairs})   # one label per part, one part per label
    assert min(s.end - s.start for s in a.sections) >= MIN_BARS * bar - 1.0   # no fragment
    energy = {letter: s.energy for letter, s in zip([x for _, _, x in truth], [
        next(s for s in a.sections if s.start <= (start + end) / 2 < s.end) for start, end, _ in truth])}
    assert energy["C"] < 0.1 < energy["A"] < energy["B"]
    assert [s.level for s in a.sections if s.energy == energy["C"]] == ["low"]


def test_boundaries_move_to_the_nearest_downbeat_within_reach():
    sections = [Section(0.0, 7.4, "A"), Section(7.4, 9.9, "B"), Section(9.9, 20.0, "C")]
    snapped = snap_to_downbeats(sections, np.arange(0.0, 20.0, 2.0), reach=1.0)
    assert [(s.start, s.end, s.label) for s in snapped] == [(0.0, 8.0, "A"), (8.0, 10.0, "B"), (10.0, 20.0, "C")]
    beatless = snap_to_downbeats(sections, np.array([0.0, 2.0]), reach=1.0)   # no downbeat near 7.4 or 9.9
    assert beatless == sections
    collapsed = snap_to_downbeats([Section(0.0, 7.9, "A"), Section(7.9, 8.3, "B"), Section(8.3, 20.0, "A")],
                                  np.arange(0.0, 20.0, 4.0), reach=2.0)
    assert [(s.start, s.end) for s in collapsed] == [(0.0, 8.0), (8.0, 20.0)]


def test_energy_is_relative_to_the_song_and_a_flat_song_stays_in_the_middle():
    loud = np.r_[np.full(32, -12.0), np.full(32, -36.0), np.full(32, -10.0)]
    sections = [Section(0.0, 32.0, "A"), Section(32.0, 64.0, "B"), Section(64.0, 96.0, "A")]
    energies = [s.energy for s in section_energies(sections, np.arange(96.0), loud)]
    assert energies[1] == 0.0 and energies[2] == 1.0 and 0.85 < energies[0] < 1.0
    flat = np.r_[np.full(48, -20.0), np.full(48, -22.0)]   # 2 dB apart: spread over the least span, 12 dB
    halves = [Section(0.0, 48.0, "A"), Section(48.0, 96.0, "B")]
    energies = [s.energy for s in section_energies(halves, np.arange(96.0), flat)]
    assert energies == [pytest.approx(0.5 + 1 / 12, abs=1e-3), pytest.approx(0.5 - 1 / 12, abs=1e-3)]


def test_silent_gap_is_left_out_and_gets_no_energy_of_its_own():
    loud = np.r_[np.full(40, -10.0), np.full(40, -20.0)]
    active = np.r_[np.ones(40, bool), np.zeros(40, bool)]
    sections = section_energies([Section(0.0, 40.0, "A"), Section(40.0, 80.0, "A")], np.arange(80.0), loud, active)
    assert [s.energy for s in sections] == [0.5, 0.0]


def test_section_energy_survives_the_cache(tmp_path):
    a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4,
                 [Section(0.0, 1.0, "A", energy=0.25), Section(1.0, 2.0, "B", energy=0.9)],
                 {n: np.zeros(20, np.float32) for n in ENVELOPE_NAMES})
    cache.save(a, tmp_path, "ab" * 32)
    assert cache.load(tmp_path, "ab" * 32).sections == a.sections
