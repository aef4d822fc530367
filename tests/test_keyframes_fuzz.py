"""Random and hostile keyframe strings give a KeyframeError or finite values: never a crash, never Python evaluation."""

import builtins
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binarydream.errors import KeyframeError
from binarydream.keyframes import parse

N_FRAMES = 7
OPTIONS = dict(fps=30, bpm=120, beats=np.array([0.1, 0.6, 1.2]), variables={"bass": np.linspace(0, 1, N_FRAMES)})

HOSTILE = [
    "__import__('os').system('echo hi')",
    "0:(__import__('os').system('echo hi'))",
    "().__class__", "t.__class__", "0:(t.__class__.__mro__)", "0:([].__class__)", "0:(lambda: 1)",
    "0:(exec('1'))", "0:(eval)", "0:(globals())", "0:(open('x'))", "0:(t if t else 1)", "0:(t; 1)",
    "9**9**9", "0:(9**9**9**9)", "0:(10**400)", "0:(-(2**2000))", "0:(exp(1000))", "0:(0/0)", "0:(sqrt(-1))",
    "(" * 10_000 + "1" + ")" * 10_000, "0:(" + "-" * 10_000 + "1)", "0:(" + "2**" * 5_000 + "2)",
    "0:(" + "sin(" * 3_000 + "t" + ")" * 3_000 + ")", "1e309", "-1e309", "1" * 100_000, "0:(" + "1+" * 50_000 + "1)",
    "x" * 1_000_000, ", ".join(f"{i}:({i})" for i in range(50_000)), "0:(1)" + ")" * 1000, "\x00", "0:(\u00e9)",
    "0:(1)\n" * 1000, "99999999999999999999999:(1)", "(1e300):(1)", "(max_f*1e300):(1)", "0:(where(t, t/0, 1))",
]


def _check(text):
    """The parse of ``text`` is an error we raise on purpose or finite values of the right shape."""
    def forbidden(*args, **kwargs):
        raise AssertionError("Python evaluation was called")

    with mock.patch.object(builtins, "eval", forbidden), mock.patch.object(builtins, "exec", forbidden), \
            mock.patch.object(builtins, "compile", forbidden):
        try:
            values = parse(text, N_FRAMES, **OPTIONS)
        except KeyframeError as error:
            assert str(error).split("\n")[0]
            return None
    assert values.shape == (N_FRAMES,) and values.dtype == np.float64 and np.isfinite(values).all()
    return values


@pytest.mark.filterwarnings("ignore:key .* lies past frame:UserWarning")  # hostile keys far past the end
@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:30]))
def test_hostile_strings(text):
    _check(text)


def test_hostile_code_does_not_run(tmp_path):
    marker = tmp_path / "ran"
    _check(f"0:(__import__('os').system('touch {marker}'))")
    _check(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,:()+-*/%^<>=!&| tsbexp_fminaxwhrcloqdgu\n'\"[]{};", max_size=60))
def test_random_text_from_the_grammar_alphabet(text):
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_random_unicode_text(text):
    _check(text)


_ATOMS = st.sampled_from(["t", "max_f", "fps", "bpm", "bass", "pi", "e", "0", "1", "2.5", "1e3", "0.001"])
_EXPRESSIONS = st.recursive(_ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "**", "^", "<", ">=", "==", "&", "|"]), inner)
    .map(lambda parts: f"({parts[0]} {parts[1]} {parts[2]})"),
    st.tuples(st.sampled_from(["sin", "cos", "tan", "abs", "floor", "ceil", "sqrt", "exp", "log", "-"]), inner)
    .map(lambda parts: f"{parts[0]}({parts[1]})"),
    st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda parts: f"{parts[0]}({parts[1]}, {parts[2]})"),
    st.tuples(st.sampled_from(["clip", "where"]), inner, inner, inner).map(lambda p: f"{p[0]}({p[1]}, {p[2]}, {p[3]})"),
), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["0", "3", "10", "1s", "2b", "(max_f/2)"]), _EXPRESSIONS),
                min_size=1, max_size=4))
def test_random_well_formed_keyframe_strings(items):
    _check(", ".join(f"{key}: ({value})" for key, value in items))
