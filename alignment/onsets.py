"""Move recognised word starts onto the vocal onsets heard in the audio.

Whisper's word times come from its cross-attention and run early by about a
fifth of a second, unevenly. This module finds onsets in the vocal band
(250-4000 Hz, where the kick drum is not), estimates the recogniser's overall
offset as the shift that lines the word starts up best with strong onsets, and
then picks for each word, in order, the onset near its shifted start that is
strong and close, or keeps the shifted start when no onset fits (a Viterbi
pass, so two words never share an onset and their order is kept).

Whisper also tends to start the first word after a pause inside the pause (or
at the end of the previous word), hundreds of milliseconds early, far beyond
the common offset. Nobody sings in a pause: when the voice comes back after at
least :data:`PAUSE` seconds without it (harmonic energy in the vocal band, see
:func:`voiced_frames`) between the previous word's start and this word's end,
this word starts there. Over a dense mix whose instruments fill the
vocal band nothing reads as a pause and this step does nothing; separating the
vocals first (``vocals=True``) gives it the pauses back.

Examples
--------
>>> import numpy as np
>>> sr = 16000
>>> y = np.zeros(3 * sr, np.float32)
>>> y[sr:int(1.4 * sr)] = np.sin(np.arange(int(0.4 * sr)) * 2 * np.pi * 500 / sr)
>>> snapped = snap_onsets([Word("la", 0.82, 1.3, 0.9)], y, sr)
>>> abs(snapped[0].start - 1.0) < 0.03
True
"""

from __future__ import annotations

import numpy as np

from .lyrics import Word

HOP_SECONDS = 0.01
WINDOW = 0.3
"""Farthest, in seconds, a word start moves from the recogniser's time after the overall offset."""
PAUSE = 0.2
"""Seconds without voice that make a pause, after which the next word starts where the voice comes back."""
_SPREAD = 0.25     # seconds of distance that cost as much as the strongest onset gains
_MIN_WORD = 0.06   # seconds between the starts of two words
_VOICED_LEVEL = 0.35   # share of the way from the quiet floor to the loud top of the vocal band that is voice


def vocal_band(y: np.ndarray, sr: int) -> np.ndarray:
    """Mel power (40 bands, 250-4000 Hz) of the harmonic part of ``y``, one column per :data:`HOP_SECONDS`: what
    :func:`voiced_frames`, :func:`vocal_onsets` and :func:`snap_onsets` hear (computed once, given to each as ``band``).

    Examples
    --------
    >>> vocal_band(np.zeros(16000, np.float32), 16000).shape
    (40, 101)
    """
    import librosa

    hop = int(round(HOP_SECONDS * sr))
    # Drums are broadband clicks: keep the harmonic part (voiced sounds) so they do not pass for words.
    harmonic, _ = librosa.decompose.hpss(np.abs(librosa.stft(y, n_fft=4 * hop, hop_length=hop)) ** 2, margin=2.0)
    return librosa.feature.melspectrogram(S=harmonic, sr=sr, n_mels=40, fmin=250.0, fmax=4000.0)


def voiced_frames(y: np.ndarray, sr: int, *, band: np.ndarray | None = None) -> np.ndarray:
    """Whether each :data:`HOP_SECONDS` frame holds voice: harmonic vocal-band energy well above the quiet floor.

    The level is set between the track's own quiet floor (10th percentile, in
    dB) and loud top (95th), so it follows the mix rather than a fixed loudness.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros(32000, np.float32); y[16000:24000] = 0.5 * np.sin(np.arange(8000) * 0.2)
    >>> voiced = voiced_frames(y, 16000)
    >>> bool(voiced[90]), bool(voiced[120]), bool(voiced[170])
    (False, True, False)
    """
    import librosa

    band = vocal_band(y, sr) if band is None else band
    level = librosa.power_to_db(band.sum(axis=0), ref=np.max)
    floor, top = np.percentile(level, 10), np.percentile(level, 95)
    return level > floor + _VOICED_LEVEL * (top - floor)


def voice_returns(voiced: np.ndarray, *, pause: float = PAUSE) -> np.ndarray:
    """Times (seconds) where the voice comes back after at least ``pause`` seconds without it.

    Examples
    --------
    >>> voice_returns(np.array([False] * 30 + [True] * 10 + [False] * 5 + [True] * 5))
    array([0.3])
    """
    edges = np.flatnonzero(np.diff(np.concatenate([[True], voiced, [True]]).astype(np.int8)))
    quiet_starts, quiet_ends = edges[::2], edges[1::2]
    keep = (quiet_ends - quiet_starts) * HOP_SECONDS >= pause - 1e-9
    returns = quiet_ends[keep]
    return returns[returns < len(voiced)] * HOP_SECONDS


def vocal_onsets(y: np.ndarray, sr: int, *, band: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Onset times (seconds) in the vocal band and their strengths in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros(32000, np.float32); y[16000:20000] = 0.5 * np.sin(np.arange(4000) * 0.2)
    >>> times, strength = vocal_onsets(y, 16000)
    >>> abs(float(times[np.argmax(strength)]) - 1.0) <= 0.02
    True
    """
    import librosa

    hop = int(round(HOP_SECONDS * sr))
    mel = vocal_band(y, sr) if band is None else band
    envelope = librosa.onset.onset_strength(S=librosa.power_to_db(mel, ref=np.max), sr=sr, hop_length=hop,
                                            n_fft=4 * hop)
    frames = librosa.onset.onset_detect(onset_envelope=envelope, sr=sr, hop_length=hop, units="frames")
    scale = np.percentile(envelope[frames], 95) if len(frames) else 1.0
    # The flux peaks a frame or two after the sound starts: step back to where it begins to rise.
    starts = np.array([_rise_start(envelope, f) for f in frames], dtype=np.int64)
    return librosa.frames_to_time(starts, sr=sr, hop_length=hop), np.clip(envelope[frames] / (scale or 1.0), 0.0, 1.0)


def _rise_start(envelope: np.ndarray, frame: int) -> int:
    limit = envelope[frame] * 0.25
    while frame > 0 and envelope[frame - 1] > limit and envelope[frame - 1] <= envelope[frame]:
        frame -= 1
    return frame


def _common_offset(starts: np.ndarray, onsets: np.ndarray, strength: np.ndarray, window: float) -> float:
    """The shift that lines the word starts up best with strong onsets (a cross-correlation over shifts).

    Drum and other onsets fall at random distances from the words and average
    out; the recogniser's common lag does not.
    """
    shifts = np.arange(-window, window + 1e-9, HOP_SECONDS)
    distance = onsets[None, None, :] - (starts[None, :, None] + shifts[:, None, None])
    fit = (strength[None, None, :] * np.exp(-0.5 * (distance / 0.02) ** 2)).max(axis=2).sum(axis=1)
    return float(shifts[np.argmax(fit)])


def snap_onsets(words: list[Word], y: np.ndarray, sr: int, *, window: float = WINDOW,
                band: np.ndarray | None = None) -> list[Word]:
    """Words with their starts moved onto vocal onsets (see the module notes); ends follow, kept in order.

    Parameters
    ----------
    words : list of Word
        Recognised words in time order.
    y : np.ndarray
        The audio the words were recognised from, mono.
    sr : int
        Its sample rate.
    window : float
        Farthest a start moves, in seconds, beyond the overall offset.
    band : np.ndarray or None
        :func:`vocal_band` of ``y``, where already computed.

    Returns
    -------
    list of Word, same texts and scores.
    """
    if not words:
        return []
    band = vocal_band(y, sr) if band is None else band
    onsets, strength = vocal_onsets(y, sr, band=band)
    starts = np.array([w.start for w in words])
    if len(onsets) == 0:
        return list(words)
    offset = _common_offset(starts, onsets, strength, window)
    voiced = voiced_frames(y, sr, band=band)
    centres = starts + offset
    returns = voice_returns(voiced)
    for i, word in enumerate(words):
        # After the previous word's own (possibly moved) start: a return belongs to one word only.
        lo = max(word.start - window, centres[i - 1] if i else -np.inf)
        hi = min(word.end, words[i + 1].start + offset if i + 1 < len(words) else np.inf)
        near = returns[(returns > lo) & (returns < hi)]
        if len(near):
            centres[i] = near[np.argmin(np.abs(near - centres[i]))]
    # Viterbi over candidates: each word takes an onset within the window, or stays at its centre.
    choices, costs, back = [], [], []
    for i, centre in enumerate(centres):
        near = np.flatnonzero(np.abs(onsets - centre) <= window)
        times = np.concatenate([onsets[near], [centre]])
        cost = np.concatenate([np.abs(onsets[near] - centre) / _SPREAD - strength[near], [0.0]])
        if i == 0:
            total, pointer = cost, np.full(len(times), -1)
        else:
            prev_times, prev_total = choices[-1], costs[-1]
            allowed = times[:, None] - prev_times[None, :] >= _MIN_WORD
            options = np.where(allowed, prev_total[None, :], np.inf)
            pointer = np.argmin(options, axis=1)
            best = options[np.arange(len(times)), pointer]
            total = np.where(np.isfinite(best), best + cost, cost + 1e6)   # order cannot be kept: very costly
        choices.append(times)
        costs.append(total)
        back.append(pointer)
    k = int(np.argmin(costs[-1]))
    picked = [0.0] * len(words)
    for i in range(len(words) - 1, -1, -1):
        picked[i] = float(choices[i][k])
        k = int(back[i][k]) if i else k
    out = []
    for i, (word, start) in enumerate(zip(words, picked)):
        end = word.end + (start - word.start)
        if i + 1 < len(words):
            end = min(end, picked[i + 1])
        out.append(Word(word.text, round(start, 3), round(max(end, start + 0.02), 3), word.score))
    return out
