"""Lyrics too long for the song, or with lines too long for Whisper: one line at once, or split with a warning."""
import numpy as np
import pytest

import alignment
from alignment.written import LINE_BYTES, fit_to_song, split_line
from alignment_support import FIXTURES, whisper_base_folder
from binarydream.errors import LyricsError

SIX_SECONDS = np.zeros(6 * 16000, np.float32)


def test_five_thousand_lines_on_six_seconds_are_refused_before_any_model_loads():
    lyrics = "\n".join(f"line number {k}" for k in range(5000))
    with pytest.raises(LyricsError) as error:  # the model named does not exist: loading it would fail otherwise
        alignment.align(SIX_SECONDS, lyrics, model="no/such/whisper-model", device="cpu")
    assert str(error.value) == ("the lyrics given has 15000 words for a song of 6.0 s: more than anyone sings "
                                "(10 words a second); give this song's lyrics, or its whole audio")


def test_twenty_thousand_characters_on_one_line_are_one_line():
    lyrics = ("hold me closer tiny dancer " * 800)[:20_000]
    with pytest.raises(LyricsError, match="words for a song of 6.0 s: more than anyone sings") as error:
        alignment.align(SIX_SECONDS, lyrics, model="no/such/whisper-model", device="cpu")
    assert "\n" not in str(error.value)
    unspaced = "夜空に" * 2000
    with pytest.raises(LyricsError, match="18000 bytes of text for a song of 6.0 s"):
        alignment.align(SIX_SECONDS, unspaced, model="no/such/whisper-model", device="cpu")


def test_long_lines_split_after_a_pause_then_between_words_then_characters():
    line = "and we run " * 12 + "we run, " + "and we run " * 17 + "tonight"  # 132 + 8 + 187 + 7 bytes
    parts = split_line(line)
    assert parts[0] == "and we run " * 12 + "we run,"  # the pause, not the last word that fits
    assert " ".join(parts) == line and all(len(p) <= LINE_BYTES for p in parts) and len(parts) == 2
    assert [len(p) for p in split_line("a" * 450)] == [200, 200, 50]
    assert split_line("夜空に、" * 30) == ["夜空に、" * 16, "夜空に、" * 14]  # 16 * 12 bytes = 192
    with pytest.warns(UserWarning, match=r"^song.txt: line 2 is longer than the aligner takes \(334 characters\): "
                                         r"split into 2 lines$"):
        text = fit_to_song(f"first\n{line}\n\nlast", 60.0, source="song.txt")
    assert text.splitlines() == ["first", *parts, "", "last"]


# The words are not sung in this clip: lines go unheard, or are placed with low confidence, and the warnings say so.
@pytest.mark.filterwarnings("ignore:of 10 lyric lines")
@pytest.mark.filterwarnings("ignore:.*lyric lines are placed with low confidence")
def test_a_line_past_whispers_448_tokens_is_split_and_aligned():
    line = "夜空に" * 200  # 600 characters, about 600 tokens on one line: CTranslate2 refused it
    with pytest.warns(UserWarning, match=r"line 1 is longer than the aligner takes \(600 characters\): split into "
                                         r"10 lines"):
        lyrics = alignment.align(FIXTURES / "en_chorus.ogg", line, model=str(whisper_base_folder()), device="cpu",
                                 language="en", snap_onsets=False)
    assert "".join(line.text for line in lyrics.lines) == "夜空に" * 200 and len(lyrics.lines) == 10
    assert all(0.0 <= line.start <= line.end <= 27.0 for line in lyrics.lines)
