"""The render end to end on a CPU with tiny random-weight diffusion components built in-process."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from binarydream.errors import ModelNotFoundError, RenderError
from binarydream.measures import collapse_reason, measure_frame
from binarydream.render import load_pipeline, render
from binarydream.render.loop import RETRY_SEED_STEP
from binarydream.render.output.images import load_png
from binarydream.schedule import Schedule

from render_support import NoisePainter, SlowPainter, stream_durations, tiny_pipeline, write_song

FPS = 10
ROOT = Path(__file__).resolve().parents[1]


def two_second_schedule():
    return Schedule(20, fps=FPS, prompts={0: "a city at night", 10: "a quiet forest"}, blend_frames=4,
                    curves={"zoom": "0: (1.04)", "angle": "0: (2)", "translation_x": "0: (1)", "strength": 0.6},
                    sections=[(0, "intro"), (12, "verse")])


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    torch.set_num_threads(1)
    return tiny_pipeline(tmp_path_factory.mktemp("tokenizer"))


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 2.0)


def frame_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("[0-9]*.png"))}


def test_two_second_render_has_every_frame_and_the_audio_in_sync(tmp_path, pipe, song):
    # per-frame seeds: random weights paint mostly from the seed, so one seed would look frozen to the guard
    report = render(tmp_path / "video.mp4", two_second_schedule(), audio_path=song, model=pipe, width=64,
                    height=64, steps=2, seed_mode="frame", progress=False)
    probe = stream_durations(tmp_path / "video.mp4")
    assert probe["frames"] == 20
    assert abs(probe["video"] - 2.0) < 1 / FPS and abs(probe["audio"] - probe["video"]) < 1 / FPS
    folder = tmp_path / "video.frames"
    assert len(frame_bytes(folder)) == 20
    assert {"manifest.json", "report.json", "schedule.yaml"} <= {p.name for p in folder.iterdir()}
    assert json.loads((folder / "report.json").read_text())["n_frames"] == 20
    assert report.made == 20 and report.diffused == 20 and report.guard_actions == []
    frames = [load_png(folder / f"{i:06d}.png") for i in (0, 5, 19)]
    assert all(f.shape == (64, 64, 3) for f in frames)
    assert all(collapse_reason(measure_frame(f)) is None for f in frames)
    assert np.abs(frames[0].astype(int) - frames[2]).mean() > 2  # the picture moves and changes


def test_a_finished_render_is_not_overwritten_and_a_different_schedule_is_not_mixed_in(tmp_path, song):
    painter = NoisePainter()
    render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=painter, width=64, height=64,
           progress=False)
    with pytest.raises(RenderError, match="exists; pass overwrite=True"):
        render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=painter, width=64, height=64)
    changed = two_second_schedule()
    changed["zoom"] = "0: (1.1)"
    with pytest.raises(RenderError, match="different schedule"):
        render(tmp_path / "v.mp4", changed, audio_path=song, model=painter, width=64, height=64, overwrite=True,
               progress=False)
    with pytest.raises(RenderError, match="different steps"):
        render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=painter, width=64, height=64,
               steps=3, overwrite=True, progress=False)
    render(tmp_path / "v.mp4", changed, audio_path=song, model=painter, width=64, height=64, overwrite=True,
           resume=False, progress=False)


def test_the_guard_redoes_collapsed_frames_and_the_output_recovers(tmp_path, song):
    sched = two_second_schedule()
    collapsing = {5, 6, 7 + RETRY_SEED_STEP}  # frames 5 and 6 go flat once; frame 7 twice
    painter = NoisePainter(collapse_seeds=collapsing | {7})
    report = render(tmp_path / "v.mp4", sched, audio_path=song, model=painter, width=64, height=64,
                    seed_mode="frame", progress=False)
    actions = {a["frame"]: a for a in report.guard_actions}
    assert sorted(actions) == [5, 6, 7]
    assert actions[5] == {"frame": 5, "reasons": ["flat"], "retries": 1, "recovered": True}
    assert actions[7]["retries"] == 2
    for i in range(20):
        assert collapse_reason(measure_frame(load_png(tmp_path / f"v.frames/{i:06d}.png"))) is None
    assert json.loads((tmp_path / "v.frames/report.json").read_text())["guard_actions"] == report.guard_actions


def test_the_guard_gives_up_after_its_retries_and_says_so(tmp_path, song):
    always_flat = NoisePainter(collapse_seeds={3 + k * RETRY_SEED_STEP for k in range(3)})
    report = render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=always_flat, width=64,
                    height=64, max_retries=2, seed_mode="frame", progress=False)
    assert report.guard_actions == [{"frame": 3, "reasons": ["flat"] * 3, "retries": 2, "recovered": False}]


def test_low_adherence_counts_as_collapse(tmp_path, song):
    seen = []

    def adherence(frame, prompts):
        seen.append(prompts)
        return 0.0 if len(seen) == 4 else 1.0

    report = render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=NoisePainter(), width=64,
                    height=64, adherence=adherence, adherence_min=0.5, progress=False)
    assert report.guard_actions == [{"frame": 3, "reasons": ["off-prompt"], "retries": 1, "recovered": True}]
    assert seen[0] == [("a city at night", 1.0)]


def test_cadence_diffuses_every_nth_frame_and_tweens_between(tmp_path, song):
    painter = NoisePainter()
    report = render(tmp_path / "v.mp4", two_second_schedule(), audio_path=song, model=painter, width=64,
                    height=64, cadence=4, beats=[0.3, 1.1], seed_mode="frame", progress=False)
    # every 4th frame, moved onto the beats at frames 3 and 11, plus the last frame
    assert sorted(painter.calls) == [0, 3, 8, 11, 16, 19] and report.diffused == 6
    assert stream_durations(tmp_path / "v.mp4")["frames"] == 20


RESUME_SCRIPT = textwrap.dedent("""
    import sys, torch
    sys.path[:0] = [{root!r}, {tests!r}]
    torch.set_num_threads(1)
    from render_support import tiny_pipeline, SlowPainter
    from binarydream.render.model.painter import DiffusersPainter
    from binarydream.render import render
    from test_render import two_second_schedule
    painter = SlowPainter(DiffusersPainter(tiny_pipeline({tok!r}), 64, 64), delay=float(sys.argv[1]))
    render({out!r}, two_second_schedule(), audio_path={song!r}, model=painter, width=64, height=64,
           cadence=2, progress=False)
""")


def test_a_render_killed_mid_way_resumes_to_the_same_frames_bit_for_bit(tmp_path, song):
    from binarydream.render.model.painter import DiffusersPainter

    torch.set_num_threads(1)
    straight = tmp_path / "straight.mp4"
    fresh = tiny_pipeline(tmp_path / "tok0")  # as in the subprocess: no speed options switched on
    render(straight, two_second_schedule(), audio_path=song, model=SlowPainter(DiffusersPainter(fresh, 64, 64)),
           width=64, height=64, cadence=2, progress=False)

    killed = tmp_path / "killed.mp4"
    script = tmp_path / "resume.py"
    script.write_text(RESUME_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"), tok=str(tmp_path / "tok"), out=str(killed),
                                           song=str(song)))
    process = subprocess.Popen([sys.executable, str(script), "0.3"], cwd=ROOT)
    manifest = tmp_path / "killed.frames" / "manifest.json"
    deadline = time.time() + 300  # a generous start-up allowance: importing torch on a busy shared machine is slow
    while time.time() < deadline and process.poll() is None:
        if manifest.exists() and json.loads(manifest.read_text())["last_key"] >= 6:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    last_key = json.loads(manifest.read_text())["last_key"]
    assert 6 <= last_key < 19 and not killed.exists()

    report = render(killed, two_second_schedule(), audio_path=song,
                    model=SlowPainter(DiffusersPainter(tiny_pipeline(tmp_path / "tok2"), 64, 64)), width=64,
                    height=64, cadence=2, progress=False)
    assert report.resumed_from == last_key and report.made == 19 - last_key
    assert frame_bytes(tmp_path / "killed.frames") == frame_bytes(tmp_path / "straight.frames")
    assert stream_durations(killed)["frames"] == 20


def test_a_local_model_folder_loads_in_the_asked_dtype_without_deprecation_warnings(tmp_path):
    import warnings

    tiny_pipeline(tmp_path / "tokenizer").save_pretrained(tmp_path / "tiny")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe = load_pipeline(tmp_path / "tiny", device="cpu", dtype=torch.bfloat16)
    assert pipe.unet.dtype == torch.bfloat16
    assert not [w for w in caught if "dtype" in str(w.message)], [str(w.message) for w in caught]


def test_a_diffusers_before_0_40_is_given_torch_dtype_which_it_knows():
    from types import SimpleNamespace

    from binarydream.render.model.models import _in_dtype

    assert _in_dtype(SimpleNamespace(__version__="0.35.2"), torch.float16) == {"torch_dtype": torch.float16}
    assert _in_dtype(SimpleNamespace(__version__="0.40.0"), torch.float16) == {"dtype": torch.float16}
    assert _in_dtype(SimpleNamespace(__version__="1.0.0.dev0"), torch.float16) == {"dtype": torch.float16}


def test_a_missing_local_model_is_one_line_that_says_what_to_do(tmp_path):
    with pytest.raises(ModelNotFoundError) as error:
        load_pipeline(tmp_path / "no-such-model")
    assert "\n" not in str(error.value) and "no-such-model" in str(error.value)


def test_a_hub_model_that_cannot_be_downloaded_is_one_line_with_its_id_and_how_to_get_it(hub_offline):
    with pytest.raises(ModelNotFoundError) as error:
        load_pipeline("binarydream-tests/no-such-model", device="cpu")
    message = str(error.value)
    assert "\n" not in message and "binarydream-tests/no-such-model" in message and "hf download" in message
