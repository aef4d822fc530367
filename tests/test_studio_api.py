"""The studio's HTTP API against a real server on a free port: its guard, and that each route gives what the
library gives (curve values, saved files that read back, the preview of a range, a re-aligned line)."""

from __future__ import annotations

import http.client
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import alignment  # noqa: E402
from binarydream import Schedule, Song  # noqa: E402
from binarydream.errors import BinaryDreamError  # noqa: E402
from binarydream.keyframes import parse  # noqa: E402
from binarydream.studio import start  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROUTES = [("GET", "/api/state"), ("GET", "/api/audio"), ("GET", "/api/preview/0123456789abcdef.mp4"),
          ("POST", "/api/curve"), ("POST", "/api/save"), ("POST", "/api/realign"), ("POST", "/api/preview"),
          ("POST", "/api/export/deforum")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The example song and its LRC in a folder of their own (the studio saves beside the song)."""
    folder = tmp_path_factory.mktemp("studio")
    for name in ("dream_example.ogg", "dream_example.lrc"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def studio(folder):
    song = Song(folder / "dream_example.ogg", lyrics=folder / "dream_example.lrc", fps=24, cache_dir=folder / "cache",
                beats="librosa")
    studio = start(song, schedule_path=folder / "dream.schedule.yaml", lrc_path=folder / "dream_example.lrc")
    yield studio
    studio.stop()


def call(studio, method, path, body=None, *, token=True, headers=None):
    """``(status, parsed JSON or raw bytes, response headers)`` of one request, sent as a browser would."""
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=120)
    sent = {"Host": f"127.0.0.1:{studio.port}"}
    if token:
        sent["X-Studio-Token"] = studio.token
    if body is not None:
        body = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    kind = response.getheader("content-type") or ""
    return response.status, json.loads(data) if kind.startswith("application/json") else data, response


def state(studio):
    status, data, _ = call(studio, "GET", "/api/state")
    assert status == 200
    return data


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_api_route_needs_the_token(studio, method, path):
    body = {} if method == "POST" else None
    status, data, _ = call(studio, method, path, body, token=False)
    assert (status, "token" in data["error"]) == (403, True)
    status, data, _ = call(studio, method, path, body, token=False, headers={"X-Studio-Token": "x" + studio.token})
    assert status == 403
    status, data, _ = call(studio, method, f"{path}?token=wrong", body, token=False)
    assert status == 403


def test_the_token_in_the_query_opens_the_audio_with_ranges(studio, folder):
    status, data, response = call(studio, "GET", f"/api/audio?token={studio.token}", token=False,
                                  headers={"Range": "bytes=100-199"})
    assert status == 206 and data == (folder / "dream_example.ogg").read_bytes()[100:200]
    assert response.getheader("content-type") in ("audio/ogg", "application/ogg")


@pytest.mark.parametrize("headers", [{"Host": "evil.example:80"}, {"Host": "127.0.0.1:1"},
                                     {"Origin": "http://evil.example"}, {"Origin": "http://127.0.0.1:1"}])
def test_a_foreign_host_or_origin_is_refused(studio, headers):
    status, data, _ = call(studio, "GET", "/api/state", headers=headers)
    assert status == 403 and "error" in data
    status, _, _ = call(studio, "GET", "/", headers=headers)
    assert status == 403


def test_its_own_origin_and_localhost_are_served(studio):
    assert call(studio, "GET", "/api/state", headers={"Origin": f"http://127.0.0.1:{studio.port}"})[0] == 200
    assert call(studio, "GET", "/api/state", headers={"Host": f"localhost:{studio.port}"})[0] == 200


@pytest.mark.parametrize("path", ["/static/../session.py", "/static/%2e%2e/session.py", "/static/..%2fsession.py",
                                  "/static/%2e%2e%2f%2e%2e%2fsong.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
                                  "/static/../../../../etc/passwd", "/../session.py"])
def test_static_files_never_leave_the_static_folder(studio, path):
    status, data, _ = call(studio, "GET", path)
    assert status in (400, 403, 404)
    assert b"root:" not in (data if isinstance(data, bytes) else json.dumps(data).encode())
    assert b"import" not in (data if isinstance(data, bytes) else b"")


def test_static_serves_the_page_files(studio):
    from binarydream.studio.server import STATIC

    files = sorted(p for p in STATIC.rglob("*") if p.is_file() and p.suffix != ".json") if STATIC.is_dir() else []
    if not files:
        pytest.skip("the page's static files are not in this checkout")
    status, data, _ = call(studio, "GET", "/static/" + files[0].relative_to(STATIC).as_posix())
    assert status == 200 and data == files[0].read_bytes()


def test_an_oversized_body_gets_413(studio):
    big = b'{"name": "zoom", "source": "' + b"1" * (4 * 1024 * 1024) + b'"}'
    status, data, _ = call(studio, "POST", "/api/curve", big)
    assert status == 413 and "MiB" in data["error"]


def test_state_has_every_lane(studio):
    data = state(studio)
    song = data["song"]
    assert song["n_frames"] == round(song["duration"] * 24) and song["fps"] == 24
    assert data["analysis"]["beats"] and set(data["analysis"]["downbeats"]) <= set(data["analysis"]["beats"])
    peaks = np.array(data["waveform"]["peaks"])
    assert abs(len(peaks) * data["waveform"]["seconds_per_peak"] - song["duration"]) < 0.02
    assert (peaks[:, 0] <= peaks[:, 1]).all() and peaks.max() > 0.1
    lines = data["lyrics"]["lines"]
    assert lines[0]["text"] == "I fell asleep inside a song" and lines[0]["start"] == pytest.approx(2.55)
    assert set(data["curves"]) == set(data["schedule"]["curves"]) >= {"zoom", "angle", "strength", "seed"}
    assert all(len(values) == song["n_frames"] for values in data["curves"].values())
    assert "bass" in data["signals"] and data["files"]["overrides"].endswith("dream_example.overrides.json")
    assert data["overrides"] == {"downbeats": None, "section_labels": {}}


def test_a_curve_evaluates_as_the_library_does(studio):
    status, data, _ = call(studio, "POST", "/api/curve", {"name": "zoom", "source": "0: (1 + 0.03*bass)"})
    bass = studio.session.song.analysis.envelope("bass").astype(np.float64)
    assert status == 200
    np.testing.assert_allclose(data["values"], 1 + 0.03 * bass, rtol=1e-6)
    # a curve that others read: every curve that changes with it comes back too
    status, data, _ = call(studio, "POST", "/api/curve", {"name": "energy", "source": "0: (1)"})
    assert {"energy", "pace", "zoom"} <= set(data["curves"]) and "seed" not in data["curves"]
    trial = Schedule.from_dict(studio.session.schedule.to_dict(), song=studio.session.song)
    trial["energy"] = "0: (1)"
    np.testing.assert_allclose(data["curves"]["zoom"], trial["zoom"], rtol=1e-6)
    # nothing changed on the server
    assert state(studio)["schedule"]["curves"]["energy"] != "0: (1)"


def test_a_bad_curve_gives_one_line_and_an_unknown_name_400(studio):
    status, data, _ = call(studio, "POST", "/api/curve", {"name": "zoom", "source": "0: (1 + bass"})
    assert status == 200 and "values" not in data and "\n" not in data["error"] and data["error"]
    assert "^" in data["detail"]
    status, data, _ = call(studio, "POST", "/api/curve", {"name": "zooom", "source": "0: (1)"})
    assert status == 400 and "zooom" in data["error"]
    status, data, _ = call(studio, "POST", "/api/curve", b"{not json")
    assert status == 400 and data == {"error": "the body is not JSON"}


def test_save_writes_what_reads_back_and_keeps_backups(studio, folder):
    before = state(studio)
    schedule = before["schedule"]
    frame = 240
    prompts = schedule["prompts"] + [{"frame": frame, "prompts": [["a lighthouse in fog", 1.5]]}]
    lines = before["lyrics"]["lines"]
    moved = dict(lines[1], start=lines[1]["start"] + 0.5, end=lines[1]["end"] + 0.5,
                 words=[dict(w, start=w["start"] + 0.5, end=w["end"] + 0.5) for w in lines[1]["words"]])
    beats = before["analysis"]["beats"]
    downbeats = [b for b in beats[1::4]]
    body = {"schedule": {"prompts": prompts, "negative": schedule["negative"],
                         "curves": {**schedule["curves"], "zoom": "0: (1 + 0.03*bass)"}},
            "lyrics": {"lines": [lines[0], moved, *lines[2:]]},
            "overrides": {"downbeats": downbeats, "section_labels": {"1": "chorus"}}}
    for _ in range(2):
        status, data, _ = call(studio, "POST", "/api/save", body)
        assert status == 200, data
    written = {Path(p).name for p in data["written"]}
    assert written == {"dream.schedule.yaml", "dream_example.lrc", "dream_example.overrides.json"}
    assert all((folder / (name + ".bak")).is_file() for name in written)

    # a fresh Song reads the overrides beside it; the schedule loads with it to the same values
    song = Song(folder / "dream_example.ogg", lyrics=folder / "dream_example.lrc", fps=24, cache_dir=folder / "cache",
                beats="librosa")
    assert song.analysis.downbeats.tolist() == pytest.approx(downbeats)
    assert song.analysis.sections[1].label == "chorus"
    loaded = Schedule.load(folder / "dream.schedule.yaml", song=song)
    assert loaded.prompts[frame] == [("a lighthouse in fog", 1.5)]
    np.testing.assert_allclose(loaded["zoom"], 1 + 0.03 * song.analysis.envelope("bass"), rtol=1e-6)
    after = state(studio)
    for name, values in after["curves"].items():
        np.testing.assert_allclose(values, loaded[name], rtol=1e-4, atol=1e-9, err_msg=name)
    assert {"frame": frame, "prompts": [["a lighthouse in fog", 1.5]]} in after["schedule"]["prompts"]
    assert after["analysis"]["sections"][1]["label"] == "chorus"
    assert after["overrides"] == {"downbeats": pytest.approx(downbeats), "section_labels": {"1": "chorus"}}

    # the LRC has word tags, and reads back to the times the page sent
    lrc = alignment.load(folder / "dream_example.lrc")
    assert "<" in (folder / "dream_example.lrc").read_text()
    assert lrc.lines[1].start == pytest.approx(moved["start"], abs=0.006)
    assert [w.start for w in lrc.lines[1].words] == pytest.approx([w["start"] for w in moved["words"]], abs=0.006)
    assert after["lyrics"]["lines"][1]["start"] == pytest.approx(moved["start"], abs=0.006)


def test_save_keeps_the_comments_and_key_forms_of_the_file(studio, folder):
    path = folder / "dream.schedule.yaml"
    if not path.is_file():
        call(studio, "POST", "/api/save", {})
    text = path.read_text()
    path.write_text("# my dream, by hand\n" + text.replace("prompts:", "prompts:  # what to paint", 1))
    status, data, _ = call(studio, "POST", "/api/save", {"schedule": {"curves": {"angle": "0: (0.5)"}}})
    assert status == 200, data
    saved = path.read_text()
    assert saved.startswith("# my dream, by hand\n") and "prompts:  # what to paint" in saved
    assert Schedule.load(path, song=studio.session.song).curve_source("angle") == "0: (0.5)"


def test_a_bad_save_writes_nothing(studio, folder):
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    status, data, _ = call(studio, "POST", "/api/save", {"schedule": {"curves": {"zoom": "0: (1 +"}},
                                                         "overrides": {"section_labels": {"0": "x"}}})
    assert status == 400 and "\n" not in data["error"]
    status, data, _ = call(studio, "POST", "/api/save", {"lyrics": {"lines": [{"text": "a", "start": 3, "end": 1}]}})
    assert status == 400 and "ends" in data["error"]
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert all(s["label"] != "x" for s in state(studio)["analysis"]["sections"])


def test_a_preview_of_two_seconds_plays_for_two_seconds(studio):
    av = pytest.importorskip("av")
    status, data, _ = call(studio, "POST", "/api/preview", {"start": 10.0, "end": 12.0,
                                                            "schedule": {"curves": {"zoom": "0: (1.05)"}}})
    assert status == 200, data
    assert data["start"] == 10.0 and data["end"] == 12.0
    status, video, response = call(studio, "GET", f"{data['url']}?token={studio.token}", token=False)
    assert status == 200 and response.getheader("content-type") == "video/mp4" and video[4:8] == b"ftyp"
    path = Path(studio.session.previews[data["url"].rsplit("/", 1)[1][:-4]])
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
        audio = container.streams.audio[0]
        assert float(audio.duration * audio.time_base) == pytest.approx(2.0, abs=0.05)
        sr = audio.rate
    with av.open(str(path)) as container:
        heard = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(audio=0)])
    assert frames == 48
    # the sound is the song's from 10 s: its loudness follows that stretch, not the song's start
    from binarydream.audio import load_audio

    song = load_audio(studio.session.song.path, sr=sr)[0]

    def loudness(y):
        return np.sqrt((y[:len(y) // 1024 * 1024].reshape(-1, 1024) ** 2).mean(axis=1))[:40]

    assert np.corrcoef(loudness(heard), loudness(song[10 * sr:12 * sr]))[0, 1] > 0.95
    assert np.corrcoef(loudness(heard), loudness(song[:2 * sr]))[0, 1] < 0.5
    status, data, _ = call(studio, "POST", "/api/preview", {"start": 12, "end": 10})
    assert status == 400 and "empty" in data["error"]


def test_export_deforum_writes_beside_the_schedule(studio, folder):
    status, data, _ = call(studio, "POST", "/api/export/deforum", {"schedule": {"curves": {"angle": "0: (2)"}}})
    assert status == 200 and Path(data["written"]) == folder / "dream.schedule.deforum.json"
    settings = json.loads(Path(data["written"]).read_text())
    n_frames = state(studio)["song"]["n_frames"]
    assert settings["max_frames"] == n_frames
    assert parse(settings["angle"], n_frames, 24).tolist() == [2.0] * n_frames
    assert Schedule.from_deforum(data["written"]).n_frames == settings["max_frames"]


def test_realign_finds_a_misplaced_line_in_its_range(tmp_path, monkeypatch):
    from alignment_support import FIXTURES, fixtures, whisper_base_folder

    truth = fixtures()["en_chorus"]
    song_path = tmp_path / "en_chorus.ogg"
    shutil.copy(FIXTURES / "en_chorus.ogg", song_path)
    lrc = tmp_path / "en_chorus.lrc"
    lrc.write_text("[00:09.00]Neon rivers running through the night\n[00:12.00]\n")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    # The line is aligned again with the song's own model and language: start() is told neither.
    song = Song(song_path, lyrics=lrc, cache_dir=tmp_path / "cache", beats="librosa",
                lyrics_model=str(whisper_base_folder()), language="en")
    studio = start(song)
    try:
        status, data, _ = call(studio, "POST", "/api/realign", {"index": 0, "start": 0.5, "end": 5.5})
        assert status == 200, data
        starts = [w["start"] for w in data["line"]["words"]]
        expected = [w["start"] for w in truth["words"][:6]]
        assert np.abs(np.array(starts) - expected).max() < 0.3
        assert data["line"]["text"] == "Neon rivers running through the night"
        status, data, _ = call(studio, "POST", "/api/realign", {"index": 5, "start": 0, "end": 1})
        assert status == 400 and "index" in data["error"]
    finally:
        studio.stop()


def test_song_reads_its_overrides_and_changes_them_without_a_new_analysis(folder, monkeypatch):
    import binarydream.analysis
    from binarydream.analysis.overrides import Overrides, overrides_path

    path = folder / "dream_example.ogg"
    song = Song(path, fps=24, cache_dir=folder / "cache", beats="librosa", overrides=None)
    heard = song.analysis
    runs = []
    analyze = binarydream.analysis.analyze
    monkeypatch.setattr(binarydream.analysis, "analyze", lambda *a, **k: runs.append(1) or analyze(*a, **k))
    song.use_overrides(Overrides(downbeats=(heard.beats[2] + 0.01,), section_labels={0: "intro"}))
    assert song.analysis.downbeats.tolist() == [heard.beats[2]] and song.analysis.sections[0].label == "intro"
    assert runs == [] and song.analysis.beats is heard.beats
    assert song.analysis.downbeat_confidence == 1.0  # placed by a person: the timeline no longer marks them a guess
    overrides_path(path).write_text('{"downbeats": [1]}')
    with pytest.raises(BinaryDreamError, match="not a binarydream overrides file"):
        Song(path, fps=24, cache_dir=folder / "cache", beats="librosa").analysis
    overrides_path(path).unlink()


def test_the_command_prints_its_url_and_stops_on_ctrl_c_with_one_line(folder, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    from urllib.parse import urlsplit

    command = [sys.executable, "-m", "binarydream.cli", "studio", str(folder / "dream_example.ogg"), "--fps", "24",
               "--beats", "librosa", "--cache-dir", str(folder / "cache"), "--schedule", str(tmp_path / "s.yaml"),
               "--no-browser"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("binarydream studio: http://127.0.0.1:") and "Ctrl-C" in line, line
        url = urlsplit(line.split()[2])
        connection = http.client.HTTPConnection("127.0.0.1", url.port, timeout=60)
        connection.request("GET", f"/api/state?{url.query}")
        assert json.loads(connection.getresponse().read())["song"]["fps"] == 24
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "binarydream studio: stopped"
