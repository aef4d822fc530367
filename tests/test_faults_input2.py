"""Second round of odd input (issue 25 item 9): LRC lines at one time, far keys, booleans, SRT fields."""

import warnings

import numpy as np
import pytest

import alignment
from alignment.formats import parse_lrc, parse_srt
from binarydream import Schedule
from binarydream.analysis import Analysis, Section
from binarydream.direction import plan
from binarydream.errors import KeyframeError, LyricsError, ScheduleError
from binarydream.keyframes import parse


def test_lrc_lines_at_one_time_are_joined_with_a_warning_and_get_their_prompt():
    text = "[00:01.00]first line\n[00:01.00]second line\n[00:03.00]third\n[00:01.00][00:05.00]chorus\n"
    with pytest.warns(UserWarning, match=r"LRC: 2 line\(s\) share their time.*'second line' at \[00:01.00\]"):
        lyrics = parse_lrc(text)
    assert [(line.text, line.start, line.end) for line in lyrics.lines] == [
        ("first line second line chorus", 1.0, 3.0), ("third", 3.0, 5.0), ("chorus", 5.0, 5.4)]
    assert [w.text for w in lyrics.lines[0].words] == ["first", "line", "second", "line", "chorus"]
    analysis = Analysis(duration=8.0, fps=10, tempo=120.0, beats=np.arange(0.5, 8.0, 0.5),
                        downbeats=np.arange(0.5, 8.0, 2.0), beats_per_bar=4, sections=[Section(0.0, 8.0, "A")],
                        envelopes={"rms": np.full(80, 0.5, np.float32)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = plan(analysis, lyrics, lead_beats=0)
    texts = [text for prompts in sched.prompts.values() for text, _ in prompts]
    assert any("first line second line" in text for text in texts)


def test_prompt_keys_past_the_end_give_one_summary_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched = Schedule(10, prompts={0: "a", **{k: "late" for k in range(20, 2000)}},
                         sections=[(0, "A"), (50, "B")])
    assert len(caught) == 1
    assert "1981 keys lie past the last frame (9)" in str(caught[0].message)
    assert "the first, prompt key 20" in str(caught[0].message)
    assert len(sched.prompts) == 1981


@pytest.mark.parametrize("flag", [True, False, np.True_])
def test_a_boolean_frame_count_is_refused(flag):
    with pytest.raises(ScheduleError, match="n_frames must be a"):
        Schedule(flag)
    with pytest.raises(ScheduleError, match="n_frames must be a"):
        Schedule.from_dict({"n_frames": flag})
    with pytest.raises(ScheduleError, match="fps must be a"):
        Schedule(10, fps=flag)
    with pytest.raises(ScheduleError, match="prompt key (np.)?True_? must be a frame number"):
        Schedule(10, prompts={flag: "a cat"} if flag else {True: "a cat"})


def test_a_curve_key_far_past_the_end_warns_and_a_prompt_key_that_far_is_refused():
    with pytest.warns(UserWarning, match=r"key 1e20 lies past frame 1,000,000,000,000: read as that frame"):
        values = parse("0:(0), 1e20:(5)", n_frames=6)
    assert values[0] == 0 and values[-1] == pytest.approx(2.5e-11)
    with pytest.raises(KeyframeError, match="past frame 1000000000000"):
        Schedule(6, prompts={0: "a", "1e20": "b"})


@pytest.mark.parametrize("time_line, field", [
    ("00:00:75,000 --> 00:00:76,000", "seconds"), ("00:61:00,000 --> 00:61:01,000", "minutes"),
    ("00:00:01,000 --> 00:00:01,000", None)])
def test_srt_fields_out_of_range_are_one_line_naming_the_line(time_line, field):
    text = f"1\n00:00:00,000 --> 00:00:01,000\nhello\n\n2\n{time_line}\nworld\n"
    if field is None:
        assert [line.start for line in parse_srt(text).lines] == [0.0, 1.0]
        return
    with pytest.raises(LyricsError) as error:
        parse_srt(text, source="song.srt")
    message = str(error.value)
    assert message.startswith("song.srt line 6:") and field in message and len(message.splitlines()) == 1


def test_lyrics_objects_still_take_lines_at_one_time():
    lyrics = alignment.Lyrics([alignment.Line("a", 1.0, 1.0, ()), alignment.Line("b", 1.0, 2.0, ())])
    assert [line.text for line in lyrics.lines] == ["a", "b"]
