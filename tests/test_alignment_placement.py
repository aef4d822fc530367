"""Lyric placement over the whole song: the choice of placements, scores that mean what they say, stress cases
(trouble in the audio or in the text, after which placement recovers within one line) and the lyrics cache."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import alignment
from alignment import Line, Lyrics, Word
from alignment.confidence import fit_unplaced, rescore, unsung_ends
from alignment.placement import believed, choose, compact, singing_rate, syllables

from alignment_stress import bury, cut, fixture_song, recovery
from alignment_support import FIXTURES, fixtures

TRUTH = fixtures()


def test_a_later_repeat_heard_better_does_not_win_over_the_lines_that_follow_in_order():
    need = np.full(6, 3.0)    # each line needs 3 s
    # Line 3 (a chorus line) is heard at 8 s and, better, at 40 s; lines 4 and 5 follow it at 11 s and 14 s.
    candidates = [(0, 0.0, 2.0, 0.8), (3, 8.0, 10.0, 0.8), (3, 40.0, 42.0, 0.9), (4, 11.0, 13.0, 0.6),
                  (5, 14.0, 16.0, 0.6)]
    assert choose(candidates, need=need, duration=60.0) == [0, 1, 3, 4]
    # Lines 1 and 2, not heard, lack time before 8 s: each costs at most UNSUNG_COST (a verse may be left out).
    need[1:3] = 10.0
    assert choose(candidates, need=need, duration=60.0) == [0, 1, 3, 4]
    # Without lines to follow it, the repeat heard better wins.
    assert choose(candidates[:3], need=need, duration=60.0) == [0, 2]


def test_lines_after_a_misplaced_repeat_must_fit_in_what_is_left_of_the_song():
    need = np.full(12, 3.0)
    # Line 1 heard at 4 s (right) and at 100 s (a chorus near the end); ten lines after it need 30 s.
    candidates = [(0, 0.0, 2.0, 0.8), (1, 4.0, 6.0, 0.5), (1, 100.0, 102.0, 0.9)]
    assert choose(candidates, need=need, duration=110.0) == [0, 1]
    assert choose(candidates, need=need, duration=200.0) == [0, 2]


def test_a_line_heard_in_the_fade_out_loses_to_where_a_voice_sounds():
    voiced = np.zeros(16000, bool)
    voiced[:13000] = True                                  # singing until 130 s, then an instrumental fade-out
    need = np.full(3, 3.0)
    # The last line: forced text scores better in the fade-out (150 s) than where it is sung (134 s).
    candidates = [(0, 120.0, 123.0, 0.7, None), (1, 126.0, 129.0, 0.6, None), (2, 134.0, 137.0, 0.3, None),
                  (2, 150.0, 153.0, 0.4, None)]
    assert choose([c[:4] for c in candidates], need=need, duration=160.0) == [0, 1, 3]
    voiced[13000:13800] = True                              # the voice goes on to 138 s
    assert choose([c[:4] for c in believed(candidates, voiced)], need=need, duration=160.0) == [0, 1, 2]
    assert believed(candidates, None) == candidates


def test_a_line_stretched_over_its_own_repeat_gives_way_to_the_same_placement_ending_sooner():
    lines = [[[1], [2]], [[1], [2]], [[3], [4]], [[5]]]          # a line sung twice, then two others
    stretched = (0, 120.6, 132.6, 0.57)     # its last words warped over the repeat (122.4 s) and beyond
    held = (2, 140.0, 146.0, 0.6)           # a held "ah ah": nothing like it follows
    candidates = [stretched, (0, 120.7, 122.3, 0.55), held, (2, 140.1, 141.0, 0.6), (1, 118.0, 126.0, 0.5)]
    assert compact(candidates, lines) == candidates[1:]
    # The shorter one must start at the same place and be heard about as well.
    assert compact([stretched, (0, 121.5, 122.3, 0.55)], lines) == [stretched, (0, 121.5, 122.3, 0.55)]
    assert compact([stretched, (0, 120.6, 122.3, 0.4)], lines) == [stretched, (0, 120.6, 122.3, 0.4)]
    # Chosen over the song, the line and its repeat then both find their place.
    need = np.full(4, 1.5)
    pool = compact([stretched, (0, 120.6, 122.3, 0.57), (1, 122.4, 124.2, 0.5)], lines)
    assert [pool[c][:2] for c in choose(pool, need=need, duration=150.0)] == [(0, 120.6), (1, 122.4)]


def test_choose_keeps_order_and_time_and_takes_one_placement_per_line():
    candidates = [(0, 5.0, 6.0, 0.9), (1, 1.0, 2.0, 0.9), (1, 7.0, 8.0, 0.4), (1, 7.5, 9.0, 0.5), (2, 10.0, 11.0, 0.9)]
    picked = choose(candidates, need=np.ones(3), duration=20.0)
    assert picked == [0, 3, 4]


def test_singing_rate_and_syllables():
    assert [syllables(w) for w in ("night", "Dreaming", "canción", "123")] == [1, 2, 2, 1]
    starts = np.array([0.0, 3.0, 6.0, 9.0, np.nan, 30.0])
    assert singing_rate(starts, np.array([6, 6, 6, 6, 6, 6]), np.full(6, 0.9)) == pytest.approx(0.5)
    assert singing_rate(starts, np.full(6, 6), np.full(6, 0.1)) == 0.3      # too few sure lines: the default


def test_scores_fall_where_words_are_squeezed_or_no_voice_sounds():
    voiced = np.zeros(3000, bool)
    voiced[:2000] = True                                  # a voice until 20 s, then the fade-out
    line = [Word("la", 5.0, 5.5, 0.8), Word("la", 5.5, 6.0, 0.8)]
    assert [w.score for w in rescore(line, need=1.0, voiced=voiced)] == [0.8, 0.8]
    assert [w.score for w in rescore(line, need=4.0, voiced=voiced)] == [0.2, 0.2]    # squeezed into a quarter
    late = [Word("la", 22.0, 22.5, 0.8), Word("la", 22.5, 23.0, 0.8)]
    assert [w.score for w in rescore(late, need=1.0, voiced=voiced)] == [0.0, 0.0]


def test_lines_after_the_last_placed_are_not_sung_only_where_there_is_no_time_or_no_voice():
    written = [["a", "b"], ["c", "d"], ["e", "f"]]
    timed = [[Word("a", 1.0, 1.5, 0.9), Word("b", 1.5, 2.0, 0.9)], None, None]
    needs = np.array([1.0, 1.0, 1.0])
    voiced = np.ones(3000, bool)
    assert unsung_ends(timed, needs, voiced, 30.0) == set()          # 28 s of voice left: spread there
    spread = fit_unplaced(written, timed, set(), duration=30.0)
    assert spread[1][0].start >= 2.0 and spread[2][-1].end <= 30.0 and spread[2][0].start > spread[1][0].start
    assert unsung_ends(timed, needs, voiced, 3.0) == {1, 2}           # 1 s left for 2 s of singing
    quiet = np.zeros(3000, bool)
    quiet[:200] = True
    assert unsung_ends(timed, needs, quiet, 30.0) == {1, 2}           # no voice after 2 s
    stacked = fit_unplaced(written, timed, {1, 2}, duration=30.0)
    assert all(w.start == w.end == 2.0 and w.score == 0.0 for line in stacked[1:] for w in line)


# The fixture's two choruses have the same words, so with the chorus pasted three times, or swapped with the
# verse, which written copy a sung chorus belongs to is not in the audio: those two cases are benchmark rows on
# devdata songs (benchmarks/alignment.py), where the verses differ.
STRESS = {
    "noise over the verse": lambda s, y: bury(s, y, 16000, 0, 7.5),
    "verse cut from the audio": lambda s, y: cut(s, y, 16000, 0),
}


@pytest.fixture(scope="module")
def whisper_base():
    from alignment_support import whisper_base_folder

    return str(whisper_base_folder())


@pytest.mark.parametrize("case", list(STRESS))
def test_placement_recovers_within_one_line_after_trouble(case, whisper_base):
    from binarydream.audio import load_audio

    fx = TRUTH["en_chorus"]
    y = load_audio(FIXTURES / fx["audio"], sr=16000)[0]
    song, changed, trouble = STRESS[case](fixture_song(fx), y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lyr = alignment.align(y if changed is None else changed, song.text, model=whisper_base, language="en",
                              device="cpu")
    assert [line.text for line in lyr.lines] == [" ".join(words) for words in song.lines]
    result = recovery(song, lyr, trouble)
    assert result["n_after"] >= 2
    assert result["after_lines"] == 1.0 and result["after_aae"] <= 0.3


def _lyrics(text: str) -> Lyrics:
    return Lyrics([Line(text, 1.0, 2.0, (Word(text, 1.0, 2.0, 0.9),), 0, 0.9)], language="en")


def test_aligned_lyrics_are_cached_by_audio_text_and_options(tmp_path, monkeypatch):
    from binarydream import Song

    calls = []

    def align(audio, lyrics, **options):
        calls.append(options)
        warnings.warn("1 of 1 lyric lines are placed with low confidence", UserWarning)
        return _lyrics(lyrics)

    monkeypatch.setattr(alignment, "align", align)
    audio = FIXTURES / "es_verse.ogg"
    with pytest.warns(UserWarning, match="low confidence"):
        first = Song(audio, lyrics="hola", cache_dir=tmp_path).lyrics
    with pytest.warns(UserWarning, match="low confidence"):      # the warning comes again with the cached lyrics
        again = Song(audio, lyrics="hola", cache_dir=tmp_path).lyrics
    assert again == first and len(calls) == 1
    with pytest.warns(UserWarning):
        Song(audio, lyrics="adios", cache_dir=tmp_path).lyrics                   # another text
        Song(audio, lyrics="hola", cache_dir=tmp_path, language="es").lyrics     # another option
        Song(audio, lyrics="hola", cache_dir=False).lyrics                       # no cache
        Song(audio, lyrics="hola", cache_dir=False).lyrics
    assert len(calls) == 5
    files = sorted(tmp_path.glob("lyrics-*.json"))
    assert len(files) == 3 and json.loads(files[0].read_text())["lines"]


def test_a_corrupt_lyrics_cache_file_is_a_miss_with_one_warning(tmp_path, monkeypatch):
    from binarydream import Song

    calls = []
    monkeypatch.setattr(alignment, "align", lambda audio, lyrics, **options: calls.append(1) or _lyrics(lyrics))
    audio = FIXTURES / "es_verse.ogg"
    Song(audio, lyrics="hola", cache_dir=tmp_path).lyrics
    (path,) = tmp_path.glob("lyrics-*.json")
    path.write_text('{"key": "', encoding="utf-8")
    with pytest.warns(UserWarning, match="cannot be read") as caught:
        lyr = Song(audio, lyrics="hola", cache_dir=tmp_path).lyrics
    assert len(caught) == 1 and lyr.lines[0].text == "hola" and len(calls) == 2
    assert json.loads(path.read_text())["lines"][0]["text"] == "hola"          # written again
    assert Song(audio, lyrics="hola", cache_dir=tmp_path).lyrics == lyr and len(calls) == 2
