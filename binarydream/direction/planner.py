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

import numpy as np

from .. import timebase
from ..errors import ScheduleError
from ..schedule import Schedule
from .camera import CAMERA_CURVES, camera_curves, coherence_curves, tempo_curve
from .presets import PRESET_FIELDS, resolve_preset
from .prompts import DEFAULT_TEMPLATE, INSTRUMENTAL_TEMPLATE, prompt_keyframes, relative_energy

HAND_CURVES = CAMERA_CURVES + ("strength", "noise", "seed")
"""Curves ``plan`` accepts by hand (a keyframe string, a number, an array or a callable of t)."""

HAND_PROMPTS = ("prompts", "negative_prompts")
"""Prompt keyframes ``plan`` accepts by hand: ``{frame: [(text, weight), ...]}``."""


def _energy(analysis, preset) -> np.ndarray:
    if "rms" not in analysis.envelopes:
        warnings.warn("the analysis has no 'rms' envelope; planning with a constant medium energy", stacklevel=3)
        return np.full(analysis.n_frames, 0.5)
    return relative_energy(analysis.envelope("rms", attack=preset.energy_attack, release=preset.energy_release))


def plan(analysis, lyrics=None, *, style: str = "", preset="default", template=None, instrumental_template=None,
         lead_beats: float | None = None, blend_beats: float | None = None, **overrides):
    """Build a :class:`~binarydream.schedule.Schedule` from a song's analysis and lyrics.

    Prompts: one keyframe per lyric line at its start, ``lead_beats`` early, from
    ``template``; unsung stretches of at least ``instrumental_beats`` beats get one from
    their section. Camera: zoom, angle, translation and 3D rotation from the local
    tempo (so the camera speeds up with the song), energy, beats and sections, with a bounded change per frame. Strength and noise
    rise at section boundaries and prompt changes and stay low in between.

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
    times = timebase.frame_times(n_frames, fps)
    energy = _energy(analysis, p)
    sections = list(analysis.sections)
    local_tempo = tempo_curve(times, analysis.beats, analysis.local_bpm, default=tempo)

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
                     curves=camera_curves(times, energy, analysis.beats, analysis.downbeats, local_tempo,
                                          [s.start for s in sections], [s.label for s in sections], p, fps=fps),
                     bpm=tempo if tempo > 0 else None, beats=np.asarray(analysis.beats, dtype=np.float64),
                     sections=[(timebase.frame_at(s.start, fps), s.label) for s in sections],
                     blend_frames=int(round(blend_seconds * fps)))

    prompt_times = [frame / fps for frame in sched.prompts if frame > 0]
    section_times = [s.start for s in sections if s.start > 0]
    coherence = coherence_curves(times, energy, prompt_times, section_times, p, beat_seconds=beat_seconds,
                                 blend_seconds=blend_seconds)
    for name, values in coherence.items():
        sched[name] = values
    for name in HAND_CURVES:
        if name in overrides:
            sched[name] = overrides[name]
    return sched
