"""Faults a new user hits with odd input: huge times, hostile expressions, lyrics files, caches, plot text."""
import codecs
import time
import warnings

import numpy as np
import pytest

import alignment
from binarydream import Schedule, Song
from binarydream.analysis import Analysis, Section
from binarydream.direction import plan
from binarydream.errors import AudioError, KeyframeError, LyricsError, ScheduleError
from binarydream.keyframes import parse
from render_support import write_song


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 3.0)


def analysis(duration=8.0, fps=10):
    return Analysis(duration=duration, fps=fps, tempo=120.0, beats=np.arange(0.0, duration, 0.5),
                    downbeats=np.arange(0.0, duration, 2.0), beats_per_bar=4,
                    sections=[Section(0.0, duration, "A")],
                    envelopes={"rms": np.full(int(duration * fps), 0.5, np.float32)})


def lines(*timed):
    return alignment.Lyrics([alignment.Line(text, start, start + 0.5, ()) for text, start in timed])


@pytest.mark.parametrize("key", ["1e20s", "1e300b", "(1e300)s"])
def test_huge_time_keys_are_one_line_not_a_wrapped_frame(key):
    sched = Schedule(90, bpm=120)
    with pytest.raises(KeyframeError, match="beyond frame"):
        sched["zoom"] = f"0: (1), {key}: (2)"
    with pytest.raises(KeyframeError, match="beyond frame"):
        Schedule(90, bpm=120, prompts={key: "a cat"})


def test_huge_frame_counts_and_frame_keys_are_refused():
    with pytest.raises(ScheduleError, match="n_frames must be a whole number from 1 to"):
        Schedule(10**12)
    with pytest.raises(ScheduleError, match="must be a frame from 0"):
        Schedule(90, prompts={10**30: "a cat"})
    with pytest.raises(KeyframeError, match="n_frames"):
        parse("0: (1)", n_frames=10**12)


@pytest.mark.parametrize("lead", [float("nan"), float("inf"), -5, 1e300])
def test_lead_beats_out_of_range_is_refused(lead):
    with pytest.raises(ScheduleError, match="lead_beats must be a number"):
        plan(analysis(), lines(("one", 2.0)), lead_beats=lead)


def test_a_lead_that_pushes_prompts_onto_each_other_warns():
    with pytest.warns(UserWarning, match="moves 1 line.*lower lead_beats"):
        sched = plan(analysis(), lines(("one", 2.0), ("two", 4.0)), lead_beats=100)
    assert sorted(sched.prompts) == [0]


def test_lyrics_past_the_songs_end_warn_and_get_no_prompt():
    with pytest.warns(UserWarning, match="1 lyric line.*after the song ends"):
        sched = plan(analysis(), lines(("one", 2.0), ("late", 9.0)), lead_beats=0)
    assert not any("late" in text for mix in sched.prompts.values() for text, _ in mix)


def test_a_huge_expression_is_refused_fast_and_small():
    text = "0: (" + "+".join(["t"] * 5_000_000) + ")"  # 10 MB
    started = time.perf_counter()
    with pytest.raises(KeyframeError, match="more than 500,000"):
        parse(text, n_frames=10)
    assert time.perf_counter() - started < 10


def test_expression_work_is_bounded_by_terms_times_frames_before_evaluating():
    text = "0: (" + "+".join(["sin(t)"] * 20_000) + ")"
    assert parse(text, n_frames=100).shape == (100,)
    with pytest.raises(KeyframeError, match="would compute .* values"):
        parse(text, n_frames=10_000)


def test_an_unwritable_cache_degrades_with_a_warning(song, tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.warns(UserWarning, match="cannot write the analysis cache"):
        result = Song(song, fps=10, cache_dir=tmp_path / "a-file" / "cache").analysis
    assert result.n_frames == 30


def test_unreadable_audio_says_so(song, monkeypatch):
    from pathlib import Path

    opened = Path.open

    def denied(self, *args, **kwargs):
        if self == Path(song):
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(AudioError, match="cannot read .*Permission denied"):
        Song(song)


class SilentBackend:
    """A lyrics backend that hears nothing: align spreads the written lines evenly, so a test sees what was read."""

    def recognise(self, y, *, model, language, device):
        return alignment.backends.Transcript([], language)


@pytest.mark.filterwarnings("ignore:.*low confidence:UserWarning")  # a test backend that hears no words
@pytest.mark.parametrize("name", ["words", "words.lyr", "words.TXT"])
def test_a_lyrics_file_with_any_suffix_is_read_as_a_file(song, tmp_path, name):
    (tmp_path / name).write_text("first line\nsecond line\n")
    with pytest.warns(UserWarning, match="no singing"):
        lyrics = Song(song, lyrics=str(tmp_path / name), lyrics_backend=SilentBackend()).lyrics
    assert [line.text for line in lyrics.lines] == ["first line", "second line"]


@pytest.mark.filterwarnings("ignore:.*low confidence:UserWarning")  # a test backend that hears no words
def test_a_path_like_string_that_is_no_file_warns_or_fails(song, tmp_path):
    with pytest.warns(UserWarning, match="no file named"):
        with pytest.warns(UserWarning, match="no singing"):
            Song(song, lyrics=str(tmp_path / "missing"), lyrics_backend=SilentBackend()).lyrics
    with pytest.raises(LyricsError, match="lyrics file not found"):
        Song(song, lyrics=str(tmp_path / "missing.txt"), lyrics_backend=SilentBackend()).lyrics
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert alignment.textfile.names_a_file("hold me closer") is False


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"])
def test_timed_lyrics_in_any_common_encoding(tmp_path, encoding):
    text = "[00:01.00]Café “olé” señor\n[00:03.00]\n" if encoding == "cp1252" else "[00:01.00]Café olé señor\n[00:03.00]\n"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data  # as Windows Notepad writes it
    (tmp_path / "song.lrc").write_bytes(data)
    assert alignment.load(tmp_path / "song.lrc").lines[0].text == text.split("]")[1].split("\n")[0]


def test_a_file_that_is_not_text_is_one_line(tmp_path):
    (tmp_path / "song.lrc").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(LyricsError, match="is not a text file"):
        alignment.load(tmp_path / "song.lrc")


def test_backwards_word_tags_are_refused_and_overlapping_cues_warn(tmp_path):
    (tmp_path / "a.lrc").write_text("[00:01.00]<00:02.00>hello <00:01.50>world <00:03.00>\n")
    with pytest.raises(LyricsError, match="earlier than the tag before it"):
        alignment.load(tmp_path / "a.lrc")
    (tmp_path / "a.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nhello\n\n2\n00:00:02,000 --> 00:00:04,000\nbye\n")
    with pytest.warns(UserWarning, match="1 subtitle block.*before the one before ends"):
        assert len(alignment.load(tmp_path / "a.srt").lines) == 2


def _drawn_texts(monkeypatch):
    from matplotlib.text import Text

    drawn = []
    draw = Text.draw

    def record(self, renderer):
        drawn.append((self.get_text(), self.get_usetex(), self.get_parse_math()))
        return draw(self, renderer)

    monkeypatch.setattr(Text, "draw", record)
    return drawn


def test_the_timeline_draws_lyrics_as_written_not_as_tex(tmp_path, monkeypatch):
    import matplotlib

    from binarydream.direction import plot_timeline

    drawn = _drawn_texts(monkeypatch)
    monkeypatch.setitem(matplotlib.rcParams, "text.usetex", False)
    lyric = lines(("I paid $5 for a $10 bill", 1.0), (r"a $\undefinedcmd{x}$ here", 4.0))
    plot_timeline(tmp_path / "t.png", analysis(), lyrics=lyric, schedule=plan(analysis(), lyric))
    shown = {text: (usetex, math) for text, usetex, math in drawn}
    assert shown["I paid $5 for a $10 bill"] == (False, False)
    assert shown[r"a $\undefinedcmd{x}$ here"] == (False, False)


def test_the_timeline_is_written_in_the_suffixs_format(tmp_path):
    from binarydream.direction import plot_timeline
    from binarydream.errors import ParameterError

    assert plot_timeline(tmp_path / "t.jpg", analysis()).read_bytes()[:3] == b"\xff\xd8\xff"
    assert plot_timeline(tmp_path / "t.png", analysis()).read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ParameterError, match="name it .png"):
        plot_timeline(tmp_path / "t.bmp", analysis())
