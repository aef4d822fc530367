"""Meter and downbeats: accented click tracks in 2, 3 and 4, band songs in 3 and 4, and the choice between meters."""

import librosa
import mir_eval
import numpy as np
import pytest
from synth import SR, groove_song, click_track

from binarydream.analysis import analyze_signal
from binarydream.analysis.beats import track_grid
from binarydream.analysis.features import spectral_features
from binarydream.analysis.meter import (bar_positions, bar_similarity, beat_accents, beat_descriptors,
                                        find_downbeats)


@pytest.mark.parametrize(("beats_per_bar", "bpm"), [(3, 90), (3, 150), (4, 120), (4, 75)])
def test_accented_downbeats(beats_per_bar, bpm):
    y, beats = click_track(bpm, 16.0, beats_per_bar=beats_per_bar)
    a = analyze_signal(y, SR)
    assert a.beats_per_bar == beats_per_bar
    truth, found = (mir_eval.beat.trim_beats(b) for b in (beats[::beats_per_bar], a.downbeats))
    assert mir_eval.beat.f_measure(truth, found) >= 0.95
    assert np.isin(a.downbeats, a.beats).all()


# Clicks with no bar accent rightly leave the downbeats uncertain; that warning is tested in test_analysis_downbeats.
@pytest.mark.filterwarnings("ignore:the downbeats of the audio are uncertain")
def test_two_beat_accents_read_as_four():
    y, beats = click_track(100, 16.0, beats_per_bar=2)
    a = analyze_signal(y, SR)
    assert a.beats_per_bar == 4
    accented = beats[::2]
    assert np.all(np.min(np.abs(a.downbeats[:, None] - accented[None, :]), axis=1) < 0.07)


def test_forced_meter():
    y, _ = click_track(120, 10.0, beats_per_bar=3)
    a = analyze_signal(y, SR, beats_per_bar=4)
    assert a.beats_per_bar == 4
    first = int(np.searchsorted(a.beats, a.downbeats[0]))
    assert first < 4
    np.testing.assert_array_equal(a.downbeats, a.beats[first::4])   # bars of 4 beats; the phase is the music's


def test_unaccented_pulse_defaults_to_four():
    y, _ = click_track(120, 12.0)
    assert analyze_signal(y, SR).beats_per_bar == 4


def test_accents_are_relative():
    onset = np.zeros(100)
    onset[[10, 30, 50, 70]] = [3.0, 1.0, 3.0, 1.0]
    np.testing.assert_allclose(beat_accents(np.array([10, 30, 50, 70]), [onset]), [0.5, -0.5, 0.5, -0.5])


@pytest.mark.parametrize(("groove", "bpm", "beats_per_bar"), [("waltz", 150, 3), ("waltz", 90, 3), ("rock", 120, 4)])
def test_band_meter_and_downbeats(groove, bpm, beats_per_bar):
    y, _, downbeats = groove_song([(groove, bpm, 10)])
    grid = track_grid(y, SR)
    assert grid.beats_per_bar == beats_per_bar
    assert mir_eval.beat.f_measure(downbeats, grid.downbeats) >= 0.9
    assert np.isin(grid.downbeats, grid.beats).all()


def test_band_forced_meter():
    y, _, _ = groove_song([("waltz", 120, 8)])
    assert track_grid(y, SR, beats_per_bar=4).beats_per_bar == 4


def test_a_dropped_beat_shifts_only_its_bar():
    """One beat missing from the grid: the bars after it keep their true downbeats."""
    y, beats, downbeats = groove_song([("rock", 110, 16)])
    features = spectral_features(y, sr=SR)
    kept = np.delete(beats, 21)
    descriptors = beat_descriptors(librosa.time_to_frames(kept, sr=SR), features)
    _, found = find_downbeats(descriptors, beats_per_bar=4)
    late = downbeats[downbeats > kept[30]]
    np.testing.assert_allclose(kept[found][-len(late):], late)


def test_bar_positions_resync_after_an_extra_beat():
    salience = np.tile([1.0, -0.5, 0.2, -0.5], 16)
    with_extra = np.r_[salience[:33], -0.5, salience[33:]]         # a beat too many after the downbeat of bar 9
    positions = bar_positions(with_extra, 4)
    np.testing.assert_array_equal(positions[:33], np.arange(33) % 4)
    np.testing.assert_array_equal(positions[34:], np.arange(33, 64) % 4)


def test_bar_similarity_tells_three_from_four():
    spectrum = np.tile(np.random.default_rng(0).random((6, 4)), 6)       # four different beats, repeated
    assert bar_similarity(spectrum, 4) > 0.9 > bar_similarity(spectrum, 3)
