"""Shared by the studio's browser tests and ``benchmarks/studio_page.py``: finding Chromium, launching it,
and what the page shows, read in the page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Debian's Chromium, driven by Playwright; the sandbox needs user namespaces a container may not have,
# and nothing here may reach the network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


def find_chromium() -> str | None:
    """``$BINARYDREAM_CHROMIUM``, else Debian's ``/usr/bin/chromium``, else one on PATH; None when none."""
    for candidate in (os.environ.get("BINARYDREAM_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def lane_counts(state: dict) -> dict:
    """How many of each thing the page must show for a /api/state answer (the whole song in view)."""
    return {"sections": len(state["analysis"]["sections"]), "lines": len((state["lyrics"] or {"lines": []})["lines"]),
            "prompts": len(state["schedule"]["prompts"]), "curves": len(state["curves"])}


# True once every lane shows: the waveform drawn, the beats, each section, lyric line, prompt keyframe and
# curve, and the playhead. Takes lane_counts(state).
EVERY_LANE_SHOWS = """(expected) => {
  const q = (s) => document.querySelectorAll(s);
  const waveform = document.querySelector('[data-testid=lane-waveform] .lane-body');
  const beats = document.querySelector('[data-testid=lane-beats] canvas');
  return waveform?.dataset.drawn === 'true' && beats?.width > 0
    && q('[data-testid=section]').length === expected.sections
    && q('[data-testid=lyric-line]').length === expected.lines
    && q('[data-testid=prompt-keyframe]').length === expected.prompts
    && q('.lane.curve .uplot canvas').length === expected.curves
    && document.querySelector('[data-testid=playhead]')?.dataset.time !== undefined;
}"""

# The playhead read back from where it is drawn (as a time on the page's timeline), beside the audio's time
# and the wall clock, in one go. With inFrame true it is read in the next animation frame, just after the page
# has moved the playhead (how it is drawn); false: at once (what a viewer sees, one frame late at most).
PLAYHEAD_SAMPLE = """(inFrame) => new Promise((done) => {
  const sample = () => {
    const playhead = document.querySelector('[data-testid=playhead]');
    const body = document.querySelector('[data-testid=lane-waveform] .lane-body').getBoundingClientRect();
    const box = playhead.getBoundingClientRect();
    const audio = document.querySelector('audio');
    done({wall: performance.now() / 1000, audio: audio.currentTime, paused: audio.paused,
          shown: window.studio.view.time(box.left + box.width / 2 - body.left)});
  };
  if (inFrame) requestAnimationFrame(sample); else sample();
})"""


def play_and_sample(page, count: int, *, in_frame: bool) -> list[dict]:
    """Clicks Play, then reads PLAYHEAD_SAMPLE ``count`` times, 0.4 s apart."""
    page.click("[data-testid=play]")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3", timeout=10_000)
    samples = []
    for _ in range(count):
        samples.append(page.evaluate(PLAYHEAD_SAMPLE, in_frame))
        page.wait_for_timeout(400)
    return samples


def type_curve(page, name: str, source: str) -> float:
    """Types ``source`` into curve ``name``'s editor as a person does; returns the milliseconds from the last
    keystroke to the lane redrawn with it, measured in the page."""
    page.click(f"[data-testid=lane-curve-{name}] .lane-label")
    page.locator("[data-testid=curve-source]").click()
    page.keyboard.press("Control+A")
    page.evaluate("document.addEventListener('keydown', () => { window.lastKeyAt = performance.now(); }, true)")
    page.keyboard.type(source, delay=20)
    body = f"[data-testid=lane-curve-{name}] .lane-body"
    page.wait_for_selector(f"{body}[data-drawn-source='{source}']", timeout=10_000)
    return page.evaluate("(n) => Number(n.dataset.drawnAt) - window.lastKeyAt", page.locator(body).element_handle())
