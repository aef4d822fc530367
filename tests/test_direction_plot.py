"""The timeline PNG, and planning end to end from a synthesised track through the real analysis."""

import numpy as np
import pytest
import soundfile as sf
from test_direction import synthetic_lyrics, synthetic_song

from alignment import Line, Lyrics
from binarydream import timebase
from binarydream.direction import plan, plot_timeline
from binarydream.direction.camera import CAMERA_CURVES, step_bounds
from binarydream.direction.presets import PRESETS


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_timeline_png_with_audio_lyrics_and_schedule(tmp_path):
    song = synthetic_song(fps=24)
    sr = 8000
    t = np.arange(int(song.duration * sr)) / sr
    sf.write(tmp_path / "song.wav", (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), sr)
    sched = plan(song, synthetic_lyrics())
    out = plot_timeline(tmp_path / "plots" / "timeline.png", song, audio_path=tmp_path / "song.wav",
                        lyrics=synthetic_lyrics(), schedule=sched)
    assert out == tmp_path / "plots" / "timeline.png"
    width, height = png_size(out)
    assert width >= 1600 and height >= 1000
    assert out.stat().st_size > 50_000  # seven lanes of curves and text, not a blank canvas
    assert [p.name for p in out.parent.iterdir()] == ["timeline.png"]  # no temporary file left behind


def test_timeline_without_schedule_is_shorter_and_refuses_to_overwrite_unless_asked(tmp_path):
    song = synthetic_song()
    full = plot_timeline(tmp_path / "full.png", song, schedule=plan(song, None))
    bare = plot_timeline(tmp_path / "bare.png", song)
    assert png_size(bare)[1] < png_size(full)[1]
    with pytest.raises(FileExistsError, match="bare.png exists"):
        plot_timeline(bare, song)
    assert plot_timeline(bare, song, schedule=plan(song, None), overwrite=True) == bare
    assert png_size(bare) == png_size(full)


def test_a_long_song_wraps_into_rows_of_about_a_minute_and_marks_hand_curves(tmp_path):
    from binarydream.direction.plot import rows

    assert rows(45.0) == [(0.0, 45.0)] and len(rows(240.0)) == 4 and len(rows(100.0)) == 2
    song, short = synthetic_song(duration=240.0), synthetic_song()
    sched = plan(song, None, zoom="0: (1 + 0.03*bass)")
    assert sched.hand_curves == ["zoom"]
    long = plot_timeline(tmp_path / "long.png", song, schedule=sched)
    one_row = plot_timeline(tmp_path / "short.png", short, schedule=plan(short, None))
    assert png_size(long)[0] == png_size(one_row)[0]             # the same width, however long the song
    assert png_size(long)[1] == pytest.approx(4 * png_size(one_row)[1], rel=0.02)


def test_plan_end_to_end_from_a_synthesised_track(tmp_path):
    from synth import SR, timbre_sections

    from binarydream.analysis import analyze

    y, _ = timbre_sections("ABA", 6.0, bpm=120.0)
    sf.write(tmp_path / "abA.wav", y, SR)
    analysis = analyze(tmp_path / "abA.wav", fps=24, cache_dir=False)
    lyrics = Lyrics([Line("first words", 1.0, 3.0, ()), Line("the bright part", 7.0, 9.5, ()),
                     Line("back again", 13.5, 16.0, ())])
    sched = plan(analysis, lyrics, style="watercolour", lead_beats=0)

    assert sched.n_frames == analysis.n_frames and sched.fps == 24
    for line in lyrics.lines:
        frame = timebase.frame_at(line.start, 24)
        assert any(abs(k - frame) <= 1 and sched.prompts[k][0][0].startswith(line.text) for k in sched.prompts)
    bounds = step_bounds(PRESETS["default"], 24)
    for name in CAMERA_CURVES:
        assert np.abs(np.diff(sched[name])).max() <= bounds[name] * (1 + 1e-9)
    assert [label for _, label in sched.sections][0] == analysis.sections[0].label
    assert sched.bpm == pytest.approx(analysis.tempo)
    assert 0.0 <= sched["strength"].min() and sched["strength"].max() <= 1.0


def test_uncertain_downbeats_are_drawn_dotted(tmp_path):
    """Downbeats the analysis is unsure of (confidence below WEAK_DOWNBEATS) are dotted; sure ones solid."""
    import dataclasses
    import re

    song = synthetic_song(fps=10)

    def dashed_lines(confidence):
        out = plot_timeline(tmp_path / f"timeline-{confidence}.svg",
                            dataclasses.replace(song, downbeat_confidence=confidence))
        return len(re.findall(r"stroke-dasharray", out.read_text()))

    assert dashed_lines(None) == dashed_lines(0.9) == 0
    assert dashed_lines(0.2) >= len(song.downbeats)
