"""Synthetic audio with a known answer, for tests of the analysis and of later stages.

Every function returns a float32 mono signal (and, where there is one, the true
answer: beat times, downbeat times, section boundaries) so a test can compare
what the analysis finds with what was put in. Signals are short and cheap to
make; all randomness comes from a seeded generator.

Examples
--------
>>> y, beats = click_track(120, 4.0)
>>> y.dtype, y.shape, beats[:3].tolist()
(dtype('float32'), (88200,), [0.5, 1.0, 1.5])
"""

from __future__ import annotations

import numpy as np

SR = 22050
"""Sample rate of every synthetic signal unless a function is told otherwise."""


def _clicks(times, n_samples: int, sr: int, *, freq: float, gain: float) -> np.ndarray:
    import librosa

    return gain * librosa.clicks(times=np.asarray(times, dtype=float), sr=sr, click_freq=freq,
                                 click_duration=0.06, length=n_samples)


def beat_times(bpm: float, duration: float, *, start: float | None = None) -> np.ndarray:
    """Times of the beats of a steady pulse at ``bpm`` that fit in ``duration`` seconds.

    The first beat falls one beat period in (``start``), so no beat sits on the
    very edge of the signal.

    Examples
    --------
    >>> beat_times(60, 4.0).tolist()
    [1.0, 2.0, 3.0]
    """
    period = 60.0 / bpm
    first = period if start is None else start
    return np.arange(first, duration - 0.25 * period, period)


def click_track(bpm: float, duration: float, *, sr: int = SR, beats_per_bar: int | None = None,
                accent_gain: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """A click on every beat of a steady ``bpm`` pulse.

    With ``beats_per_bar``, the first beat of every bar (the first beat of the
    track included) is a louder, lower click: the accent that marks a downbeat.

    Returns
    -------
    y : np.ndarray, float32
    beats : np.ndarray, float64 seconds

    Examples
    --------
    >>> y, beats = click_track(90, 3.0)
    >>> beats.round(3).tolist()
    [0.667, 1.333, 2.0, 2.667]
    """
    n_samples = int(round(duration * sr))
    beats = beat_times(bpm, duration)
    y = _clicks(beats, n_samples, sr, freq=1000.0, gain=0.5)
    if beats_per_bar:
        downbeats = beats[::beats_per_bar]
        y += _clicks(downbeats, n_samples, sr, freq=150.0, gain=0.5 * accent_gain)
    return y.astype(np.float32), beats


def tempo_change_track(bpm_before: float, bpm_after: float, duration: float, *, change_at: float,
                       sr: int = SR) -> tuple[np.ndarray, np.ndarray]:
    """A click track whose tempo jumps from ``bpm_before`` to ``bpm_after`` at ``change_at`` seconds.

    Examples
    --------
    >>> y, beats = tempo_change_track(60, 120, 6.0, change_at=3.0)
    >>> beats.tolist()
    [1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]
    """
    before = np.arange(60.0 / bpm_before, change_at + 1e-9, 60.0 / bpm_before)
    after = np.arange(before[-1] + 60.0 / bpm_after, duration - 0.25 * 60.0 / bpm_after, 60.0 / bpm_after)
    beats = np.concatenate([before, after])
    n_samples = int(round(duration * sr))
    return _clicks(beats, n_samples, sr, freq=1000.0, gain=0.5).astype(np.float32), beats


def tone_bursts(bursts, duration: float, *, sr: int = SR, amplitude: float = 0.3) -> np.ndarray:
    """Sine bursts ``(freq_hz, start_s, end_s)`` on silence, with 2 ms ramps so their edges do not click.

    Examples
    --------
    >>> y = tone_bursts([(100.0, 0.5, 1.0)], 2.0)
    >>> float(np.abs(y[:11025]).max()), round(float(np.abs(y[11025 + 100:22050 - 100]).max()), 2)
    (0.0, 0.3)
    """
    n_samples = int(round(duration * sr))
    y = np.zeros(n_samples, dtype=np.float64)
    ramp = max(1, int(0.002 * sr))
    for freq, start, end in bursts:
        i0, i1 = int(round(start * sr)), int(round(end * sr))
        t = np.arange(i1 - i0) / sr
        envelope = np.minimum(1.0, np.minimum(np.arange(i1 - i0) + 1, np.arange(i1 - i0, 0, -1)) / ramp)
        y[i0:i1] += amplitude * envelope * np.sin(2 * np.pi * freq * t)
    return y.astype(np.float32)


def _section_a(n: int, sr: int, bpm: float, rng: np.random.Generator) -> np.ndarray:
    """Dark part: a low sawtooth-like drone with a kick (low thump and a short noise attack) on every beat."""
    t = np.arange(n) / sr
    drone = sum(np.sin(2 * np.pi * 110.0 * h * t) / h for h in range(1, 5))
    times = np.arange(0.0, n / sr, 60.0 / bpm)
    kicks = _clicks(times, n, sr, freq=80.0, gain=0.8)
    attack = int(0.01 * sr)
    for i0 in (times * sr).astype(int):
        kicks[i0:i0 + attack] += 0.3 * rng.standard_normal(len(kicks[i0:i0 + attack]))
    return 0.15 * drone + kicks + 0.002 * rng.standard_normal(n)


def _section_b(n: int, sr: int, bpm: float, rng: np.random.Generator) -> np.ndarray:
    """Bright part: a high major chord with hissing noise bursts on every beat."""
    t = np.arange(n) / sr
    chord = sum(np.sin(2 * np.pi * f * t) for f in (1318.5, 1661.2, 1975.5))
    hats = np.zeros(n)
    period = int(60.0 / bpm * sr)
    burst = int(0.05 * sr)
    for i0 in range(0, n - burst, period):
        hats[i0:i0 + burst] = rng.standard_normal(burst) * np.exp(-np.arange(burst) / (0.01 * sr))
    return 0.1 * chord + 0.3 * hats


def timbre_sections(pattern: str = "ABAB", section_seconds: float = 8.0, *, sr: int = SR, bpm: float = 120.0,
                    seed: int = 0) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Parts of distinct timbre in the order of ``pattern``: "A" a dark drone with kicks, "B" a bright chord with hats.

    Letters "A" and "B" are the two timbres; a repeated letter is the same
    part again, so the true answer is that equal letters share a section label.

    Returns
    -------
    y : np.ndarray, float32
    sections : list of (start_s, end_s, letter)

    Examples
    --------
    >>> y, sections = timbre_sections("ABA", 2.0)
    >>> sections
    [(0.0, 2.0, 'A'), (2.0, 4.0, 'B'), (4.0, 6.0, 'A')]
    """
    rng = np.random.default_rng(seed)
    n = int(round(section_seconds * sr))
    makers = {"A": _section_a, "B": _section_b}
    parts, sections = [], []
    for i, letter in enumerate(pattern):
        parts.append(makers[letter](n, sr, bpm, rng))
        sections.append((i * section_seconds, (i + 1) * section_seconds, letter))
    return np.concatenate(parts).astype(np.float32), sections


def tempo_beats(parts, *, start: float = 0.5) -> np.ndarray:
    """Beat times of a song made of ``parts``, each ``(bpm, n_beats)``, the first beat at ``start`` seconds.

    Examples
    --------
    >>> tempo_beats([(120, 3), (60, 2)]).tolist()
    [0.5, 1.0, 1.5, 2.0, 3.0]
    """
    periods = np.concatenate([np.full(int(n), 60.0 / bpm) for bpm, n in parts])
    return start + np.concatenate([[0.0], np.cumsum(periods)[:-1]])


def _decay(sr: int, seconds: float, rate: float) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return t, np.exp(-t * rate)


def _at_rate(sound: np.ndarray, sr: int) -> np.ndarray:
    """A sound made at :data:`SR`, resampled to ``sr``: the same sound at every rate.

    Noise made at the rate itself spreads its power up to that rate's Nyquist
    frequency: at 44.1 kHz half of a snare's noise, and most of a differenced
    hat's, would lie above the 11 kHz that a tracker listening at 22.05 kHz
    hears, and the band would sound different at each rate.

    Examples
    --------
    >>> sound = np.random.default_rng(0).standard_normal(SR)
    >>> _at_rate(sound, SR) is sound, _at_rate(sound, 2 * SR).shape
    (True, (44100,))
    """
    if sr == SR:
        return sound
    import soxr

    return soxr.resample(sound, SR, sr, quality="HQ")


def _add(y: np.ndarray, at: float, sound: np.ndarray, sr: int, gain: float = 1.0) -> None:
    i0 = int(round(at * sr))
    n = max(0, min(len(sound), len(y) - i0))
    y[i0:i0 + n] += gain * sound[:n]


_CHORDS = ((110.0, 130.8, 164.8), (87.3, 110.0, 130.8), (130.8, 164.8, 196.0), (98.0, 123.5, 146.8))
"""A minor, F major, C major, G major: one chord per bar, roots in the bass."""


def band_song(beats: np.ndarray, beats_per_bar: int = 4, *, half_time=(), sr: int = SR,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small band playing on the given beats: drums, bass and chords, with the downbeat on the first beat.

    Drums: in 4/4 a kick on 1 and 3 and a snare on 2 and 4, in 3/4 a kick on 1
    and light snares on 2 and 3; hats on every half beat. A bass note on the
    chord's root at each downbeat (and mid-bar in 4/4), a sustained chord per
    bar (A minor, F, C, G). Bars listed in ``half_time`` are a breakdown: a kick
    on 1 and a snare on 3, hats on the beats, so the groove feels half as fast
    while the beats (the true answer) go on.

    Returns
    -------
    y : np.ndarray, float32, peak 0.9
    downbeats : np.ndarray, float64 seconds (every ``beats_per_bar``-th beat from the first)

    Examples
    --------
    >>> beats = tempo_beats([(120, 8)])
    >>> y, downbeats = band_song(beats)
    >>> y.dtype, len(y) / SR, downbeats.tolist()
    (dtype('float32'), 5.0, [0.5, 2.5])
    """
    rng = np.random.default_rng(seed)
    beats = np.asarray(beats, dtype=np.float64)
    period = np.diff(beats, append=beats[-1] + (beats[-1] - beats[-2]))
    n = int(round((beats[-1] + period[-1] + 0.5) * sr))
    y = np.zeros(n)
    t, fall = _decay(sr, 0.3, 18.0)
    kick = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-t * 35)) / sr) * fall
    t_snare, fall_snare = _decay(SR, 0.3, 22.0)
    snare = (0.6 * rng.standard_normal(len(t_snare)) + 0.5 * np.sin(2 * np.pi * 185 * t_snare)) * fall_snare
    snare = _at_rate(snare, sr)
    t_hat, fall_hat = _decay(SR, 0.08, 70.0)
    hat = _at_rate(np.diff(rng.standard_normal(len(t_hat) + 1)) * fall_hat, sr)  # differenced noise: a cymbal's highs
    half_time = set(half_time)
    for i, (beat, gap) in enumerate(zip(beats, period)):
        bar, pos = divmod(i, beats_per_bar)
        if bar in half_time:
            hits = [(kick, 1.0)] if pos == 0 else [(snare, 0.8)] if pos == 2 else []
            hats = [(beat, 0.25)]
        elif beats_per_bar == 3:
            hits = [(kick, 1.0)] if pos == 0 else [(snare, 0.35)]
            hats = [(beat, 0.3), (beat + gap / 2, 0.15)]
        else:
            hits = [(kick, 1.0)] if pos % 2 == 0 else [(snare, 0.8)]
            hats = [(beat, 0.3), (beat + gap / 2, 0.15)]
        for sound, gain in hits:
            _add(y, beat, sound, sr, gain)
        for at, gain in hats:
            _add(y, at, hat, sr, gain)
        chord = _CHORDS[bar % len(_CHORDS)]
        if pos == 0 or (beats_per_bar == 4 and pos == 2):
            t_bass, fall_bass = _decay(sr, 2 * gap, 3.0)
            bass = (np.sin(2 * np.pi * chord[0] / 2 * t_bass) + 0.3 * np.sin(2 * np.pi * chord[0] * t_bass)) * fall_bass
            _add(y, beat, bass, sr, 0.5)
        if pos == 0:
            bar_seconds = float(np.sum(period[i:i + beats_per_bar]))
            t_pad = np.arange(int(bar_seconds * sr)) / sr
            swell = np.minimum(1.0, t_pad / 0.05) * np.minimum(1.0, (bar_seconds - t_pad) / 0.05)
            pad = sum(np.sin(2 * np.pi * 2 * f * t_pad) + 0.3 * np.sin(2 * np.pi * 4 * f * t_pad) for f in chord)
            _add(y, beat, pad * swell, sr, 0.06)
    y = 0.9 * y / np.abs(y).max()
    return y.astype(np.float32), beats[::beats_per_bar]


GROOVES = {
    # onset positions in beats from the start of the bar, per instrument; "bass" plays the bar's root
    "rock": {"kick": [0, 2, 2.5], "snare": [1, 3], "hat": [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], "bass": [0, 2, 2.5]},
    "ballad": {"kick": [0, 2.5], "snare": [1, 3], "hat": [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], "bass": [0, 2]},
    "country": {"kick": [0, 2], "snare": [1, 3], "strum": [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], "bass": [0, 2]},
    "house": {"kick": [0, 1, 2, 3], "snare": [1, 3], "hat": [0.5, 1.5, 2.5, 3.5], "bass": [0.5, 1.5, 2.5, 3.5]},
    "dnb": {"kick": [0, 2.5], "snare": [1, 3], "hat": [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], "bass": [0, 2.5]},
    "drums": {"kick": [0, 2], "snare": [1, 3], "hat": [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]},
    "halftime": {"kick": [0], "snare": [2], "hat": [0, 1, 2, 3], "bass": [0]},
    "waltz": {"bass": [0], "strum": [1, 2], "hat": [0, 1, 2]},
    "swing": {"ride": [0, 1, 1 + 2 / 3, 2, 3, 3 + 2 / 3], "hat": [1, 3], "kick": [0, 1, 2, 3], "bass": [0, 1, 2, 3]},
}
"""Drum, bass and strum patterns of :func:`groove_song` (positions in beats within a bar)."""

_ROOTS = (55.0, 43.65, 49.0, 41.2)   # A, F, G, E: the bass roots of a four-bar chord progression


def _hit(kind: str, root: float, rng: np.random.Generator) -> np.ndarray:
    """One drum or instrument stroke at :data:`SR`: a decaying pitched or noisy burst."""
    t = np.arange(int(0.25 * SR)) / SR
    noise = rng.standard_normal(len(t))
    if kind == "kick":
        return 0.9 * np.sin(2 * np.pi * (45 + 90 * np.exp(-t * 35)) * t) * np.exp(-t * 14)
    if kind == "snare":
        return (0.45 * noise * np.exp(-t * 22) + 0.3 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30))
    if kind == "hat":
        return 0.12 * np.diff(noise, prepend=0.0) * np.exp(-t * 90)
    if kind == "ride":
        return 0.1 * np.diff(noise, prepend=0.0) * np.exp(-t * 18)
    if kind == "bass":
        return 0.5 * np.tanh(2 * np.sin(2 * np.pi * root * t)) * np.exp(-t * 6)
    # a strummed chord on the bar's root: a major triad two octaves up, each string a little later
    return sum(0.08 * np.roll(np.sin(2 * np.pi * root * 4 * ratio * t), k * int(0.006 * SR)) * np.exp(-t * 9)
               for k, ratio in enumerate((1.0, 1.26, 1.5, 2.0)))


def groove_song(parts, *, sr: int = SR, seed: int = 0, gains_db=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A small band (drums, bass, strummed chords, a pad) playing ``parts`` one after the other.

    Each part is ``(groove, bpm, n_bars)``, ``groove`` a key of :data:`GROOVES`;
    a part of ``"waltz"`` has 3 beats a bar, the others 4. The chords change
    every bar (a pad holds each bar's chord), as they do in most songs.
    ``gains_db`` maps an instrument (a key of a groove: "kick", "hat", ...)
    to a level change in dB: the same band mixed differently.

    Returns
    -------
    y : np.ndarray, float32
    beats, downbeats : np.ndarray, float64 seconds

    Examples
    --------
    >>> y, beats, downbeats = groove_song([("rock", 120, 2), ("waltz", 90, 2)])
    >>> beats.round(2).tolist()
    [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.17, 5.83, 6.5, 7.17, 7.83]
    >>> downbeats.round(2).tolist()
    [0.5, 2.5, 4.5, 6.5]
    """
    rng = np.random.default_rng(seed)
    gains = {kind: 10.0 ** (db / 20.0) for kind, db in (gains_db or {}).items()}
    lead_in = 0.5
    bars = []                       # (start, beat period, beats in the bar, groove)
    start = lead_in
    for groove, bpm, n_bars in parts:
        n_beats = 3 if groove == "waltz" else 4
        for _ in range(n_bars):
            bars.append((start, 60.0 / bpm, n_beats, groove))
            start += n_beats * 60.0 / bpm
    n = int(round((start + 1.0) * sr))
    y = np.zeros(n)
    t = np.arange(n) / sr
    for i, (bar_start, period, n_beats, groove) in enumerate(bars):
        root = _ROOTS[i % len(_ROOTS)]
        i0, i1 = int(bar_start * sr), int((bar_start + n_beats * period) * sr)
        fade = np.minimum(1.0, np.minimum(np.arange(i1 - i0), np.arange(i1 - i0, 0, -1)) / (0.05 * sr))
        y[i0:i1] += 0.03 * fade * sum(np.sin(2 * np.pi * root * 8 * r * t[i0:i1]) for r in (1.0, 1.26, 1.5))
        for kind, positions in GROOVES[groove].items():
            for position in positions:
                j0 = int((bar_start + position * period) * sr)
                stroke = gains.get(kind, 1.0) * _at_rate(_hit(kind, root, rng), sr)[:n - j0]
                y[j0:j0 + len(stroke)] += stroke
    y += 0.003 * _at_rate(rng.standard_normal(int(np.ceil(n * SR / sr))), sr)[:n]
    beats = np.concatenate([s + p * np.arange(k) for s, p, k, _ in bars])
    downbeats = np.array([s for s, _, _, _ in bars])
    return (0.9 * y / np.abs(y).max()).astype(np.float32), beats, downbeats
