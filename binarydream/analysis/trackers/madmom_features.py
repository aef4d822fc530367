"""madmom's input features for its RNN beat and downbeat models, computed on whole arrays, the STFT shared.

Both models hear the same thing three ways: for each frame size (1024, 2048
and 4096 samples at 100 frames a second) a Hann-windowed magnitude
spectrogram, filtered into logarithmically spaced bands, ``log10(1 + x)``,
and beside it its positive difference over the frames whose windows overlap
by half. madmom builds each frame and its FFT in a Python loop, separately
for each model: about 8 s of a 3-minute song's analysis on this project's
2-core machine. Here the frames are strided views of the signal, the FFTs are
batched, and each frame size's spectrogram is computed once and filtered for
every model that asks for it. The settings are read from madmom's own
processors and the filterbanks are madmom's (:func:`branches`); the output
equals madmom's to float32 precision (``tests/test_analysis_trackers.py``).

Examples
--------
>>> beat_model, downbeat_model = ...                                 # doctest: +SKIP
>>> beat_features, downbeat_features = features(y, [branches(beat_model), branches(downbeat_model)])  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.fft

FRAMES_PER_FFT = 256
"""Frames transformed at once: bounds the float64 scratch to a few MiB whatever the signal's length."""


@dataclass(frozen=True)
class Branch:
    """One frame size's features in a madmom model's pre-processing (a FramedSignal-STFT-filter-log-diff chain)."""

    frame_size: int
    hop_size: int
    sample_rate: int
    bands_per_octave: int
    fmin: float
    fmax: float
    fref: float
    norm_filters: bool
    unique_filters: bool
    mul: float
    add: float
    diff_ratio: float


def branches(processor) -> tuple[Branch, ...]:
    """The feature branches of a madmom RNN processor (``RNNBeatProcessor``, ``RNNDownBeatProcessor``), in order.

    Examples
    --------
    >>> [b.frame_size for b in branches(RNNBeatProcessor())]  # doctest: +SKIP
    [1024, 2048, 4096]
    """
    signal, parallel, _ = processor.processors[0].processors
    found = []
    for chain in parallel.processors:
        framing, _, filtering, log, diff = chain.processors
        found.append(Branch(
            frame_size=framing.frame_size, hop_size=int(framing.hop_size), sample_rate=signal.sample_rate,
            bands_per_octave=filtering.num_bands, fmin=filtering.fmin, fmax=filtering.fmax, fref=filtering.fref,
            norm_filters=filtering.norm_filters, unique_filters=filtering.unique_filters,
            mul=log.mul, add=log.add, diff_ratio=diff.diff_ratio))
    return tuple(found)


def features(y: np.ndarray, models: list[tuple[Branch, ...]]) -> list[np.ndarray]:
    """Each model's features of the mono signal ``y`` (float32, at the branches' sample rate).

    Returns one ``(n_frames, n_features)`` float32 array per model, as the
    model's madmom pre-processor gives it: for each branch, the log filtered
    spectrogram then its positive difference, side by side.

    Examples
    --------
    >>> beat, downbeat = features(y, [branches(beat_model), branches(downbeat_model)])  # doctest: +SKIP
    """
    parts = [[None] * len(model) for model in models]
    for frame_size in sorted({branch.frame_size for model in models for branch in model}):
        spectrogram = None
        for m, model in enumerate(models):
            for b, branch in enumerate(model):
                if branch.frame_size != frame_size:
                    continue
                if spectrogram is None:
                    spectrogram = magnitudes(y, frame_size, branch.hop_size)
                log_bands = np.log10(spectrogram @ _filterbank(branch) * branch.mul + branch.add)
                parts[m][b] = np.hstack([log_bands, _positive_difference(log_bands, _diff_frames(branch))])
    return [np.hstack(model_parts) for model_parts in parts]


def magnitudes(y: np.ndarray, frame_size: int, hop_size: int) -> np.ndarray:
    """Magnitude spectrogram, ``(ceil(len(y) / hop_size), frame_size // 2)`` float32, as madmom frames and windows.

    Frame ``i`` is centred on sample ``i * hop_size``, zero-padded beyond the
    signal; Hann window; no Nyquist bin.

    Examples
    --------
    >>> y = np.sin(2 * np.pi * 1000 * np.arange(44100) / 44100).astype(np.float32)
    >>> spectrogram = magnitudes(y, 2048, 441)
    >>> spectrogram.shape, int(spectrogram[50].argmax())  # 1000 Hz is bin 1000 * 2048 / 44100
    ((100, 1024), 46)
    """
    n_frames = -(-len(y) // hop_size)
    half = frame_size // 2
    padded = np.zeros(half + n_frames * hop_size + half, np.float32)
    padded[half:half + len(y)] = y
    frames = np.lib.stride_tricks.sliding_window_view(padded, frame_size)[::hop_size][:n_frames]
    window = np.hanning(frame_size)
    out = np.empty((n_frames, half), np.float32)
    for start in range(0, n_frames, FRAMES_PER_FFT):
        spectrum = scipy.fft.rfft(frames[start:start + FRAMES_PER_FFT] * window, axis=1)[:, :half]
        out[start:start + FRAMES_PER_FFT] = np.abs(spectrum.astype(np.complex64))  # madmom's STFT is complex64
    return out


@functools.lru_cache(maxsize=16)
def _filterbank(branch: Branch) -> np.ndarray:
    from madmom.audio.filters import LogarithmicFilterbank
    from madmom.audio.stft import fft_frequencies

    frequencies = fft_frequencies(branch.frame_size // 2, branch.sample_rate)
    return np.asarray(LogarithmicFilterbank(
        frequencies, num_bands=branch.bands_per_octave, fmin=branch.fmin, fmax=branch.fmax, fref=branch.fref,
        norm_filters=branch.norm_filters, unique_filters=branch.unique_filters))


def _diff_frames(branch: Branch) -> int:
    """Frames between the two spectra a difference compares: madmom's rule, from the window's overlap."""
    from madmom.audio.spectrogram import _diff_frames

    return _diff_frames(branch.diff_ratio, hop_size=branch.hop_size, frame_size=branch.frame_size, window=np.hanning)


def _positive_difference(spectrogram: np.ndarray, lag: int) -> np.ndarray:
    diff = np.zeros_like(spectrogram)
    np.maximum(spectrogram[lag:] - spectrogram[:-lag], 0, out=diff[lag:])
    return diff
