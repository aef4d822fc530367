"""Camera and coherence curves, written as keyframe strings of the song's signals a person can read and edit.

The camera's pace follows the music (tempo and energy, with pulses on beats and
downbeats), its heading turns at section boundaries, and no value changes from
one frame to the next by more than a bound (``slew``), so a sudden hit never
becomes a lag spike on screen. Strength and noise rise where new content comes
in (section boundaries, prompt changes) and stay low in between, which keeps
the picture coherent.

Each function returns ``{curve name: keyframe string}``; the schedule evaluates
them against the song's signals, so the planned values are exactly what the
saved file says. Helper curves (``energy``, ``pace``, ``steady``, ``heading_x``,
``heading_y``, ``sense``) are read by name by the camera curves, so editing one
moves every curve that follows it.

Examples
--------
>>> from binarydream.direction.presets import Preset
>>> camera_expressions(120.0, [0.0, 8.0], ["A", "B"], Preset(), fps=30)["zoom"]
'0: (slew(exp(min(0.45*pace, 1.176)/fps), 0.003333))'
"""

from __future__ import annotations

import numpy as np

from ..keyframes.emit import format_number

GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
"""Radians between the headings of successive distinct section labels: never two alike."""

CAMERA_CURVES = ("zoom", "angle", "translation_x", "translation_y", "translation_z",
                 "rotation_3d_x", "rotation_3d_y", "rotation_3d_z")
"""The curves :func:`camera_expressions` builds."""

HELPER_CURVES = ("energy", "pace", "steady", "heading_x", "heading_y", "sense")
"""Curves the planned camera and coherence curves read by name."""


def number(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits, as a keyframe string writes it (no exponent).

    Examples
    --------
    >>> number(0.0033333333), number(1.0), number(-12.3456)
    ('0.003333', '1', '-12.35')
    """
    return format_number(float(f"{float(value):.{digits}g}"))


def _scaled(factor: float, expression: str) -> str:
    """``factor*expression``, or the expression alone when the factor is 1."""
    text = number(factor)
    return expression if text == "1" else f"{text}*{expression}"


def _times(factor: str, expression: str) -> str:
    """``factor*expression`` for a factor written as an expression, or the expression alone when it is ``"1"``."""
    return expression if factor == "1" else f"{factor}*{expression}"


def _down(value: float) -> str:
    """``value`` > 0 to 4 significant digits, rounded down: a bound written this way never allows more."""
    scale = 10.0 ** (3 - np.floor(np.log10(value))) if value > 0 else 1.0
    return format_number(np.floor(value * scale) / scale)


def tempo_factor(tempo: float, preset) -> str:
    """How much faster than at the preset's ``reference_bpm`` the camera moves: an expression of the local ``tempo``.

    The factor is ``(tempo / reference_bpm) ** tempo_exponent`` clipped to
    ``tempo_factor_range``, read at each frame from the song's local tempo, so
    the camera speeds up with a song that speeds up. A song without a tempo
    (``tempo`` 0: silence, no pulse) moves as one at the reference tempo.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> tempo_factor(72.0, Preset()), tempo_factor(0.0, Preset())
    ('clip(tempo/120, 0.5, 1.6)', '1')
    >>> tempo_factor(72.0, Preset(tempo_exponent=0.5))
    'clip((tempo/120)^0.5, 0.5, 1.6)'
    """
    p = preset
    if not (np.isfinite(tempo) and tempo > 0):
        return "1"
    ratio = f"tempo/{number(p.reference_bpm)}"
    if number(p.tempo_exponent) != "1":
        ratio = f"({ratio})^{number(p.tempo_exponent)}"
    lo, hi = p.tempo_factor_range
    return f"clip({ratio}, {number(lo)}, {number(hi)})"


def step_bounds(preset, fps: float) -> dict:
    """The largest change from one frame to the next that the planned camera curves make.

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


def energy_expression(energy_range, preset) -> str:
    """The ``energy`` curve: the smoothed rms envelope rescaled so quiet passages read 0 and loud ones 1.

    ``energy_range`` is ``(quiet, loud)`` of the smoothed envelope, None to keep its
    absolute values, or ``"none"`` when the song has no rms envelope (a constant 0.5).

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> energy_expression((0.1, 0.5), Preset(section_energy=0))
    '0: (clip((smooth(rms, 0.5, 1.5) - 0.1)/0.4, 0, 1))'
    >>> energy_expression((0.1, 0.5), Preset())   # most of it held at the section's level
    '0: (0.3*clip((smooth(rms, 0.5, 1.5) - 0.1)/0.4, 0, 1) + 0.7*section_level)'
    """
    if energy_range == "none":
        return "0: (0.5)"
    smoothed = f"smooth(rms, {number(preset.energy_attack)}, {number(preset.energy_release)})"
    if energy_range is None:
        return f"0: (clip({smoothed}, 0, 1))"
    lo, hi = energy_range
    follows = f"clip(({smoothed} - {number(lo)})/{number(hi - lo)}, 0, 1)"
    if preset.section_energy <= 0:
        return f"0: ({follows})"
    return f"0: ({number(1 - preset.section_energy)}*{follows} + {number(preset.section_energy)}*section_level)"


def section_level_expression(section_starts, levels, preset) -> str:
    """The ``section_level`` curve: each section's energy held through it, gliding to the next over ``turn_seconds``.

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> section_level_expression([0.0, 10.0], [0.9, 0.1], Preset())
    'cosine| 0: (0.9), 10s: (0.9), 12s: (0.1)'
    """
    return _glide(list(section_starts) or [0.0], list(levels) or [0.5], preset.turn_seconds)


def _glide(starts, values, turn_seconds: float) -> str:
    """A curve holding one value per section and gliding (raised cosine) to the next one after its start."""
    keys = [f"0: ({number(values[0])})"]
    for i in range(1, len(starts)):
        end = min(starts[i] + turn_seconds, starts[i + 1] if i + 1 < len(starts) else np.inf)
        keys += [f"{number(starts[i], 6)}s: ({number(values[i - 1])})", f"{number(end, 6)}s: ({number(values[i])})"]
    return "cosine| " + ", ".join(keys)


def camera_expressions(tempo: float, section_starts, section_labels, preset, *, fps: float, stems: bool = False,
                       pulse_on: str = "beat") -> dict:
    """Camera curves in Deforum's units (zoom factor, degrees and pixels per frame) and the helpers they read.

    2D renderers read zoom, angle and translation_x/y; 3D renderers read
    translation_x/y/z and rotation_3d_x/y/z (as in Deforum, each mode reads its own).
    A section's label picks its heading (the direction of travel) and the sense of
    rotation, so a part that recurs moves the same way each time. Zoom and
    translations pulse with the beats (``pace``); rotations follow the steady
    speed only (``steady``).

    Parameters
    ----------
    tempo : float
        The song's BPM; 0 when it has none. The curves read the local tempo
        (the ``tempo`` signal) at each frame.
    section_starts, section_labels : sequence
        Start time (seconds) and label of each section.
    preset : Preset
        The numbers (see :mod:`binarydream.direction.presets`).
    fps : float
        Frames per second, for the per-frame bounds.
    stems : bool
        The song has stems: the speed is calmed by ``vocal_calm`` where nobody
        sings (read from the ``voice`` helper curve, :mod:`~binarydream.direction.stem_direction`).
    pulse_on : str
        The events the speed pulses on besides the downbeats: ``"beat"``, or
        ``"kick"`` for a song with stems whose drums have kicks.

    Returns
    -------
    dict
        Name -> keyframe string, for :data:`CAMERA_CURVES` and the helpers ``pace``,
        ``steady``, ``heading_x``, ``heading_y``, ``sense`` (``energy`` comes from
        :func:`energy_expression`).

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> c = camera_expressions(60.0, [0.0], ["A"], Preset(), fps=30)
    >>> c["steady"], c["heading_x"]
    ('0: (clip(tempo/120, 0.5, 1.6)*(0.4 + 0.6*energy))', 'cosine| 0: (1)')
    """
    p = preset
    factor = tempo_factor(tempo, p)
    base = f"{number(1.0 - p.energy_gain)} + {number(p.energy_gain)}*energy"
    if stems:
        base = f"(1 - {number(p.vocal_calm)}*(1 - voice))*({base})"
    pulses = (f"{number(p.beat_pulse)}*pulse({pulse_on}, {number(p.pulse_release)}, "
              f"{number(p.pulse_attack)}) + "
              f"{number(p.downbeat_pulse)}*pulse(bar, {number(p.pulse_release)}, {number(p.pulse_attack)})")
    labels, starts = list(section_labels), list(section_starts)
    if not starts:
        labels, starts = ["A"], [0.0]
    distinct = list(dict.fromkeys(labels))
    order = np.array([distinct.index(label) for label in labels], dtype=np.float64)
    bounds = {name: _down(value) for name, value in step_bounds(p, fps).items()}
    zoom_cap = _down(np.log(p.zoom_max) * 30.0)

    def slewed(name, expression):
        return f"0: (slew({expression}, {bounds[name]}))"

    return {
        "pace": f"0: ({_times(factor, f'({base} + {pulses})')})",
        "steady": f"0: ({_times(factor, f'({base})')})",
        "heading_x": _glide(starts, np.cos(order * GOLDEN_ANGLE), p.turn_seconds),
        "heading_y": _glide(starts, np.sin(order * GOLDEN_ANGLE), p.turn_seconds),
        "sense": _glide(starts, np.where(order % 2 == 0, 1.0, -1.0), p.turn_seconds),
        "zoom": slewed("zoom", f"exp(min({_scaled(p.zoom_rate, 'pace')}, {zoom_cap})/fps)"),
        "angle": slewed("angle", f"{_scaled(p.angle_rate, 'steady')}*sense/fps"),
        "translation_x": slewed("translation_x", f"{_scaled(p.translation_rate, 'pace')}*heading_x/fps"),
        "translation_y": slewed("translation_y", f"{_scaled(p.translation_rate, 'pace')}*heading_y/fps"),
        "translation_z": slewed("translation_z", f"{_scaled(p.translation_z_rate, 'pace')}/fps"),
        "rotation_3d_x": slewed("rotation_3d_x", f"{_scaled(p.rotation_3d_rate, 'steady')}*heading_y/fps"),
        "rotation_3d_y": slewed("rotation_3d_y", f"{_scaled(p.rotation_3d_rate, 'steady')}*heading_x/fps"),
        "rotation_3d_z": slewed("rotation_3d_z", f"{_scaled(p.angle_rate, 'steady')}*sense/fps"),
    }


def coherence_expressions(preset, *, beat_seconds: float, blend_seconds: float = 0.0, stems: bool = False) -> dict:
    """Strength and noise: low in between, rising at prompt changes and section boundaries.

    Each event rises over ``event_attack`` s before it and decays with a time
    constant of ``event_release_beats`` beats (at least the blend span), while the
    new content fades in. Strength stays in [0, 1]. With ``stems``, strength
    also rises by ``strength_drums`` where the drums come in (the ``drums_in`` helper curve).

    Examples
    --------
    >>> from binarydream.direction.presets import Preset
    >>> coherence_expressions(Preset(), beat_seconds=0.5)["noise"]
    '0: (max(0.02 + 0.02*pulse(prompt, 1, 0.1) + 0.04*pulse(section, 1, 0.1), 0))'
    """
    p = preset
    release = number(max(p.event_release_beats * beat_seconds, blend_seconds, 1e-3))
    prompt = f"pulse(prompt, {release}, {number(p.event_attack)})"
    section = f"pulse(section, {release}, {number(p.event_attack)})"
    return {
        "strength": f"0: (clip({number(p.strength_base)} + {number(p.strength_energy)}*energy + "
                    f"{number(p.strength_prompt)}*{prompt} + {number(p.strength_section)}*{section}"
                    f"{f' + {number(p.strength_drums)}*drums_in' if stems else ''}, 0, 1))",
        "noise": f"0: (max({number(p.noise_base)} + {number(p.noise_prompt)}*{prompt} + "
                 f"{number(p.noise_section)}*{section}, 0))",
    }
