"""shared/API.md, walked through as a user would write it."""

from pathlib import Path

import numpy as np
import pytest

import alignment
from binarydream import Schedule, Song
from binarydream.keyframes import parse
from render_support import stream_durations, tiny_pipeline, write_song

EXAMPLE = Path(__file__).resolve().parents[1] / "examples"


def test_song_analysis_and_lyrics_as_the_api_says(tmp_path):
    song = Song(str(EXAMPLE / "dream_example.ogg"), lyrics=str(EXAMPLE / "dream_example.lrc"), fps=24)
    assert isinstance(song.duration, float) and song.fps == 24
    assert song.n_frames == round(song.duration * 24)
    a = song.analysis
    assert isinstance(a.tempo, float) and a.tempo == pytest.approx(100, rel=0.02)
    assert np.all(np.diff(a.beats) > 0) and set(a.downbeats) <= set(a.beats)
    assert [(s.label) for s in a.sections] == ["verse 1", "chorus", "verse 2", "chorus"]   # labelled by the lyrics
    assert [(s.group) for s in a.sections] == ["A", "B", "A", "B"]                         # the audio's clusters
    assert a.sections[0].start == 0.0 and a.sections[-1].end == pytest.approx(song.duration)
    for name in ("rms", "onset", "bass", "mid", "treble", "percussive", "harmonic"):
        envelope = a.envelope(name)
        assert envelope.dtype == np.float32 and envelope.shape == (song.n_frames,)
        assert envelope.min() >= 0.0 and envelope.max() <= 1.0
    assert isinstance(song.lyrics, alignment.Lyrics)
    line = song.lyrics.lines[0]
    assert (line.text, line.words[0].text) == ("I fell asleep inside a song", "I")
    assert alignment.load(song.lyrics.save(tmp_path / "lyrics.srt")).lines[0].text == line.text
    assert "[00:02.55]" in song.lyrics.to_lrc() and "00:00:02,550 -->" in song.lyrics.to_srt()


def test_keyframes_and_schedule_as_the_api_says(tmp_path):
    values = parse("0: (1.02), 10: (0.45)", n_frames=300, fps=30)
    assert values.shape == (300,) and values[5] == pytest.approx(0.735) and values[299] == 0.45

    song = Song(EXAMPLE / "dream_example.ogg", lyrics=EXAMPLE / "dream_example.lrc", fps=12)
    sched = song.plan(style="sad and tired cyberpunk, by greg rutkowski")
    assert all(isinstance(text, str) and isinstance(weight, float)
               for prompts in sched.prompts.values() for text, weight in prompts)
    for name in ("zoom", "angle", "translation_x", "translation_y", "translation_z",
                 "rotation_3d_x", "rotation_3d_y", "rotation_3d_z", "strength", "noise", "seed"):
        assert sched[name].shape == (song.n_frames,)
    sched["zoom"] = "0: (1.02), 10: (0.45)"
    sched["angle"] = np.zeros(song.n_frames)
    sched["translation_x"] = lambda t: np.sin(t)
    sched.save(tmp_path / "schedule.yaml")
    again = Schedule.load(tmp_path / "schedule.yaml")
    assert np.array_equal(again["zoom"], sched["zoom"]) and again.prompts == sched.prompts
    deforum = sched.to_deforum()
    assert np.allclose(parse(deforum["zoom"], n_frames=song.n_frames, fps=12), sched["zoom"])


@pytest.mark.filterwarnings("ignore:found no steady beat:UserWarning")  # a 2 s click-free test song
@pytest.mark.filterwarnings("ignore:the analysis has no tempo:UserWarning")  # the same song, no beats
def test_preview_and_render_as_the_api_says(tmp_path):
    song = Song(write_song(tmp_path / "track.wav", 2.0), fps=8)
    sched = song.plan(style="a dream")
    song.preview(str(tmp_path / "preview.mp4"), schedule=sched)
    pipe = tiny_pipeline(tmp_path / "tokenizer")
    song.render(str(tmp_path / "video.mp4"), schedule=sched, model=pipe, width=64, height=64, steps=2,
                cadence=1, resume=True, device=None)
    for video in ("preview.mp4", "video.mp4"):
        durations = stream_durations(tmp_path / video)
        assert durations["frames"] == song.n_frames == 16
        assert abs(durations["video"] - song.duration) <= 1 / 8
        assert abs(durations["audio"] - song.duration) <= 1 / 8
