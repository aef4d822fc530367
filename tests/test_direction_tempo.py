"""The camera's tempo-awareness end to end, from audio to planned curves: a slow ballad moves slower than a fast
track, and a song that speeds up gets a camera that speeds up with it."""

import numpy as np
import pytest
from synth import band_song, tempo_beats

from binarydream.analysis import analyze_signal
from binarydream.analysis.trackers import madmom_tracker
from binarydream.direction import plan

SR = 44100


def zoom_speed(schedule, seconds=None) -> float:
    """Mean zoom rate (log of the zoom factor per second) over the frames, or those within ``seconds``."""
    times = np.arange(schedule.n_frames) / schedule.fps
    inside = np.ones(times.size, bool) if seconds is None else (times >= seconds[0]) & (times < seconds[1])
    return float(np.mean(np.log(schedule["zoom"][inside])) * schedule.fps)


@pytest.mark.parametrize("tracker", [
    pytest.param("madmom", marks=pytest.mark.skipif(not madmom_tracker.ready(), reason="pip install binarydream[madmom]")),
    "librosa",
])
def test_a_slow_ballad_zooms_slower_than_a_fast_track(tracker):
    speeds = {}
    for bpm in (72, 172):
        y, _ = band_song(tempo_beats([(bpm, int(bpm / 5))]), sr=SR)       # 12 s each
        analysis = analyze_signal(y, SR, fps=12, beats=tracker)
        assert analysis.tempo == pytest.approx(bpm, rel=0.02)
        speeds[bpm] = zoom_speed(plan(analysis))
    assert speeds[72] < 0.6 * speeds[172]


def test_the_camera_speeds_up_with_the_song():
    y, _ = band_song(tempo_beats([(90, 30), (135, 45)]), sr=SR)       # 20 s at 90 BPM, then 20 s at 135
    analysis = analyze_signal(y, SR, fps=12, beats="librosa")
    sched = plan(analysis)
    assert zoom_speed(sched, (24.0, 38.0)) > 1.4 * zoom_speed(sched, (4.0, 18.0))  # faster and more beat pulses
    steady = plan(analysis, beat_pulse=0.0, downbeat_pulse=0.0, energy_gain=0.0)   # the tempo alone
    assert zoom_speed(steady, (24.0, 38.0)) / zoom_speed(steady, (4.0, 18.0)) == pytest.approx(135 / 90, rel=0.05)
