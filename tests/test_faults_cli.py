"""A sweep of the command line with bad values, as a new user types them: one line on stderr, exit 2, no traceback."""
import json

import numpy as np
import pytest

from binarydream.cli import main
from render_support import write_song


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A song and the broken inputs the sweep hands the commands."""
    folder = tmp_path_factory.mktemp("inputs")
    write_song(folder / "song.wav", 3.0)
    (folder / "not-a-picture.png").write_text("hello")
    (folder / "huge.yaml").write_text("n_frames: 1000000000000\nfps: 30\n")
    (folder / "sections.yaml").write_text("n_frames: 90\nfps: 30\nsections: [[0]]\n")
    (folder / "far-key.yaml").write_text("n_frames: 90\nfps: 30\nprompts: {'1e20s': [['a cat', 1.0]]}\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "backwards.lrc").write_text("[00:01.00]<00:02.00>hello <00:01.50>world <00:03.00>\n")
    (folder / "a-file").write_text("not a folder")
    (folder / "a-folder.mp4").mkdir()
    return folder


SWEEP = {
    "--set style": ["plan", "{song}", "--set", "style=x"],
    "--set prompts": ["plan", "{song}", "--set", "prompts=a cat"],
    "--set blend_beats=1e308": ["plan", "{song}", "--set", "blend_beats=1e308"],
    "--set lead_beats=nan": ["plan", "{song}", "--set", "lead_beats=nan"],
    "--set lead_beats=1e400": ["plan", "{song}", "--set", "lead_beats=1e400"],
    "--set lead_beats=-5": ["plan", "{song}", "--set", "lead_beats=-5"],
    "--set zoom key 1e20s": ["plan", "{song}", "--set", "zoom=0: (1), 1e20s: (2)"],
    "--set zoom key 1e300b": ["plan", "{song}", "--set", "zoom=0: (1), 1e300b: (2)"],
    "--set zoom 10 MB": ["plan", "{song}", "--set", "zoom=0: (" + "+".join(["t"] * 1_000_000) + ")"],
    "--fps nan": ["plan", "{song}", "--fps", "nan"],
    "--steps -1": ["render", "{song}", "--steps", "-1"],
    "--steps 0": ["render", "{song}", "--steps", "0"],
    "--device tpu": ["render", "{song}", "--device", "tpu"],
    "--seed 2**70": ["render", "{song}", "--seed", str(2**70)],
    "--width 100000": ["render", "{song}", "--width", "100000"],
    "--init-image not a picture": ["render", "{song}", "--init-image", "{dir}/not-a-picture.png"],
    "n_frames 1e12 in a schedule": ["preview", "{song}", "--schedule", "{dir}/huge.yaml"],
    "sections [[0]] in a schedule": ["preview", "{song}", "--schedule", "{dir}/sections.yaml"],
    "a key at 1e20s in a schedule": ["preview", "{song}", "--schedule", "{dir}/far-key.yaml"],
    "lyrics that are not text": ["plan", "{song}", "--lyrics", "{dir}/binary.txt"],
    "lyrics file missing": ["plan", "{song}", "--lyrics", "{dir}/missing.lrc"],
    "backwards word tags": ["plan", "{song}", "--lyrics", "{dir}/backwards.lrc"],
    "--out a folder": ["preview", "{song}", "--overwrite", "--out", "{dir}/a-folder.mp4"],
    "--out inside a file": ["plan", "{song}", "--out", "{dir}/a-file/schedule.yaml"],
    "--out .gif": ["preview", "{song}", "--out", "{out}/p.gif"],
    "--out .bmp timeline": ["plot", "{song}", "--out", "{out}/t.bmp"],
    "song missing": ["analyze", "{dir}/missing.wav"],
    "song is a folder": ["analyze", "{dir}"],
}


@pytest.mark.parametrize("name", SWEEP)
def test_bad_input_is_one_line_and_exit_2(name, files, tmp_path, capsys):
    args = [a.format(song=files / "song.wav", dir=files, out=tmp_path) for a in SWEEP[name]]
    if "--out" not in args:
        args += ["--out", str(tmp_path / ("out.mp4" if args[0] in ("render", "preview") else "out.yaml"))]
    if args[0] == "render":
        args += ["--model", str(tmp_path / "no-model")]  # the checks come before the model loads
    assert main(args + ["--no-cache"]) == 2
    error = capsys.readouterr().err
    lines = [line for line in error.splitlines() if line.startswith("binarydream ")]
    assert "Traceback" not in error and len(lines) == 1
    assert "no-model" not in lines[0]  # refused for its own fault, not for the missing model
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_debug_shows_the_traceback(files, tmp_path):
    from binarydream.errors import ParameterError

    with pytest.raises(ParameterError, match="steps"):
        main(["render", str(files / "song.wav"), "--steps", "0", "--out", str(tmp_path / "v.mp4"), "--debug"])
    with pytest.raises(ParameterError, match="steps"):
        main(["--debug", "render", str(files / "song.wav"), "--steps", "0", "--out", str(tmp_path / "v.mp4")])


def test_a_clip_checkpoint_that_is_not_one_is_one_line(files, tmp_path, capsys):
    import open_clip
    from PIL import Image

    from binarydream import Schedule
    from test_quality import TINY

    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "bd-faults-tiny.json").write_text(json.dumps(TINY))
    open_clip.add_model_config(configs)
    folder = tmp_path / "video.frames"
    folder.mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(folder / "000000.png")
    Schedule(1).save(folder / "schedule.yaml")
    (tmp_path / "clip.pt").write_bytes(b"not a checkpoint")
    assert main(["report", str(folder), "--model", "bd-faults-tiny", "--checkpoint", str(tmp_path / "clip.pt"),
                 "--device", "cpu"]) == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error and "cannot load checkpoint" in error.splitlines()[-1]


def test_an_unwritable_cache_degrades_with_a_warning(files, tmp_path, capsys):
    out = tmp_path / "analysis.json"
    assert main(["analyze", str(files / "song.wav"), "--cache-dir", str(files / "a-file" / "cache"),
                 "--out", str(out)]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "going on without it" in line]
    assert len(warned) == 1 and warned[0].startswith("warning: ")
    assert json.loads(out.read_text())["n_frames"] == 90
