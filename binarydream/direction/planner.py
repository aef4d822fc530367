"""``plan``: the schedule a song's music and lyrics suggest, with anything given by hand kept as given.

Examples
--------
>>> import numpy as np
>>> from binarydream.analysis import Analysis, Section
>>> a = Analysis(duration=8.0, fps=10, tempo=90.0, beats=np.arange(0.0, 8.0, 2 / 3),
...              downbeats=np.arange(0.0, 8.0, 8 / 3), beats_per_bar=4,
...              sections=[Section(0.0, 4.0, "A"), Section(4.0, 8.0, "B")],
...              envelopes={"rms": np.full(80, 0.5, np.float32)})
>>> sched = plan(a, style="cyberpunk", zoom="0: (1.01)")
>>> sched["zoom"][:3].tolist(), sched.sections
([1.01, 1.01, 1.01], [(0, 'A'), (40, 'B')])
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from .. import timebase
from ..analysis.form import look_of
from ..errors import ScheduleError
from ..schedule import Schedule
from .camera import (CAMERA_CURVES, camera_expressions, coherence_expressions, energy_expression,
                     section_level_expression)
from .presets import PRESET_FIELDS, resolve_preset
from .prompts import DEFAULT_TEMPLATE, INSTRUMENTAL_TEMPLATE, energy_range, prompt_keyframes, relative_energy

HAND_CURVES = CAMERA_CURVES + ("strength", "noise", "seed")
"""Curves ``plan`` accepts by hand (a keyframe string, a number, an array or a callable of t)."""

HAND_PROMPTS = ("prompts", "negative_prompts")
"""Prompt keyframes ``plan`` accepts by hand: ``{frame: [(text, weight), ...]}``."""


def calm_ends(sections, share: float) -> list:
    """Sections with the intro's and outro's energy scaled by ``share``, so the film opens and closes calmer.

    Examples
    --------
    >>> from binarydream.analysis import Section
    >>> [s.energy for s in calm_ends([Section(0.0, 8.0, "intro", 0.8), Section(8.0, 16.0, "chorus", 0.8)], 0.5)]
    [0.4, 0.8]
    """
    from ..analysis.form import function_of

    return [replace(s, energy=s.energy * share) if s.energy is not None and function_of(s.label) in ("intro", "outro")
            else s for s in sections]


def _energy(analysis, sections, preset) -> tuple[np.ndarray, str]:
    """Relative energy per frame (for the prompts' moods) and the ``energy`` curve that says the same."""
    if "rms" not in analysis.envelopes:
        warnings.warn("the analysis has no 'rms' envelope; planning with a constant medium energy", stacklevel=3)
        return np.full(analysis.n_frames, 0.5), energy_expression("none", preset)
    smoothed = analysis.envelope("rms", attack=preset.energy_attack, release=preset.energy_release)
    held = section_energy(relative_energy(smoothed), sections, fps=analysis.fps, share=preset.section_energy)
    return held, energy_expression(energy_range(smoothed), preset)


def _section_level_curve(analysis, sections, preset) -> str:
    """The ``section_level`` curve the ``energy`` curve reads: each section's level, as :func:`section_levels`."""
    relative = relative_energy(analysis.envelope("rms", attack=preset.energy_attack, release=preset.energy_release)) \
        if "rms" in analysis.envelopes else np.full(analysis.n_frames, 0.5)
    levels = section_levels(relative, sections, fps=analysis.fps)
    firsts = [min(timebase.frame_at(s.start, analysis.fps), len(levels) - 1) for s in sections]
    return section_level_expression([s.start for s in sections], levels[firsts], preset)


def _stem_curves(analysis, preset) -> dict:
    """The helper curves the camera and strength read when the song has stems (``voice``, ``drums_in``); else none."""
    if getattr(analysis, "stems", None) is None:
        return {}
    from .stem_direction import drum_entries, drums_in_expression, voice_expression

    entries = drum_entries(analysis.stems.envelopes["drums"], fps=analysis.fps, rest_seconds=preset.drums_rest)
    return {"voice": voice_expression(preset), "drums_in": drums_in_expression(entries, preset)}


def section_energy(energy: np.ndarray, sections, *, fps: float, share: float) -> np.ndarray:
    """Per-frame energy with ``share`` of it held at each section's level.

    A section's level is its measured :attr:`~binarydream.analysis.Section.energy`,
    or the mean of ``energy`` over it where none was measured. Held levels keep
    a quiet breakdown quiet (mood, camera speed) through its louder moments and
    a chorus loud through its pauses.

    Examples
    --------
    >>> from binarydream.analysis import Section
    >>> e = np.r_[np.zeros(5), np.ones(5)]
    >>> section_energy(e, [Section(0.0, 1.0, "A", energy=0.0)], fps=10, share=0.5).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5]
    """
    energy = np.asarray(energy, dtype=np.float64)
    if not len(sections) or share <= 0:
        return energy
    return (1.0 - share) * energy + share * section_levels(energy, sections, fps=fps)


def section_levels(energy: np.ndarray, sections, *, fps: float) -> np.ndarray:
    """Each section's level held over its frames (measured energy, else the mean of ``energy`` over it)."""
    bounds = [min(timebase.frame_at(s.start, fps), len(energy)) for s in sections[1:]]
    pieces = np.split(np.asarray(energy, dtype=np.float64), bounds)
    levels = [s.energy if s.energy is not None else float(piece.mean()) if piece.size else 0.5
              for s, piece in zip(sections, pieces)]
    return np.concatenate([np.full(piece.size, level) for piece, level in zip(pieces, levels)])


def plan(analysis, lyrics=None, *, style: str = "", preset="default", template=None, instrumental_template=None,
         lead_beats: float | None = None, blend_beats: float | None = None, **overrides):
    """Build a :class:`~binarydream.schedule.Schedule` from a song's analysis and lyrics.

    Prompts: one keyframe per lyric line at its start, ``lead_beats`` early, from
    ``template``; unsung stretches of at least ``instrumental_beats`` beats get one from
    their section. Camera: zoom, angle, translation and 3D rotation from the local
    tempo (so the camera speeds up with the song), energy, beats and sections, with a bounded change per frame. Strength and noise
    rise at section boundaries and prompt changes and stay low in between.
    With stems (``analysis.stems``) the camera pulses on the kicks, calms where nobody sings, and strength
    rises where the drums come in (:mod:`binarydream.direction.stem_direction`).

    Every planned curve is a keyframe string of the song's signals (``pace``,
    ``energy``, ``pulse(beat, ...)``; see :mod:`binarydream.direction.camera`), so
    the saved schedule reads as text and gives the same values when loaded with its song.

    Parameters
    ----------
    analysis : binarydream.analysis.Analysis
        Tempo, beats, downbeats, sections and envelopes.
    lyrics : alignment.Lyrics or None
        Timed lyric lines; None plans from the sections alone.
    style : str
        Style words for the ``{style}`` field (e.g. "cyberpunk, by greg rutkowski").
    preset : str or Preset
        "calm", "default" or "energetic" (:data:`binarydream.direction.PRESETS`), or a Preset.
    template, instrumental_template : str or list of (str, float), optional
        Prompt templates for sung lines and for unsung stretches, with fields
        ``{line} {mood} {palette} {section} {motif} {style}``. Default: the scene
        prompt ``"{line}, {mood}, {style}"`` (weight 1) and ``"{palette} colour scheme"`` (0.5).
    lead_beats, blend_beats : float, optional
        How many beats before a line its prompt starts, and over how many beats a new
        prompt fades in (``Schedule.blend_frames``). Default: the preset's.
    **overrides
        A curve by hand (``zoom``, ``angle``, ``translation_x/y/z``, ``rotation_3d_x/y/z``,
        ``strength``, ``noise``, ``seed``: keyframe string, number, array or callable of t),
        kept exactly as given; ``prompts`` or ``negative_prompts`` as ``{frame: [(text, weight)]}``
        (hand prompts replace the automatic ones); or any preset number by name
        (:class:`~binarydream.direction.presets.Preset`, e.g. ``zoom_rate=0.3``).

    Returns
    -------
    binarydream.schedule.Schedule

    Raises
    ------
    ScheduleError
        An unknown keyword (the message lists the valid ones), preset or template field.

    Examples
    --------
    >>> import alignment  # doctest: +SKIP
    >>> sched = plan(song.analysis, alignment.load("song.lrc"), style="sad and tired cyberpunk",
    ...              preset="calm", lead_beats=0, angle="0: (0)")  # doctest: +SKIP
    """
    unknown = sorted(set(overrides) - set(HAND_CURVES) - set(HAND_PROMPTS) - set(PRESET_FIELDS))
    if unknown:
        valid = ("style, preset, template, instrumental_template, " + ", ".join(HAND_CURVES + HAND_PROMPTS)
                 + ", " + ", ".join(PRESET_FIELDS))
        raise ScheduleError(f"plan() got unknown option(s) {', '.join(unknown)}; valid options: {valid}")
    numbers = {k: v for k, v in overrides.items() if k in PRESET_FIELDS}
    numbers.update({k: v for k, v in (("lead_beats", lead_beats), ("blend_beats", blend_beats)) if v is not None})
    p = resolve_preset(preset, **numbers)

    fps, n_frames, tempo = analysis.fps, analysis.n_frames, float(analysis.tempo)
    if not (np.isfinite(tempo) and tempo > 0):
        warnings.warn(f"the analysis has no tempo ({tempo}); beats are taken at {p.reference_bpm:g} BPM", stacklevel=2)
    beat_seconds = 60.0 / (tempo if np.isfinite(tempo) and tempo > 0 else p.reference_bpm)
    sections = list(analysis.sections)
    calmed = calm_ends(sections, p.ends_energy)
    energy, energy_curve = _energy(analysis, calmed, p)

    if "prompts" in overrides:
        prompts = overrides["prompts"]
    else:
        prompts = prompt_keyframes(
            lyrics.lines if lyrics is not None else [], sections, energy, fps=fps, duration=analysis.duration,
            lead_seconds=p.lead_beats * beat_seconds, instrumental_seconds=p.instrumental_beats * beat_seconds,
            style=style, template=DEFAULT_TEMPLATE if template is None else template,
            instrumental_template=INSTRUMENTAL_TEMPLATE if instrumental_template is None else instrumental_template,
            mood_thresholds=p.mood_thresholds)
    blend_seconds = p.blend_beats * beat_seconds
    sched = Schedule(n_frames, fps, prompts=prompts, negative_prompts=overrides.get("negative_prompts"),
                     bpm=tempo if tempo > 0 else None, beats=np.asarray(analysis.beats, dtype=np.float64),
                     sections=[(timebase.frame_at(s.start, fps), s.label) for s in sections],
                     blend_frames=int(round(blend_seconds * fps))).bind(analysis, lyrics)
    stems = getattr(analysis, "stems", None) is not None
    pulse_on = "kick" if stems and len(analysis.stems.hits["kick"]) else "beat"
    curves = {"section_level": _section_level_curve(analysis, calmed, p), "energy": energy_curve,
              **_stem_curves(analysis, p),
              **camera_expressions(tempo, [s.start for s in sections], [look_of(s.label) for s in sections], p,
                                   fps=fps, stems=stems, pulse_on=pulse_on),
              **coherence_expressions(p, beat_seconds=beat_seconds, blend_seconds=blend_seconds, stems=stems)}
    for name, text in curves.items():
        sched[name] = text
    sched.mark_planned()
    for name in HAND_CURVES:
        if name in overrides:
            sched[name] = overrides[name]
    return sched
