"""The timeline picture: the song and its schedule on one time axis, read at a glance.

Lanes from top to bottom: waveform with sections, beats and downbeats (dotted,
and named in the title, where the analysis says they are uncertain); lyric
lines; prompt keyframes; envelopes with each section's energy; with stems, the
stem envelopes and the drum hits (:mod:`.plot_stems`); zoom; the other
camera curves; strength and noise. Sections are coloured spans behind every
lane, one colour per label, so a change of part is visible all the way down;
each is named with its label, audio group and energy level ("bridge (C) low"). A
long song wraps into rows of about a minute, each with every lane, so the
picture reads on a screen; curves set by hand are drawn dashed and labelled
apart from planned ones.

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
from .plot_stems import draw_hits, draw_stems, stem_lanes

_WAVEFORM_SR = 2000
ROW_SECONDS = 60.0
"""About how many seconds of the song one row of the timeline shows."""
WIDTH_INCHES = 20.0
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
    for s in sections:   # louder sections shade deeper
        alpha = 0.12 if s.energy is None else 0.05 + 0.15 * s.energy
        ax.axvspan(s.start, s.end, color=colours[s.label], alpha=alpha, lw=0)
    for s in sections[1:]:
        ax.axvline(s.start, color=colours[s.label], lw=1.2, alpha=0.8)


def _weak_downbeats(analysis) -> bool:
    """Whether the analysis says its downbeats are uncertain (drawn dotted and named in the title)."""
    from ..analysis.grid import WEAK_DOWNBEATS

    confidence = getattr(analysis, "downbeat_confidence", None)
    return confidence is not None and confidence < WEAK_DOWNBEATS


def _draw_song(ax, analysis, waveform, colours):
    t, low, high = waveform
    peak = max(float(np.max(np.abs([low, high]))), 1e-9)
    ax.fill_between(t, low / peak, high / peak, color="0.35", lw=0)
    ax.vlines(analysis.beats, -1.45, -1.2, color="0.25", lw=0.6)
    weak = _weak_downbeats(analysis)
    ax.vlines(analysis.downbeats, -1.6, -1.2, color="crimson", lw=1.2, linestyles="dotted" if weak else "solid",
              alpha=0.5 if weak else 1.0)
    for s in analysis.sections:
        name = s.label + (f" ({s.group})" if s.group and s.group != s.label else "") \
            + ("" if s.energy is None else f" {s.level}")
        ax.text(s.start + 0.2, 1.25, name, color=colours[s.label], fontsize=11, fontweight="bold", va="bottom",
                clip_on=True)
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
        ax.text(line.start, row + 0.18, _short(line.text, room), fontsize=8, va="bottom", color=colour,
                clip_on=True)
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
        ax.text(t, row + 0.25, text, fontsize=7, va="bottom", color="black", style="italic", clip_on=True)
    ax.set_ylim(-0.4, 3.0)
    ax.set_yticks([])
    ax.set_ylabel(f"prompt keyframes\nblend {schedule.blend_frames} frames", fontsize=8)


def _draw_envelopes(ax, analysis, colours):
    times = timebase.frame_times(analysis.n_frames, analysis.fps)
    for name in _ENVELOPES:
        if name in analysis.envelopes:
            ax.plot(times, analysis.envelopes[name], lw=0.8, label=name)
    for s in analysis.sections:   # each section's energy as a bar in its label's colour
        if s.energy is not None:
            ax.plot([s.start, s.end], [s.energy, s.energy], color=colours[s.label], lw=4, solid_capstyle="butt",
                    alpha=0.9, label="section energy" if s is analysis.sections[0] else None)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("envelopes", fontsize=8)
    ax.legend(loc="upper right", fontsize=7, ncol=len(_ENVELOPES) + 1, framealpha=0.8)


def _style(name, hand) -> dict:
    """Line style and legend label of a curve: dashed and marked when it was set by hand."""
    return {"ls": "--", "lw": 1.6, "label": f"{name} (by hand)"} if name in hand else {"lw": 1, "label": name}


def _draw_curves(axes, schedule, times):
    zoom_ax, move_ax, strength_ax = axes
    hand = set(schedule.hand_curves)
    zoom_line, = zoom_ax.plot(times, schedule["zoom"], color="darkgreen", **_style("zoom", hand))
    zoom_ax.set_ylabel("zoom\n(per frame)", fontsize=8, color="darkgreen")
    angle_ax = zoom_ax.twinx()
    angle_line, = angle_ax.plot(times, schedule["angle"], color="steelblue", **_style("angle", hand))
    limit = max(float(np.max(np.abs(schedule["angle"]))) * 1.2, 1e-3)
    angle_ax.set_ylim(-limit, limit)
    angle_ax.axhline(0, color="steelblue", lw=0.5, ls=":")
    angle_ax.set_ylabel("angle\n(deg per frame)", fontsize=8, color="steelblue")
    angle_ax.tick_params(labelsize=8)
    zoom_ax.legend(handles=[zoom_line, angle_line], loc="upper right", fontsize=7, ncol=2,
                   framealpha=0.8)
    for name in _MOVES:
        move_ax.plot(times, schedule[name], **_style(name, hand))
    move_ax.axhline(0, color="0.5", lw=0.5)
    move_ax.set_ylabel("translation\n(px per frame)", fontsize=8)
    move_ax.legend(loc="upper right", fontsize=7, ncol=2, framealpha=0.8)
    strength_line, = strength_ax.plot(times, schedule["strength"], color="purple", **_style("strength", hand))
    strength_ax.set_ylim(0, 1.02)
    strength_ax.set_ylabel("strength", fontsize=8, color="purple")
    noise_ax = strength_ax.twinx()
    noise_line, = noise_ax.plot(times, schedule["noise"], color="darkorange", **_style("noise", hand))
    noise_ax.set_ylim(0, max(float(np.max(schedule["noise"])) * 1.1, 1e-3))
    noise_ax.set_ylabel("noise", fontsize=8, color="darkorange")
    noise_ax.tick_params(labelsize=8)
    strength_ax.legend(handles=[strength_line, noise_line], loc="upper right", fontsize=7, ncol=2,
                       framealpha=0.8)
    for frame in schedule.prompts:
        strength_ax.axvline(frame / schedule.fps, color="0.3", lw=0.6, ls=":")


def rows(duration: float, row_seconds: float = ROW_SECONDS) -> list:
    """``(start, end)`` of each row: equal spans of about ``row_seconds`` (a short song is one row).

    Examples
    --------
    >>> rows(45.0)
    [(0.0, 45.0)]
    >>> [round(end) for _, end in rows(240.0)]
    [60, 120, 180, 240]
    """
    count = max(1, int(round(duration / row_seconds)))
    edges = np.linspace(0.0, duration, count + 1)
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:])]


IMAGE_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".svg": "svg", ".pdf": "pdf"}
"""Picture suffixes the timeline is written as, and matplotlib's name for each format."""


def image_format(path) -> str:
    """matplotlib's name for the picture format ``path``'s suffix names; :class:`ParameterError` for others.

    Examples
    --------
    >>> image_format("timeline.jpg")
    'jpeg'
    """
    from ..errors import ParameterError

    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise ParameterError(f"cannot write the timeline as {Path(path).name}: name it "
                             f"{', '.join(IMAGE_FORMATS)}")
    return IMAGE_FORMATS[suffix]


def plot_timeline(path, analysis, *, audio_path=None, lyrics=None, schedule=None, overwrite: bool = False) -> Path:
    """Draw the song and its schedule on one timeline PNG.

    Parameters
    ----------
    path : str or Path
        Where the picture goes (written atomically), in the format its suffix names (:data:`IMAGE_FORMATS`).
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

    from ..checks import check_schedule_song
    from ..files import check_writable, write_bytes_atomic

    picture = image_format(path)
    check_writable(path, overwrite=overwrite)
    if schedule is not None:
        check_schedule_song(schedule, analysis.duration, audio_path or "the song")
    duration = float(analysis.duration)
    spans = rows(duration)
    span = max(spans[0][1] - spans[0][0], 1.0)
    chars_per_second = WIDTH_INCHES * 0.85 / span / 0.075  # about 0.075 inch per character at 7-8 pt
    lanes = [("song", 2.2), ("lyrics", 1.1)]
    if schedule is not None:
        lanes.append(("prompts", 1.1))
    lanes.append(("envelopes", 1.4))
    lanes += stem_lanes(analysis)
    if schedule is not None:
        lanes += [("zoom", 1.0), ("moves", 1.3), ("strength", 1.1)]
    row_height = sum(h for _, h in lanes) * 1.25 + 0.8
    fig = Figure(figsize=(WIDTH_INCHES, row_height * len(spans)), dpi=100, layout="constrained")
    colours = _section_colours([s.label for s in analysis.sections])
    waveform = _waveform(analysis, audio_path, n_bins=int(WIDTH_INCHES * 100 * duration / span))
    figures = fig.subfigures(len(spans), 1) if len(spans) > 1 else [fig]
    for row, ((start, end), sub) in enumerate(zip(spans, np.atleast_1d(figures))):
        axes = dict(zip([n for n, _ in lanes],
                        sub.subplots(len(lanes), 1, sharex=True, height_ratios=[h for _, h in lanes])))
        for ax in axes.values():
            _shade_sections(ax, analysis.sections, colours)
            ax.grid(axis="x", color="0.85", lw=0.5)
            ax.tick_params(labelsize=8)
        _draw_song(axes["song"], analysis, waveform, colours)
        _draw_lyrics(axes["lyrics"], lyrics, chars_per_second, duration)
        _draw_envelopes(axes["envelopes"], analysis, colours)
        if "stems" in axes:
            draw_stems(axes["stems"], analysis)
            draw_hits(axes["drum hits"], analysis)
        if schedule is not None:
            _draw_prompts(axes["prompts"], schedule, colours, analysis, chars_per_second)
            _draw_curves((axes["zoom"], axes["moves"], axes["strength"]), schedule, timebase.frame_times(
                schedule.n_frames, schedule.fps))
        last = list(axes.values())[-1]
        last.set_xlim(start, end)
        last.set_xlabel("seconds", fontsize=9)
        last.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(5 if span > 30 else 2))
        if row == 0:
            uncertain = (f" (downbeats uncertain: confidence {analysis.downbeat_confidence:.2f})"
                         if _weak_downbeats(analysis) else "")
            axes["song"].set_title(f"{analysis.tempo:.1f} BPM, {analysis.beats_per_bar} beats a bar{uncertain}, "
                                   f"{len(analysis.beats)} beats, {len(analysis.sections)} sections, "
                                   f"{analysis.fps:g} fps, {duration:.1f} s", fontsize=10, loc="left")
        for ax in axes.values():
            for text in ax.texts:  # lyrics, prompts and labels are the user's words: drawn as written, never as TeX
                text.set_usetex(False)
                text.set_parse_math(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=picture)
    return write_bytes_atomic(path, buffer.getvalue(), overwrite=overwrite)
