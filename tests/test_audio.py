"""Decoding every format the package promises, at any rate and channel count, and the one-line errors for bad files."""

import subprocess

import numpy as np
import pytest
import soundfile as sf

from binarydream.audio import load_audio, probe_duration
from binarydream.errors import AudioError

SR = 22050


def _tone(seconds, sr, channels=1):
    t = np.arange(int(seconds * sr)) / sr
    y = 0.5 * np.sin(2 * np.pi * 440.0 * t).astype(np.float32)
    return y if channels == 1 else np.stack([y, 0.5 * y], axis=1)


@pytest.mark.parametrize(("ext", "native_sr", "channels"), [
    ("wav", 22050, 1), ("wav", 11025, 2), ("flac", 48000, 2), ("ogg", 44100, 1), ("mp3", 32000, 2),
    ("wav", 8000, 1),
])
def test_decodes_format_rate_and_channels(tmp_path, ext, native_sr, channels):
    path = tmp_path / f"song.{ext}"
    sf.write(path, _tone(3.0, native_sr, channels), native_sr)
    assert probe_duration(path) == pytest.approx(3.0, abs=0.06)
    y, sr = load_audio(path, sr=SR)
    assert sr == SR and y.dtype == np.float32 and y.ndim == 1
    assert len(y) / SR == pytest.approx(3.0, abs=0.06)
    spectrum = np.abs(np.fft.rfft(y[SR // 2: SR // 2 + SR]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 Hz bins: the tone survives decoding and resampling
    expected_peak = 0.5 if channels == 1 else 0.375            # stereo is mixed down as the channels' mean
    assert np.abs(y[SR:2 * SR]).max() == pytest.approx(expected_peak, rel=0.1)


def test_decodes_m4a_through_ffmpeg(tmp_path):
    import imageio_ffmpeg

    wav, m4a = tmp_path / "song.wav", tmp_path / "song.m4a"
    sf.write(wav, _tone(3.0, 44100, 2), 44100)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "96k",
                    str(m4a)], check=True)
    assert probe_duration(m4a) == pytest.approx(3.0, abs=0.1)
    y, sr = load_audio(m4a, sr=SR)
    assert len(y) / sr == pytest.approx(3.0, abs=0.1)
    assert np.argmax(np.abs(np.fft.rfft(y[SR // 2: SR // 2 + SR]))) == pytest.approx(440, abs=2)


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="not found"):
        probe_duration(tmp_path / "nope.mp3")


def test_not_audio(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("these are words, not sound\n" * 200)
    with pytest.raises(AudioError, match="not an audio file") as info:
        probe_duration(path)
    assert "\n" not in str(info.value)


def test_a_short_song_is_no_error(tmp_path):
    path = tmp_path / "blip.wav"
    sf.write(path, _tone(1.0, SR), SR)
    assert probe_duration(path) == pytest.approx(1.0)


def test_truncated_mp3_decodes_only_what_is_there(tmp_path):
    path = tmp_path / "cut.mp3"
    sf.write(tmp_path / "whole.mp3", _tone(8.0, SR), SR)
    data = (tmp_path / "whole.mp3").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert probe_duration(path) == pytest.approx(8.0, abs=0.1)   # the header still promises the whole song
    y, sr = load_audio(path, sr=SR)
    assert len(y) / sr < 5.0                                     # ...but only about half decodes, not zero padding


def test_mono_only():
    with pytest.raises(ValueError, match="mono=True"):
        load_audio("any.wav", mono=False)
