"""Beats and tempo on click tracks with a known answer: steady 70 to 180 BPM, and a tempo change."""

import mir_eval
import numpy as np
import pytest
from synth import SR, click_track, tempo_change_track

from binarydream.analysis import analyze_signal
from binarydream.analysis.beats import dominant_tempo, fold_octaves, track_beats


def f_measure(truth, found):
    """Beat F-measure (70 ms window), ignoring the first 5 s as MIREX does."""
    return mir_eval.beat.f_measure(mir_eval.beat.trim_beats(np.asarray(truth)),
                                   mir_eval.beat.trim_beats(np.asarray(found)))


@pytest.mark.parametrize("bpm", [70, 96, 133, 180])
def test_click_track_beats_and_tempo(bpm):
    y, truth = click_track(bpm, 15.0)
    a = analyze_signal(y, SR)
    assert f_measure(truth, a.beats) >= 0.95
    assert a.tempo == pytest.approx(bpm, rel=0.02)
    assert np.all(np.diff(a.beats) > 0) and a.beats.dtype == np.float64


def test_tempo_change_keeps_the_beats():
    y, truth = tempo_change_track(100, 140, 30.0, change_at=20.0)
    a = analyze_signal(y, SR)
    assert f_measure(truth, a.beats) >= 0.95
    assert a.tempo == pytest.approx(100, rel=0.02)          # 20 s at 100 BPM dominate 10 s at 140
    late = np.diff(a.beats[a.beats > 23.0])
    assert 60.0 / np.median(late) == pytest.approx(140, rel=0.03)


def test_dominant_tempo_ignores_other_intervals():
    beats = np.concatenate([np.arange(0.0, 10.0, 0.6), 10.0 + np.arange(0.0, 3.0, 0.4)])
    assert dominant_tempo(beats) == pytest.approx(100.0)


def test_fold_octaves_keeps_real_changes():
    local = np.r_[np.full(50, 90.0), np.full(5, 180.0), np.full(20, 90.0), np.full(45, 120.0)]
    folded = fold_octaves(local, width=21)
    np.testing.assert_array_equal(folded, np.r_[np.full(75, 90.0), np.full(45, 120.0)])


def test_no_onsets_no_beats():
    tempo, beats = track_beats(np.zeros(400), sr=SR, hop_length=512)
    assert tempo == 0.0 and beats.size == 0


@pytest.mark.parametrize("kind", ["drone", "noise"])
def test_no_pulse_no_beats(kind):
    n = 12 * SR
    if kind == "drone":
        y = 0.3 * np.sin(2 * np.pi * 220.0 * np.arange(n) / SR)
    else:
        y = 0.1 * np.random.default_rng(0).standard_normal(n)
    with pytest.warns(UserWarning, match="no steady beat"):
        a = analyze_signal(y.astype(np.float32), SR)
    assert a.beats.size == 0 and a.downbeats.size == 0 and a.tempo == 0.0
