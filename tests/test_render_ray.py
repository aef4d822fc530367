"""A render spread over a local 2-worker Ray cluster equals the one-process segmented render, bit for bit,
also when a worker dies mid-segment and when the driver stops and runs again."""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from binarydream.render.distributed import render_on_ray
from binarydream.render.loop import frame_seeds
from binarydream.render.options import RenderOptions
from binarydream.render.painter import DiffusersPainter
from binarydream.render.segmented import render_segmented
from binarydream.schedule import Schedule

from render_support import tiny_pipeline, video_frames, write_song

ray = pytest.importorskip("ray")

FPS = 10
DOWNBEATS = np.arange(0, 4, 0.5)  # a bar every half second: segments of at least 2 s
OPTIONS = RenderOptions(width=64, height=64, steps=2, seed_mode="frame", cadence=2)


def four_second_schedule():
    return Schedule(40, fps=FPS, prompts={0: "a city at night", 25: "a quiet forest"}, blend_frames=4,
                    curves={"zoom": "0: (1.04)", "angle": "0: (2)", "strength": 0.6},
                    sections=[(0, "intro"), (21, "verse")])


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
    from binarydream.render.distributed import RayRender, render_all_on_ray

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


def test_a_driver_stopped_and_run_again_paints_only_what_is_missing_and_ends_the_same(tmp_path, cluster, song,
                                                                                   painter, reference):
    out = tmp_path / "video.mp4"
    folder = tmp_path / "video.frames"

    def stop_once_a_segment_is_kept(done, total, eta):
        if any(json.loads(m.read_text())["last_key"] in (19, 39) for m in folder.glob("segment-*/manifest.json")):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        on_ray(out, song, painter, progress=stop_once_a_segment_is_kept)
    assert not out.exists()
    kept = {m: m.stat().st_mtime_ns for m in folder.glob("segment-*/manifest.json")
            if json.loads(m.read_text())["last_key"] in (19, 39)}
    assert kept
    on_ray(out, song, painter)
    assert all(m.stat().st_mtime_ns == mtime for m, mtime in kept.items())  # not painted again
    frames = video_frames(out)
    assert all(np.array_equal(a, b) for a, b in zip(frames, reference)) and len(frames) == 40


def test_ray_asked_for_without_ray_installed_is_one_line_naming_the_extra(monkeypatch):
    from binarydream.errors import MissingDependencyError
    from binarydream.render.distributed import import_ray

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
