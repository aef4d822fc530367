"""The song's signals in keyframe strings: known envelopes, beats, sections and words give known values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binarydream.errors import KeyframeError
from binarydream.keyframes import parse
from binarydream.keyframes.signals import pulse_train, slew_limit, song_signals

FPS = 10
N = 40                                                  # 4 s
BASS = np.linspace(0.0, 1.0, N)
BEATS = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
SIGNALS = song_signals(N, FPS, envelopes={"bass": BASS, "rms": np.full(N, 0.25)}, beats=BEATS,
                       downbeats=BEATS[::2], sections=[(0.0, "verse"), (2.0, "chorus"), (3.0, "verse")],
                       words=[(0.5, 0.8), (1.2, 1.5), (2.6, 3.3)], lines=[0.5, 2.6])


def values(text):
    return parse(text, N, fps=FPS, signals=SIGNALS)


def test_envelopes_are_read_at_each_frame():
    assert np.array_equal(values("0: (1 + 0.03*bass)"), 1 + 0.03 * BASS)
    assert np.array_equal(values("0: (rms), 2s: (2*rms)"), np.r_[np.full(20, 0.25), np.full(20, 0.5)])


def test_beat_and_bar_count_beats_and_their_phase():
    beat = values("0: (beat)")
    assert beat[5] == 0.0 and beat[10] == 1.0 and beat[12] == pytest.approx(1.4)
    assert beat[0] == pytest.approx(-1.0)                  # extended before the first beat at its interval
    assert values("0: (beat_phase)")[12] == pytest.approx(0.4)
    assert values("0: (bar)")[15] == 1.0 and values("0: (bar_phase)")[20] == pytest.approx(0.5)


def test_pulse_on_beats_rises_to_one_and_decays_with_its_time_constant():
    pulse = values("0: (1 + 0.02*pulse(beat, 0.25))")
    assert pulse[5] == 1.02 and pulse[10] == 1.02
    assert pulse[6] == pytest.approx(1 + 0.02 * np.exp(-0.1 / 0.25))
    assert pulse[0] == 1.0                                  # nothing before the first beat
    with_attack = values("0: (pulse(bar, 0.25, 0.2))")
    assert with_attack[14] == pytest.approx(0.5) and with_attack[15] == 1.0   # half-way up 0.1 s before bar 1


def test_pulses_on_words_lines_and_sections():
    assert values("0: (pulse(word, 0.1))")[[5, 12, 26]].tolist() == [1.0, 1.0, 1.0]
    assert values("0: (word)")[[0, 5, 13, 30]].tolist() == [-1.0, 0.0, 1.0, 2.0]
    assert values("0: (line)")[[4, 5, 26]].tolist() == [-1.0, 0.0, 1.0]
    assert values("0: (sung)")[[5, 8, 12, 20]].tolist() == [1.0, 0.0, 1.0, 0.0]
    section = values("0: (pulse(section, 0.1))")
    assert section[0] == 0.0 and section[20] == 1.0 and section[30] == 1.0   # changes only, not the start


def test_section_index_and_a_chorus_only_curve():
    assert values("0: (section)")[[0, 19, 20, 30]].tolist() == [0.0, 0.0, 1.0, 2.0]
    chorus = values('0: (1 + 0.05*is_section("chorus"))')
    assert chorus[[19, 20, 29, 30]].tolist() == [1.0, 1.05, 1.05, 1.0]
    assert values("0: (is_section('verse', 'chorus'))").tolist() == [1.0] * N


def test_smooth_slew_and_lerp():
    step = np.r_[np.zeros(10), np.ones(30)]
    smoothed = parse("0: (smooth(where(t >= 10, 1, 0), 0.2))", N, fps=FPS)
    assert smoothed[9] == 0.0 and smoothed[10] == pytest.approx(1 - np.exp(-0.5)) and smoothed[-1] > 0.99
    # the filter runs over the whole video even when the key that uses it starts later
    assert parse("0: (0), 20: (smooth(where(t >= 10, 1, 0), 0.2))", N, fps=FPS)[20] == pytest.approx(smoothed[20])
    assert np.array_equal(parse("0: (slew(where(t >= 10, 1, 0), 0.25))", N, fps=FPS), slew_limit(step, 0.25))
    assert values("0: (lerp(1, 1.05, bass))")[-1] == 1.05
    nested = values("step| 0: (0), 10: (smooth(pulse(beat, 0.1) + smooth(bass, 0.3), 0.2))")
    assert nested[:10].tolist() == [0.0] * 10
    assert nested[10:] == pytest.approx(values("0: (smooth(pulse(beat, 0.1) + smooth(bass, 0.3), 0.2))")[10:])


def test_unknown_names_keep_the_caret_error_that_lists_the_signals():
    with pytest.raises(KeyframeError, match="unknown name 'basss'.*bass.*beat.*section") as error:
        values("0: (1 + basss)")
    assert str(error.value).splitlines()[-1].index("^") == str(error.value).splitlines()[-2].index("basss")


@pytest.mark.parametrize("text, match", [
    ("0: (bass)", "bass is a signal of the song: bind the song first"),
    ("0: (pulse(t, 0.25))", "pulse\\(\\) counts the events of beat, bar"),
    ("0: (pulse(beat, bass))", "numbers, not signals"),
    ('0: (is_section("solo"))', "no section is labelled 'solo': labels are 'verse', 'chorus'"),
    ('0: ("chorus")', "belongs in is_section"),
    ("0: (is_section(chorus))", "quoted section labels"),
    ("(pulse(beat, 1)): (1)", "unknown function 'pulse' here"),
    ("0: (smooth(bass))", "takes 2 or 3 arguments"),
])
def test_misuse_is_a_one_line_error_with_a_caret(text, match):
    signals = None if text == "0: (bass)" else SIGNALS
    with pytest.raises(KeyframeError, match=match):
        parse(text, N, fps=FPS, signals=signals)


def test_pulse_train_takes_the_larger_of_overlapping_pulses():
    times = np.arange(20) / 10
    train = pulse_train(times, [0.5, 0.7], decay=1.0, attack=0.3)
    assert train[5] == 1.0 and train[7] == 1.0 and 0.5 < train[6] < 1.0 and train.max() == 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.,:()+-*/ tbeaslrupwcdmonhig_'\"", max_size=50))
def test_random_text_with_signals_bound_is_an_error_or_finite(text):
    try:
        out = values(text)
    except KeyframeError as error:
        assert str(error).split("\n")[0]
        return
    assert out.shape == (N,) and np.isfinite(out).all()


_ATOMS = st.sampled_from(["t", "bass", "rms", "beat", "bar_phase", "section", "word", "sung", "0", "1", "0.25", "1e3"])
_EXPRESSIONS = st.recursive(_ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "<", "&"]), inner)
    .map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
    st.tuples(st.sampled_from(["smooth", "slew"]), inner, st.sampled_from(["0", "0.1", "2", "-1", "1e300"]))
    .map(lambda p: f"{p[0]}({p[1]}, {p[2]})"),
    st.tuples(st.sampled_from(["beat", "bar", "word", "line", "section"]), st.sampled_from(["0", "0.1", "1e-9"]))
    .map(lambda p: f"pulse({p[0]}, {p[1]}, 0.05)"),
    st.tuples(inner, inner, inner).map(lambda p: f"lerp({p[0]}, {p[1]}, {p[2]})"),
    st.just('is_section("chorus")'),
), max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["0", "3", "10", "1s", "(max_f/2)"]), _EXPRESSIONS), min_size=1, max_size=3),
       st.sampled_from(["", "step| ", "cosine| "]))
def test_random_well_formed_strings_of_signals_and_song_functions(items, method):
    try:
        out = values(method + ", ".join(f"{key}: ({value})" for key, value in items))
    except KeyframeError as error:
        assert str(error).split("\n")[0]
        return
    assert out.shape == (N,) and np.isfinite(out).all()
