"""A render spread over a local 2-worker Ray cluster equals the one-process segmented render, bit for bit,
also when a worker dies mid-segment and when the driver, a process of its own, is killed and run again."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from binarydream.render.loop import frame_seeds
from binarydream.render.model.painter import DiffusersPainter
from binarydream.render.scale.distributed import render_on_ray, scratch_root
from binarydream.render.scale.segmented import render_segmented

from ray_driver import DOWNBEATS, OPTIONS, four_second_schedule
from render_support import NoisePainter, tiny_pipeline, video_frames, write_song

ray = pytest.importorskip("ray")

DRIVER_SECONDS = 120
"""The most a driver process may take to start and get its render to the gate (a loaded CI machine)."""


@pytest.fixture(scope="module")
def cluster():
    # The workers cannot import this test module: its painters travel by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, resources={"painter": 2}, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"OMP_NUM_THREADS": "1"}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 4.0)


@pytest.fixture(scope="module")
def painter(tmp_path_factory):
    torch.set_num_threads(1)
    return DiffusersPainter(tiny_pipeline(tmp_path_factory.mktemp("tokenizer")), 64, 64)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, song, painter):
    out = tmp_path_factory.mktemp("reference") / "video.mp4"
    render_segmented(out, four_second_schedule(), audio_path=song, model=painter, workers=2, options=OPTIONS,
                     downbeats=DOWNBEATS, progress=False)
    return video_frames(out)


class DyingPainter:
    """Kills its worker process the first time it paints ``seed`` (``marker`` remembers that it did)."""

    def __init__(self, painter, seed: int, marker):
        self.painter, self.seed, self.marker = painter, seed, Path(marker)

    def __call__(self, image, **options):
        if options["seed"] == self.seed and not self.marker.exists():
            self.marker.touch()
            os._exit(1)
        return self.painter(image, **options)


def on_ray(out, song, model, progress=False):
    return render_on_ray(out, four_second_schedule(), audio_path=song, model=model, options=OPTIONS,
                         downbeats=DOWNBEATS, resource="painter", progress=progress)


def test_the_plan_has_two_segments_cut_on_a_downbeat_with_a_warm_overlap(tmp_path, song, painter, reference):
    render_segmented(tmp_path / "v.mp4", four_second_schedule(), audio_path=song, model=painter, workers=2,
                     options=OPTIONS, downbeats=DOWNBEATS, progress=False)
    plan = json.loads((tmp_path / "v.frames" / "segments.json").read_text())["segments"]
    assert plan == [[0, 0, 20], [10, 20, 40]]
    assert len(reference) == 40


def test_a_ray_render_equals_the_one_process_segmented_render(tmp_path, cluster, song, painter, reference):
    report = on_ray(tmp_path / "video.mp4", song, painter)
    assert report.n_frames == 40
    frames = video_frames(tmp_path / "video.mp4")
    assert len(frames) == 40 and all(np.array_equal(a, b) for a, b in zip(frames, reference))


def test_two_renders_share_the_cluster_and_each_equals_its_one_process_render(tmp_path, cluster, song, painter,
                                                                            reference):
    from binarydream.render.scale.distributed import RayRender, render_all_on_ray

    renders = [RayRender(tmp_path / name, four_second_schedule(), song, painter, OPTIONS, downbeats=DOWNBEATS)
               for name in ("a.mp4", "b.mp4")]
    reports = render_all_on_ray(renders, resource="painter", progress=False)
    assert [r.out for r in reports] == [str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4")]
    for name in ("a.mp4", "b.mp4"):
        frames = video_frames(tmp_path / name)
        assert len(frames) == 40 and all(np.array_equal(a, b) for a, b in zip(frames, reference))


def test_a_worker_killed_mid_segment_is_retried_and_continues_to_the_same_video(tmp_path, cluster, song, painter,
                                                                              reference):
    marker = tmp_path / "died"
    seed = int(frame_seeds(four_second_schedule(), OPTIONS.seed, OPTIONS.seed_mode)[32])
    on_ray(tmp_path / "video.mp4", song, DyingPainter(painter, seed, marker))
    assert marker.exists()
    frames = video_frames(tmp_path / "video.mp4")
    assert all(np.array_equal(a, b) for a, b in zip(frames, reference)) and len(frames) == 40


def test_a_driver_killed_mid_render_and_run_again_ends_with_the_same_video(tmp_path, cluster, song):
    reference = tmp_path / "reference.mp4"
    render_segmented(reference, four_second_schedule(), audio_path=song, model=NoisePainter(), workers=2,
                     options=OPTIONS, downbeats=DOWNBEATS, progress=False)
    out, closed, opened = tmp_path / "video.mp4", tmp_path / "closed", tmp_path / "opened"
    kept = tmp_path / "video.frames" / "segment-000000-000020" / "manifest.json"
    driver = [sys.executable, str(Path(__file__).with_name("ray_driver.py")), ray.get_runtime_context().gcs_address,
              str(out), str(song)]
    with open(tmp_path / "driver.log", "wb") as log:
        process = subprocess.Popen([*driver, str(closed)], stdout=log, stderr=subprocess.STDOUT)
        try:  # until the first segment is kept and the second is part way, held at the gate
            deadline = time.monotonic() + DRIVER_SECONDS
            while not (kept.exists() and closed.with_suffix(".waiting").exists()):
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "driver.log").read_text()
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
    assert process.returncode == -signal.SIGKILL and not out.exists()
    painted = kept.stat().st_mtime_ns
    opened.touch()  # a gate of its own: the killed driver's task, should it outlive its driver, stays held
    again = subprocess.run([*driver, str(opened)], capture_output=True, text=True, timeout=DRIVER_SECONDS)
    assert again.returncode == 0, again.stdout + again.stderr
    assert kept.stat().st_mtime_ns == painted  # the kept segment is not painted again
    video = hashlib.sha256(str(out.absolute()).encode()).hexdigest()[:16]
    assert not list(scratch_root().glob(f"*/{video}"))  # what the killed driver's task left is removed
    frames = video_frames(out)
    assert len(frames) == 40 and all(np.array_equal(a, b) for a, b in zip(frames, video_frames(reference)))


def test_ray_asked_for_without_ray_installed_is_one_line_naming_the_extra(monkeypatch):
    from binarydream.errors import MissingDependencyError
    from binarydream.render.scale.distributed import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependencyError, match=r"^Ray is not installed: pip install 'binarydream\[ray\]'$"):
        import_ray()


def test_render_with_ray_on_a_cluster_without_gpus_says_so_before_painting(tmp_path, cluster, song, painter):
    from binarydream.errors import RenderError
    from binarydream.render import render

    with pytest.raises(RenderError, match="the Ray cluster has no GPU"):
        render(tmp_path / "video.mp4", four_second_schedule(), audio_path=song, model=painter, width=64, height=64,
               ray=True, progress=False)
    assert not (tmp_path / "video.mp4").exists()


def test_the_command_line_takes_several_songs_and_a_ray_address(tmp_path, capsys):
    from binarydream.cli import _parser, main

    args = _parser().parse_args(["render", "a.mp3", "b.mp3", "--ray", "auto"])
    assert (args.song, args.more_songs, args.ray) == ("a.mp3", ["b.mp3"], "auto")
    assert _parser().parse_args(["render", "a.mp3", "--ray"]).ray is True
    assert main(["render", "a.mp3", "b.mp3", "--out", str(tmp_path / "v.mp4"), "--ray"]) == 2
    assert "with several songs give no --out or --schedule" in capsys.readouterr().err


class BrokenPainter:
    def __call__(self, image, **options):
        from binarydream.errors import RenderError

        raise RenderError("the painter broke")


def test_a_segment_failing_with_our_error_raises_it_as_one_line(tmp_path, cluster, song):
    from binarydream.errors import RenderError

    with pytest.raises(RenderError, match="^the painter broke$"):
        on_ray(tmp_path / "video.mp4", song, BrokenPainter())
    assert not (tmp_path / "video.mp4").exists()
    video = hashlib.sha256(str((tmp_path / "video.mp4").absolute()).encode()).hexdigest()[:16]
    assert not list(scratch_root().glob(f"*/{video}"))  # a segment that painted nothing leaves no scratch
