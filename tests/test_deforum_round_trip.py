"""Deforum settings both ways keep the motion our render makes (issue 25 item 8) and read Deforum's own keys."""

import json
import warnings

import numpy as np
import pytest

from binarydream import Schedule
from binarydream.cli import main
from binarydream.keyframes import parse
from render_support import write_song


def _moving(n_frames=60):
    """A schedule as the planner writes it: 2D and 3D camera curves both move."""
    t = np.arange(n_frames)
    return Schedule(n_frames, fps=24, prompts={0: "a lake", n_frames // 2: "a storm"}, curves={
        "zoom": 1.0 + 0.02 * np.sin(t / 5), "angle": 0.3 * np.cos(t / 7), "translation_x": "0: (1.5)",
        "translation_z": "0: (0), 59: (4)", "rotation_3d_y": 0.2 * np.sin(t / 9)})


def _close(back, sched, name):
    return np.abs(back[name] - sched[name]).max() <= 0.01 * np.ptp(sched[name]) + 1e-12


def test_the_2d_render_exports_as_2d_and_zoom_and_angle_come_back():
    sched = _moving()
    settings = sched.to_deforum()
    assert settings["animation_mode"] == "2D"                # our render has no depth model: its 2D camera
    back = Schedule.from_deforum(json.loads(json.dumps(settings)))
    for name in ("zoom", "angle", "translation_x"):
        assert _close(back, sched, name), name
    assert np.ptp(back["zoom"]) > 0.03 and np.ptp(back["angle"]) > 0.5


def test_a_3d_render_exports_as_3d_and_keeps_zoom_and_angle_as_well():
    sched = _moving()
    settings = sched.to_deforum(depth=True)
    assert settings["animation_mode"] == "3D"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = Schedule.from_deforum(json.loads(json.dumps(settings)))
    assert [str(w.message) for w in caught if "depth" in str(w.message)]   # the 3D camera needs a depth model
    for name in ("zoom", "angle", "translation_x", "translation_z", "rotation_3d_y"):
        assert _close(back, sched, name), name
    # a schedule that never moves in 3D renders 2D even with a depth model, as render() does
    assert Schedule(10, curves={"zoom": 1.01}).to_deforum(depth=True)["animation_mode"] == "2D"


def test_steps_and_scale_are_render_settings_both_ways():
    sched = Schedule.from_deforum({"max_frames": 10, "fps": 12, "steps": 25, "scale": 7.5, "prompts": {"0": "a"}})
    assert sched.render_options["steps"] == 25 and sched.render_options["guidance_scale"] == 7.5
    settings = sched.to_deforum()
    assert settings["steps"] == 25 and settings["scale"] == 7.5
    with pytest.raises(Exception, match="steps"):
        Schedule.from_deforum({"max_frames": 10, "fps": 12, "steps": "many"})


def test_to_deforum_writes_a_settings_file_and_never_replaces_one_silently(tmp_path):
    sched = _moving(20)
    path = sched.to_deforum(tmp_path / "settings.txt")
    assert path == tmp_path / "settings.txt"
    assert json.loads(path.read_text()) == json.loads(json.dumps(sched.to_deforum()))
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite"):
        Schedule(5).to_deforum(path)
    assert path.read_bytes() == before
    Schedule(5).to_deforum(path, overwrite=True)
    assert json.loads(path.read_text())["max_frames"] == 5
    assert [p.name for p in tmp_path.iterdir()] == ["settings.txt"]         # no temporary file left


def test_the_deforum_command_writes_the_settings_of_a_schedule(tmp_path, capsys):
    song = str(write_song(tmp_path / "song.wav", 2.0))
    schedule = tmp_path / "s.yaml"
    assert main(["plan", song, "--fps", "12", "--out", str(schedule), "--no-cache"]) == 0
    out = tmp_path / "deforum.txt"
    assert main(["deforum", song, "--schedule", str(schedule), "--out", str(out), "--no-cache"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    settings = json.loads(out.read_text())
    assert settings["max_frames"] == 24 and settings["fps"] == 12 and settings["animation_mode"] == "2D"
    assert np.array_equal(Schedule.from_deforum(out)["zoom"], parse(settings["zoom"], 24, 12))
    before = out.read_bytes()
    assert main(["deforum", song, "--schedule", str(schedule), "--out", str(out), "--no-cache"]) == 2
    assert "--overwrite" in capsys.readouterr().err and out.read_bytes() == before


@pytest.mark.parametrize("text", ['0:(0), "max_f-1":(5)', "0:(0), 'max_f-1':(5)", '0: (0), "max_f": (5)'])
def test_deforums_quoted_max_f_keys_are_read(text):
    expected = [0.0, 1.25, 2.5, 3.75, 5.0, 5.0] if "-1" in text else [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert parse(text, n_frames=6).tolist() == expected


def test_the_extensions_seed_schedule_with_quoted_keys_imports():
    settings = {"max_frames": 8, "fps": 10, "seed": 5, "seed_behavior": "schedule",
                "seed_schedule": '0:(s), 1:(-1), "max_f-2":(-1), "max_f-1":(s)'}
    assert Schedule.from_deforum(settings)["seed"].tolist() == [5, -1, -1, -1, -1, -1, 5, 5]   # max_f = 7
