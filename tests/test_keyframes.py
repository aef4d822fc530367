"""Keyframe strings: each grammar form against values worked out by hand, errors with carets, interpolators."""

import math

import numpy as np
import pytest

from binarydream.errors import KeyframeError
from binarydream.keyframes import interpolation_methods, parse, register_interpolation_method


def test_disco_string_is_linear_between_keys_and_holds_after_the_last():
    values = parse("0: (1.02), 10: (0.45)", n_frames=12)
    step = (0.45 - 1.02) / 10
    assert values[:11] == pytest.approx([1.02 + step * i for i in range(11)])
    assert values[11] == 0.45


def test_bare_number_is_a_constant():
    assert parse("1.05", n_frames=4).tolist() == [1.05] * 4
    assert parse(1.05, n_frames=2).tolist() == [1.05, 1.05]


def test_deforum_expression_of_t_is_evaluated_on_every_frame():
    values = parse("0:(1.0025+0.002*sin(1.25*3.14*t/30))", n_frames=50)
    assert values == pytest.approx([1.0025 + 0.002 * math.sin(1.25 * 3.14 * t / 30) for t in range(50)], abs=1e-15)


def test_commas_inside_parentheses_belong_to_the_function():
    assert parse("0:(where(t>5, 1, 0))", n_frames=8).tolist() == [0, 0, 0, 0, 0, 0, 1, 1]


@pytest.mark.parametrize("n_frames, expected", [
    (11, [0, 2, 4, 6, 8, 10, 7.5, 5, 2.5, 0, 0]),          # max_f = 10: keys 0, 5, 9
    (10, [0, 2.5, 5, 7.5, 10, 7.5, 5, 2.5, 0, 0]),         # max_f = 9: (max_f/2) = 4.5 truncates to 4; key 8
])
def test_deforum_extension_keys_are_expressions_of_max_f(n_frames, expected):
    assert parse("0:(0), (max_f/2):(10), (max_f-1):(0)", n_frames=n_frames).tolist() == pytest.approx(expected)


def test_expression_key_runs_until_the_next_key_and_numbers_interpolate_into_it():
    # frames 0-9 ramp from 0 to the expression's value at frame 10 (t=10); 10-14 follow t; 15 on hold 3
    values = parse("0:(0), 10:(t), 15:(3)", n_frames=20)
    assert values.tolist() == pytest.approx(list(range(15)) + [3] * 5)
    values = parse("0:(5), 4:(t*2), 6:(0), 8:(4)", n_frames=10)
    assert values.tolist() == pytest.approx([5, 5.75, 6.5, 7.25, 8, 10, 0, 2, 4, 4])


def test_a_number_in_an_expression_is_not_a_plain_key():
    # Deforum treats anything but a plain number as an expression held until the next key
    assert parse("0:(2*3), 4:(0)", n_frames=5).tolist() == [6, 6, 6, 6, 0]
    assert parse("0:(6), 4:(0)", n_frames=5).tolist() == [6, 4.5, 3, 1.5, 0]
    assert parse("0: (-2), 2: (+2)", n_frames=3).tolist() == [-2, 0, 2]


def test_first_value_holds_before_the_first_key_and_keys_may_come_in_any_order():
    assert parse("5:(2), 10:(4)", n_frames=7).tolist() == [2, 2, 2, 2, 2, 2, 2.4]
    assert parse("4:(4), 0:(0)", n_frames=5).tolist() == [0, 1, 2, 3, 4]
    assert parse("3:(sin(t))", n_frames=5).tolist() == pytest.approx([math.sin(3)] * 4 + [math.sin(4)])


def test_keys_past_the_end_shape_the_curve_and_repeated_keys_keep_the_last():
    assert parse("0:(0), 20:(1)", n_frames=10)[9] == pytest.approx(0.45)
    assert parse("0:(0), 20:(t)", n_frames=10)[9] == pytest.approx(9.0)
    assert parse("0:(1), 0:(2), 2:(2),", n_frames=3).tolist() == [2, 2, 2]


@pytest.mark.parametrize("fps, frame", [(30, 75), (24, 60), (29.97, 75)])
def test_keys_in_seconds_land_on_the_nearest_frame(fps, frame):
    values = parse("0:(0), 2.5s:(1)", n_frames=100, fps=fps)
    assert values[frame] == 1 and values[frame - 1] < 1
    assert values[frame // 2] == pytest.approx((frame // 2) / frame)


def test_keys_in_beats_use_the_bpm_grid_or_the_tracked_beats():
    values = parse("0:(0), 16b:(1)", n_frames=300, fps=30, bpm=120)   # 16 beats at 120 bpm = 8 s = frame 240
    assert values[240] == 1 and values[120] == 0.5
    beats = np.array([0.1, 0.6, 1.2, 1.7])
    values = parse("0:(0), 2b:(1)", n_frames=60, fps=30, beats=beats)  # beat 2 at 1.2 s = frame 36
    assert values[36] == 1 and values[18] == 0.5
    values = parse("0:(0), 1.5b:(1)", n_frames=60, fps=30, beats=beats)  # halfway between 0.6 and 1.2 s: frame 27
    assert values[27] == 1 and values[26] < 1
    values = parse("0:(0), 5b:(1)", n_frames=90, fps=10, bpm=60, beats=beats)  # past the last beat: 1.7 + 2 s
    assert values[37] == 1 and values[36] < 1
    with pytest.raises(KeyframeError, match="bpm="):
        parse("0:(0), 16b:(1)", n_frames=10)


@pytest.mark.parametrize("text, expected", [
    ("2**3^2", 512), ("-2**2", -4), ("7 % 3", 1), ("-7 % 3", 2), ("10/4", 2.5), ("1 + 2*3 - 4", 3),
    ("min(3, 1, 2)", 1), ("max(3, 1, 2)", 3), ("clip(5, 0, 2)", 2), ("abs(-2)", 2), ("floor(2.7)", 2),
    ("ceil(2.1)", 3), ("sqrt(16)", 4), ("exp(0)", 1), ("log(e)", 1), ("cos(pi)", -1), ("tan(0)", 0),
    ("2 >= 2", 1), ("2 != 2", 0), ("(1 > 0) & (0 > 1)", 0), ("(1 > 0) | (0 > 1)", 1), ("where(0, 1, 2)", 2),
    ("1e3", 1000), (".5", 0.5), ("+-+1", -1),
])
def test_expression_operators_and_functions(text, expected):
    assert parse(text, n_frames=2).tolist() == pytest.approx([expected] * 2)


def test_names_bpm_fps_seed_and_caller_variables():
    envelope = np.array([0.0, 0.5, 1.0])
    values = parse("0:(fps/10 + bpm/60 + s + gain*bass)", n_frames=3, fps=20, bpm=120,
                   variables={"s": 7, "gain": 2.0, "bass": envelope})
    assert values.tolist() == [11.0, 12.0, 13.0]
    # a per-frame variable is read at the frame being evaluated, also after a later key
    assert parse("0:(0), 1:(bass)", n_frames=3, variables={"bass": envelope}).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("text, match", [
    ("0:(bpm)", "bpm="), ("0:(s)", "variables"), ("0:(nope)", "unknown name 'nope'"), ("0:(sin)", "call it"),
    ("0:(exec(1))", "unknown function 'exec'"), ("0:(clip(1, 2))", "3 arguments"), ("t:(1)", "cannot depend on t"),
    ("-1:(1)", "not negative"), ("0:(1), 5", "missing ':'"), ("0:", "missing value"), ("", "empty"),
    ("0:(1) 5:(2)", "missing"), ("0:(1<t<3)", "chained"), ("0:(log(t))", "-inf at frame 0"),
    ("0:(1/(t-2))", "at frame 2"), ("0:(9**9**9)", "inf"), ("0:(1e309)", "too large"), ("wobble| 0:(1)", "linear"),
    ("0:(1), 2.5 s:(2)", "expected"),
])
def test_malformed_strings_raise_keyframe_error(text, match):
    with pytest.raises(KeyframeError, match=match):
        parse(text, n_frames=5)


def test_error_message_puts_a_caret_under_the_fault():
    text = "0: (1.02), 10: (0.45))"
    with pytest.raises(KeyframeError) as caught:
        parse(text, n_frames=12)
    first, shown, caret = str(caught.value).split("\n")
    assert "unmatched ')'" in first and "remove it" in first
    assert shown == "  " + text
    assert caret.index("^") == 2 + text.rindex(")")


def test_error_caret_points_into_the_right_line_and_window_of_long_text():
    text = "0: (1),\n 10: (zz)"
    with pytest.raises(KeyframeError) as caught:
        parse(text, n_frames=12)
    first, shown, caret = str(caught.value).split("\n")
    assert "line 2, column 7" in first and shown[caret.index("^"):].startswith("zz")
    text = ", ".join(f"{i}: (1)" for i in range(500)) + ", 600: (oops)"
    with pytest.raises(KeyframeError) as caught:
        parse(text, n_frames=12)
    _, shown, caret = str(caught.value).split("\n")
    assert len(shown) < 100 and shown[caret.index("^"):].startswith("oops")


@pytest.mark.parametrize("method, expected", [
    ("step", [1, 1, 1, 1, 3, 3]),
    ("linear", [1, 1.5, 2, 2.5, 3, 3]),
    ("ease_in", [1, 1.125, 1.5, 2.125, 3, 3]),
    ("ease_out", [1, 1.875, 2.5, 2.875, 3, 3]),
    ("ease_in_out", [1, 1.3125, 2, 2.6875, 3, 3]),
])
def test_interpolation_prefix(method, expected):
    assert parse(f"{method}| 0:(1), 4:(3)", n_frames=6).tolist() == pytest.approx(expected)


def test_cubic_is_exact_on_polynomials_and_falls_back_like_deforum():
    assert parse("cubic| 0:(0), 1:(1), 2:(8), 4:(64)", n_frames=5)[3] == pytest.approx(27)   # x**3
    assert parse("cubic| 0:(0), 2:(4), 4:(16)", n_frames=5).tolist() == pytest.approx([0, 1, 4, 9, 16])  # x**2
    assert parse("cubic| 0:(0), 4:(4)", n_frames=5).tolist() == pytest.approx([0, 1, 2, 3, 4])


def test_register_interpolation_method_and_unknown_names_list_the_known_ones():
    register_interpolation_method("halfway", lambda f, v, q: np.full(q.shape, v.mean()), replace=True)
    assert "halfway" in interpolation_methods()
    assert parse("halfway| 0:(0), 4:(2)", n_frames=5).tolist() == [0, 1, 1, 1, 2]
    with pytest.raises(KeyframeError, match="exists already"):
        register_interpolation_method("linear", lambda f, v, q: q)
    with pytest.raises(KeyframeError) as caught:
        parse("wobble| 0:(1)", n_frames=3)
    assert "step" in str(caught.value) and "cubic" in str(caught.value)


def test_bad_arguments_are_reported():
    with pytest.raises(KeyframeError, match="n_frames"):
        parse("1", n_frames=-1)
    with pytest.raises(KeyframeError, match="shape"):
        parse("0:(v)", n_frames=3, variables={"v": [1.0, 2.0]})
    with pytest.raises(KeyframeError, match="cannot bind"):
        parse("0:(t)", n_frames=3, variables={"t": 1.0})
    with pytest.raises(KeyframeError, match="str"):
        parse(None, n_frames=3)
    assert parse("0:(1)", n_frames=0).shape == (0,)


def test_long_strings_of_plain_numbers_take_the_fast_path_and_agree_with_the_parser():
    from binarydream.keyframes.curve import _parse_plain

    text = ", ".join(f"{i * 3}: ({(-1) ** i * i / 7:.6f})" for i in range(2000))
    assert _parse_plain(text) is not None and _parse_plain("0:(1), 13:(t)") is None
    slow = parse(text + ", 6000:(t*0 + 1)", n_frames=6000)   # an expression forces the full parser
    assert np.array_equal(parse(text, n_frames=6000)[:5997], slow[:5997])
