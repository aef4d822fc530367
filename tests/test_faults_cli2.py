"""The command line's second round of faults (issue 25): fps of a schedule, warnings, Ctrl-C, full disks, stages."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from binarydream import Schedule
from binarydream.analysis import Analysis, Section
from binarydream.cli import main
from binarydream.errors import ScheduleError
from render_support import stream_durations, write_song

ROOT = Path(__file__).resolve().parents[1]


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


def test_warnings_are_one_line_each_without_pythons_file_and_source_lines(song, tmp_path, capsys):
    lyrics = tmp_path / "late.lrc"
    lyrics.write_text("[00:00.50]first words\n[00:09.00]long after the end\n")
    assert main(["plan", song, "--lyrics", str(lyrics), "--out", str(tmp_path / "s.yaml"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "after the song ends" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: 1 lyric line(s) start after the song ends")
    assert "UserWarning" not in err and ".py:" not in err


def test_ctrl_c_in_a_render_is_one_line_that_says_to_run_it_again_and_exit_130(song, tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("binarydream.song.Song.render", interrupted)
    assert main(["render", song, "--out", str(tmp_path / "v.mp4"), "--no-cache"]) == 130
    assert capsys.readouterr().err.strip() == "binarydream render: interrupted: run the same command again to resume"
    monkeypatch.setattr("binarydream.song.Song.plan", interrupted)
    assert main(["plan", song, "--out", str(tmp_path / "s.yaml"), "--no-cache"]) == 130
    assert capsys.readouterr().err.strip() == "binarydream plan: interrupted"
    with pytest.raises(KeyboardInterrupt):
        main(["plan", song, "--out", str(tmp_path / "s.yaml"), "--no-cache", "--debug"])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_standard_output_that_cannot_be_written_is_one_line_and_a_non_zero_exit(song, tmp_path):
    out = tmp_path / "s.yaml"
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "binarydream.cli", "plan", song, "--out", str(out), "--no-cache"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.strip() == ("binarydream plan: cannot write to standard output (no space left on device); "
                                   "the files were written")
    assert Schedule.load(out).n_frames == 90


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_the_analysis_draws_one_bar_on_a_terminal_and_nothing_elsewhere(song, tmp_path, monkeypatch, terminal):
    monkeypatch.setattr("binarydream.stages.DELAY", 0.0)
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["analyze", song, "--out", str(tmp_path / "a.json"), "--no-cache"]) == 0
    bars = [line for line in stderr.getvalue().replace("\r", "\n").splitlines() if line.startswith("analysis")]
    if terminal:
        assert bars and bars[-1].startswith("analysis: beats, sections: 00:")
    else:
        assert bars == []


def test_a_stage_bar_counts_seconds_and_a_fast_stage_shows_nothing():
    from binarydream.stages import show_stages, stage

    stream = io.StringIO()
    with show_stages(stream):
        with stage("quick"):
            pass
        assert stream.getvalue() == ""
        with stage("slow"):
            time.sleep(1.2)
    assert stream.getvalue().replace("\r", "\n").splitlines()[-1].strip() == "slow: 00:01"
