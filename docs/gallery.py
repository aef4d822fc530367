"""The docs' gallery, made from the example song: its timeline, a CPU preview and a few of its frames.

Run by the docs build (``docs/hooks.py``, before ``mkdocs build``) or alone:
``python docs/gallery.py build/docs-gallery``. It plans the bundled example song
(``examples/dream_example.ogg`` with its LRC) exactly as ``make demo`` does, draws the
timeline, writes the preview and takes one frame at the middle of each of the first
lyric lines, so the pictures always show what the library makes today. Nothing it
writes is committed.

Examples
--------
>>> pictures = make_gallery("build/docs-gallery")  # doctest: +SKIP
>>> [p.name for p in pictures]  # doctest: +SKIP
['timeline.png', 'preview.mp4', 'frame-1.png', 'frame-2.png', 'frame-3.png', 'frame-4.png']
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SONG = ROOT / "examples" / "dream_example.ogg"
LYRICS = ROOT / "examples" / "dream_example.lrc"
STYLE = "dreamlike synthwave city at night, by greg rutkowski, highly detailed"  # the demo's (examples/dream.py)
N_FRAMES = 4
WIDTH, HEIGHT = 480, 270


def preview_frames(video: Path, times: list[float], fps: float) -> dict[float, "np.ndarray"]:
    """The preview's frames shown at ``times`` (seconds), as uint8 RGB arrays."""
    import imageio_ffmpeg
    import numpy as np

    wanted = {round(t * fps): t for t in times}
    frames = imageio_ffmpeg.read_frames(str(video))
    meta = next(frames)
    width, height = meta["size"]
    found = {}
    for index, raw in enumerate(frames):
        if index in wanted:
            found[wanted[index]] = np.frombuffer(raw, np.uint8).reshape(height, width, 3)
    return found


def make_gallery(out) -> list[Path]:
    """Write the timeline, the preview, ``N_FRAMES`` preview frames and ``gallery.json`` (captions) to ``out``.

    Parameters
    ----------
    out : str or Path
        The folder (made if missing); what is there from an earlier run is replaced.

    Returns
    -------
    list of Path
        The pictures and the video, in the order the gallery page shows them.
    """
    import cv2

    from binarydream import Song

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    song = Song(SONG, lyrics=LYRICS, fps=24)
    sched = song.plan(style=STYLE)
    timeline = song.plot(out / "timeline.png", schedule=sched, overwrite=True)
    preview = song.preview(out / "preview.mp4", schedule=sched, width=WIDTH, height=HEIGHT, overwrite=True)
    lines = song.lyrics.lines[:N_FRAMES]
    times = [(line.start + line.end) / 2 for line in lines]
    shown = preview_frames(preview, times, song.fps)
    pictures, captions = [timeline, preview], {}
    for number, (line, time) in enumerate(zip(lines, times), start=1):
        path = out / f"frame-{number}.png"
        cv2.imwrite(str(path), cv2.cvtColor(shown[time], cv2.COLOR_RGB2BGR))
        pictures.append(path)
        prompt = sched.prompts[max(k for k in sched.prompts if k <= round(time * song.fps))]
        captions[path.name] = {"time": round(time, 2), "line": line.text, "prompt": prompt[0][0]}
    a = song.analysis
    summary = {"tempo": round(float(a.tempo), 1), "beats_per_bar": int(a.beats_per_bar), "tracker": a.tracker,
               "sections": [s.label for s in a.sections], "frames": captions}
    (out / "gallery.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return pictures


if __name__ == "__main__":
    for made in make_gallery(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "docs-gallery"):
        print(f"wrote {made}")
