"""Faults a new user hits when rendering: concurrent runs, odd output paths, bad settings, a full disk."""
import errno
import re
import threading
import time

import numpy as np
import pytest

from binarydream import Schedule, Song
from binarydream.cli import main
from binarydream.errors import ParameterError, RenderError, ScheduleError
from binarydream.render import render
from render_support import NoisePainter, SlowPainter, stream_durations, video_frames, write_song

FPS = 10


def schedule(n_frames=20):
    return Schedule(n_frames, fps=FPS, prompts={0: "a city at night"}, curves={"zoom": "0: (1.04)"})


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 2.0)


def paint(out, song, painter=None, **options):
    return render(out, schedule(), audio_path=song, model=painter or NoisePainter(), width=64, height=64,
                  progress=False, **options)


def test_a_second_render_into_the_same_path_stops_at_once_and_the_first_is_whole(tmp_path, song, capsys):
    from binarydream.render.output.lock import lock_path

    out = tmp_path / "video.mp4"
    first = threading.Thread(target=paint, args=(out, song, SlowPainter(NoisePainter(), delay=0.2)))
    first.start()
    deadline = time.monotonic() + 30
    while not lock_path(out).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    assert main(["render", str(song), "--fps", str(FPS), "--model", str(tmp_path / "never-loaded"),
                 "--no-cache", "--overwrite", "--out", str(out)]) == 2
    assert time.monotonic() - started < 2  # before the song's analysis
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "already rendering" in error
    with pytest.raises(RenderError, match="already rendering"):
        paint(out, song, overwrite=True)
    first.join()
    assert not lock_path(out).exists()
    paint(tmp_path / "alone.mp4", song)
    together, alone = video_frames(out), video_frames(tmp_path / "alone.mp4")
    assert len(together) == len(alone) == 20
    assert all(np.array_equal(a, b) for a, b in zip(together, alone))
    assert not list(tmp_path.glob(".*partial*"))


def test_each_run_writes_its_own_temporary_video(tmp_path, song, monkeypatch):
    from binarydream.render.output import encode

    names = []
    start = encode.VideoEncoder._start
    monkeypatch.setattr(encode.VideoEncoder, "_start", lambda self: (names.append(self._partial), start(self))[1])
    paint(tmp_path / "a.mp4", song)
    paint(tmp_path / "a.mp4", song, overwrite=True, resume=False)
    assert len(set(names)) == 2


@pytest.mark.filterwarnings("ignore:found no steady beat:UserWarning")  # a 2 s click-free test song
def test_an_output_that_is_a_folder_is_refused_before_any_work(tmp_path, song):
    folder = tmp_path / "video.mp4"
    folder.mkdir()
    painter = NoisePainter()
    with pytest.raises(ParameterError, match="is a folder"):
        paint(folder, song, painter, overwrite=True)
    assert painter.calls == [] and list(tmp_path.iterdir()) == [folder]
    with pytest.raises(ParameterError, match="is a folder"):
        Song(song, fps=FPS, cache_dir=False).preview(folder, schedule=schedule(), overwrite=True)
    assert list(tmp_path.iterdir()) == [folder]


def test_the_container_follows_the_suffix_and_other_suffixes_are_refused(tmp_path, song):
    import av

    paint(tmp_path / "v.mp4", song)
    paint(tmp_path / "v.mkv", song)
    with av.open(str(tmp_path / "v.mkv")) as container:
        assert "matroska" in container.format.name
    assert (tmp_path / "v.frames").is_dir() and (tmp_path / "v.mkv.frames").is_dir()
    assert len(list((tmp_path / "v.mkv.frames").glob("*.png"))) == 20
    for name in ("v.avi", "v.gif", "v"):
        with pytest.raises(ParameterError, match=r"name it \.mp4"):
            paint(tmp_path / name, song)


@pytest.mark.parametrize("options, message", [
    ({"steps": 0}, "steps must be"), ({"steps": -1}, "steps must be"), ({"seed": 2**70}, "seed must be"),
    ({"seed": -1}, "seed must be"), ({"device": "tpu"}, "unknown device"), ({"width": 100000}, "width and height"),
])
def test_bad_settings_are_refused_before_the_model_loads(tmp_path, song, options, message):
    with pytest.raises(ParameterError, match=message):
        render(tmp_path / "v.mp4", schedule(), audio_path=song, model=str(tmp_path / "no-model"),
               **{"width": 64, "height": 64, **options})


def test_an_init_image_that_is_not_a_picture_is_one_line(tmp_path, song):
    (tmp_path / "init.png").write_text("not a picture")
    with pytest.raises(RenderError, match="cannot read the init image"):
        paint(tmp_path / "v.mp4", song, init_image=tmp_path / "init.png")


def test_a_damaged_manifest_says_start_over(tmp_path, song):
    paint(tmp_path / "v.mp4", song)
    (tmp_path / "v.frames" / "manifest.json").write_text("{damaged")
    with pytest.raises(RenderError, match="damaged.*resume=False"):
        paint(tmp_path / "v.mp4", song, overwrite=True)
    paint(tmp_path / "v.mp4", song, overwrite=True, resume=False)
    assert stream_durations(tmp_path / "v.mp4")["frames"] == 20


@pytest.mark.filterwarnings("ignore:found no steady beat:UserWarning")  # a 2 s click-free test song
def test_preview_and_plot_refuse_a_schedule_planned_for_another_song(tmp_path, song):
    other = Song(song, fps=FPS, cache_dir=False)
    longer = Schedule(80, fps=FPS)
    with pytest.raises(ScheduleError, match="plan the schedule from this song"):
        other.preview(tmp_path / "p.mp4", schedule=longer)
    with pytest.raises(ScheduleError, match="plan the schedule from this song"):
        other.plot(tmp_path / "t.png", schedule=longer)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    from render_support import tiny_pipeline

    folder = tmp_path_factory.mktemp("model")
    tiny_pipeline(folder / "tokenizer").save_pretrained(folder / "tiny")
    return folder / "tiny"


def test_a_full_disk_while_writing_frames_is_one_line_and_the_render_resumes(tmp_path, song, model_folder,
                                                                            monkeypatch, capsys):
    from binarydream.render.output import sink

    save = sink.save_png

    def disk_full_from_frame_5(path, frame):
        if int(path.stem) >= 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        save(path, frame)

    monkeypatch.setattr(sink, "save_png", disk_full_from_frame_5)
    args = ["render", str(song), "--fps", str(FPS), "--width", "64", "--height", "64", "--steps", "1",
            "--no-cache", "--model", str(model_folder), "--out", str(tmp_path / "v.mp4")]
    assert main(args) == 2
    error = capsys.readouterr().err  # after the loaders' progress bars
    assert "Traceback" not in error
    assert "no space left on device" in error.splitlines()[-1] and ".png" in error.splitlines()[-1]
    assert not (tmp_path / "v.mp4").exists()
    monkeypatch.setattr(sink, "save_png", save)
    assert main(args) == 0
    assert stream_durations(tmp_path / "v.mp4")["frames"] == 20
    made = re.search(r"\((\d+) made now\)", capsys.readouterr().out)
    assert made is not None and 0 < int(made.group(1)) < 20  # the frames on disk were kept
