"""Studio server speed: how soon the page has every lane, and how fast a typed curve comes back.

For each song (the bundled example, and the 4-minute real songs of
``../shared/devdata/lyrics`` when that folder exists), with the analysis
cached (a first, untimed run fills the cache): the time to start the studio
(analysis from the cache, plan, waveform peaks), the time of the first
``GET /api/state`` (everything the page draws: waveform, beats, sections,
lyrics, prompts, every curve) and its size, and the mean time of ``POST
/api/curve`` for ``zoom = 0: (1 + 0.03*bass)``. Targets: state under 1 s (the
page must show every lane within 2 s of opening), a curve under 0.1 s (redrawn
within 200 ms of typing). The devdata songs' lyrics are given as an LRC made
from their hand-annotated word times (``NAME.words.csv``), standing in for the
aligned lyrics a user would have cached.

    nice .venv/bin/python benchmarks/studio.py [--beats librosa]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT)]

from alignment import Line, Lyrics, Word  # noqa: E402
from binarydream import Song  # noqa: E402
from binarydream.studio import start  # noqa: E402

SONGS = ROOT.parent / "shared" / "devdata" / "lyrics"


def hand_lrc(name: str, folder: Path) -> Path:
    """An LRC of a devdata song from its lyrics text and hand-annotated word times."""
    lines = [line.split() for line in (SONGS / f"{name}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(SONGS / f"{name}.words.csv", newline="") as f:
        rows = [(float(r["word_start"]), float(r["word_end"])) for r in csv.DictReader(f)]
    timed, k = [], 0
    for words in lines:
        ws = tuple(Word(text, *rows[k + j], 1.0) for j, text in enumerate(words))
        k += len(words)
        timed.append(Line(" ".join(words), ws[0].start, ws[-1].end, ws))
    return Lyrics(timed).save(folder / f"{name}.lrc")


def songs(folder: Path) -> list[tuple[Path, Path]]:
    """``(audio, lyrics)`` of the example and of each devdata song (its hand LRC written into ``folder``)."""
    items = [(ROOT / "examples" / "dream_example.ogg", ROOT / "examples" / "dream_example.lrc")]
    if SONGS.is_dir():
        items += [(path, hand_lrc(path.stem, folder)) for path in sorted(SONGS.glob("*.mp3"))]
    else:
        print(f"{SONGS} not found: the real songs are skipped")
    return items


def request(port: int, token: str, method: str, path: str, body=None) -> tuple[float, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began = time.perf_counter()
    connection.request(method, path, body=None if body is None else json.dumps(body),
                       headers={"Host": f"127.0.0.1:{port}", "X-Studio-Token": token})
    data = connection.getresponse().read()
    took = time.perf_counter() - began
    connection.close()
    return took, data


def measure(audio: Path, lyrics: Path, *, beats: str, cache: Path, folder: Path) -> dict:
    def song():
        return Song(audio, lyrics=lyrics, cache_dir=cache, beats=beats)

    song().analysis  # fill the cache
    began = time.perf_counter()
    studio = start(song(), schedule_path=folder / f"{audio.stem}.schedule.yaml", lrc_path=folder / "unused.lrc")
    started = time.perf_counter() - began
    try:
        state_time, state = request(studio.port, studio.token, "GET", "/api/state")
        curve_times = [request(studio.port, studio.token, "POST", "/api/curve",
                               {"name": "zoom", "source": f"0: (1 + 0.0{k}*bass)"})[0] for k in range(1, 6)]
    finally:
        studio.stop()
    data = json.loads(state)
    return {"duration": data["song"]["duration"], "start": started, "state": state_time, "mb": len(state) / 1e6,
            "curve": sum(curve_times) / len(curve_times), "lanes": len(data["curves"]),
            "lines": len((data["lyrics"] or {"lines": []})["lines"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beats", default="auto", help="beat tracker for the analysis (default auto)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        items = songs(tmp)
        print(f"{'song':28s} {'length':>7s} {'start':>7s} {'state':>7s} {'size':>8s} {'curve':>7s} curves lines")
        for audio, lyrics in items:
            folder = tmp / audio.stem
            folder.mkdir()
            copy = folder / audio.name
            shutil.copy(audio, copy)
            r = measure(copy, lyrics, beats=args.beats, cache=tmp / "cache", folder=folder)
            print(f"{audio.stem[:28]:28s} {r['duration']:6.1f}s {r['start']:6.2f}s {r['state']:6.3f}s "
                  f"{r['mb']:6.2f}MB {r['curve']:6.3f}s {r['lanes']:6d} {r['lines']:5d}", flush=True)


if __name__ == "__main__":
    main()
