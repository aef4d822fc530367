"""Block-wise computations give exactly what one call on the whole signal gives."""

import librosa
import numpy as np

from binarydream.analysis.envelopes import hpss_amplitudes
from binarydream.analysis.features import spectral_features


def test_blocks_match_the_whole_stft():
    y = 0.1 * np.random.default_rng(0).standard_normal(22050 * 3 + 123).astype(np.float32)
    features = spectral_features(y, sr=22050, block_frames=37)
    power = np.abs(librosa.stft(y, n_fft=2048, hop_length=512, center=True)) ** 2
    mel = librosa.filters.mel(sr=22050, n_fft=2048) @ power
    assert features["mel"].shape == mel.shape == (128, 1 + len(y) // 512)
    np.testing.assert_allclose(features["mel"], mel, rtol=1e-4, atol=1e-6 * mel.max())
    rms = librosa.feature.rms(S=np.sqrt(power), frame_length=2048)[0]
    np.testing.assert_allclose(features["rms"], rms, rtol=1e-4)


def test_hpss_blocks_match_one_call():
    mel = np.random.default_rng(1).random((128, 1500)).astype(np.float32)
    whole = hpss_amplitudes(mel, block=10_000)
    blocked = hpss_amplitudes(mel, block=333)
    np.testing.assert_array_equal(whole[0], blocked[0])
    np.testing.assert_array_equal(whole[1], blocked[1])
