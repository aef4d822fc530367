"""Hostile and broken input files give one line and lose nothing: YAML bombs, deep nesting, broken caches."""
import json
import subprocess
import sys
import textwrap

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


@pytest.mark.parametrize("depth", [100, 50_000])
def test_deeply_nested_deforum_settings_are_one_line(tmp_path, depth):
    path = tmp_path / "deforum.json"
    path.write_text('{"max_frames": 3, "fps": 30, "prompts": {"0": "a cat"}, "x": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(ScheduleError, match=r"nests (too deep to read|more than 64 levels deep)"):
        Schedule.from_deforum(path)
    prompts = json.dumps("[" * 50_000 + "]" * 50_000)
    with pytest.raises(ScheduleError, match="prompts are not a JSON object"):
        Schedule.from_deforum({"max_frames": 3, "fps": 30, "prompts": json.loads(prompts)})
