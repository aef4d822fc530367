"""Drum hits from a drum stem: when the kick, the snare and the hats are struck.

Each instrument owns a band of the spectrum: the kick the lows (30-150 Hz),
the snare the low mids where its shell rings and its wires rattle
(150-2500 Hz), the hats the highs (above 6 kHz). In each band a spectral flux
(the rise of the log-compressed mel spectrum from one 10 ms frame to the next,
summed over the band) peaks where that instrument is struck; peaks are picked
against the band's own typical hit, so a soft ghost note and the leak of a
neighbour's hit into the band (a kick's beater click in the mids, a snare's
wires in the highs) stay below the line. A stem, not a mix, is what makes this
work: in a mix the bass guitar and the pads strike the same bands.

The spectrogram is computed block by block, so a long song never holds it whole.

Examples
--------
>>> import numpy as np
>>> sr = 22050
>>> t = np.arange(int(0.3 * sr)) / sr
>>> kick = np.sin(2 * np.pi * (50 + 100 * np.exp(-t * 40)) * t) * np.exp(-t * 10)
>>> y = np.zeros(4 * sr)
>>> for at in (0.5, 1.5, 2.5):
...     y[int(at * sr):int(at * sr) + len(kick)] += kick
>>> hits = drum_hits(y.astype(np.float32), sr)
>>> hits["kick"].round(2).tolist(), hits["snare"].size
([0.5, 1.5, 2.5], 0)
"""

from __future__ import annotations

import numpy as np

HITS = ("kick", "snare", "hats")
"""The drum hits found in a drum stem, in the order of their bands from low to high."""

BANDS_HZ = {"kick": (30.0, 150.0), "snare": (150.0, 2500.0), "hats": (6000.0, 16000.0)}
"""Where in the spectrum each hit is heard (Hz)."""

HOP_SECONDS = 0.01
"""Spacing of the flux frames: hits are placed to 10 ms."""

THRESHOLD = 0.3
"""A band's flux peak must reach this share of the band's typical hit (the median of its strong peaks) to count."""

COMPRESSION = 1.0
"""Exponent on the mel magnitudes before the flux."""

LEAK_QUANTILE = 0.25
"""Quantile of the kick's share in a band above it taken as what a kick alone leaks there."""

LEAK_FACTOR = 2.0
"""A peak in a band above the kick counts when its flux is more than this many times what the kick leaks."""

MIN_GAP = 0.05
"""Shortest time between two hits of one instrument (seconds): a flam or a drag is one hit."""


def band_flux(y: np.ndarray, sr: int, *, block_frames: int = 4096) -> tuple[np.ndarray, float]:
    """Spectral flux per band of :data:`BANDS_HZ`: shape (3, n_frames), and the frame rate.

    Parameters
    ----------
    y : np.ndarray
        Mono drum stem.
    sr : int
        Its sample rate.
    block_frames : int
        STFT frames held at once.

    Examples
    --------
    >>> flux, rate = band_flux(np.zeros(22050, np.float32), 22050)
    >>> flux.shape, round(rate)
    ((3, 101), 100)
    """
    import librosa

    hop = int(round(HOP_SECONDS * sr))
    n_fft = int(2 ** np.ceil(np.log2(0.046 * sr)))
    mel = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=72, fmin=27.5, fmax=min(16000.0, sr / 2))
    centres = librosa.mel_frequencies(n_mels=74, fmin=27.5, fmax=min(16000.0, sr / 2))[1:-1]
    member = np.array([[lo <= f < hi for f in centres] for lo, hi in BANDS_HZ.values()], dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    n_frames = 1 + len(y) // hop
    flux = np.zeros((len(BANDS_HZ), n_frames), dtype=np.float32)
    previous = None
    half = n_fft // 2
    for f0 in range(0, n_frames, block_frames):
        f1 = min(n_frames, f0 + block_frames)
        start, stop = f0 * hop - half, (f1 - 1) * hop + half + 1
        block = np.pad(y[max(0, start):max(0, min(len(y), stop))], (max(0, -start), max(0, stop - max(start, len(y)))))
        spectrum = np.abs(librosa.stft(block, n_fft=n_fft, hop_length=hop, center=False))
        log_mel = (mel @ spectrum) ** COMPRESSION
        first = log_mel[:, :1] if previous is None else previous
        rise = np.maximum(np.diff(log_mel, axis=1, prepend=first), 0.0)
        flux[:, f0:f1] = (member @ rise)[:, :f1 - f0]
        previous = log_mel[:, -1:]
    return flux, sr / hop


def _candidates(odf: np.ndarray, rate: float) -> np.ndarray:
    """Frames of the local maxima of ``odf`` that rise above its local mean, at least :data:`MIN_GAP` apart."""
    import librosa

    wait = max(1, int(round(MIN_GAP * rate)))
    return librosa.util.peak_pick(odf, pre_max=wait, post_max=wait, pre_avg=int(0.1 * rate),
                                  post_avg=int(0.1 * rate) + 1, delta=1e-6 * float(odf.max()), wait=wait)


def _strong(odf: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The frames whose peak reaches :data:`THRESHOLD` of the band's typical peak (the median of its strong ones)."""
    if frames.size == 0:
        return frames
    heights = odf[frames]
    typical = float(np.median(heights[heights >= 0.25 * heights.max()]))
    return frames[heights >= THRESHOLD * typical]


def _near(odf: np.ndarray, frames: np.ndarray, reach: int = 2) -> np.ndarray:
    """The largest value of ``odf`` within ``reach`` frames of each frame."""
    index = np.clip(frames[:, None] + np.arange(-reach, reach + 1), 0, len(odf) - 1)
    return odf[index].max(axis=1)


def _not_leaked(flux_here: np.ndarray, flux_kick: np.ndarray, frames: np.ndarray, kicks: np.ndarray) -> np.ndarray:
    """Drop the peaks of a band that a kick explains: no more flux than a kick alone leaks into the band.

    A kick alone leaks a fairly fixed share of its flux into the band above it
    (its beater click, the top of its pitch sweep); that share is read off the
    song's own kicks (a low quantile of the ratio at the kick hits, so the
    kicks played together with this instrument do not raise it).
    """
    if frames.size == 0 or kicks.size == 0:
        return frames
    share = float(np.quantile(_near(flux_here, kicks) / np.maximum(flux_kick[kicks], 1e-12), LEAK_QUANTILE))
    return frames[_near(flux_here, frames, 0) > LEAK_FACTOR * share * _near(flux_kick, frames)]


def drum_hits(y: np.ndarray, sr: int) -> dict[str, np.ndarray]:
    """Times (seconds, ascending) of the kick, snare and hat hits in a drum stem.

    Parameters
    ----------
    y : np.ndarray
        The drum stem, mono.
    sr : int
        Its sample rate (22050 Hz or more, so the hats are heard).

    Returns
    -------
    dict
        ``{"kick": times, "snare": times, "hats": times}``, float64 seconds; an
        empty array for an instrument not heard (a silent stem has no hits).

    Examples
    --------
    >>> drum_hits(np.zeros(22050, np.float32), 22050)["kick"].tolist()
    []
    """
    y = np.asarray(y, dtype=np.float32)
    if not np.any(np.abs(y) > 1e-4):
        return {name: np.zeros(0) for name in HITS}
    flux, rate = band_flux(y, sr)
    kicks = _strong(flux[0], _candidates(flux[0], rate))
    # the snare band's typical peak is taken before the kick's leaks are dropped, so that what is left after
    # dropping them (in a song without a snare: nothing but small ripples) is not measured against itself
    snares = _not_leaked(flux[1], flux[0], _strong(flux[1], _candidates(flux[1], rate)), kicks)
    hats = _strong(flux[2], _candidates(flux[2], rate))
    hits = {"kick": kicks, "snare": snares, "hats": hats}
    return {name: frames / rate for name, frames in hits.items()}
