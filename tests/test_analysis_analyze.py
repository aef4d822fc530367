"""``analyze`` on files: the contract's shapes, the cache, and the bad inputs."""

import warnings

import numpy as np
import pytest
import soundfile as sf
from synth import SR, click_track

import binarydream.analysis.core as core
from binarydream import timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, analyze
from binarydream.errors import AudioError


@pytest.fixture(scope="module")
def song_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("songs") / "clicks.flac"
    y, _ = click_track(120, 9.0, beats_per_bar=3)
    sf.write(path, y, SR)
    return path


def test_contract(song_path):
    a = analyze(song_path, fps=25)
    assert isinstance(a, Analysis) and a.duration == pytest.approx(9.0) and a.fps == 25
    assert a.n_frames == timebase.frame_count(9.0, 25) == 225
    assert a.tempo == pytest.approx(120, rel=0.02) and a.beats_per_bar == 3
    assert a.beats.dtype == np.float64 and np.isin(a.downbeats, a.beats).all()
    assert a.sections[0].start == 0.0 and a.sections[-1].end == a.duration
    assert set(a.envelopes) == set(ENVELOPE_NAMES)
    with pytest.raises(KeyError, match="rms"):
        a.envelope("loudness")


def test_cache_hit_skips_decoding(song_path, tmp_path, monkeypatch):
    first = analyze(song_path, fps=30, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("analysis-*.npz"))) == 1

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again despite the cache")

    monkeypatch.setattr(core, "load_audio", no_decoding)
    second = analyze(song_path, fps=30, cache_dir=tmp_path)
    assert second.tempo == first.tempo and second.sections == first.sections
    np.testing.assert_array_equal(second.beats, first.beats)
    for name in ENVELOPE_NAMES:
        np.testing.assert_array_equal(second.envelope(name), first.envelope(name))
    with pytest.raises(AssertionError, match="decoded again"):   # other parameters: another key
        analyze(song_path, fps=30, cache_dir=tmp_path, percentiles=(1, 99))


def test_no_cache_writes_nothing(song_path, tmp_path):
    analyze(song_path, fps=30, cache_dir=None)
    analyze(song_path, fps=30, cache_dir=False)
    assert not list(tmp_path.iterdir())


def test_unknown_parameter(song_path):
    with pytest.raises(TypeError, match="hop_length"):
        analyze(song_path, hop_lenght=256)


def test_silent_track_warns_and_has_no_beats(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(SR * 4, np.float32), SR)
    with pytest.warns(UserWarning, match="silent"):
        a = analyze(path, fps=30)
    assert a.beats.size == 0 and a.downbeats.size == 0 and a.tempo == 0.0
    assert a.envelope("rms").shape == (120,) and not a.envelope("rms").any()
    assert [(s.start, s.end) for s in a.sections] == [(0.0, 4.0)]


@pytest.mark.parametrize("beats", ["auto", "librosa"])
def test_one_second_song_warns_and_has_no_beats(tmp_path, beats):
    path = tmp_path / "blip.wav"
    sf.write(path, click_track(120, 1.0)[0], SR)                 # a click at 0.5 s: too short for a beat
    with pytest.warns(UserWarning, match="no steady beat"):
        a = analyze(path, fps=30, beats=beats)
    assert a.beats.size == 0 and a.downbeats.size == 0 and a.tempo == 0.0
    assert a.duration == pytest.approx(1.0) and a.envelope("onset").shape == (30,)
    assert [(s.start, s.end) for s in a.sections] == [(0.0, 1.0)]


@pytest.mark.parametrize(("name", "make", "message"), [
    ("missing.wav", None, "not found"),
    ("words.ogg", lambda p: p.write_text("not audio at all\n" * 100), "not an audio file"),
])
def test_bad_input_one_line_error(tmp_path, name, make, message):
    path = tmp_path / name
    if make:
        make(path)
    with pytest.raises(AudioError, match=message) as info:
        analyze(path)
    assert "\n" not in str(info.value)


def test_truncated_mp3(tmp_path):
    whole, cut = tmp_path / "whole.mp3", tmp_path / "cut.mp3"
    sf.write(whole, click_track(120, 8.0)[0], SR)
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AudioError, match="truncated") as info:
            analyze(cut)
    assert "\n" not in str(info.value)
