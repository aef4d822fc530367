from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import alignment
from binarydream import AudioError, LyricsError, Song

EXAMPLE = Path(__file__).resolve().parents[1] / "examples"


def _clicks(path, seconds=6.0, sr=22050, bpm=120.0):
    y = np.zeros(int(seconds * sr), np.float32)
    for beat in np.arange(0.5, seconds - 0.1, 60.0 / bpm):
        start = int(beat * sr)
        y[start:start + 400] += np.hanning(400).astype(np.float32)
    sf.write(path, y, sr)
    return path


@pytest.mark.parametrize("fps", [24, 29.97, 30])
def test_frames_follow_the_duration(tmp_path, fps):
    song = Song(_clicks(tmp_path / "s.wav"), fps=fps, cache_dir=False)
    assert song.duration == pytest.approx(6.0)
    assert song.n_frames == round(6.0 * fps)
    assert song.analysis.envelope("rms").shape == (song.n_frames,)
    assert song.analysis.tempo == pytest.approx(120.0, rel=0.02)


def test_timed_lyrics_are_used_as_they_are():
    song = Song(EXAMPLE / "dream_example.ogg", lyrics=EXAMPLE / "dream_example.lrc", cache_dir=False)
    first = song.lyrics.lines[0]
    assert first.text == "I fell asleep inside a song"
    assert first.start == pytest.approx(2.55)
    assert song.lyrics is song.lyrics  # read once, then the same object


def test_ready_lyrics_pass_through_and_plain_text_goes_to_align(tmp_path, monkeypatch):
    ready = alignment.load(EXAMPLE / "dream_example.lrc")
    assert Song(EXAMPLE / "dream_example.ogg", lyrics=ready).lyrics is ready

    calls = []
    monkeypatch.setattr(alignment, "align", lambda audio, text, **options: calls.append((audio, text, options)) or ready)
    text_file = tmp_path / "words.txt"
    text_file.write_text("line one\nline two\n", encoding="utf-8")
    Song(EXAMPLE / "dream_example.ogg", lyrics=text_file, lyrics_model="/models/whisper", language="en").lyrics
    Song(EXAMPLE / "dream_example.ogg", lyrics="just one line sung").lyrics
    assert calls[0][1] == text_file  # alignment reads the file and tells paths from text
    assert calls[0][2]["model"] == "/models/whisper" and calls[0][2]["language"] == "en"
    assert calls[1][1] == "just one line sung"


def test_a_missing_lyrics_file_is_named():
    song = Song(EXAMPLE / "dream_example.ogg", lyrics="no/such/lyrics.lrc")
    with pytest.raises(LyricsError, match="lyrics file not found: no/such/lyrics.lrc"):
        song.lyrics


def test_bad_input_says_what_is_wrong(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        Song(tmp_path / "missing.mp3")
    with pytest.raises(ValueError, match="fps"):
        Song(EXAMPLE / "dream_example.ogg", fps=0)


def test_a_one_second_song_has_no_beats_and_says_so(tmp_path):
    song = Song(_clicks(tmp_path / "short.wav", seconds=1.0), cache_dir=False, beats="librosa")
    with pytest.warns(UserWarning, match="no steady beat"):
        analysis = song.analysis
    assert song.duration == pytest.approx(1.0) and song.n_frames == 30
    assert analysis.beats.size == 0 and analysis.tempo == 0.0


def test_the_cache_lives_where_the_user_says_and_can_be_switched_off(tmp_path, monkeypatch):
    path = _clicks(tmp_path / "s.wav")
    monkeypatch.setenv("BINARYDREAM_CACHE", str(tmp_path / "default"))
    Song(path).analysis
    assert any((tmp_path / "default").iterdir())
    Song(path, cache_dir=tmp_path / "mine").analysis
    assert any((tmp_path / "mine").iterdir())
    before = sorted(p.name for p in tmp_path.iterdir())
    Song(path, cache_dir=False).analysis
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (tmp_path / "s.wav.cache").exists()
