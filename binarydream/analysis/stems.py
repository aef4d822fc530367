"""What the stems give the later stages: an envelope per stem and the drum hits, plain data at the video frame rate.

A stem's envelope is its loudness (RMS over about 46 ms, held for 0.1 s as a
note dies away) as a share of the stem's own loud level (its 99th
percentile), so the vocals read 1 where the singing is full and 0 where
nobody sings. A stem that is only ever quiet (the leak of a separator into a
song without drums) is measured against a quarter of the mix's loud level
instead, so it stays low rather than being scaled up to 1.

Examples
--------
>>> import numpy as np
>>> sr = 22050
>>> loud = np.sin(2 * np.pi * 220 * np.arange(2 * sr) / sr).astype(np.float32)
>>> stems = {"drums": np.zeros(2 * sr, np.float32), "bass": loud, "other": loud * 0.01,
...          "vocals": np.r_[np.zeros(sr), loud[:sr]].astype(np.float32)}
>>> sig = stem_signals(stems, sr, fps=4, n_frames=8)
>>> sig.envelopes["vocals"].round(1).tolist()
[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
>>> float(sig.envelopes["other"].max()) < 0.1, sig.hits["kick"].size
(True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .drums import HITS, drum_hits
from .envelopes import at_frames, smooth
from .separation import STEM_NAMES

FRAME_LENGTH = 1024
"""Samples of the RMS window (about 46 ms at 22050 Hz)."""

HOP_LENGTH = 256
"""Samples between RMS values (about 12 ms)."""

RELEASE = 0.1
"""Seconds the envelope takes to fall (time constant) after a note stops."""

QUIET_STEM = 0.25
"""A stem is measured against at least this share of the mix's loud level, so a stem that is never loud stays low."""


@dataclass(frozen=True)
class StemSignals:
    """Per-frame stem envelopes and drum-hit times: the keyframe signals ``stem(...)``, ``kick``, ``snare``, ``hats``.

    Parameters
    ----------
    envelopes : dict of str to np.ndarray
        :data:`~binarydream.analysis.separation.STEM_NAMES` to float32 of shape (n_frames,), in [0, 1].
    hits : dict of str to np.ndarray
        :data:`~binarydream.analysis.drums.HITS` to float64 seconds, ascending.

    Examples
    --------
    >>> s = StemSignals({"drums": np.zeros(3, np.float32)}, {"kick": np.array([0.5])})
    >>> s.hits["kick"].tolist()
    [0.5]
    """

    envelopes: dict = field(repr=False)
    hits: dict = field(repr=False)


def _rms(y: np.ndarray) -> np.ndarray:
    import librosa

    return librosa.feature.rms(y=y, frame_length=FRAME_LENGTH, hop_length=HOP_LENGTH)[0]


def stem_signals(stems: dict, sr: int, *, fps: float, n_frames: int) -> StemSignals:
    """The envelopes of the stems and the drum hits of the drum stem.

    Parameters
    ----------
    stems : dict of str to np.ndarray
        :data:`~binarydream.analysis.separation.STEM_NAMES` to mono float32 at ``sr``.
    sr : int
        Their sample rate.
    fps : float
        Video frame rate.
    n_frames : int
        Video frames.

    Returns
    -------
    StemSignals

    Examples
    --------
    >>> stems = {name: np.zeros(22050, np.float32) for name in STEM_NAMES}
    >>> s = stem_signals(stems, 22050, fps=10, n_frames=10)
    >>> s.envelopes["drums"].shape, s.hits["snare"].tolist()
    ((10,), [])
    """
    rms = {name: _rms(np.asarray(stems[name], dtype=np.float32)) for name in STEM_NAMES}
    mix_level = float(np.percentile(_rms(sum(np.asarray(stems[name], np.float32) for name in STEM_NAMES)), 99))
    envelopes = {}
    for name, values in rms.items():
        level = max(float(np.percentile(values, 99)), QUIET_STEM * mix_level, 1e-6)
        held = smooth(np.clip(values / level, 0.0, 1.0).astype(np.float32), sr / HOP_LENGTH, release=RELEASE)
        envelopes[name] = at_frames(held, sr=sr, hop_length=HOP_LENGTH, fps=fps, n_frames=n_frames).astype(np.float32)
    hits = drum_hits(stems["drums"], sr)
    return StemSignals(envelopes, {name: np.asarray(hits[name], dtype=np.float64) for name in HITS})
