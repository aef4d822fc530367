"""Timed lyrics: LRC (enhanced) and SRT reading, writing and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alignment
from alignment import Line, Lyrics, Word
from alignment.formats import parse_lrc, parse_srt
from binarydream.errors import LyricsError

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñüß'", min_size=1, max_size=8)


@st.composite
def lyrics(draw):
    t, lines = draw(st.floats(0, 5)), []
    for k in range(draw(st.integers(1, 5))):
        words = []
        for text in draw(st.lists(TOKEN, min_size=1, max_size=5)):
            t += draw(st.floats(0.0, 2.0))
            end = t + draw(st.floats(0.05, 1.5))
            words.append(Word(text, round(t, 2), round(end, 2), 1.0))
            t = end
        stanza = lines[-1].stanza + draw(st.integers(0, 1)) if lines else 0
        lines.append(Line(" ".join(w.text for w in words), words[0].start, words[-1].end, tuple(words), stanza))
        t += draw(st.floats(0.01, 10.0))
    return Lyrics(lines, language=draw(st.sampled_from([None, "en", "fr"])))


@settings(max_examples=60, deadline=None)
@given(lyrics())
def test_lrc_round_trip_keeps_text_stanzas_and_word_times(lyr):
    back = parse_lrc(lyr.to_lrc())
    assert [line.text for line in back.lines] == [line.text for line in lyr.lines]
    assert [line.stanza for line in back.lines] == [line.stanza for line in lyr.lines]
    assert back.language == lyr.language
    for a, b in zip(lyr.words, back.words):
        # Enhanced LRC gives starts only: a word ends where the next one starts, the last at the closing tag.
        assert a.text == b.text and abs(a.start - b.start) <= 0.006 and b.end >= a.end - 0.006
    for a, b in zip(lyr.lines, back.lines):
        assert abs(a.start - b.start) <= 0.006 and abs(a.end - b.end) <= 0.006


@settings(max_examples=60, deadline=None)
@given(lyrics())
def test_srt_round_trip_keeps_lines_to_the_millisecond(lyr):
    back = parse_srt(lyr.to_srt())
    assert [line.text for line in back.lines] == [line.text for line in lyr.lines]
    for a, b in zip(lyr.lines, back.lines):
        assert abs(a.start - b.start) <= 0.0006 and abs(a.end - b.end) <= 0.0006


def test_lrc_repeated_tags_offset_and_end_markers():
    lyr = parse_lrc("[ar:someone]\n[offset:500]\n[00:10.00][01:10.00]chorus line\n[00:14.00]\n"
                    "[01:14.50]\n\n[00:20.00]<00:20.00>verse <00:20.50>two <00:21.25>\n")
    assert [(l.text, l.start, l.end) for l in lyr.lines] == [
        ("chorus line", 9.5, 13.5), ("verse two", 19.5, 20.75), ("chorus line", 69.5, 74.0)]
    assert [(w.text, w.start, w.end, w.score) for w in lyr.lines[1].words] == [
        ("verse", 19.5, 20.0, 1.0), ("two", 20.0, 20.75, 1.0)]
    assert lyr.lines[0].words[0].score == 0.0     # word times were not given: interpolated


def test_lrc_bad_timestamp_and_empty_file():
    with pytest.raises(LyricsError, match="seconds must be below 60"):
        parse_lrc("[00:75.00]too many seconds\n")
    with pytest.raises(LyricsError, match="no timed lyric lines"):
        parse_lrc("[ti:only a title]\n")
    with pytest.raises(LyricsError, match="no subtitle blocks"):
        parse_srt("\n\n")


def test_save_and_load_lrc_and_srt(tmp_path):
    lyr = Lyrics([Line("hello there", 1.0, 2.0, (Word("hello", 1.0, 1.5, 0.9), Word("there", 1.5, 2.0, 0.8)))], "en")
    for suffix in (".lrc", ".srt"):
        path = lyr.save(tmp_path / f"song{suffix}")
        back = alignment.load(path)
        assert back.lines[0].text == "hello there" and back.lines[0].start == 1.0 and back.lines[0].end == 2.0
        with pytest.raises(LyricsError, match="overwrite=True"):
            lyr.save(path)
        lyr.save(path, overwrite=True)
    with pytest.raises(LyricsError, match=r"\.lrc or \.srt"):
        lyr.save(tmp_path / "song.txt")


def test_line_at_and_words():
    lyr = Lyrics([Line("a b", 1.0, 2.0, (Word("a", 1.0, 1.4, 1), Word("b", 1.5, 2.0, 1))),
                  Line("c", 3.0, 4.0, (Word("c", 3.0, 4.0, 1),))])
    assert lyr.line_at(1.0).text == "a b" and lyr.line_at(2.5) is None and lyr.line_at(3.9).text == "c"
    assert [w.text for w in lyr.words] == ["a", "b", "c"]
