"""Direction presets: every number the planner uses, in one frozen dataclass per style of motion.

Speeds are per second and converted to per-frame values for the song's frame
rate, so a schedule moves the same at 24 and at 60 fps. The comments give the
per-frame value at 30 fps, the unit the Deforum and Disco Diffusion users think
in (``zoom 1.02`` per frame).

Examples
--------
>>> from binarydream.direction.presets import PRESETS
>>> sorted(PRESETS)
['calm', 'default', 'energetic']
>>> PRESETS["calm"].zoom_rate < PRESETS["default"].zoom_rate < PRESETS["energetic"].zoom_rate
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Preset:
    """The numbers behind a plan; any field can be given to :func:`binarydream.direction.plan` by name.

    Examples
    --------
    >>> p = Preset(zoom_rate=0.3)
    >>> p.zoom_rate, p.reference_bpm
    (0.3, 120.0)
    """

    # Prompts
    lead_beats: float = 1.0           # a line's prompt starts this many beats early, so the image has formed
    blend_beats: float = 2.0          # a new prompt fades in over this many beats
    instrumental_beats: float = 8.0   # an unsung stretch at least this long gets its own prompt from its section
    mood_thresholds: tuple = (0.33, 0.66)  # relative energy (0 quietest, 1 loudest of the song) between moods
    energy_attack: float = 0.5        # seconds; smoothing of the rms envelope read as "energy"
    energy_release: float = 1.5
    section_energy: float = 0.7       # share of "energy" held at the section's level: a quiet break reads as one
    ends_energy: float = 0.6          # share of its energy an intro or outro keeps: the film opens and closes calmer

    # Base speed: rate * tempo_factor * (1 - energy_gain + energy_gain * energy)
    reference_bpm: float = 120.0      # tempo at which tempo_factor is 1
    tempo_exponent: float = 1.0       # tempo_factor = (tempo / reference_bpm) ** tempo_exponent ...
    tempo_factor_range: tuple = (0.5, 1.6)  # ... clipped to this range
    energy_gain: float = 0.6          # share of the speed that follows energy
    zoom_rate: float = 0.45           # log-zoom per second at factor 1: 1.015 per frame at 30 fps
    zoom_max: float = 1.04            # never faster than this per frame at 30 fps (1.07 was far too fast)
    angle_rate: float = 1.5           # degrees per second: 0.05 per frame at 30 fps (gentle: no dizziness)
    translation_rate: float = 15.0    # pixels per second (2D) along the section's heading
    translation_z_rate: float = 30.0  # depth units per second (3D renderers)
    rotation_3d_rate: float = 1.0     # degrees per second (3D renderers), along the section's heading

    # Beat pulses: an attack/release shape on each beat, larger on downbeats
    beat_pulse: float = 0.25          # added to the speed factor on a beat
    downbeat_pulse: float = 0.5       # added on a downbeat
    pulse_attack: float = 0.05        # seconds to the pulse's peak
    pulse_release: float = 0.35       # seconds (time constant) of its decay

    # Bounded change: no per-frame jump larger than these (units per second squared)
    zoom_slew: float = 3.0            # log-zoom/s^2: at most 0.0033 zoom change per frame at 30 fps
    angle_slew: float = 20.0          # degrees/s^2
    translation_slew: float = 150.0   # pixels/s^2
    translation_z_slew: float = 300.0
    rotation_3d_slew: float = 15.0
    turn_seconds: float = 2.0         # heading and rotation sense glide to a new section's over this long

    # Coherence: strength and noise low in between, high where new content comes in
    strength_base: float = 0.55       # between events
    strength_energy: float = 0.05     # louder passages change a little more
    strength_prompt: float = 0.15     # added at a prompt change
    strength_section: float = 0.25    # added at a section boundary
    noise_base: float = 0.02
    noise_prompt: float = 0.02
    noise_section: float = 0.04
    event_attack: float = 0.1         # seconds before an event that its rise starts
    event_release_beats: float = 2.0  # decay (time constant, beats) after it; at least the blend span is used
    # With stems (Song(stems=True)): pulses on the kick instead of every beat, and these
    vocal_calm: float = 0.35          # share of the speed taken off where nobody sings
    voice_release: float = 3.0        # seconds (time constant) the camera takes to calm after the singing stops
    strength_drums: float = 0.2       # added to strength where the drums come in after a rest
    drums_rest: float = 4.0           # seconds without drums before their return counts as coming in
    drums_in_release: float = 2.0     # seconds the drums' strength change lasts


PRESETS = {
    "calm": Preset(zoom_rate=0.25, zoom_max=1.02, angle_rate=0.8, translation_rate=8.0, translation_z_rate=15.0,
                   rotation_3d_rate=0.5, beat_pulse=0.1, downbeat_pulse=0.25, pulse_release=0.5,
                   energy_gain=0.4, blend_beats=4.0, strength_prompt=0.12, strength_section=0.2),
    "default": Preset(),
    "energetic": Preset(zoom_rate=0.7, zoom_max=1.05, angle_rate=3.0, translation_rate=30.0, translation_z_rate=60.0,
                        rotation_3d_rate=2.0, beat_pulse=0.5, downbeat_pulse=1.0, pulse_release=0.25,
                        energy_gain=0.8, blend_beats=1.0, zoom_slew=6.0, angle_slew=40.0, translation_slew=300.0,
                        translation_z_slew=600.0, rotation_3d_slew=30.0, strength_section=0.3),
}
"""The named presets ``plan(preset=...)`` accepts."""

PRESET_FIELDS = tuple(f.name for f in fields(Preset))
"""Every preset number, each also a keyword of :func:`binarydream.direction.plan`."""


MAX_NUMBER = 1e6
"""The largest preset number accepted: larger ones overflow frame counts and curves."""


def _number(name: str, value, default):
    # Values may come from a command line as text: "0.3", or "0.3,0.7" for a pair.
    try:
        if isinstance(default, tuple):
            parts = value.split(",") if isinstance(value, str) else value
            numbers = tuple(float(v) for v in parts)
            if len(numbers) != len(default):
                raise ValueError
        else:
            numbers = (float(value),)
        if not all(0 <= v <= MAX_NUMBER for v in numbers):  # also refuses nan
            raise ValueError
        return numbers if isinstance(default, tuple) else numbers[0]
    except (TypeError, ValueError):
        from ..errors import ScheduleError

        wanted = f"{len(default)} numbers like {','.join(f'{v:g}' for v in default)}" \
            if isinstance(default, tuple) else f"a number like {default:g}"
        raise ScheduleError(f"{name} must be {wanted}, got {value!r}: numbers from 0 to {MAX_NUMBER:g}") from None


def resolve_preset(preset, **overrides) -> Preset:
    """The preset named (or given), with ``overrides`` (numbers, or numbers as text) replacing its fields.

    Examples
    --------
    >>> resolve_preset("calm", zoom_rate=0.1).zoom_rate
    0.1
    >>> resolve_preset("default", mood_thresholds="0.2,0.8", blend_beats="4").mood_thresholds
    (0.2, 0.8)
    >>> resolve_preset("wild")
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: unknown preset 'wild'; choose one of calm, default, energetic
    """
    from ..errors import ScheduleError

    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ScheduleError(f"unknown preset {preset!r}; choose one of {', '.join(sorted(PRESETS))}")
        preset = PRESETS[preset]
    elif not isinstance(preset, Preset):
        raise ScheduleError(f"preset must be a name ({', '.join(sorted(PRESETS))}) or a Preset, "
                            f"got {type(preset).__name__}")
    return replace(preset, **{name: _number(name, value, getattr(preset, name)) for name, value in overrides.items()})
