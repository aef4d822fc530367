"""The studio page in a real browser: Playwright for Python driving the system's Chromium.

The server is the real one (``binarydream.studio.start``) on a copy of the example song and its LRC;
the tests act as a person does (click, drag, type) and check what the page shows and what Save writes.
They skip, saying why, where Playwright or a Chromium is missing (``.ci/run`` installs Debian's
``chromium``; Playwright's own browser download is not used). Screenshots go to
``$BINARYDREAM_SCREENSHOTS`` or a pytest temporary folder, printed at the end of the module.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright: pip install playwright")
pytest.importorskip("uvicorn", reason="the studio needs uvicorn and Starlette: pip install 'binarydream[studio]'")
pytest.importorskip("starlette", reason="the studio needs uvicorn and Starlette: pip install 'binarydream[studio]'")

from alignment.formats import parse_lrc  # noqa: E402
from alignment_support import whisper_base_folder  # noqa: E402
from binarydream import Schedule, Song  # noqa: E402
from binarydream.studio import start  # noqa: E402
from studio_support import (EVERY_LANE_SHOWS, LAUNCH_ARGS, PLAYHEAD_SAMPLE, find_chromium, lane_counts,  # noqa: E402
                            play_and_sample, type_curve)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"
ZOOM = "0: (1 + 0.03*bass)"
UNSURE_LINE, UNSURE = 5, 0.1


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium, or set "
                                                         "BINARYDREAM_CHROMIUM to its path)")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """The studio serving a copy of the example song (Save writes beside the copy), analysis done first."""
    folder = tmp_path_factory.mktemp("studio")
    for suffix in (".ogg", ".lrc"):
        shutil.copy(EXAMPLE / f"dream_example{suffix}", folder / f"dream_example{suffix}")
    # the default analysis cache, keyed by the audio's bytes: later runs open at once, as a user's second run does
    song = Song(folder / "dream_example.ogg", lyrics=folder / "dream_example.lrc")
    song.analysis
    # as the aligner would score them: one line it was unsure of (LRC lines carry no score)
    lyrics = parse_lrc((folder / "dream_example.lrc").read_text())
    lyrics.lines = [replace(line, score=UNSURE if i == UNSURE_LINE else 0.9,
                            words=tuple(replace(w, score=UNSURE if i == UNSURE_LINE else 0.9) for w in line.words))
                    for i, line in enumerate(lyrics.lines)]
    running = start(song, lyrics=lyrics, lrc_path=folder / "dream_example.lrc", lyrics_model=str(whisper_base_folder()))
    state = api_state(running)   # the page's first request, answered once before any page is timed
    yield SimpleNamespace(url=running.url, song=song, session=running.session, state=state, running=running)
    running.stop()


def api_state(running) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{running.port}/api/state",
                                     headers={"X-Studio-Token": running.token})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("BINARYDREAM_SCREENSHOTS") or tmp_path_factory.mktemp("studio-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nstudio screenshots: {folder}")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (its own context: no cache, no storage); fails the test on an uncaught script error."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def open_studio(page, url):
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def seek_on_ruler(page, seconds: float) -> float:
    """Clicks the time ruler where `seconds` is; returns the audio's time after the click."""
    x = page.evaluate("(t) => window.studio.view.x(t)", seconds)
    page.locator("[data-testid=lane-ruler] .lane-body").click(position={"x": x, "y": 10})
    return page.evaluate("document.querySelector('audio').currentTime")


def drag_by(page, locator, dx: float):
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=4)
    page.mouse.move(x + dx, y, steps=4)
    page.mouse.up()
    settle(page)


def settle(page):
    """Waits two animation frames: the lanes draw what changed on the next one."""
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def save(page):
    page.click("[data-testid=save]")
    page.wait_for_selector("#status.ok", timeout=30_000)
    assert page.locator("[data-testid=dirty]").is_hidden()


def test_every_lane_shows_within_2_s(studio, page, shots):
    expected = lane_counts(studio.state)
    assert min(expected.values()) > 0
    opened = time.perf_counter()
    page.goto(studio.url)
    page.wait_for_function(EVERY_LANE_SHOWS, arg=expected, timeout=20_000, polling="raf")
    elapsed = time.perf_counter() - opened
    page.screenshot(path=shots / "opened.png")
    assert elapsed < 2.0, f"the lanes took {elapsed:.2f} s to show"
    # the line the aligner was unsure of, and its words, are the crimson ones
    shown_low = page.eval_on_selector_all("[data-testid=lyric-line].low", "nodes => nodes.map(n => +n.dataset.index)")
    assert shown_low == [UNSURE_LINE]
    colour = page.eval_on_selector("[data-testid=lyric-line].low", "n => getComputedStyle(n).borderTopColor")
    assert colour == "rgb(220, 20, 60)"
    n_words = len(studio.state["lyrics"]["lines"][UNSURE_LINE]["words"])
    assert page.locator(".word.low").count() == n_words
    assert page.locator(".word").count() == sum(len(line["words"]) for line in studio.state["lyrics"]["lines"])


def test_playing_moves_the_playhead_with_the_audio(studio, page):
    open_studio(page, studio.url)
    samples = play_and_sample(page, 5, in_frame=True)
    for sample in samples:
        # where the playhead is drawn, read back as a time, is the audio's time when it was drawn
        assert abs(sample["shown"] - sample["audio"]) < 0.05, sample
        assert not sample["paused"]
    rate = (samples[-1]["audio"] - samples[0]["audio"]) / (samples[-1]["wall"] - samples[0]["wall"])
    assert rate == pytest.approx(1.0, abs=0.1)
    page.locator("[data-testid=lane-sections]").click(position={"x": 5, "y": 5})   # focus off the button
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('audio').paused", timeout=5_000)
    paused_at = page.evaluate("document.querySelector('audio').currentTime")
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('audio').currentTime") == paused_at
    assert abs(page.evaluate(PLAYHEAD_SAMPLE, True)["shown"] - paused_at) < 0.05


def test_dragging_a_lyric_line_then_saving_changes_the_lrc(studio, page, shots):
    open_studio(page, studio.url)
    lrc = Path(studio.state["files"]["lrc"])
    before = parse_lrc(lrc.read_text()).lines[1]
    line = page.locator("[data-testid=lyric-line]").nth(1)
    assert float(line.get_attribute("data-start")) == pytest.approx(before.start, abs=1e-3)
    px_per_s = page.evaluate("window.studio.view.pxPerSec")
    drag_by(page, line, round(1.5 * px_per_s))
    shift = float(page.locator("[data-testid=lyric-line]").nth(1).get_attribute("data-start")) - before.start
    assert shift == pytest.approx(1.5, abs=1.5 / px_per_s)
    assert page.locator("[data-testid=dirty]").is_visible()
    page.screenshot(path=shots / "lyric-dragged.png")
    save(page)
    assert not Path(studio.state["files"]["overrides"]).exists()   # nothing heard was overridden
    after = parse_lrc(lrc.read_text()).lines[1]
    assert after.text == before.text
    assert after.start == pytest.approx(before.start + shift, abs=0.006)   # LRC keeps hundredths
    # the words moved with the line
    assert [w.start for w in after.words] == pytest.approx([w.start + shift for w in before.words], abs=0.006)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    shown = float(page.locator("[data-testid=lyric-line]").nth(1).get_attribute("data-start"))
    assert shown == pytest.approx(after.start, abs=0.006)


def test_a_moved_downbeat_and_a_renamed_section_are_saved_as_overrides(studio, page):
    open_studio(page, studio.url)
    downbeats, beats = studio.state["analysis"]["downbeats"], studio.state["analysis"]["beats"]
    moved = downbeats[2]
    target = min((b for b in beats if b > moved), key=lambda b: b - moved)   # the beat after it
    canvas = page.locator("[data-testid=lane-beats] .lane-body")
    box = canvas.bounding_box()
    x0, x1 = page.evaluate("(ts) => ts.map((t) => window.studio.view.x(t))", [moved, target])
    page.mouse.move(box["x"] + x0, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + (x0 + x1) / 2, box["y"] + 20, steps=3)
    page.mouse.move(box["x"] + x1, box["y"] + 20, steps=3)
    page.mouse.up()
    assert page.evaluate("window.studio.store.doc.downbeats[2]") == pytest.approx(target, abs=1e-6)   # snapped
    section = page.locator("[data-testid=section]").first
    section.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("intro")
    save(page)
    saved = json.loads(Path(studio.state["files"]["overrides"]).read_text())
    assert saved["section_labels"] == {"0": "intro"}
    assert min(abs(np.array(saved["downbeats"]) - target)) < 1e-3
    assert min(abs(np.array(saved["downbeats"]) - moved)) > 0.1
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("[data-testid=section]").first.locator(".section-label").inner_text() == "intro"
    assert page.evaluate("window.studio.store.doc.downbeats[2]") == pytest.approx(target, abs=1e-3)
    # a later save keeps them, though nothing was moved or renamed this time
    page.click("[data-testid=lane-curve-zoom] .lane-label")
    page.locator("[data-testid=curve-source]").click()
    page.keyboard.type(" ")
    save(page)
    assert json.loads(Path(studio.state["files"]["overrides"]).read_text()) == saved


def test_typing_a_curve_redraws_it_within_200_ms(studio, page, shots):
    open_studio(page, studio.url)
    original = page.evaluate("window.studio.curves.zoom.values")
    lag_ms = type_curve(page, "zoom", ZOOM)
    assert 0 < lag_ms < 200, f"the zoom curve redrew {lag_ms:.0f} ms after the last keystroke"
    body = page.locator("[data-testid=lane-curve-zoom] .lane-body")
    drawn = page.evaluate("window.studio.curves.zoom.values")
    assert drawn == pytest.approx(studio.session.curve("zoom", ZOOM)["values"], abs=1e-5)
    assert 1.0 <= min(drawn) < max(drawn) <= 1.03 + 1e-6 and not np.allclose(drawn, original)
    assert page.locator("[data-testid=curve-error]").inner_text() == ""
    page.screenshot(path=shots / "curve-typed.png")

    page.keyboard.press("Control+A")
    page.keyboard.type("0: (1 + ", delay=10)
    error = page.locator("[data-testid=curve-error]")
    error.wait_for(state="visible")
    page.wait_for_function("document.querySelector('[data-testid=curve-error]').textContent.length > 0")
    message = error.inner_text()
    assert "\n" not in message and len(message) < 300
    assert "has-error" in page.locator("[data-testid=lane-curve-zoom]").get_attribute("class")
    assert body.get_attribute("data-drawn-source") == ZOOM   # the last good values stay drawn
    page.screenshot(path=shots / "curve-error.png")


def test_a_prompt_added_at_the_playhead_is_saved(studio, page):
    open_studio(page, studio.url)
    at = seek_on_ruler(page, 20.0)
    assert at == pytest.approx(20.0, abs=0.5)
    page.click("[data-testid=add-prompt]")
    text = page.locator("[data-testid=prompt-text]")
    text.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("a lighthouse in a storm:1.5\nneon rain")
    save(page)
    fps = studio.state["schedule"]["fps"]
    frame = round(at * fps)
    loaded = Schedule.load(studio.state["files"]["schedule"], song=studio.song)
    assert [tuple(p) for p in loaded.prompts[frame]] == [("a lighthouse in a storm", 1.5), ("neon rain", 1.0)]
    in_page = page.evaluate("window.studio.store.doc.prompts")
    assert {k["frame"]: [tuple(p) for p in k["prompts"]] for k in in_page} == \
        {f: [tuple(p) for p in prompts] for f, prompts in loaded.prompts.items()}
    # the saved curves read back to the values the page drew
    for name in ("zoom", "strength"):
        assert list(loaded[name]) == pytest.approx(page.evaluate(f"window.studio.curves['{name}'].values"), abs=1e-4)
    # and Export Deforum writes the same schedule as Deforum settings
    page.click("[data-testid=export]")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('wrote')", timeout=30_000)
    written = Path(page.inner_text("[data-testid=status]").removeprefix("wrote "))
    settings = json.loads(written.read_text())
    assert settings["prompts"][str(frame)] == loaded.to_deforum()["prompts"][str(frame)]
    assert "a lighthouse in a storm" in settings["prompts"][str(frame)]


def test_a_10_s_range_previews_in_the_page(studio, page, shots):
    open_studio(page, studio.url)
    start = seek_on_ruler(page, 5.0)
    page.click("[data-testid=make-preview]")
    page.wait_for_function("""() => { const v = document.querySelector('[data-testid=preview-video]');
                              return v.readyState >= 2 && v.currentTime > 1.0 && !v.paused; }""", timeout=180_000)
    video = page.evaluate("""() => { const v = document.querySelector('[data-testid=preview-video]');
                             return {time: v.currentTime, duration: v.duration,
                                     audio: document.querySelector('audio').currentTime}; }""")
    assert video["duration"] == pytest.approx(10.0, abs=0.2)
    assert video["time"] == pytest.approx(video["audio"] - start, abs=0.25)   # the video follows the song
    page.screenshot(path=shots / "preview.png")


def test_undo_brings_back_the_last_state(studio, page):
    open_studio(page, studio.url)
    section = page.locator("[data-testid=section]").first
    label = section.locator(".section-label").inner_text()
    section.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("verse")
    settle(page)
    assert section.locator(".section-label").inner_text() == "verse"
    line = page.locator("[data-testid=lyric-line]").nth(2)
    start = line.get_attribute("data-start")
    drag_by(page, line, 40)
    assert page.locator("[data-testid=lyric-line]").nth(2).get_attribute("data-start") != start
    page.click("[data-testid=undo]")   # the drag, the last edit, is undone; the rename stays
    settle(page)
    assert page.locator("[data-testid=lyric-line]").nth(2).get_attribute("data-start") == start
    assert section.locator(".section-label").inner_text() == "verse"
    page.keyboard.press("Control+Z")
    settle(page)
    assert section.locator(".section-label").inner_text() == label
    assert page.locator("[data-testid=dirty]").is_hidden()
    page.keyboard.press("Control+Shift+Z")
    settle(page)
    assert section.locator(".section-label").inner_text() == "verse"
    assert page.locator("[data-testid=dirty]").is_visible()
    # closing with unsaved changes asks first
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]


def test_re_aligning_a_line_puts_it_back_where_it_is_sung(studio, page):
    open_studio(page, studio.url)
    truth = parse_lrc((EXAMPLE / "dream_example.lrc").read_text()).lines[UNSURE_LINE]
    line = page.locator("[data-testid=lyric-line]").nth(UNSURE_LINE)
    drag_by(page, line, round(0.8 * page.evaluate("window.studio.view.pxPerSec")))   # now 0.8 s late
    page.click("[data-testid=realign]")
    status = page.locator("[data-testid=realign-status]")
    page.wait_for_function("(n) => n.textContent.startsWith('aligned')", arg=status.element_handle(), timeout=180_000)
    words = page.evaluate(f"window.studio.store.doc.lyrics.lines[{UNSURE_LINE}].words")
    assert [w["text"] for w in words] == [w.text for w in truth.words]
    assert [w["start"] for w in words] == pytest.approx([w.start for w in truth.words], abs=0.15)
    settle(page)
    shown = float(page.locator("[data-testid=lyric-line]").nth(UNSURE_LINE).get_attribute("data-start"))
    assert shown == pytest.approx(words[0]["start"], abs=1e-3)
    page.click("[data-testid=undo]")   # back to where it was dragged
    settle(page)
    assert float(line.get_attribute("data-start")) == pytest.approx(truth.start + 0.8, abs=0.1)
