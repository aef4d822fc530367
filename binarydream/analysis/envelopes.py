"""Per-frame envelopes: feature curves at the analysis hop, normalised robustly and sampled at video frame times.

Features are computed at the hop of the spectrogram (``hop_length / sr``
seconds, about 23 ms) and then read at the times of the video frames,
``i / fps`` (:func:`binarydream.timebase.frame_times`), so no rounding
accumulates over a long song at any frame rate. Loudness is mapped to ``[0, 1]``
between two percentiles, so one loud hit does not flatten the rest of the song.

Examples
--------
>>> import numpy as np
>>> x = np.r_[np.zeros(50), np.ones(49), 100.0]      # one outlier
>>> normalize(x, percentiles=(5, 95))[[0, 60, 99]].tolist()
[0.0, 1.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from .. import timebase

BANDS_HZ = {"bass": (0.0, 250.0), "mid": (250.0, 4000.0), "treble": (4000.0, None)}
"""Frequency range of each band envelope (None: up to the Nyquist frequency)."""


def normalize(values: np.ndarray, *, percentiles=(5.0, 99.0)) -> np.ndarray:
    """Map ``values`` to ``[0, 1]``: the low percentile to 0, the high one to 1, clipped.

    When the two percentiles coincide (a sparse curve, mostly zero), the
    maximum takes the high one's place; a constant curve maps to zeros.

    Examples
    --------
    >>> normalize(np.array([0.0, 0.0, 0.0, 4.0]), percentiles=(5, 50)).tolist()
    [0.0, 0.0, 0.0, 1.0]
    >>> normalize(np.full(4, 3.0)).tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    values = np.asarray(values, dtype=np.float64)
    low, high = np.percentile(values, percentiles)
    if high - low <= 1e-12 * max(1.0, abs(high)):
        high = values.max()
    if high - low <= 1e-12 * max(1.0, abs(high)):
        return np.zeros(values.shape, dtype=np.float32)
    return np.clip((values - low) / (high - low), 0.0, 1.0).astype(np.float32)


def at_frames(values: np.ndarray, *, sr: float, hop_length: int, fps: float, n_frames: int) -> np.ndarray:
    """Read a feature curve (one value per hop, hop ``k`` at ``k * hop_length / sr`` s) at video frame times.

    Each video frame takes the largest value within half a frame of its time,
    so a short peak (an onset one hop wide) is never missed at a low frame
    rate, then values are interpolated linearly to the frame time ``i / fps``.

    Examples
    --------
    >>> x = np.zeros(100); x[43] = 1.0                   # a peak 1 s in, at sr/hop = 43 hops per second
    >>> y = at_frames(x, sr=43, hop_length=1, fps=10, n_frames=20)
    >>> int(y.argmax()), float(y.max())
    (10, 1.0)
    """
    import scipy.ndimage

    hops_per_frame = sr / hop_length / fps
    width = int(np.ceil(hops_per_frame)) | 1
    if width > 1:
        values = scipy.ndimage.maximum_filter1d(values, size=width, mode="nearest")
    hop_times = np.arange(len(values)) * (hop_length / sr)
    return np.interp(timebase.frame_times(n_frames, fps), hop_times, values).astype(np.float32)


def hpss_amplitudes(mel_power: np.ndarray, *, kernel_size=(31, 17), block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Amplitude per hop of the percussive and the harmonic part of a mel power spectrogram.

    Harmonic-percussive source separation (Fitzgerald's median filtering,
    :func:`librosa.decompose.hpss`) runs on the mel spectrogram rather than the
    full STFT: the same horizontal-versus-vertical split at a fraction of the
    memory and time, which is all an envelope needs. It runs on blocks of
    ``block`` hops with the time filter's context, which gives the same numbers
    as one call on the whole song in bounded memory.

    Returns
    -------
    percussive, harmonic : np.ndarray, float32, shape (n_hops,)

    Examples
    --------
    >>> S = np.zeros((40, 60)); S[10, :] = 1.0; S[:, 30] = 1.0   # a steady tone and one hit
    >>> p, h = hpss_amplitudes(S, kernel_size=(9, 9), block=16)
    >>> int(p.argmax()), bool(h[5] > p[5])
    (30, True)
    """
    import librosa

    n = mel_power.shape[1]
    half = kernel_size[0] // 2
    percussive, harmonic = np.empty(n, np.float32), np.empty(n, np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        low, high = max(0, start - half), min(n, stop + half)
        h, p = librosa.decompose.hpss(mel_power[:, low:high], kernel_size=kernel_size)
        percussive[start:stop] = np.sqrt(p[:, start - low:stop - low].sum(axis=0))
        harmonic[start:stop] = np.sqrt(h[:, start - low:stop - low].sum(axis=0))
    return percussive, harmonic


def smooth(values: np.ndarray, fps: float, *, attack: float = 0.0, release: float = 0.0) -> np.ndarray:
    """One-pole attack/release follower over a per-frame envelope (times in seconds).

    Where the input rises, the output moves towards it with time constant
    ``attack``; where it falls, with ``release``. A time of 0 follows at once.

    Examples
    --------
    >>> smooth(np.array([0, 1, 0, 0], np.float32), 10, release=0.1).astype(float).round(3).tolist()
    [0.0, 1.0, 0.368, 0.135]
    """
    rise = float(np.exp(-1.0 / (attack * fps))) if attack > 0 else 0.0
    fall = float(np.exp(-1.0 / (release * fps))) if release > 0 else 0.0
    out = np.empty(len(values), dtype=np.float32)
    level = float(values[0]) if len(values) else 0.0
    for i, target in enumerate(np.asarray(values, dtype=np.float64).tolist()):
        keep = rise if target > level else fall
        level = keep * level + (1.0 - keep) * target
        out[i] = level
    return out
