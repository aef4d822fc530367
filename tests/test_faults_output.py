"""Outputs lose nothing: no device, pipe or link replaced, no hidden partial video left for ever, a private scratch."""
import os
import stat

import numpy as np
import pytest

from binarydream.cli import main
from binarydream.errors import ParameterError, RenderError
from binarydream.files import write_text_atomic
from render_support import NoisePainter, write_song


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 2.0)


def test_a_named_pipe_at_the_output_is_refused_and_kept(tmp_path):
    pipe = tmp_path / "out.json"
    os.mkfifo(pipe)
    with pytest.raises(ParameterError, match="named pipe, not a regular file"):
        write_text_atomic(pipe, "{}", overwrite=True)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_analyze_out_a_device_as_root_is_one_line_and_keeps_the_device(tmp_path, song, capsys):
    device = tmp_path / "full"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full's numbers
    assert main(["analyze", str(song), "--out", str(device), "--overwrite", "--no-cache"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.splitlines() == [f"binarydream analyze: cannot write to {device}: it is a character device, not "
                                  "a regular file; give a file path (--out)"]
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_the_command_line_refuses_a_pipe_as_video_before_the_analysis(tmp_path, song, capsys):
    pipe = tmp_path / "preview.mp4"
    os.mkfifo(pipe)
    assert main(["preview", str(song), "--out", str(pipe), "--overwrite", "--no-cache"]) == 2
    assert "named pipe" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_out_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path, song):
    real = tmp_path / "kept" / "analysis.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(["analyze", str(song), "--out", str(link), "--overwrite", "--no-cache"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert '"tempo"' in real.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["analysis.json"]


def test_a_video_through_a_symlink_lands_at_the_target(tmp_path):
    from binarydream.render.output.encode import VideoEncoder

    real = tmp_path / "videos" / "clip.mp4"
    real.parent.mkdir()
    link = tmp_path / "clip.mp4"
    link.symlink_to(real)
    with VideoEncoder(link, 16, 16, fps=10, n_frames=2) as video:
        for _ in range(2):
            video.write(np.zeros((16, 16, 3), np.uint8))
    assert link.is_symlink() and real.stat().st_size > 0


def test_partials_of_killed_runs_are_removed_by_the_next_run_and_only_those(tmp_path):
    from binarydream.render.output.encode import VideoEncoder

    dead = tmp_path / ".clip.999999999-0123abcd.partial.mp4"       # its process is gone
    alive = tmp_path / f".clip.{os.getppid()}-0123abcd.partial.mp4"  # a run still writing
    other = tmp_path / ".other.999999999-0123abcd.partial.mp4"     # another video's
    mine = tmp_path / "clip.999999999-0123abcd.partial.mp4"        # not our name (no dot)
    for path in (dead, alive, other, mine):
        path.write_bytes(b"half a video")
    with VideoEncoder(tmp_path / "clip.mp4", 16, 16, fps=10, n_frames=1) as video:
        video.write(np.zeros((16, 16, 3), np.uint8))
    assert not dead.exists()
    assert alive.exists() and other.exists() and mine.exists() and (tmp_path / "clip.mp4").is_file()


class _Tracker:
    class update:
        @staticmethod
        def remote(name, made):
            pass


def _segment_work(tmp_path, song):
    from binarydream.render.options import RenderOptions
    from binarydream.render.scale.segmented import prepare
    from binarydream.schedule import Schedule

    schedule = Schedule(20, fps=10, prompts={0: "a cat"}, sections=[(0, "intro")])
    works, _, _ = prepare(tmp_path / "out" / "v.mp4", schedule, model=NoisePainter(),
                          options=RenderOptions(width=64, height=64, steps=1), speed=None, resume=True, beats=None,
                          downbeats=None, init_image=None, workers=1)
    return works[0]


def test_a_segment_paints_in_a_private_scratch_folder_removed_after(tmp_path, song, monkeypatch):
    import tempfile

    from binarydream.render.scale.distributed import paint_task

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    pngs, state = paint_task(_segment_work(tmp_path, song), _Tracker())
    assert len(pngs) == 20 and state["last_key"] == 19
    [root] = scratch.iterdir()
    assert root.name == f"binarydream-segments-{os.geteuid()}"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700 and root.stat().st_uid == os.geteuid()
    assert list(root.iterdir()) == []  # nothing of the render is left behind


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners")
def test_a_scratch_folder_others_made_or_may_read_is_refused(tmp_path, song, monkeypatch):
    import tempfile

    from binarydream.render.scale.distributed import paint_task

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    root = tmp_path / f"binarydream-segments-{os.geteuid()}"
    root.mkdir()
    root.chmod(0o777)  # another user prepared it for us
    with pytest.raises(RenderError, match="not a private folder of this user"):
        paint_task(_segment_work(tmp_path, song), _Tracker())
    assert list(root.iterdir()) == []
