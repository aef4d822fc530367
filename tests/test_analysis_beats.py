"""Beats and tempo with a known answer: click tracks (steady 70 to 180 BPM, a tempo change) and small band songs."""

import librosa
import mir_eval
import numpy as np
import pytest
from synth import SR, band_song, click_track, groove_song, tempo_beats, tempo_change_track

from binarydream.analysis import analyze_signal
from binarydream.analysis.beats import dominant_tempo, fold_octaves, to_octave, track_beats, track_grid
from binarydream.analysis.features import spectral_features
from binarydream.analysis.tempo import DrumEnvelopes, choose_tempo
from binarydream.analysis.trackers import librosa_tracker
from binarydream.analysis.trackers.resample import to_rate


def f_measure(truth, found):
    """Beat F-measure (70 ms window), ignoring the first 5 s as MIREX does."""
    return mir_eval.beat.f_measure(mir_eval.beat.trim_beats(np.asarray(truth)),
                                   mir_eval.beat.trim_beats(np.asarray(found)))


# Clicks with no bar accent rightly leave the downbeats uncertain; that warning is tested in test_analysis_downbeats.
@pytest.mark.filterwarnings("ignore:the downbeats of the audio are uncertain")
@pytest.mark.parametrize("bpm", [70, 96, 133, 180])
def test_click_track_beats_and_tempo(bpm):
    y, truth = click_track(bpm, 15.0)
    a = analyze_signal(y, SR)
    assert f_measure(truth, a.beats) >= 0.95
    assert a.tempo == pytest.approx(bpm, rel=0.02)
    assert np.all(np.diff(a.beats) > 0) and a.beats.dtype == np.float64


# Clicks with no bar accent rightly leave the downbeats uncertain; that warning is tested in test_analysis_downbeats.
@pytest.mark.filterwarnings("ignore:the downbeats of the audio are uncertain")
def test_tempo_change_keeps_the_beats():
    y, truth = tempo_change_track(100, 140, 30.0, change_at=20.0)
    a = analyze_signal(y, SR)
    assert f_measure(truth, a.beats) >= 0.95
    assert a.tempo == pytest.approx(100, rel=0.02)          # 20 s at 100 BPM dominate 10 s at 140
    late = np.diff(a.beats[a.beats > 23.0])
    assert 60.0 / np.median(late) == pytest.approx(140, rel=0.03)


def test_a_tempo_change_in_a_short_song_is_followed():
    """40 s, 96 then 126 BPM: the three steps of the local tempo at the change are not a song hopping between levels."""
    truth = tempo_beats([(96, 32), (126, 40)])
    y, _ = band_song(truth)
    assert f_measure(truth, track_grid(y, SR).beats) >= 0.95


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


@pytest.mark.parametrize("sr", [SR, 44100])
@pytest.mark.parametrize(("groove", "bpm"), [("ballad", 72), ("country", 84), ("country", 120), ("house", 128),
                                             ("swing", 120), ("drums", 172), ("dnb", 172)])
def test_band_tempo_octave(groove, bpm, sr):
    """The octaves librosa alone gets wrong: eighth-note hats at 72 (it says 144), a backbeat at 120 (60), swing
    at 120 (60), drum'n'bass at 172 (86); and one it gets right that a doubling rule must leave (country at 84).
    The same band at 44.1 kHz gets the same answer (the tracker hears it resampled to 22.05 kHz)."""
    y, truth, _ = groove_song([(groove, bpm, max(8, bpm // 9))], sr=sr)
    grid = librosa_tracker.track(y, sr)
    assert grid.tempo == pytest.approx(bpm, rel=0.02)
    assert f_measure(truth, grid.beats) >= 0.95
    assert grid.tracker == "librosa" and grid.version == librosa.__version__


@pytest.mark.parametrize("hats_db", [-9, 9])
@pytest.mark.parametrize(("groove", "bpm"), [("ballad", 72), ("swing", 120), ("rock", 160), ("dnb", 172)])
def test_the_hats_level_does_not_move_the_octave(groove, bpm, hats_db):
    """The same bands with the hats and ride 9 dB softer or louder: the octave was read from the whole mix and
    flipped (ballad 144 at +6 dB, swing 60 at +6, rock 80 at -6, drum'n'bass 86 at -3); now from the drums below them."""
    y, truth, _ = groove_song([(groove, bpm, max(8, bpm // 9))], gains_db={"hat": hats_db, "ride": hats_db})
    grid = track_grid(y, SR)
    assert grid.tempo == pytest.approx(bpm, rel=0.02)
    assert f_measure(truth, grid.beats) >= 0.95


def test_a_drum_between_the_beats_doubles_them():
    """Kick on the beats of a level, snare half-way between: the kick and snare alternate at twice its tempo, though
    the snare is too soft in the whole drum curve for the rules read from it."""
    n, period = 2000, 40
    kick, snare = np.zeros(n), np.zeros(n)
    kick[::period], snare[period // 2::period] = 1.0, 1.0

    def track(bpm):
        return np.arange(0, n, int(round(period * 60.0 / bpm)))

    bpm, frames = choose_tempo(DrumEnvelopes(kick + 0.4 * snare, kick, snare), track, 60.0)
    assert bpm == 120.0 and np.array_equal(frames, np.arange(0, n, period // 2))
    noise = 0.1 * np.random.default_rng(0).random(n)                         # no snare: its band is noise
    assert choose_tempo(DrumEnvelopes(kick + 0.4 * noise, kick, noise), track, 60.0)[0] == 60.0


@pytest.mark.parametrize("song", ["band", "groove"])
def test_a_band_sounds_the_same_at_either_rate(song):
    """The noisy drums are made at 22.05 kHz and resampled: made at 44.1 kHz, most of a hat's power sat above the
    11 kHz a tracker listening at 22.05 kHz hears (its onsets 18 % weaker), and the octave rules read another band."""
    def onset(sr):
        if song == "band":
            y, _ = band_song(tempo_beats([(172, 34)]), sr=sr)
        else:
            y, _, _ = groove_song([("dnb", 172, 8)], sr=sr)
        return librosa.onset.onset_strength(y=to_rate(y, sr, SR), sr=SR)

    at_22k, at_44k = onset(SR), onset(44100)
    assert np.abs(at_44k[:len(at_22k)] - at_22k).max() < 0.03 * at_22k.max()


def test_band_tempo_change_and_half_time_breakdown():
    y, truth, _ = groove_song([("rock", 100, 8), ("rock", 130, 12)])
    grid = track_grid(y, SR)
    assert f_measure(truth, grid.beats) >= 0.95
    assert 60.0 / np.median(np.diff(grid.beats[grid.beats > 25.0])) == pytest.approx(130, rel=0.03)
    y, truth, _ = groove_song([("rock", 140, 6), ("halftime", 140, 6), ("rock", 140, 6)])
    grid = track_grid(y, SR)
    assert grid.tempo == pytest.approx(140, rel=0.02) and f_measure(truth, grid.beats) >= 0.95


def test_same_beats_as_librosa_when_the_octave_is_clear():
    """A steady song whose tempo librosa gets right keeps librosa's own beats."""
    y, _, _ = groove_song([("rock", 100, 10)])
    _, frames = librosa.beat.beat_track(y=y, sr=SR)
    grid = track_grid(y, SR)
    np.testing.assert_allclose(grid.beats, librosa.frames_to_time(frames, sr=SR))
    given = track_grid(y, SR, features=spectral_features(y, sr=SR))      # the caller's features: the same grid
    np.testing.assert_array_equal(given.beats, grid.beats)
    np.testing.assert_array_equal(given.downbeats, grid.downbeats)


@pytest.mark.parametrize("kind", ["silence", "one second", "drone"])
def test_no_pulse_empty_grid(kind):
    n = {"one second": SR}.get(kind, 12 * SR)
    y = np.zeros(n, np.float32)
    if kind == "drone":
        y = (0.3 * np.sin(2 * np.pi * 220.0 * np.arange(n) / SR)).astype(np.float32)
    elif kind == "one second":
        y[SR // 2] = 1.0
    grid = track_grid(y, SR)
    assert grid.beats.size == 0 and grid.downbeats.size == 0 and grid.tempo == 0.0


def test_to_octave_keeps_tempo_changes():
    np.testing.assert_array_equal(to_octave(np.array([50.0, 100.0, 210.0, 140.0]), 100.0), [100.0, 100.0, 105.0, 140.0])
