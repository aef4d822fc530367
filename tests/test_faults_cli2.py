"""The command line's second round of faults (issue 25): fps of a schedule, warnings, Ctrl-C, full disks, stages."""

import numpy as np
import pytest

from binarydream import Schedule
from binarydream.analysis import Analysis, Section
from binarydream.cli import main
from binarydream.errors import ScheduleError
from render_support import stream_durations, write_song


@pytest.fixture
def song(tmp_path):
    return str(write_song(tmp_path / "song.wav", 3.0))


def test_preview_takes_the_fps_of_its_schedule_when_none_is_given(song, tmp_path, capsys):
    schedule = tmp_path / "s24.yaml"
    assert main(["plan", song, "--fps", "24", "--out", str(schedule), "--no-cache"]) == 0
    assert Schedule.load(schedule).n_frames == 72
    out = tmp_path / "p.mp4"
    assert main(["preview", song, "--schedule", str(schedule), "--width", "64", "--height", "48",
                 "--out", str(out), "--no-cache"]) == 0
    assert stream_durations(out)["frames"] == 72
    # an --fps that disagrees with the schedule names both rates, each with its own frame count
    assert main(["preview", song, "--schedule", str(schedule), "--fps", "30", "--out", str(tmp_path / "q.mp4"),
                 "--no-cache"]) == 2
    error = capsys.readouterr().err.strip()
    assert "72 frames at 24 fps" in error and "90 at 30 fps" in error and len(error.splitlines()) == 1


def test_the_frame_count_mismatch_names_the_songs_own_fps():
    analysis = Analysis(duration=4.0, fps=30, tempo=120.0, beats=np.array([0.5]), downbeats=np.array([0.5]),
                        beats_per_bar=4, sections=[Section(0.0, 4.0, "A")], envelopes={})
    with pytest.raises(ScheduleError, match=r"96 frames at 24 fps but the song 120 at 30 fps"):
        Schedule(96, fps=24).bind(analysis)
