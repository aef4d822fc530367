import json
from pathlib import Path

import numpy as np
import pytest

from binarydream import Schedule
from binarydream.cli import main
from render_support import stream_durations, tiny_pipeline, write_song

EXAMPLE = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def song(tmp_path):
    return str(write_song(tmp_path / "song.wav", 3.0))


def test_analyze_writes_json_and_prints_where(song, tmp_path, capsys):
    out = tmp_path / "a" / "analysis.json"
    assert main(["analyze", song, "--out", str(out), "--no-cache"]) == 0
    data = json.loads(out.read_text())
    assert data["n_frames"] == 90 and data["tempo"] == pytest.approx(120, rel=0.02)
    assert f"wrote {out}" in capsys.readouterr().out


def test_plan_writes_the_schedule_with_hand_curves_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "schedule.yaml"
    args = ["plan", str(EXAMPLE / "dream_example.ogg"), "--lyrics", str(EXAMPLE / "dream_example.lrc"),
            "--fps", "12", "--style", "oil painting", "--set", "zoom=0: (1.02)", "--set", "lead_beats=0",
            "--out", str(out)]
    assert main(args) == 0
    sched = Schedule.load(out)
    assert np.all(sched["zoom"] == 1.02)
    assert 31 in sched.prompts  # "I fell asleep inside a song" at 2.55 s, frame round(2.55 * 12)
    assert any("oil painting" in text for text, _ in sched.prompts[31])
    before = out.read_bytes()
    assert main(args) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "--overwrite" in error
    assert out.read_bytes() == before


def test_a_malformed_hand_curve_is_one_line_not_a_traceback(song, tmp_path, capsys):
    assert main(["plan", song, "--set", "zoom=0: (1.02", "--out", str(tmp_path / "s.yaml")]) == 2
    assert "binarydream plan:" in capsys.readouterr().err
    assert not (tmp_path / "s.yaml").exists()


def test_plot_and_preview_write_their_files(song, tmp_path):
    assert main(["plot", song, "--out", str(tmp_path / "t.png")]) == 0
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["preview", song, "--fps", "10", "--width", "96", "--height", "64",
                 "--out", str(tmp_path / "p.mp4")]) == 0
    durations = stream_durations(tmp_path / "p.mp4")
    assert durations["frames"] == 30 and durations["audio"] == pytest.approx(3.0, abs=0.1)


def test_render_from_a_local_model_folder(song, tmp_path):
    model = tmp_path / "tiny-model"
    tiny_pipeline(tmp_path / "tokenizer").save_pretrained(model)
    out = tmp_path / "video.mp4"
    args = ["render", song, "--model", str(model), "--fps", "4", "--width", "64", "--height", "64",
            "--steps", "1", "--seed-mode", "fixed", "--render-size", "32x32", "--out", str(out)]
    assert main(args) == 0
    durations = stream_durations(out)
    assert durations["frames"] == 12
    assert abs(durations["video"] - durations["audio"]) <= 1 / 4
    assert len(list((tmp_path / "video.frames").glob("*.png"))) == 12
    settings = json.loads((tmp_path / "video.frames/report.json").read_text())["settings"]
    assert (settings["seed_mode"], settings["render_width"], settings["steps"]) == ("fixed", 32, 1)
    assert main(args) == 2  # a finished render is not replaced unless asked


def test_a_missing_model_is_one_line(song, tmp_path, capsys):
    assert main(["render", song, "--model", str(tmp_path / "nowhere"), "--out", str(tmp_path / "v.mp4")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "nowhere" in error


def test_analyze_never_writes_over_the_lyrics_it_was_given(tmp_path, capsys):
    lyrics = tmp_path / "mine.lyrics.lrc"
    lyrics.write_bytes((EXAMPLE / "dream_example.lrc").read_bytes())
    before = lyrics.read_bytes()
    args = ["analyze", str(EXAMPLE / "dream_example.ogg"), "--lyrics", str(lyrics), "--out", str(tmp_path / "mine.json")]
    assert main(args + ["--overwrite"]) == 2
    assert "is the lyrics file given" in capsys.readouterr().err
    assert lyrics.read_bytes() == before and not (tmp_path / "mine.json").exists()
    assert main(["analyze", str(EXAMPLE / "dream_example.ogg"), "--lyrics", str(lyrics),
                 "--out", str(tmp_path / "a.json")]) == 0
    assert (tmp_path / "a.lyrics.lrc").read_text().startswith("[00:02.55]")


def test_out_of_range_arguments_are_one_line(song, tmp_path, capsys):
    assert main(["analyze", song, "--fps", "500", "--out", str(tmp_path / "a.json")]) == 2
    assert main(["preview", song, "--width", "0", "--height", "0", "--out", str(tmp_path / "p.mp4")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "fps" in errors[0] and "at least 16 pixels" in errors[1]
