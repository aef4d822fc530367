"""Lyrics: alignment to known words and transcription on speech fixtures with known word onsets (Whisper base)."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import alignment
from alignment import Line, Word, forced
from alignment.backends import get_backend
from alignment.textalign import match, place_lines
from binarydream.errors import AudioError, LyricsError, MissingDependencyError, ModelNotFoundError

from alignment_support import FIXTURES, fixtures, onset_errors, sung_written_words, whisper_base_folder

TRUTH = fixtures()


@pytest.fixture(scope="session")
def whisper_base():
    return str(whisper_base_folder())


@pytest.fixture(scope="session")
def aligned(whisper_base):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: alignment.align(FIXTURES / fx["audio"], fx["lyrics"], model=whisper_base,
                                      language=fx["language"], device="cpu") for name, fx in TRUTH.items()}


@pytest.fixture(scope="session")
def transcribed(whisper_base):
    fx = TRUTH["en_chorus"]
    return alignment.transcribe(FIXTURES / fx["audio"], model=whisper_base, language="en", device="cpu")


def test_align_english_onsets_within_targets(aligned):
    fx = TRUTH["en_chorus"]
    aae, share, n = onset_errors(fx["words"], sung_written_words(fx, aligned["en_chorus"]), written_only=True)
    assert n == 37
    assert aae <= 0.1
    assert share >= 0.9


@pytest.mark.parametrize("name", ["fr_verse", "es_verse", "de_verse"])
def test_align_french_spanish_german_onsets(aligned, name):
    fx = TRUTH[name]
    aae, share, n = onset_errors(fx["words"], sung_written_words(fx, aligned[name]), written_only=True)
    assert n == len(fx["words"])
    assert aae <= 0.1
    assert share >= 0.85


def test_align_all_languages_meet_the_target(aligned):
    """The issue's target is AAE <= 0.1 s and >= 95 % within 0.3 s (benchmarks/alignment.py: 0.040 s, 95.7 %);
    one word of slack (93 words) for int8 arithmetic that differs between CPUs."""
    rows = [onset_errors(fx["words"], sung_written_words(fx, aligned[name]), written_only=True)
            for name, fx in TRUTH.items()]
    n = sum(r[2] for r in rows)
    assert n == 93
    assert sum(r[0] * r[2] for r in rows) / n <= 0.1
    assert sum(r[1] * r[2] for r in rows) / n >= 0.94


def test_align_keeps_lines_stanzas_and_every_word(aligned):
    fx = TRUTH["en_chorus"]
    lyr = aligned["en_chorus"]
    written = [line for line in fx["lyrics"].splitlines() if line.strip()]
    assert [line.text for line in lyr.lines] == written
    assert [line.stanza for line in lyr.lines] == [0, 0, 1, 1, 2, 3, 3]
    assert [w.text for w in lyr.words] == " ".join(written).split()
    starts = np.array([w.start for w in lyr.words])
    assert np.all(np.diff(starts) >= 0) and starts[0] >= 0 and lyr.words[-1].end <= fx["duration"]
    assert all(0.0 <= w.score <= 1.0 and w.end >= w.start for w in lyr.words)


def test_line_written_but_not_sung_scores_low_and_sits_between_the_choruses(aligned):
    lyr = aligned["en_chorus"]
    unsung = lyr.lines[4]
    assert unsung.text == "Silver echoes falling from the sky"
    assert max(w.score for w in unsung.words) < 0.35
    assert lyr.lines[3].end <= unsung.start and unsung.end <= lyr.lines[5].start + 0.3
    sung_scores = [w.score for line in lyr.lines if line is not unsung for w in line.words]
    assert np.median(sung_scores) > 0.5


def test_repeated_chorus_pairs_with_each_time_it_is_sung(aligned):
    lyr = aligned["en_chorus"]
    first, second = lyr.lines[2], lyr.lines[5]
    assert first.text == second.text == "Hold me closer never let me go"
    assert abs(first.start - 8.89) < 0.3 and abs(second.start - 19.74) < 0.3


def test_transcribe_english_onsets_and_adlib(transcribed):
    fx = TRUTH["en_chorus"]
    aae, share, n = onset_errors(fx["words"], transcribed.words, written_only=False)
    assert n == 40 and aae <= 0.12 and share >= 0.85
    assert transcribed.language == "en"
    heard = " ".join(w.text.lower() for w in transcribed.words)
    assert "yeah" in heard and "silver" not in heard
    assert transcribed.lines[-1].stanza >= 1          # the instrumental gap starts a new stanza


def test_instrumental_gives_empty_lyrics_and_a_warning(whisper_base):
    with pytest.warns(UserWarning, match="no singing or speech"):
        lyr = alignment.transcribe(FIXTURES / "instrumental.ogg", model=whisper_base, device="cpu")
    assert lyr.lines == [] and lyr.words == []


def test_bad_inputs_give_one_line_errors(tmp_path, whisper_base):
    with pytest.raises(AudioError, match="not found"):
        alignment.align(tmp_path / "missing.wav", "la la", model=whisper_base)
    with pytest.raises(LyricsError, match="lyrics file not found"):
        alignment.align(FIXTURES / "instrumental.ogg", str(tmp_path / "missing.txt"), model=whisper_base)
    with pytest.raises(LyricsError, match="the lyrics given holds no words"):
        alignment.align(FIXTURES / "instrumental.ogg", " \n\n ", model=whisper_base)
    bad_lrc = tmp_path / "bad.lrc"
    bad_lrc.write_text("[00:01.00]fine\nthis line has no time tag\n")
    with pytest.raises(LyricsError, match="line 2 is not LRC") as error:
        alignment.load(bad_lrc)
    assert "\n" not in str(error.value)
    bad_srt = tmp_path / "bad.srt"
    bad_srt.write_text("1\n00:00:01 -> 00:00:02\nhello\n")
    with pytest.raises(LyricsError, match="block 1 has no time line"):
        alignment.load(bad_srt)
    with pytest.raises(LyricsError, match="not found"):
        alignment.load(tmp_path / "missing.lrc")
    with pytest.raises(LyricsError, match=r"\.lrc or \.srt"):
        alignment.load(tmp_path / "lyrics.txt")


def test_missing_model_is_one_clear_line(tmp_path):
    with pytest.raises(ModelNotFoundError, match="Whisper model folder not found") as error:
        alignment.transcribe(FIXTURES / "instrumental.ogg", model=str(tmp_path / "nope"), device="cpu")
    assert "\n" not in str(error.value)
    with pytest.raises(ModelNotFoundError, match=r"'binarydream-test/no-such-whisper'.*local faster-whisper folder"):
        alignment.transcribe(FIXTURES / "instrumental.ogg", model="binarydream-test/no-such-whisper", device="cpu")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="no model.bin"):
        alignment.transcribe(FIXTURES / "instrumental.ogg", model=str(tmp_path / "empty"), device="cpu")


def test_optional_dependencies_say_how_to_install(monkeypatch):
    # Its submodules too: another test may have imported them already, and a cached submodule imports anyway.
    for name in {"demucs", "demucs.apply", "demucs.pretrained", *(n for n in sys.modules if n.startswith("demucs."))}:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependencyError, match="pip install demucs"):
        alignment.transcribe(FIXTURES / "instrumental.ogg", model="unused", device="cpu", vocals=True)
    monkeypatch.setitem(sys.modules, "whisperx", None)
    with pytest.raises(MissingDependencyError, match=r"binarydream\[whisperx\]"):
        get_backend("whisperx").recognise(np.zeros(16000, np.float32), model="unused", language="en", device="cpu")


def test_match_copes_with_adlibs_unsung_lines_and_repeats():
    written = "hold me close | silver sky | hold me close".replace("|", "").split()
    heard = "oh hold me close yeah yeah hold me clothes".split()
    pairs = match(written, heard)
    assert pairs[:3] == [1, 2, 3] and pairs[5:] == [6, 7, 8]      # "clothes" still pairs with "close"
    assert match(["a", "b", "c"], ["a", "c"]) == [0, None, 1]


def test_place_lines_interpolates_unplaced_words_with_score_zero():
    heard = [Word("a", 1.0, 1.2, 1.0), Word("d", 30.0, 30.2, 1.0)]
    placed = place_lines([["a"], ["b", "c"], ["d"]], heard, duration=40.0)
    b, c = placed[1]
    assert b.score == c.score == 0.0
    assert 1.2 <= b.start < c.start < 30.0 and c.end - b.start <= 0.8   # packed, not spread over the gap
    assert place_lines([["x", "y"]], [], duration=10.0)[0][1].end == 10.0


def test_line_scores_and_one_warning_listing_the_unsure_lines(whisper_base):
    fx = TRUTH["en_chorus"]
    with pytest.warns(UserWarning, match=r"1 of 7 lyric lines .* low confidence.*'Silver echoes") as caught:
        lyr = alignment.align(FIXTURES / fx["audio"], fx["lyrics"], model=whisper_base, language="en", device="cpu")
    assert len([w for w in caught if "low confidence" in str(w.message)]) == 1
    assert [line.score < alignment.LOW_SCORE for line in lyr.lines] == [False] * 4 + [True] + [False] * 2
    assert all(line.score == pytest.approx(np.mean([w.score for w in line.words]), abs=1e-3) for line in lyr.lines)


@pytest.mark.filterwarnings("ignore:.*low confidence:UserWarning")  # about the lines' times; this test reads the language
def test_language_comes_from_the_lyrics_text_when_not_given(aligned, whisper_base):
    fx = TRUTH["fr_verse"]
    lyr = alignment.align(FIXTURES / fx["audio"], fx["lyrics"], model=whisper_base, device="cpu")
    assert lyr.language == "fr"
    assert [w.start for w in lyr.words] == pytest.approx([w.start for w in aligned["fr_verse"].words], abs=0.02)


def test_no_singing_or_lyrics_of_another_language_is_one_line_error(whisper_base):
    with pytest.raises(LyricsError, match="none of the 7 lyric lines was found sung") as error:
        alignment.align(FIXTURES / "instrumental.ogg", TRUTH["en_chorus"]["lyrics"], model=whisper_base, device="cpu")
    assert "\n" not in str(error.value)
    with pytest.raises(LyricsError, match=r"none of the 3 .* \(language 'de'\)"):
        alignment.align(FIXTURES / "es_verse.ogg", TRUTH["de_verse"]["lyrics"], model=whisper_base, device="cpu")


def test_lyrics_longer_than_the_song_keep_their_extra_lines_out_of_the_music(whisper_base):
    fx = TRUTH["es_verse"]
    extra = "Le soleil se couche sur la mer\nEt je marche seul dans la lumière\n"
    with pytest.warns(UserWarning, match=r"of 5 lyric lines, 2 after the last one \(from .Le soleil.*not heard"):
        lyr = alignment.align(FIXTURES / fx["audio"], fx["lyrics"] + "\n" + extra, model=whisper_base,
                              language="es", device="cpu")
    sung, unsung = lyr.lines[:3], lyr.lines[3:]
    last = max(w["end"] for w in fx["words"])
    assert all(line.score == 0.0 and line.start == line.end == sung[-1].end for line in unsung)
    assert sung[-1].end <= last + 0.5 and all(line.score > alignment.LOW_SCORE for line in sung)


def test_timeline_draws_low_confidence_lines_in_another_colour():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from binarydream.direction.plot import _draw_lyrics

    sure, unsure = (Line(text, start, start + 1.0, (Word(text, start, start + 1.0, score),), score=score)
                    for text, start, score in (("sure", 1.0, 0.9), ("unsure", 3.0, 0.1)))
    _, ax = plt.subplots()
    _draw_lyrics(ax, alignment.Lyrics([sure, unsure, Line("loaded", 5.0, 6.0, ())]), 10.0, 8.0)
    colours = [line.get_color() for line in ax.get_lines()]
    plt.close("all")
    assert colours[0] == colours[2] != colours[1]


def test_an_empty_lyrics_file_is_a_one_line_error_naming_it(tmp_path, whisper_base):
    for name, data in (("empty.txt", b""), ("blank.txt", b" \n\n\t\n"), ("bom.txt", b"\xef\xbb\xbf\n")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(LyricsError, match=f"{name} holds no words") as error:
            alignment.align(FIXTURES / "es_verse.ogg", path, model=whisper_base, device="cpu")
        assert "\n" not in str(error.value)


def test_digital_silence_is_a_one_line_error(whisper_base):
    with pytest.raises(LyricsError, match="none of the 3 lyric lines was found sung") as error:
        alignment.align(np.zeros(10 * 16000, np.float32), TRUTH["es_verse"]["lyrics"], model=whisper_base,
                        language="es", device="cpu")
    assert "\n" not in str(error.value)


def test_lyrics_of_two_songs_pasted_for_one_stay_out_of_the_silence_around_it(whisper_base):
    """The verse is sung between 6 s of silence and 15 s of silence; five lines of another song follow its lyrics."""
    from binarydream.audio import load_audio

    fx = TRUTH["es_verse"]
    lead = 6.0
    y = load_audio(FIXTURES / fx["audio"], sr=16000)[0]
    audio = np.concatenate([np.zeros(int(lead * 16000), np.float32), y, np.zeros(15 * 16000, np.float32)])
    other = ("El tiempo pasa sin pedir permiso\nY las calles guardan nuestro secreto\n\nCantamos fuerte hasta la "
             "mañana\nMientras la ciudad despierta lenta\nNadie sabe lo que fue de ayer\n")
    with pytest.warns(UserWarning, match=r"of 8 lyric lines, 5 after the last one \(from 'El tiempo.*not heard") \
            as caught:
        lyr = alignment.align(audio, fx["lyrics"] + "\n" + other, model=whisper_base, language="es", device="cpu")
    assert not [w for w in caught if "low confidence" in str(w.message)]   # said once, not twice
    sung, extra = lyr.lines[:3], lyr.lines[3:]
    first, last = lead + fx["words"][0]["start"], lead + max(w["end"] for w in fx["words"])
    assert all(first - 0.3 <= line.start and line.end <= last + 0.5 for line in lyr.lines)
    assert abs(sung[0].start - first) < 0.3 and all(line.score > alignment.LOW_SCORE for line in sung)
    assert all(line.score == 0.0 and line.start == line.end == sung[-1].end for line in extra)


def timing(starts: list[float], probs: list[float]) -> forced.Timing:
    """A line's timing as warping gives it: each word ends where the next starts, the last 0.4 s after its start."""
    return forced.Timing(tuple(starts), (*starts[1:], starts[-1] + 0.4), tuple(probs))


def test_recheck_moves_a_line_pulled_before_a_gap_only_where_it_is_heard_better(monkeypatch):
    lines = [[[1], [2]], [[3], [4], [5]], [[6], [7]]]
    timings = [timing([1.0, 2.0], [0.9, 0.9]), timing([2.5, 3.0, 3.5], [0.0, 0.3, 0.4]),
               timing([25.0, 26.0], [0.9, 0.9])]
    features = np.zeros((80, 27 * forced.FRAMES_PER_SECOND), np.float32)   # 27 s: no gap after the last line
    heard = {}

    def warp(whisper, tokenizer, features, start, words):
        heard["start"] = start
        starts = np.array([start, 15.0, 16.0])
        return starts, starts + 0.4, np.array([0.0, probs_there, probs_there])

    monkeypatch.setattr(forced, "warp_window", warp)
    probs_there = 0.8
    moved = forced.recheck(None, None, features, lines, timings)
    assert heard["start"] == pytest.approx(2.4 + forced.LEAD)    # where the line before ends, plus LEAD
    assert moved[1].starts[1:] == (15.0, 16.0) and moved[0] == timings[0] and moved[2] == timings[2]
    probs_there = 0.2
    assert forced.recheck(None, None, features, lines, timings) == timings
    close = timings[:2] + [timing([4.2, 4.6], [0.9, 0.9])]     # in a 6 s song no long gap follows a line
    heard.clear()
    assert forced.recheck(None, None, features[:, :600], lines, close) == close and not heard


def test_another_songs_lyrics_are_a_one_line_error_even_when_a_weak_line_lands_somewhere(whisper_base):
    """A wrong text still gets a weak line forced somewhere now and then; no line scoring LOW_SCORE is no song."""
    with pytest.raises(LyricsError, match=r"none of the 7 lyric lines was found sung") as error:   # one scored 0.15
        alignment.align(FIXTURES / "de_verse.ogg", TRUTH["en_chorus"]["lyrics"], model=whisper_base, language="en",
                        device="cpu")
    assert "\n" not in str(error.value)


def test_recheck_moves_two_lines_pulled_into_an_instrumental(monkeypatch):
    """Lines 1 and 2 are sung at 15 s and 18 s, after a break; warping pulled both right after line 0."""
    sung = {3: 15.0, 6: 18.0}   # a line's first token -> where it is sung

    def warp(whisper, tokenizer, features, start, words):
        first = max(sung[words[0][0]], start + 0.5)
        starts = np.array([start] + [first + 0.5 * k for k in range(1, len(words))])
        # As in warping, a word ends where the next one starts (the first, pinned to the window's start, too).
        return starts, np.append(starts[1:], starts[-1] + 0.4), np.array([0.0] + [0.8] * (len(words) - 1))

    monkeypatch.setattr(forced, "warp_window", warp)
    lines = [[[1], [2]], [[3], [4], [5]], [[6], [7], [8]], [[9], [10]]]
    timings = [timing([1.0, 2.0], [0.9] * 2), timing([2.5, 3.0, 3.5], [0.3] * 3), timing([4.0, 4.5, 5.0], [0.3] * 3),
               timing([25.0, 25.8], [0.9] * 2)]
    features = np.zeros((80, 27 * forced.FRAMES_PER_SECOND), np.float32)
    moved = forced.recheck(None, None, features, lines, timings)
    assert moved[1].starts[1:] == (15.5, 16.0) and moved[2].starts[1:] == (18.5, 19.0)
    assert moved[0] == timings[0] and moved[3] == timings[3]
