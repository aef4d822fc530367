"""A hub model when the hub cannot be reached: the cache, else one line at once (issue 25 item 12)."""

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from render_support import tiny_pipeline

ROOT = Path(__file__).resolve().parents[1]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]          # free once closed: connections to it are refused


def _load(tmp_path, model):
    env = {**os.environ, "HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}", "HF_HOME": str(tmp_path / "hf"),
           "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "0"}
    code = ("from binarydream.render.model.models import load_pipeline\n"
            "from binarydream.errors import ModelNotFoundError\n"
            f"try:\n    pipe = load_pipeline({model!r}, device='cpu')\n"
            "    print('loaded', type(pipe).__name__, pipe.unet.config.block_out_channels)\n"
            "except ModelNotFoundError as error:\n    print('error:', error)\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    return done, time.monotonic() - started


def test_an_unreachable_hub_is_one_line_without_retries(tmp_path):
    done, seconds = _load(tmp_path, "someone/not-cached-model")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("error: model 'someone/not-cached-model' is not in this machine's Hugging Face "
                                  "cache and the hub cannot be reached")
    assert "Retrying" not in done.stderr and "thrown while requesting" not in done.stderr
    print(f"failed in {seconds:.1f} s")


def test_a_cached_hub_model_loads_while_the_hub_cannot_be_reached(tmp_path):
    snapshot = tmp_path / "hf" / "hub" / "models--someone--tiny" / "snapshots" / ("a" * 40)
    tiny_pipeline(tmp_path / "tokenizer").save_pretrained(snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("a" * 40)
    done, _ = _load(tmp_path, "someone/tiny")
    assert done.stdout.strip() == "loaded StableDiffusionImg2ImgPipeline [16, 32]", done.stdout + done.stderr[-2000:]
    assert "Retrying" not in done.stderr


@pytest.mark.parametrize("status, offline, expected", [(200, False, True), (404, False, True), (503, False, False),
                                                        (200, True, False)])
def test_hub_reachable_asks_once_and_counts_any_answer_but_a_server_error(monkeypatch, status, offline, expected):
    from binarydream.render.model.models import hub_reachable

    asked = []

    class Hub(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", offline)
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        hub_reachable.cache_clear()
        assert hub_reachable(endpoint) is expected and hub_reachable(endpoint) is expected
        server.shutdown()
    assert len(asked) == (0 if offline else 1)
    assert hub_reachable(f"http://127.0.0.1:{_closed_port()}") is False
