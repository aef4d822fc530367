"""Schedule: curves from strings, numbers, arrays and functions; prompts; files; Deforum settings."""

import json
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from binarydream import Schedule
from binarydream.errors import KeyframeError, ScheduleError
from binarydream.keyframes import parse
from binarydream.schedule_file import load


def deforum_inbetweens(text, max_frames):
    """Deforum notebook's reading of a keyframe string of plain numbers, re-implemented for the test.

    Keys are found by its regular expression; plain numbers are placed at their frames (keys at or past
    max_frames are ignored); frame 0 takes the first value and the last frame the last value; the gaps are
    filled linearly (pandas' ``interpolate`` does np.interp over the valid points).
    """
    pattern = r"((?P<frame>[0-9]+):[\s]*\((?P<param>[\S\s]*?)\)([,][\s]?|[\s]?$))"
    keys = {int(m.group("frame")): m.group("param") for m in re.finditer(pattern, text)}
    assert keys, "Deforum raises on a string without keys"
    series = np.full(max_frames, np.nan)
    for frame, param in keys.items():
        assert re.match(r"^(?=.)([+-]?([0-9]*)(\.([0-9]+))?)$", param), f"Deforum would numexpr {param!r}"
        if frame < max_frames:
            series[frame] = float(param)
    valid = np.flatnonzero(~np.isnan(series))
    series[0], series[-1] = series[valid[0]], series[valid[-1]]
    valid = np.flatnonzero(~np.isnan(series))
    missing = np.isnan(series)
    series[missing] = np.interp(np.flatnonzero(missing), valid, series[valid])
    return series


def test_defaults_for_unset_curves():
    sched = Schedule(5)
    assert sched["zoom"].tolist() == [1.0] * 5
    assert sched["strength"].tolist() == [0.65] * 5
    assert sched["noise"].tolist() == [0.02] * 5
    assert sched["seed"].tolist() == [0, 1, 2, 3, 4]
    assert sched["rotation_3d_y"].tolist() == [0.0] * 5
    assert "angle" in sched and "blur" not in sched
    with pytest.raises(KeyError, match="blur"):
        sched["blur"]


def test_curves_from_string_number_array_and_function_of_seconds():
    sched = Schedule(4, fps=2, bpm=60)
    sched["zoom"] = "0: (1.0), 1s: (1.1)"
    sched["angle"] = 3
    sched["translation_x"] = np.array([0.0, 1.0, 4.0, 9.0])
    sched["translation_y"] = lambda t: 10 * t
    sched["blur"] = "0:(0), 2b:(1)"          # 2 beats at 60 bpm = 2 s = frame 4
    assert sched["zoom"].tolist() == pytest.approx([1.0, 1.05, 1.1, 1.1])
    assert sched["angle"].tolist() == [3.0] * 4
    assert sched["translation_x"].tolist() == [0, 1, 4, 9]
    assert sched["translation_y"].tolist() == [0, 5, 10, 15]
    assert sched["blur"].tolist() == [0, 0.25, 0.5, 0.75]
    assert sched.curve_names[-1] == "blur"
    assert sched.curve_source("zoom") == "0: (1.0), 1s: (1.1)" and sched.curve_source("angle") == 3.0
    del sched["angle"]
    assert sched["angle"].tolist() == [0.0] * 4


def test_returned_curves_are_copies():
    sched = Schedule(3, curves={"angle": [1.0, 2.0, 3.0]})
    sched["angle"][0] = 99
    assert sched["angle"][0] == 1.0


def test_seed_is_bound_as_s_and_follows_changes_of_the_seed_curve():
    sched = Schedule(3, curves={"blur": "0:(s/10)"})
    assert sched["blur"].tolist() == pytest.approx([0, 0.1, 0.2])
    sched["seed"] = 5
    assert sched["blur"].tolist() == pytest.approx([0.5] * 3)


@pytest.mark.parametrize("name, value, shown", [
    ("zoom", "0:(1), 2:(0)", "0.0 at frame 2"), ("zoom", -1, "-1.0 at frame 0"),
    ("strength", [0.5, 1.5, 0.5], "1.5 at frame 1"), ("noise", [0, 0, -0.1], "-0.1 at frame 2"),
    ("angle", [1.0, 2.0], "shape (2,)"), ("angle", [0, np.nan, 0], "nan at frame 1"),
    ("angle", lambda t: t / 0, "at frame 0"), ("max_frames", 1, "identifier"), ("2fast", 1, "identifier"),
])
def test_invalid_curves_raise_schedule_error_with_the_value(name, value, shown):
    sched = Schedule(3)
    with np.errstate(all="ignore"), pytest.raises(ScheduleError, match=re.escape(shown)):
        sched[name] = value


def test_malformed_keyframe_string_in_a_schedule_raises_keyframe_error():
    with pytest.raises(KeyframeError, match="unknown name"):
        Schedule(3, curves={"zoom": "0:(zoom_level)"})


def test_prompts_read_disco_weights_and_deforum_negatives_with_keys_in_seconds_and_beats():
    sched = Schedule(300, fps=30, bpm=120, prompts={
        0: ["a lighthouse:2", "yellow color scheme", "blurry:-1"],
        "2.5s": "a storm at sea, by greg rutkowski --neg text, watermark",
        "16b": [("a calm sea", 0.5)],
    }, negative_prompts={0: "low quality:0.5"})
    assert sched.prompts == {0: [("a lighthouse", 2.0), ("yellow color scheme", 1.0)],
                             75: [("a storm at sea, by greg rutkowski", 1.0)], 240: [("a calm sea", 0.5)]}
    assert sched.negative_prompts == {0: [("blurry", 1.0), ("low quality", 0.5)], 75: [("text, watermark", 1.0)]}
    with pytest.raises(ScheduleError, match="negative weight"):
        Schedule(3, negative_prompts={0: "blurry:-1"})
    with pytest.raises(ScheduleError, match="cannot read"):
        Schedule(3, prompts={0: 5})


def test_prompt_mix_fades_new_keyframes_in_smoothly():
    sched = Schedule(30, prompts={0: "a cat", 10: "a dog", 11: "a fox"}, blend_frames=3)
    assert sched.prompt_mix(9) == [("a cat", 1.0)]
    first = 0.15625                           # smoothstep(1/4)
    assert sched.prompt_mix(10) == [("a dog", first), ("a cat", 1 - first)]
    # the fox fades in from the mix shown at frame 10, which was still fading
    mix = dict(sched.prompt_mix(11))
    assert mix["a fox"] == pytest.approx(first)
    assert mix["a dog"] == pytest.approx(first * (1 - first))
    assert mix["a cat"] == pytest.approx((1 - first) * (1 - first))
    assert sched.prompt_mix(14) == [("a fox", 1.0)]
    assert Schedule(30, prompts={5: "a cat", 10: "a dog"}).prompt_mix(0) == [("a cat", 1.0)]
    assert Schedule(30, prompts={5: "a cat", 10: "a dog"}).prompt_mix(10) == [("a dog", 1.0)]
    assert Schedule(30, prompts={0: "a cat", 5: "a dog --neg fur"}, blend_frames=2).negative_prompt_mix(4) == []


def test_sections_are_frames_with_labels():
    sched = Schedule(300, fps=30, sections=[("4s", "chorus"), (0, "intro")])
    assert sched.sections == [(0, "intro"), (120, "chorus")]


def _example():
    sched = Schedule(40, fps=24, bpm=96.0, beats=[0.25, 0.875, 1.5], blend_frames=4,
                     sections=[(0, "intro"), (20, "verse")],
                     prompts={0: ["a lighthouse:2", "fog"], "1b": "a storm --neg blurry"})
    sched["zoom"] = "ease_in_out| 0: (1.0), 1s: (1.05)  , 2b: (0.98)"
    sched["angle"] = 0.1
    sched["translation_x"] = np.random.default_rng(0).normal(size=40) * 1e-3
    sched["strength"] = lambda t: 0.5 + 0.1 * np.sin(t)
    return sched


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_save_and_load_round_trip_exactly_and_keep_hand_strings(tmp_path, suffix):
    sched = _example()
    path = sched.save(tmp_path / f"schedule{suffix}")
    loaded = Schedule.load(path)
    assert loaded.to_dict() == sched.to_dict()
    for name in sched.curve_names:
        assert np.array_equal(loaded[name], sched[name])
    assert loaded.curve_source("zoom") == "ease_in_out| 0: (1.0), 1s: (1.05)  , 2b: (0.98)"
    assert "ease_in_out| 0: (1.0), 1s: (1.05)  , 2b: (0.98)" in path.read_text()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_refuses_to_replace_a_file_unless_asked(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text("my notes")
    with pytest.raises(ScheduleError, match="overwrite=True"):
        Schedule(3).save(path)
    assert path.read_text() == "my notes"
    Schedule(3).save(path, overwrite=True)
    assert Schedule.load(path).n_frames == 3
    with pytest.raises(ScheduleError, match=".yaml"):
        Schedule(3).save(tmp_path / "schedule.txt")


@pytest.mark.parametrize("name, text, match", [
    ("a.yaml", "n_frames: [", "not valid YAML"), ("a.json", "{", "not valid JSON"),
    ("a.yaml", "!!python/object/apply:os.system ['echo hi']", "not valid YAML"),
    ("a.yaml", "fps: 30", "n_frames"), ("a.yaml", "n_frames: 3\nzoom: 1", "unknown schedule entries"),
    ("a.yaml", "n_frames: 3\ncurves: {zoom: 0}", "zoom"), ("missing.yaml", None, "cannot read"),
])
def test_load_rejects_malformed_files(tmp_path, name, text, match):
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(ScheduleError, match=match):
        Schedule.load(tmp_path / name)


def test_a_hand_written_yaml_file_reads(tmp_path):
    text = """
n_frames: 90
fps: 30
prompts:
  0: [a lighthouse:2, blurry:-1]
  2s: a storm --neg text
curves:
  zoom: "0: (1.02), 45: (0.95)"
  strength: 0.5
"""
    path = tmp_path / "hand.yaml"
    path.write_text(text)
    sched = Schedule.from_dict(load(path))
    assert sched.prompts == {0: [("a lighthouse", 2.0)], 60: [("a storm", 1.0)]}
    assert sched.negative_prompts == {0: [("blurry", 1.0)], 60: [("text", 1.0)]}
    assert sched["zoom"][45] == 0.95 and sched["strength"][0] == 0.5


def test_to_deforum_settings():
    sched = Schedule(10, fps=15, prompts={0: ["a cat:2", "a dog"], 5: "a fox --neg blurry"},
                     curves={"zoom": "0:(1), 9:(1.09)", "rotation_3d_y": 1.5, "blur": "0:(t*t)"})
    settings_ = sched.to_deforum()
    assert settings_["prompts"] == {"0": "a cat :2.0 AND a dog", "5": "a fox --neg blurry"}
    assert settings_["max_frames"] == 10 and settings_["fps"] == 15 and settings_["animation_mode"] == "2D"
    assert sched.to_deforum(depth=True)["animation_mode"] == "3D"     # a render with a depth model moves in 3D
    assert settings_["zoom"] == "0: (1), 9: (1.09)"
    assert settings_["seed_schedule"] == "0: (0), 9: (9)"
    assert settings_["strength_schedule"] == "0: (0.35), 9: (0.35)"    # Deforum keeps 1 - our strength
    assert settings_["noise_schedule"] == "0: (0.04), 9: (0.04)"       # in [-1, 1] units: twice ours
    assert "blur" not in settings_                                      # user curves mean nothing to Deforum
    for name, key in (("zoom", "zoom"), ("rotation_3d_y", "rotation_3d_y"), ("seed", "seed_schedule")):
        assert np.array_equal(deforum_inbetweens(settings_[key], 10), sched[name])
        assert np.array_equal(parse(settings_[key], 10), sched[name])
    json.dumps(settings_)


def test_to_deforum_keys_only_where_the_value_turns():
    t = np.arange(3000) / 30
    sched = Schedule(3000, curves={"angle": 0.5 * np.sin(t), "zoom": "0: (1), 2999: (1.5)"})
    settings_ = sched.to_deforum()
    assert settings_["zoom"] == "0: (1), 2999: (1.5)"
    keys = settings_["angle"].count(":")
    assert keys < 300                                                  # not one a frame
    error = np.abs(deforum_inbetweens(settings_["angle"], 3000) - sched["angle"]).max()
    assert 0 < error <= 0.01 * np.ptp(sched["angle"])


_FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=True)


@st.composite
def _schedules(draw):
    n_frames = draw(st.integers(1, 40))
    values = st.lists(_FINITE, min_size=n_frames, max_size=n_frames).map(np.array)
    texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20)
    texts = texts.map(str.strip).filter(bool)
    prompts = draw(st.dictionaries(st.integers(0, n_frames - 1), st.lists(
        st.tuples(texts, _FINITE.filter(lambda w: w >= 0)), min_size=1, max_size=3), max_size=3))
    sched = Schedule(n_frames, fps=draw(st.sampled_from([24, 25, 29.97, 30, 60])), prompts=prompts,
                     blend_frames=draw(st.integers(0, 5)))
    sched["angle"] = draw(values)
    sched["translation_z"] = draw(values)
    sched["strength"] = draw(st.lists(st.floats(0, 1), min_size=n_frames, max_size=n_frames))
    sched["zoom"] = draw(st.lists(st.floats(1e-3, 10), min_size=n_frames, max_size=n_frames))
    sched["user_curve"] = draw(st.one_of(_FINITE, st.just("0:(1), (max_f):(t/2)")))
    return sched


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_schedules(), st.sampled_from([".yaml", ".json"]))
def test_property_save_load_round_trip_is_exact(tmp_path, sched, suffix):
    path = sched.save(tmp_path / f"s{suffix}", overwrite=True)
    loaded = Schedule.load(path)
    assert loaded.to_dict() == sched.to_dict()
    assert loaded.prompts == sched.prompts
    for name in sched.curve_names:
        assert np.array_equal(loaded[name], sched[name])


_DEFORUM_KEYS = {"strength": "strength_schedule", "noise": "noise_schedule", "seed": "seed_schedule"}


@settings(max_examples=40, deadline=None)
@given(_schedules(), st.booleans())
def test_property_to_deforum_and_back_keeps_prompts_and_every_curve_within_tolerance(sched, depth):
    texts = [text for prompts in sched.prompts.values() for text, _ in prompts]
    assume(not any(mark in text for text in texts for mark in ("AND", "--neg", ":")))  # Deforum cannot say these
    settings_ = sched.to_deforum(depth=depth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                                # 3D mode: "needs a depth model"
        back = Schedule.from_deforum(json.loads(json.dumps(settings_)))
    assert back.n_frames == sched.n_frames and back.fps == sched.fps
    assert back.prompts == sched.prompts
    for name in ("zoom", "angle", "translation_z", "strength", "noise", "seed"):
        if name == "translation_z" and settings_["animation_mode"] == "2D":
            continue                                                   # Deforum's 2D mode reads no translation_z
        error = np.abs(back[name] - sched[name]).max()
        assert error <= 0.01 * np.ptp(sched[name]) + 1e-12 * max(1.0, np.abs(sched[name]).max()), name
        text = settings_[_DEFORUM_KEYS.get(name, name)]
        assert np.array_equal(deforum_inbetweens(text, sched.n_frames), parse(text, sched.n_frames))


def test_forgetting_the_seed_curve_refreshes_curves_that_read_it():
    sched = Schedule(2, curves={"seed": "0:(100)", "zoom": "0:(1 + s*0.001)"})
    assert sched["zoom"].tolist() == [1.1, 1.1]
    del sched["seed"]
    assert sched["seed"].tolist() == [0.0, 1.0]
    assert sched["zoom"].tolist() == [1.0, 1.001]


def test_a_prompt_key_past_the_end_is_kept_with_a_warning():
    with pytest.warns(UserWarning, match="past the last frame"):
        sched = Schedule(10, prompts={0: "a cat", "20s": "a dog"})
    assert sorted(sched.prompts) == [0, 600]
