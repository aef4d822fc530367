"""The timeline picture: the song and its schedule on one time axis, read at a glance.

Lanes from top to bottom: waveform with sections, beats and downbeats; lyric
lines; prompt keyframes; envelopes; zoom; the other camera curves; strength and
noise. Sections are coloured spans behind every lane, so a change of part is
visible all the way down.

Examples
--------
>>> plot_timeline("timeline.png", song.analysis, audio_path=song.path, lyrics=song.lyrics,
...               schedule=sched)  # doctest: +SKIP
PosixPath('timeline.png')
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import numpy as np

from .. import timebase

_WAVEFORM_SR = 2000
_ENVELOPES = ("rms", "onset", "bass", "treble", "percussive")
_MOVES = ("translation_x", "translation_y")


def _short(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(text.split()), width=max(int(width), 12), placeholder="…")


def _room(starts, chars_per_second: float, end: float, rows: int = 3) -> list:
    """Characters that fit after each label before the next label in its row (labels cycle through ``rows``)."""
    starts = list(starts)
    nexts = [starts[i + rows] if i + rows < len(starts) else end for i in range(len(starts))]
    return [(b - a) * chars_per_second for a, b in zip(starts, nexts)]


def _bins(n_samples: int, n_bins: int) -> np.ndarray:
    return np.linspace(0, n_samples, max(1, min(n_bins, n_samples)) + 1).astype(int)


def _waveform(analysis, audio_path, n_bins: int):
    """Per-bin (times, low, high) of the audio, or of the rms envelope mirrored when there is no audio."""
    if audio_path is not None:
        from ..audio import load_audio

        y, sr = load_audio(audio_path, sr=_WAVEFORM_SR)
        edges = _bins(y.size, n_bins)
        high, low = np.maximum.reduceat(y, edges[:-1]), np.minimum.reduceat(y, edges[:-1])
    else:
        y = np.asarray(analysis.envelopes.get("rms", np.zeros(analysis.n_frames)), dtype=np.float64)
        y, sr = (y, analysis.fps) if y.size else (np.zeros(1), 1.0)
        edges = _bins(y.size, n_bins)
        high = np.add.reduceat(y, edges[:-1]) / np.diff(edges)
        low = -high
    return (edges[:-1] + np.diff(edges) / 2) / sr, low, high


def _section_colours(labels):
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    distinct = list(dict.fromkeys(labels))
    return {label: cmap(i % 10) for i, label in enumerate(distinct)}


def _shade_sections(ax, sections, colours):
    for s in sections:
        ax.axvspan(s.start, s.end, color=colours[s.label], alpha=0.12, lw=0)
    for s in sections[1:]:
        ax.axvline(s.start, color=colours[s.label], lw=1.2, alpha=0.8)


def _draw_song(ax, analysis, audio_path, colours, n_bins):
    t, low, high = _waveform(analysis, audio_path, n_bins)
    peak = max(float(np.max(np.abs([low, high]))), 1e-9)
    ax.fill_between(t, low / peak, high / peak, color="0.35", lw=0)
    ax.vlines(analysis.beats, -1.45, -1.2, color="0.25", lw=0.6)
    ax.vlines(analysis.downbeats, -1.6, -1.2, color="crimson", lw=1.2)
    for s in analysis.sections:
        ax.text(s.start + 0.2, 1.25, s.label, color=colours[s.label], fontsize=11, fontweight="bold", va="bottom")
    ax.set_ylim(-1.65, 1.7)
    ax.set_yticks([])
    ax.set_ylabel("waveform\nbeats | downbeats", fontsize=8)


def _draw_lyrics(ax, lyrics, chars_per_second, duration):
    from alignment import LOW_SCORE

    lines = lyrics.lines if lyrics is not None else []
    rooms = _room([line.start for line in lines], chars_per_second, duration)
    for i, (line, room) in enumerate(zip(lines, rooms)):
        row = 2 - i % 3
        # Lines align() is unsure of (and warned about) stand out: those are the ones to fix by hand.
        colour = "crimson" if line.score is not None and line.score < LOW_SCORE else "navy"
        ax.plot([line.start, line.end], [row, row], color=colour, lw=3, solid_capstyle="butt")
        ax.text(line.start, row + 0.18, _short(line.text, room), fontsize=8, va="bottom", color=colour)
    if not lines:
        ax.text(0.5, 0.5, "no lyrics", transform=ax.transAxes, ha="center", va="center", color="0.5")
    ax.set_ylim(-0.4, 3.0)
    ax.set_yticks([])
    ax.set_ylabel("lyrics", fontsize=8)


def _draw_prompts(ax, schedule, colours, analysis, chars_per_second):
    starts = np.array([s.start for s in analysis.sections])
    keyframes = sorted(schedule.prompts.items())
    rooms = _room([frame / schedule.fps for frame, _ in keyframes], chars_per_second, analysis.duration)
    for i, ((frame, mix), room) in enumerate(zip(keyframes, rooms)):
        t = frame / schedule.fps
        section = analysis.sections[max(int(np.searchsorted(starts, t, side="right")) - 1, 0)] \
            if analysis.sections else None
        colour = colours[section.label] if section is not None else "black"
        row = 2 - i % 3
        ax.plot([t], [row], marker="v", color=colour, markersize=8)
        text = _short(" | ".join(p for p, _ in mix), room) if mix else ""
        ax.text(t, row + 0.25, text, fontsize=7, va="bottom", color="black", style="italic")
    ax.set_ylim(-0.4, 3.0)
    ax.set_yticks([])
    ax.set_ylabel(f"prompt keyframes\nblend {schedule.blend_frames} frames", fontsize=8)


def _draw_envelopes(ax, analysis, times):
    for name in _ENVELOPES:
        if name in analysis.envelopes:
            ax.plot(times, analysis.envelopes[name], lw=0.8, label=name)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("envelopes", fontsize=8)
    ax.legend(loc="upper right", fontsize=7, ncol=len(_ENVELOPES), framealpha=0.8)


def _draw_curves(axes, schedule, times):
    zoom_ax, move_ax, strength_ax = axes
    zoom_ax.plot(times, schedule["zoom"], color="darkgreen", lw=1)
    zoom_ax.set_ylabel("zoom\n(per frame)", fontsize=8, color="darkgreen")
    angle_ax = zoom_ax.twinx()
    angle_ax.plot(times, schedule["angle"], color="steelblue", lw=1)
    limit = max(float(np.max(np.abs(schedule["angle"]))) * 1.2, 1e-3)
    angle_ax.set_ylim(-limit, limit)
    angle_ax.axhline(0, color="steelblue", lw=0.5, ls="--")
    angle_ax.set_ylabel("angle\n(deg per frame)", fontsize=8, color="steelblue")
    angle_ax.tick_params(labelsize=8)
    for name in _MOVES:
        move_ax.plot(times, schedule[name], lw=1, label=name)
    move_ax.axhline(0, color="0.5", lw=0.5)
    move_ax.set_ylabel("translation\n(px per frame)", fontsize=8)
    move_ax.legend(loc="upper right", fontsize=7, ncol=2, framealpha=0.8)
    strength_ax.plot(times, schedule["strength"], color="purple", lw=1.2, label="strength")
    strength_ax.set_ylim(0, 1.02)
    strength_ax.set_ylabel("strength", fontsize=8, color="purple")
    noise_ax = strength_ax.twinx()
    noise_ax.plot(times, schedule["noise"], color="darkorange", lw=1, label="noise")
    noise_ax.set_ylim(0, max(float(np.max(schedule["noise"])) * 1.1, 1e-3))
    noise_ax.set_ylabel("noise", fontsize=8, color="darkorange")
    noise_ax.tick_params(labelsize=8)
    for frame in schedule.prompts:
        strength_ax.axvline(frame / schedule.fps, color="0.3", lw=0.6, ls=":")


def plot_timeline(path, analysis, *, audio_path=None, lyrics=None, schedule=None, overwrite: bool = False) -> Path:
    """Draw the song and its schedule on one timeline PNG.

    Parameters
    ----------
    path : str or Path
        Where the PNG goes (written atomically).
    analysis : binarydream.analysis.Analysis
        Beats, downbeats, sections and envelopes.
    audio_path : str or Path, optional
        The audio, for the waveform (decoded at a low rate); without it the rms envelope stands in.
    lyrics : alignment.Lyrics, optional
        Lyric lines drawn at their times.
    schedule : binarydream.schedule.Schedule, optional
        Prompt keyframes, camera curves, strength and noise; without it those lanes are left out.
    overwrite : bool
        Replace an existing file at ``path`` (a timeline is redrawn often); False refuses.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from binarydream.analysis import Analysis, Section
    >>> a = Analysis(duration=4.0, fps=10, tempo=120.0, beats=np.arange(0.0, 4.0, 0.5), downbeats=np.array([0.0, 2.0]),
    ...              beats_per_bar=4, sections=[Section(0.0, 2.0, "A"), Section(2.0, 4.0, "B")],
    ...              envelopes={"rms": np.linspace(0, 1, 40, dtype=np.float32)})
    >>> plot_timeline(os.path.join(tempfile.mkdtemp(), "t.png"), a).stat().st_size > 1000
    True
    """
    import matplotlib
    import matplotlib.ticker
    from matplotlib.figure import Figure

    from ..files import write_bytes_atomic

    duration = float(analysis.duration)
    width_in = float(np.clip(duration / 5.0, 16.0, 64.0))
    chars_per_second = width_in * 0.85 / max(duration, 1.0) / 0.075  # about 0.075 inch per character at 7-8 pt
    lanes = [("song", 2.2), ("lyrics", 1.1)]
    if schedule is not None:
        lanes.append(("prompts", 1.1))
    lanes.append(("envelopes", 1.4))
    if schedule is not None:
        lanes += [("zoom", 1.0), ("moves", 1.3), ("strength", 1.1)]
    fig = Figure(figsize=(width_in, sum(h for _, h in lanes) * 1.25 + 0.8), dpi=100, layout="constrained")
    axes = dict(zip([n for n, _ in lanes],
                    fig.subplots(len(lanes), 1, sharex=True, height_ratios=[h for _, h in lanes])))
    colours = _section_colours([s.label for s in analysis.sections])
    times = timebase.frame_times(analysis.n_frames, analysis.fps)
    for ax in axes.values():
        _shade_sections(ax, analysis.sections, colours)
        ax.grid(axis="x", color="0.85", lw=0.5)
        ax.tick_params(labelsize=8)

    _draw_song(axes["song"], analysis, audio_path, colours, n_bins=int(width_in * 100))
    _draw_lyrics(axes["lyrics"], lyrics, chars_per_second, duration)
    _draw_envelopes(axes["envelopes"], analysis, times)
    if schedule is not None:
        _draw_prompts(axes["prompts"], schedule, colours, analysis, chars_per_second)
        _draw_curves((axes["zoom"], axes["moves"], axes["strength"]), schedule, timebase.frame_times(
            schedule.n_frames, schedule.fps))
    last = list(axes.values())[-1]
    last.set_xlim(0, duration)
    last.set_xlabel("seconds", fontsize=9)
    last.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(10 if duration > 60 else 2))
    axes["song"].set_title(f"{analysis.tempo:.1f} BPM, {analysis.beats_per_bar} beats a bar, "
                           f"{len(analysis.beats)} beats, {len(analysis.sections)} sections, {analysis.fps:g} fps, "
                           f"{duration:.1f} s", fontsize=10, loc="left")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return write_bytes_atomic(path, buffer.getvalue(), overwrite=overwrite)
