"""The Colab notebook runs top to bottom, headless, so it cannot rot.

It runs as a user's would, with one change: after its cell tagged ``parameters`` (papermill's convention)
a cell points it at 6 s of the example song at 8 fps, so the CI pays seconds, not minutes. With no GPU here,
its render cell takes the tiny random-weight pipeline (``binarydream.tiny``).
"""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from render_support import stream_durations, video_frames  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "colab.ipynb"
SECONDS, FPS = 6.0, 8


def short_example(folder: Path) -> tuple[Path, Path]:
    """The example song's first ``SECONDS`` and its LRC lines that start within them."""
    y, sr = sf.read(ROOT / "examples" / "dream_example.ogg", dtype="float32")
    song = folder / "short.wav"
    sf.write(song, y[: int(SECONDS * sr)], sr)
    lines = [line for line in (ROOT / "examples" / "dream_example.lrc").read_text(encoding="utf-8").splitlines()
             if line.startswith("[00:0") and float(line[4:9]) < SECONDS - 1]
    lyrics = folder / "short.lrc"
    lyrics.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return song, lyrics


def test_the_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]


def test_the_notebook_runs_top_to_bottom_on_a_cpu(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # the kernel inherits it: one torch thread, as the suite runs
    song, lyrics = short_example(tmp_path)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(f"SONG, LYRICS, FPS = {str(song)!r}, {str(lyrics)!r}, {FPS}"))
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    printed = "".join(out.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                      for out in cell.outputs if out.output_type == "stream")
    assert f"{SECONDS:.1f} s," in printed and "1 lyric lines" in printed
    assert "no GPU here" in printed and "made=48" in printed
    assert (tmp_path / "schedule.yaml").read_text(encoding="utf-8").count("bass") >= 1
    assert (tmp_path / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for video in ("preview.mp4", "video.mp4"):
        probe = stream_durations(tmp_path / video)
        assert probe["frames"] == SECONDS * FPS
        assert abs(probe["audio"] - SECONDS) < 1 / FPS
    frames = video_frames(tmp_path / "video.mp4")
    assert frames[0].shape == (64, 64, 3)
    assert np.abs(frames[0].astype(int) - frames[-1]).mean() > 2  # the tiny model painted, frame to frame
