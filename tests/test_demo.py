"""``make demo`` run twice (issue 25 item 15): the second run keeps what the first made, says so, exits 0."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _demo(out, cache, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, str(ROOT / "examples" / "dream.py"), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=900, env=env)


def test_the_demo_run_again_keeps_what_exists_and_exits_0(tmp_path):
    out = tmp_path / "out"
    first = _demo(out, tmp_path / "cache")
    assert first.returncode == 0, first.stderr[-2000:]
    assert f"wrote {out / 'preview.mp4'}" in first.stdout
    (out / "schedule.yaml").write_text((out / "schedule.yaml").read_text() + "# my edit\n")
    made = {name: (out / name).stat().st_mtime_ns for name in ("schedule.yaml", "timeline.png", "preview.mp4")}
    again = _demo(out, tmp_path / "cache")
    assert again.returncode == 0, again.stderr[-2000:]
    for name in made:
        assert f"kept {out / name} from an earlier run" in again.stdout
        assert (out / name).stat().st_mtime_ns == made[name]
    assert (out / "schedule.yaml").read_text().endswith("# my edit\n")
