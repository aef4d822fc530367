"""Envelopes: the right band responds at the right frame, robust normalisation, an exact time base, smoothing."""

import numpy as np
import pytest
from synth import SR, click_track, tone_bursts

from binarydream import timebase
from binarydream.analysis import ENVELOPE_NAMES, analyze_signal
from binarydream.analysis.envelopes import at_frames, normalize, smooth

BURSTS = {"bass": (60.0, 1.0, 1.6), "mid": (1000.0, 2.2, 2.8), "treble": (8000.0, 3.4, 4.0)}


@pytest.fixture(scope="module", params=[24, 29.97, 60])
def bursts_analysis(request):
    y = tone_bursts(list(BURSTS.values()), 5.0)
    return analyze_signal(y, SR, fps=request.param)


@pytest.mark.parametrize("band", ["bass", "mid", "treble"])
def test_band_responds_in_its_band_at_the_right_frame(bursts_analysis, band):
    a = bursts_analysis
    _, start, end = BURSTS[band]
    envelope = a.envelope(band)
    on = np.flatnonzero(envelope >= 0.5)
    assert abs(on[0] - start * a.fps) <= 1 and abs(on[-1] - end * a.fps) <= 1
    middle = timebase.frame_at((start + end) / 2, a.fps)
    for other in {"bass", "mid", "treble"} - {band}:
        assert a.envelope(other)[middle] < 0.05
    assert envelope[middle] > 0.95


@pytest.mark.parametrize(("fps", "tolerance"), [(24, 1), (60, 2)])
def test_onset_and_percussive_peak_on_the_clicks(fps, tolerance):
    # onset strength is measured per hop (23 ms): at 60 fps a hop is more than one frame
    y, clicks = click_track(100, 8.0)
    a = analyze_signal(y, SR, fps=fps)
    for name in ("onset", "percussive"):
        envelope = a.envelope(name)
        for t in clicks:
            frame = timebase.frame_at(t, fps)
            window = envelope[frame - 3: frame + 4]
            assert abs(int(window.argmax()) - 3) <= tolerance and window.max() >= 0.5, (name, t)


def test_every_envelope_has_one_value_per_frame_in_range(bursts_analysis):
    a = bursts_analysis
    assert a.n_frames == timebase.frame_count(5.0, a.fps)
    for name in ENVELOPE_NAMES:
        values = a.envelope(name)
        assert values.dtype == np.float32 and values.shape == (a.n_frames,)
        assert values.min() >= 0.0 and values.max() <= 1.0


@pytest.mark.parametrize("fps", [24, 25, 29.97, 30, 60])
def test_frame_times_do_not_drift_over_ten_minutes(fps):
    sr, hop = 22050, 512
    hop_times = np.arange(int(600 * sr / hop) + 2) * hop / sr
    n_frames = timebase.frame_count(600.0, fps)
    values = at_frames(hop_times, sr=sr, hop_length=hop, fps=fps, n_frames=n_frames)
    # a curve equal to its own time, read at frame i, gives i / fps (max-pooling can lead by under one frame)
    error = values - timebase.frame_times(n_frames, fps)
    assert np.all(error >= -1e-3) and np.all(error <= 1.0 / fps)
    assert abs(error[-10:].mean() - error[:10].mean()) < 1e-3


def test_normalisation_ignores_one_loud_hit():
    x = np.r_[np.tile([0.1, 0.5], 500), 100.0]
    out = normalize(x)
    assert out[1] > 0.9 and out[0] < 0.05 and out[-1] == 1.0   # min-max would squash the song to below 0.005


def test_smoothing_attack_and_release():
    step = np.r_[np.zeros(10), np.ones(30), np.zeros(30)].astype(np.float32)
    fps = 30
    slow_rise = smooth(step, fps, attack=0.5)
    assert slow_rise[10 + 14] == pytest.approx(1 - np.exp(-1), abs=0.02)   # one time constant after the step
    assert slow_rise[40] == 0.0                                          # release 0: falls at once
    slow_fall = smooth(step, fps, release=1.0)
    assert slow_fall[10] == 1.0 and slow_fall[40 + 30 - 1] == pytest.approx(np.exp(-1), abs=0.02)
