"""Direction by section energy: a quiet break reads as one (mood, camera); the timeline shows each section's level."""

import numpy as np
from test_direction import synthetic_lyrics

from alignment import Line, Lyrics
from binarydream import timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section
from binarydream.direction import plan, plot_timeline
from binarydream.direction.planner import section_energy

# chorus A (loud), quiet break B with one loud hit in its middle, chorus A again
SECTIONS = [Section(0.0, 20.0, "A", energy=0.9), Section(20.0, 50.0, "B", energy=0.05),
            Section(50.0, 70.0, "A", energy=0.95)]


def breakdown_song(fps=30):
    n = timebase.frame_count(70.0, fps)
    t = timebase.frame_times(n, fps)
    rms = np.where((t >= 20) & (t < 50), 0.1, 0.8).astype(np.float32)
    rms[(t >= 34) & (t < 36)] = 0.9          # a drum fill inside the break
    beats = np.arange(0.0, 70.0, 0.5)
    return Analysis(duration=70.0, fps=fps, tempo=120.0, beats=beats, downbeats=beats[::4], beats_per_bar=4,
                    sections=SECTIONS, envelopes={name: rms.copy() for name in ENVELOPE_NAMES})


def mean_between(values, start, end, fps=30):
    return float(np.mean(values[timebase.frame_at(start, fps):timebase.frame_at(end, fps)]))


def test_a_line_sung_over_a_loud_moment_of_the_break_keeps_the_break_mood():
    lyrics = Lyrics(lines=[Line(text="in the dark", start=34.0, end=36.0, words=()),
                           Line(text="we rise", start=55.0, end=58.0, words=())])
    sched = plan(breakdown_song(), lyrics, lead_beats=0)
    assert sched.prompts[timebase.frame_at(34.0, 30)][0][0] == "in the dark, sad and tired"
    assert sched.prompts[timebase.frame_at(55.0, 30)][0][0] == "we rise, strong and empowering"
    without = plan(breakdown_song(), lyrics, lead_beats=0, section_energy=0)   # frame energy alone
    assert without.prompts[timebase.frame_at(34.0, 30)][0][0] == "in the dark, strong and empowering"


def test_camera_moves_slower_through_the_whole_break_than_in_the_choruses():
    sched = plan(breakdown_song(), None)
    zoom = np.log(sched["zoom"])
    chorus = mean_between(zoom, 5.0, 18.0)
    assert mean_between(zoom, 34.0, 37.0) < 0.75 * chorus      # even at the fill
    assert mean_between(zoom, 25.0, 45.0) < 0.6 * chorus


def test_section_energy_holds_each_section_level_and_measures_where_unknown():
    energy = np.r_[np.full(10, 0.2), np.full(10, 1.0)]
    held = section_energy(energy, [Section(0.0, 1.0, "A"), Section(1.0, 2.0, "B", energy=0.0)], fps=10, share=0.5)
    np.testing.assert_allclose(held, np.r_[np.full(10, 0.2), np.full(10, 0.5)])
    np.testing.assert_array_equal(section_energy(energy, [], fps=10, share=0.5), energy)


def test_timeline_names_each_section_with_its_level(tmp_path, monkeypatch):
    from matplotlib.axes import Axes

    texts = []
    original = Axes.text

    def spy(self, x, y, s, *args, **kwargs):
        texts.append(s)
        return original(self, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", spy)
    plot_timeline(tmp_path / "t.png", breakdown_song(), lyrics=synthetic_lyrics())
    assert ["A high", "B low", "A high"] == [t for t in texts if t[:2] in ("A ", "B ")]
