"""Camera and coherence curves: pure functions of per-frame arrays and explicit numbers.

The camera's speed follows the music (tempo and energy, with pulses on beats
and downbeats), its heading turns at section boundaries, and no value changes
from one frame to the next by more than a bound (a slew-rate limit), so a
sudden hit never becomes a lag spike on screen. Strength and noise rise where
new content comes in (section boundaries, prompt changes) and stay low in
between, which keeps the picture coherent.

Examples
--------
>>> import numpy as np
>>> times = np.arange(10) / 10
>>> pulse_train(times, [0.5], attack=0.1, release=0.2).round(2).tolist()
[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.61, 0.37, 0.22, 0.14]
>>> slew_limit(np.array([0.0, 1.0, 1.0, 0.0]), 0.4).round(2).tolist()
[0.0, 0.4, 0.8, 0.4]
"""

from __future__ import annotations

import numpy as np

GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
"""Radians between the headings of successive distinct section labels: never two alike."""

CAMERA_CURVES = ("zoom", "angle", "translation_x", "translation_y", "translation_z",
                 "rotation_3d_x", "rotation_3d_y", "rotation_3d_z")
"""The curves :func:`camera_curves` builds."""


def tempo_factor(tempo, *, reference_bpm: float = 120.0, exponent: float = 1.0, limits: tuple = (0.5, 1.6)):
    """How much faster than at ``reference_bpm`` the camera moves for a song at ``tempo`` BPM.

    ``tempo`` is one number or one per frame (:func:`tempo_curve`). A song
    without a tempo (0, silence) moves as one at the reference tempo.

    Examples
    --------
    >>> tempo_factor(60.0), tempo_factor(120.0), tempo_factor(300.0)
    (0.5, 1.0, 1.6)
    >>> tempo_factor(np.array([0.0, 90.0, 180.0])).tolist()
    [1.0, 0.75, 1.5]
    """
    tempo = np.asarray(tempo, dtype=np.float64)
    valid = np.isfinite(tempo) & (tempo > 0)
    ratio = np.where(valid, tempo, reference_bpm) / reference_bpm
    factor = np.where(valid, np.clip(ratio**exponent, *limits), 1.0)
    return float(factor) if factor.ndim == 0 else factor


def tempo_curve(times: np.ndarray, beats, local_bpm, *, default: float = 0.0, smooth_beats: int = 9) -> np.ndarray:
    """The local tempo in BPM at each frame, so the camera follows a song that speeds up or slows down.

    The tempo at each beat (:attr:`Analysis.local_bpm <binarydream.analysis.Analysis.local_bpm>`) is
    first the median over ``smooth_beats`` beats around it (one late beat is
    not a tempo change), then read at the frame times: linear between beats,
    held before the first and after the last. Without beats, ``default`` everywhere.

    Examples
    --------
    >>> beats = np.concatenate([np.arange(0.0, 10.0, 0.5), np.arange(10.0, 20.0, 0.25)])
    >>> bpm = np.concatenate([np.full(20, 120.0), np.full(40, 240.0)])
    >>> tempo_curve(np.array([0.0, 5.0, 15.0, 30.0]), beats, bpm).tolist()
    [120.0, 120.0, 240.0, 240.0]
    >>> tempo_curve(np.arange(3.0), [], [], default=90.0).tolist()
    [90.0, 90.0, 90.0]
    """
    import scipy.ndimage

    times = np.asarray(times, dtype=np.float64)
    beats = np.asarray(beats, dtype=np.float64)
    if beats.size == 0:
        return np.full(times.shape, float(default))
    steady = scipy.ndimage.median_filter(np.asarray(local_bpm, dtype=np.float64), size=smooth_beats, mode="nearest")
    return np.interp(times, beats, steady)


def pulse_train(times: np.ndarray, events, *, attack: float, release: float) -> np.ndarray:
    """A pulse of height 1 at each event time: linear rise over ``attack`` s, exponential decay after.

    Overlapping pulses take the larger value, so the train stays in [0, 1].

    Parameters
    ----------
    times : np.ndarray
        Frame times in seconds, ascending.
    events : array_like
        Event times in seconds (beats, downbeats, boundaries).
    attack, release : float
        Rise time and decay time constant in seconds (0 attack: a step up at the event).

    Returns
    -------
    np.ndarray, float64, same shape as ``times``

    Examples
    --------
    >>> pulse_train(np.arange(5) / 10, [0.2], attack=0.1, release=0.1).round(3).tolist()
    [0.0, 0.0, 1.0, 0.368, 0.135]
    """
    times = np.asarray(times, dtype=np.float64)
    train = np.zeros_like(times)
    release = max(float(release), 1e-6)
    for event in np.asarray(events, dtype=np.float64).ravel():
        lo, hi = np.searchsorted(times, [event - attack, event + 8.0 * release])
        t = times[lo:hi] - event
        rise = np.clip(1.0 + t / attack, 0.0, 1.0) if attack > 0 else (t >= 0).astype(np.float64)
        shape = np.where(t < 0, rise, np.exp(-np.maximum(t, 0.0) / release))
        train[lo:hi] = np.maximum(train[lo:hi], shape)
    return train


def slew_limit(values: np.ndarray, max_step: float) -> np.ndarray:
    """Follow ``values`` but never change by more than ``max_step`` from one frame to the next.

    Examples
    --------
    >>> slew_limit(np.array([1.0, 1.0, 2.0, 2.0]), 0.5).tolist()
    [1.0, 1.0, 1.5, 2.0]
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    if values.size == 0:
        return out
    step = float(max_step)
    current = out[0] = values[0]
    for i in range(1, values.size):
        current += min(max(values[i] - current, -step), step)
        out[i] = current
    return out


def section_glide(times: np.ndarray, starts, values, *, turn_seconds: float) -> np.ndarray:
    """A per-section value held through each section, gliding (raised cosine) to the next after its start.

    Parameters
    ----------
    times : np.ndarray
        Frame times in seconds.
    starts : array_like
        Section start times, ascending.
    values : array_like
        One value per section (scalars, or rows of a 2-D array such as heading vectors).
    turn_seconds : float
        How long the glide from one section's value to the next takes.

    Examples
    --------
    >>> section_glide(np.arange(6) / 1.0, [0.0, 2.0], [0.0, 1.0], turn_seconds=2.0).round(3).tolist()
    [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]
    """
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.float64)
    index = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(starts) - 1)
    out = values[index].copy()
    if turn_seconds <= 0:
        return out
    for i in range(1, len(starts)):
        inside = (times >= starts[i]) & (times < starts[i] + turn_seconds) & (index == i)
        w = 0.5 - 0.5 * np.cos(np.pi * (times[inside] - starts[i]) / turn_seconds)
        if values.ndim > 1:
            w = w[:, None]
        out[inside] = (1.0 - w) * values[i - 1] + w * values[i]
    return out


def speed_curve(times: np.ndarray, energy: np.ndarray, beats, downbeats, tempo, preset) -> np.ndarray:
    """How fast the camera moves at each frame, 1 being the preset's rate at the reference tempo.

    ``tempo`` is the song's BPM, one number or one per frame (:func:`tempo_curve`).

    ``tempo_factor * ((1 - energy_gain) + energy_gain * energy + beat pulses + downbeat pulses)``

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> t = np.arange(4) / 2
    >>> speed_curve(t, np.ones(4), [], [], 60.0, Preset()).tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    p = preset
    factor = tempo_factor(tempo, reference_bpm=p.reference_bpm, exponent=p.tempo_exponent,
                          limits=p.tempo_factor_range)
    beat_train = pulse_train(times, beats, attack=p.pulse_attack, release=p.pulse_release)
    downbeat_train = pulse_train(times, downbeats, attack=p.pulse_attack, release=p.pulse_release)
    base = (1.0 - p.energy_gain) + p.energy_gain * np.asarray(energy, dtype=np.float64)
    return factor * (base + p.beat_pulse * beat_train + p.downbeat_pulse * downbeat_train)


def step_bounds(preset, fps: float) -> dict:
    """The largest change from one frame to the next that :func:`camera_curves` lets each curve make.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> round(step_bounds(Preset(), 30)["zoom"], 5)
    0.00333
    """
    p, per_frame2 = preset, 1.0 / float(fps) ** 2
    return {"zoom": p.zoom_slew * per_frame2, "angle": p.angle_slew * per_frame2,
            "translation_x": p.translation_slew * per_frame2, "translation_y": p.translation_slew * per_frame2,
            "translation_z": p.translation_z_slew * per_frame2,
            "rotation_3d_x": p.rotation_3d_slew * per_frame2, "rotation_3d_y": p.rotation_3d_slew * per_frame2,
            "rotation_3d_z": p.angle_slew * per_frame2}


def camera_curves(times: np.ndarray, energy: np.ndarray, beats, downbeats, tempo,
                  section_starts, section_labels, preset, *, fps: float) -> dict:
    """Per-frame camera curves in Deforum's units: zoom factor, degrees and pixels per frame.

    2D renderers read zoom, angle and translation_x/y; 3D renderers read
    translation_x/y/z and rotation_3d_x/y/z (as in Deforum, each mode reads its own).
    A section's label picks its heading (the direction of travel) and the sense of
    rotation, so a part that recurs moves the same way each time. Zoom and
    translations pulse with the beats; rotations follow the steady speed only.

    Parameters
    ----------
    times, energy : np.ndarray
        Frame times (seconds) and the energy (in [0, 1]) at each frame.
    beats, downbeats : array_like
        Seconds.
    tempo : float or np.ndarray
        BPM: the song's, or the local tempo at each frame (:func:`tempo_curve`).
    section_starts, section_labels : sequence
        Start time and label of each section.
    preset : Preset
        The numbers (see :mod:`binarydream.direction.presets`).
    fps : float
        Frames per second: per-second speeds become per-frame values.

    Returns
    -------
    dict
        Name -> np.ndarray float64 of ``len(times)``, for each of :data:`CAMERA_CURVES`.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> t = np.arange(60) / 30
    >>> c = camera_curves(t, np.full(60, 0.5), [0.5, 1.0], [0.5], 60.0, [0.0], ["A"], Preset(), fps=30)
    >>> bool(1.0 < c["zoom"].min() < c["zoom"].max() < 1.04)
    True
    """
    p = preset
    speed = speed_curve(times, energy, beats, downbeats, tempo, p)
    # Turning on the beat is what makes viewers dizzy: rotation follows the steady speed, without pulses.
    steady = speed_curve(times, energy, [], [], tempo, p)
    distinct = list(dict.fromkeys(section_labels))
    order = np.array([distinct.index(label) for label in section_labels], dtype=np.float64)
    headings = np.stack([np.cos(order * GOLDEN_ANGLE), np.sin(order * GOLDEN_ANGLE)], axis=1)
    senses = np.where(order % 2 == 0, 1.0, -1.0)
    if len(section_starts) == 0:
        headings, senses, section_starts = np.array([[1.0, 0.0]]), np.array([1.0]), [0.0]
    heading = section_glide(times, section_starts, headings, turn_seconds=p.turn_seconds)
    sense = section_glide(times, section_starts, senses, turn_seconds=p.turn_seconds)

    zoom_rate = np.minimum(p.zoom_rate * speed, np.log(p.zoom_max) * 30.0)
    targets = {
        "zoom": np.exp(zoom_rate / fps),
        "angle": p.angle_rate * steady * sense / fps,
        "translation_x": p.translation_rate * speed * heading[:, 0] / fps,
        "translation_y": p.translation_rate * speed * heading[:, 1] / fps,
        "translation_z": p.translation_z_rate * speed / fps,
        "rotation_3d_x": p.rotation_3d_rate * steady * heading[:, 1] / fps,
        "rotation_3d_y": p.rotation_3d_rate * steady * heading[:, 0] / fps,
        "rotation_3d_z": p.angle_rate * steady * sense / fps,
    }
    bounds = step_bounds(p, fps)
    return {name: slew_limit(values, bounds[name]) for name, values in targets.items()}


def coherence_curves(times: np.ndarray, energy: np.ndarray, prompt_times, section_times, preset, *,
                     beat_seconds: float, blend_seconds: float = 0.0) -> dict:
    """Strength and noise: low in between, rising at prompt changes and section boundaries.

    Each event rises over ``event_attack`` s before it and decays with a time
    constant of ``event_release_beats`` beats (at least the blend span), while the
    new content fades in. Strength stays in [0, 1].

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> t = np.arange(100) / 10
    >>> c = coherence_curves(t, np.zeros(100), [], [5.0], Preset(), beat_seconds=0.5)
    >>> int(np.argmax(c["strength"])), round(float(c["strength"].min()), 2), round(float(c["strength"].max()), 2)
    (50, 0.55, 0.8)
    """
    p = preset
    release = max(p.event_release_beats * beat_seconds, blend_seconds, 1e-3)
    prompt_train = pulse_train(times, prompt_times, attack=p.event_attack, release=release)
    section_train = pulse_train(times, section_times, attack=p.event_attack, release=release)
    strength = (p.strength_base + p.strength_energy * np.asarray(energy, dtype=np.float64)
                + p.strength_prompt * prompt_train + p.strength_section * section_train)
    noise = p.noise_base + p.noise_prompt * prompt_train + p.noise_section * section_train
    return {"strength": np.clip(strength, 0.0, 1.0), "noise": np.maximum(noise, 0.0)}
