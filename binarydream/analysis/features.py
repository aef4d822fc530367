"""One pass over the signal's spectrogram, block by block, keeping only the small features the analysis reads.

A 20-minute song at 22050 Hz has a full STFT of about 400 MB; the analysis
never holds it. The STFT is computed in blocks of frames (the same frames
``librosa.stft(y, center=True)`` gives), and each block is reduced at once to a
mel spectrogram, band amplitudes, chroma and RMS.

Examples
--------
>>> import numpy as np
>>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
>>> f = spectral_features(y, sr=22050)
>>> f["mel"].shape, f["bands"].shape, f["chroma"].shape, f["rms"].shape
((128, 44), (3, 44), (12, 44), (44,))
>>> int(f["bands"][:, 22].argmax())                 # 440 Hz is in the mid band
1
"""

from __future__ import annotations

import numpy as np

from .envelopes import BANDS_HZ


def _frame_blocks(y: np.ndarray, *, n_fft: int, hop_length: int, block_frames: int):
    """Yield zero-padded signal slices whose ``center=False`` STFT gives frames ``f0..f1`` of the centred STFT."""
    n_frames = 1 + len(y) // hop_length
    half = n_fft // 2
    for f0 in range(0, n_frames, block_frames):
        f1 = min(n_frames, f0 + block_frames)
        start, stop = f0 * hop_length - half, (f1 - 1) * hop_length + half + (n_fft % 2)
        block = y[max(0, start):max(0, min(len(y), stop))]
        block = np.pad(block, (max(0, -start), max(0, stop - max(start, len(y)))))
        yield block


def spectral_features(y: np.ndarray, *, sr: int, n_fft: int = 2048, hop_length: int = 512, n_mels: int = 128,
                      block_frames: int = 2048) -> dict[str, np.ndarray]:
    """Mel power spectrogram, band amplitudes, chroma and RMS per STFT frame, computed block by block.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        Mono signal.
    sr : int
        Its sample rate.
    n_fft, hop_length : int
        STFT size and hop; frame ``k`` is centred on sample ``k * hop_length``.
    n_mels : int
        Mel bands.
    block_frames : int
        STFT frames held in memory at once.

    Returns
    -------
    dict with float32 arrays, each with ``1 + len(y) // hop_length`` columns:
        ``"mel"`` (n_mels, n) power; ``"bands"`` (3, n) amplitude in the bass,
        mid and treble bands of :data:`~binarydream.analysis.envelopes.BANDS_HZ`;
        ``"chroma"`` (12, n), each frame scaled to a maximum of 1; ``"rms"`` (n,).

    Examples
    --------
    >>> y = np.zeros(22050 * 2, np.float32)
    >>> spectral_features(y, sr=22050)["rms"].max()
    np.float32(0.0)
    """
    import librosa

    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
    chroma_basis = librosa.filters.chroma(sr=sr, n_fft=n_fft)
    band_masks = np.stack([(freqs >= low) & (freqs < (high or np.inf)) for low, high in BANDS_HZ.values()])
    band_masks = band_masks.astype(np.float32)
    mel, bands, chroma, rms = [], [], [], []
    for block in _frame_blocks(y, n_fft=n_fft, hop_length=hop_length, block_frames=block_frames):
        magnitude = np.abs(librosa.stft(block, n_fft=n_fft, hop_length=hop_length, center=False))
        rms.append(librosa.feature.rms(S=magnitude, frame_length=n_fft)[0].astype(np.float32))
        power = magnitude**2
        del magnitude
        mel.append((mel_basis @ power).astype(np.float32))
        bands.append(np.sqrt(band_masks @ power).astype(np.float32))
        chroma.append(librosa.util.normalize(chroma_basis @ power, norm=np.inf, axis=0).astype(np.float32))
    return {"mel": np.concatenate(mel, axis=1), "bands": np.concatenate(bands, axis=1),
            "chroma": np.concatenate(chroma, axis=1), "rms": np.concatenate(rms)}
