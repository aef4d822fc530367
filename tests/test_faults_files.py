"""Hostile and broken input files give one line and lose nothing: YAML bombs, deep nesting, broken caches."""
import json
import subprocess
import sys
import textwrap
import warnings

import pytest

from binarydream import Schedule
from binarydream.errors import ScheduleError

BILLION_LAUGHS = textwrap.dedent("""\
    n_frames: 3
    curves:
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """)


def test_a_billion_laughs_schedule_is_refused_at_once(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 500
    # In a process of its own with a memory cap: the old code grew until the machine ran out.
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
            "from binarydream import Schedule\n"
            "from binarydream.errors import ScheduleError\n"
            f"try:\n    Schedule.load({str(path)!r})\nexcept ScheduleError as error:\n    print(error)\n")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("loading the 9**9-value YAML bomb did not stop within 60 s")
    assert done.stdout.strip() == (f"{path} expands to more than 5000000 values (aliases, *name, repeat parts of "
                                   "it): write the repeated parts out, or repeat fewer"), done.stderr[-2000:]


def test_aliases_that_repeat_a_little_still_load(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text("n_frames: 3\nprompts:\n  0: &city [a city at night]\n  2: *city\n")
    assert Schedule.load(path).prompts == {0: [("a city at night", 1.0)], 2: [("a city at night", 1.0)]}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("depth", [100, 50_000])
def test_a_deeply_nested_schedule_is_one_line(tmp_path, suffix, depth):
    path = tmp_path / f"deep{suffix}"
    nested = "[" * depth + "]" * depth
    path.write_text(f"n_frames: 3\ncurves:\n  zoom: {nested}\n" if suffix == ".yaml"
                    else f'{{"n_frames": 3, "curves": {{"zoom": {nested}}}}}')
    with pytest.raises(ScheduleError, match=r"nests (too deep to read|more than 64 levels deep)") as error:
        Schedule.load(path)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)


def test_a_deeply_nested_or_broken_overrides_file_is_one_line(tmp_path):
    from binarydream.analysis.overrides import read_overrides
    from binarydream.errors import ParameterError

    path = tmp_path / "song.overrides.json"
    path.write_text('{"binarydream_overrides": 1, "x": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with pytest.raises(ParameterError, match="nests too deep to read: analysis overrides") as error:
        read_overrides(path)
    assert "\n" not in str(error.value)
    path.write_text("{")
    with pytest.raises(ParameterError, match="is not valid JSON .*: fix the analysis overrides"):
        read_overrides(path)


@pytest.mark.parametrize("depth", [100, 50_000])
def test_deeply_nested_deforum_settings_are_one_line(tmp_path, depth):
    path = tmp_path / "deforum.json"
    path.write_text('{"max_frames": 3, "fps": 30, "prompts": {"0": "a cat"}, "x": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(ScheduleError, match=r"nests (too deep to read|more than 64 levels deep)"):
        Schedule.from_deforum(path)
    prompts = json.dumps("[" * 50_000 + "]" * 50_000)
    with pytest.raises(ScheduleError, match="prompts are not a JSON object"):
        Schedule.from_deforum({"max_frames": 3, "fps": 30, "prompts": json.loads(prompts)})


@pytest.fixture(scope="module")
def cached_song(tmp_path_factory):
    """A song, a cache folder holding its analysis, and that analysis file's bytes."""
    from binarydream.analysis import analyze
    from render_support import write_song

    folder = tmp_path_factory.mktemp("cached")
    song = write_song(folder / "song.wav", 4.0)
    analysis = analyze(song, fps=10, cache_dir=folder / "cache", beats="librosa")
    [entry] = (folder / "cache").iterdir()
    return song, folder / "cache", entry.name, entry.read_bytes(), analysis


def _crafted(good: bytes, **meta_changes) -> bytes:
    import io

    import numpy as np

    with np.load(io.BytesIO(good)) as data:
        arrays = {name: data[name] for name in data.files}
    meta = {**json.loads(str(arrays["meta"])), **meta_changes}
    buffer = io.BytesIO()
    np.savez(buffer, **{**arrays, "meta": np.array(json.dumps(meta))})
    return buffer.getvalue()


DAMAGE = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "corrupt": lambda good: good[:40] + bytes(200) + good[240:],
    "not a zip": lambda good: b"PK\x03\x04 this is no zip file",
    "tempo is a list": lambda good: _crafted(good, tempo=[120]),
    "a section of five": lambda good: _crafted(good, sections=[[0, 4, "A", None, 5]]),
    "duration is text": lambda good: _crafted(good, duration="long"),
}


@pytest.mark.parametrize("damage", [*DAMAGE, "a folder", "a folder with a file"])
def test_a_damaged_analysis_cache_file_is_a_miss_warned_once_and_replaced(tmp_path, cached_song, damage):
    import numpy as np

    from binarydream.analysis import analyze

    song, source, name, good, analysis = cached_song
    cache = tmp_path / "cache"
    cache.mkdir()
    entry = cache / name
    if damage.startswith("a folder"):
        entry.mkdir()
        if damage.endswith("file"):
            (entry / "keep.txt").write_text("someone's")
    else:
        entry.write_bytes(DAMAGE[damage](good))
    with pytest.warns(UserWarning) as caught:
        again = analyze(song, fps=10, cache_dir=cache, beats="librosa")
    messages = [str(w.message) for w in caught]
    assert sum(f"the cache file {entry} cannot be read" in m for m in messages) == 1, messages
    assert again.tempo == analysis.tempo and np.array_equal(again.beats, analysis.beats)
    if damage == "a folder with a file":  # not ours to remove: kept, and the analysis goes on without the cache
        assert (entry / "keep.txt").read_text() == "someone's"
        assert any("cannot write the analysis cache" in m for m in messages)
        with warnings.catch_warnings(record=True) as later:
            warnings.simplefilter("always")
            analyze(song, fps=10, cache_dir=cache, beats="librosa")
        assert not any("cannot be read" in str(w.message) for w in later)  # once per file, not per run
    else:
        assert entry.read_bytes() == good  # replaced by the recomputed analysis
