"""Studio page speed in a real browser: every lane shown, a typed curve redrawn, the playhead on the audio.

For each song (the bundled example, and the 4-minute real songs of ``../shared/devdata/lyrics`` when that
folder exists), with the analysis cached and the state answered once (a first, untimed request): Chromium
(Debian's, through Playwright) opens the page three times in fresh contexts, and this prints the median
time from opening to every lane shown (waveform, beats, sections, lyric lines, prompt keyframes, every
curve; target under 2 s); the time from the last keystroke of ``0: (1 + 0.03*bass)`` typed into zoom to its
lane redrawn, measured in the page (target under 200 ms); and, over 2 s of playing, the largest gap
between where the playhead is drawn and the audio's time, and the audio's rate against the wall clock.
The devdata songs' lyrics are an LRC made from their hand-annotated word times (as in benchmarks/studio.py).

    nice .venv/bin/python benchmarks/studio_page.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from binarydream import Song  # noqa: E402
from binarydream.studio import start  # noqa: E402
from studio import request, songs  # noqa: E402
from studio_support import EVERY_LANE_SHOWS, LAUNCH_ARGS, find_chromium, lane_counts, play_and_sample, type_curve  # noqa: E402

ZOOM = "0: (1 + 0.03*bass)"


def measure(browser, audio: Path, lyrics: Path, cache: Path) -> dict:
    song = Song(audio, lyrics=lyrics, cache_dir=cache)
    song.analysis   # fill the cache
    studio = start(song)
    try:
        state = json.loads(request(studio.port, studio.token, "GET", "/api/state")[1])
        opens = []
        for attempt in range(3):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            began = time.perf_counter()
            page.goto(studio.url)
            page.wait_for_function(EVERY_LANE_SHOWS, arg=lane_counts(state), timeout=60_000, polling="raf")
            opens.append(time.perf_counter() - began)
            if attempt < 2:
                context.close()
        lag_ms = type_curve(page, "zoom", ZOOM)
        samples = play_and_sample(page, 6, in_frame=False)
        context.close()
    finally:
        studio.stop()
    gap = max(abs(s["shown"] - s["audio"]) for s in samples)
    rate = (samples[-1]["audio"] - samples[0]["audio"]) / (samples[-1]["wall"] - samples[0]["wall"])
    return {"duration": state["song"]["duration"], "open": statistics.median(opens), "lag": lag_ms, "gap": gap,
            "rate": rate, "lines": lane_counts(state)["lines"], "curves": lane_counts(state)["curves"]}


def main() -> None:
    chromium = find_chromium()
    if chromium is None:
        sys.exit("no Chromium found: apt-get install chromium (or set BINARYDREAM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        items = songs(tmp)
        print(f"{'song':28s} {'length':>7s} {'lanes':>7s} {'curve':>8s} {'playhead':>9s} {'rate':>6s} curves lines")
        for audio, lyrics in items:
            folder = tmp / audio.stem
            folder.mkdir()
            shutil.copy(audio, folder / audio.name)
            r = measure(browser, folder / audio.name, lyrics, tmp / "cache")
            print(f"{audio.stem[:28]:28s} {r['duration']:6.1f}s {r['open']:6.2f}s {r['lag']:6.0f}ms "
                  f"{r['gap'] * 1000:7.0f}ms {r['rate']:6.3f} {r['curves']:6d} {r['lines']:5d}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
