"""Prompt keyframes from the lyrics: one per line, a mood from the music's energy, a palette per section.

The default template is the form the seed's author settled on by hand: a scene
prompt made of the sung line and the style, and a weaker colour-scheme prompt.
Mood follows energy ("sad and tired" when quiet, "uplifting", "strong and
empowering" when loud), unless the style already says a mood ("sad and tired
cyberpunk"): then the style's mood holds throughout, said once. Palette and
motif follow the section label, so a part that recurs looks the same each time
(every verse alike, the chorus each time it returns, the bridge new). Stretches
nobody sings get a prompt from
their section's motif.

Examples
--------
>>> from binarydream.direction.prompts import render_template, DEFAULT_TEMPLATE
>>> render_template(DEFAULT_TEMPLATE, line="city of light", mood="uplifting", palette="cyan",
...                 section="B", motif="neon city", style="")
[('city of light, uplifting', 1.0), ('cyan colour scheme', 0.5)]
"""

from __future__ import annotations

import re
import string
import warnings

import numpy as np

from .. import timebase
from ..errors import ScheduleError

MOODS = ("sad and tired", "uplifting", "strong and empowering")
"""Moods from the quietest to the loudest passages."""

PALETTES = ("deep blue", "cyan", "dark purple and cyan", "light pink and cyan", "teal and gold",
            "crimson and black", "emerald and silver", "amber and violet")
"""Colour schemes given to section labels in order of first appearance (cycled past the last)."""

MOTIFS = ("a vast dreamlike landscape", "a city of light at night", "waves of an endless ocean",
          "a sky full of stars", "a forest of glass", "clouds above the mountains", "an empty road at dusk",
          "a cathedral of mirrors")
"""Scene motifs for unsung stretches, given to section labels like :data:`PALETTES`."""

MOOD_WORDS = frozenset(
    " ".join(MOODS).replace(" and ", " ").split() + """happy joyful joyous cheerful euphoric ecstatic hopeful
    melancholic melancholy sorrowful gloomy mournful lonely somber sombre wistful nostalgic calm peaceful serene
    tranquil angry furious tense anxious eerie ominous menacing triumphant epic playful romantic tender""".split())
"""Words that say a mood: a style holding one sets the mood itself (see :func:`style_mood`)."""

FIELDS = ("line", "mood", "palette", "section", "motif", "style")
"""The fields a prompt template may use."""

DEFAULT_TEMPLATE = (("{line}, {mood}, {style}", 1.0), ("{palette} colour scheme", 0.5))
"""The prompt for a sung line: a scene prompt and a colour-scheme prompt."""

INSTRUMENTAL_TEMPLATE = (("{motif}, {mood}, {style}", 1.0), ("{palette} colour scheme", 0.5))
"""The prompt for a stretch nobody sings."""


def normalise_template(template) -> list:
    """A template as a list of ``(text, weight)``: a string, or pairs; checks its fields.

    Examples
    --------
    >>> normalise_template("{line} in {palette}")
    [('{line} in {palette}', 1.0)]
    >>> normalise_template("{lyric}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: prompt template '{lyric}' uses unknown field 'lyric'; fields: line, mood, ...
    """
    pairs = [(template, 1.0)] if isinstance(template, str) else list(template)
    out = []
    for pair in pairs:
        if isinstance(pair, str):
            pair = (pair, 1.0)
        try:
            text, weight = pair
            weight = float(weight)
        except (TypeError, ValueError):
            raise ScheduleError(f"a prompt template is text or a list of (text, weight) pairs, got {pair!r}") from None
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as error:
            raise ScheduleError(f"prompt template {text!r} is malformed ({error}); write fields as {{line}}") from None
        for name in names:
            if name not in FIELDS:
                raise ScheduleError(f"prompt template {text!r} uses unknown field {name!r}; "
                                    f"fields: {', '.join(FIELDS)}")
        out.append((text, weight))
    return out


def _tidy(text: str) -> str:
    # An empty field (no style given) must not leave ", ," or a trailing comma behind.
    return re.sub(r"\s*,(\s*,)*\s*", ", ", " ".join(text.split())).strip(" ,")


def render_template(template, **values) -> list:
    """Fill a template's fields; parts left empty are dropped.

    Examples
    --------
    >>> render_template([("{line}, {style}", 1.0)], line="hello", style="", mood="", palette="",
    ...                 section="", motif="")
    [('hello', 1.0)]
    """
    out = []
    for text, weight in normalise_template(template):
        filled = _tidy(text.format(**values))
        if filled:
            out.append((filled, weight))
    return out


def section_looks(labels) -> dict:
    """Palette and motif for each section label, a new one per distinct look in order of first appearance.

    The look is :func:`~binarydream.analysis.form.look_of` the label: the
    chorus keeps its palette and motif each time it returns, every verse
    shares one, and the bridge gets a scene of its own.

    Examples
    --------
    >>> looks = section_looks(["A", "B", "A", "C"])
    >>> looks["A"] == ("deep blue", MOTIFS[0]), looks["C"][0]
    (True, 'dark purple and cyan')
    >>> looks = section_looks(["verse 1", "chorus", "verse 2", "chorus", "bridge"])
    >>> looks["verse 2"] == looks["verse 1"] != looks["chorus"], looks["bridge"][0]
    (True, 'dark purple and cyan')
    """
    from ..analysis.form import look_of

    distinct = list(dict.fromkeys(look_of(label) for label in labels))
    return {label: (PALETTES[distinct.index(look_of(label)) % len(PALETTES)],
                    MOTIFS[distinct.index(look_of(label)) % len(MOTIFS)]) for label in labels}


def energy_range(energy: np.ndarray):
    """``(quiet, loud)``: the 10th and 90th percentiles of ``energy``, or None when it barely varies.

    Examples
    --------
    >>> energy_range(np.repeat([0.1, 0.3, 0.5], 4))
    (0.1, 0.5)
    >>> energy_range(np.full(5, 0.2)) is None
    True
    """
    energy = np.asarray(energy, dtype=np.float64)
    if energy.size == 0:
        return None
    lo, hi = np.percentile(energy, [10, 90])
    return None if hi - lo < 1e-3 else (float(lo), float(hi))


def relative_energy(energy: np.ndarray) -> np.ndarray:
    """Energy rescaled so that the song's quiet passages (10th percentile) read 0 and loud ones (90th) read 1.

    A song whose energy barely varies keeps its absolute values.

    Examples
    --------
    >>> relative_energy(np.repeat([0.1, 0.3, 0.5], 4)).round(2).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    """
    energy = np.asarray(energy, dtype=np.float64)
    span = energy_range(energy)
    if span is None:
        return np.clip(energy, 0.0, 1.0)
    return np.clip((energy - span[0]) / (span[1] - span[0]), 0.0, 1.0)


def mood_for(level: float, thresholds=(0.33, 0.66)) -> str:
    """The mood for a relative energy level in [0, 1].

    Examples
    --------
    >>> mood_for(0.1), mood_for(0.5), mood_for(0.9)
    ('sad and tired', 'uplifting', 'strong and empowering')
    """
    return MOODS[int(np.searchsorted(np.asarray(thresholds, dtype=np.float64), level, side="right"))]


def style_mood(style: str) -> bool:
    """Whether ``style`` says a mood (a word of :data:`MOOD_WORDS`), which the planner then keeps to.

    Examples
    --------
    >>> style_mood("sad and tired cyberpunk"), style_mood("cyberpunk, by greg rutkowski")
    (True, False)
    """
    return not MOOD_WORDS.isdisjoint(re.findall(r"[a-z]+", style.lower()))


def _mean_over(energy: np.ndarray, start: float, end: float, fps: float) -> float:
    lo = int(np.clip(timebase.frame_at(start, fps), 0, max(len(energy) - 1, 0)))
    hi = int(np.clip(timebase.frame_at(end, fps), lo, len(energy) - 1)) + 1
    return float(energy[lo:hi].mean()) if len(energy) else 0.5


def _unsung_pieces(duration: float, sung, section_starts) -> list:
    """Intervals of [0, duration] outside every sung interval, split at section starts."""
    pieces, cursor = [], 0.0
    for start, end in sorted(sung):
        if start > cursor:
            pieces.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < duration:
        pieces.append((cursor, duration))
    cuts = sorted(s for s in section_starts if 0 < s < duration)
    split = []
    for lo, hi in pieces:
        edges = [lo] + [c for c in cuts if lo < c < hi] + [hi]
        split.extend(zip(edges[:-1], edges[1:]))
    return split


def prompt_keyframes(lines, sections, energy: np.ndarray, *, fps: float, duration: float, lead_seconds: float,
                     instrumental_seconds: float, style: str = "", template=DEFAULT_TEMPLATE,
                     instrumental_template=INSTRUMENTAL_TEMPLATE, mood_thresholds=(0.33, 0.66)) -> dict:
    """Prompt keyframes: one per lyric line at ``line.start - lead_seconds``, and one per long unsung stretch.

    Parameters
    ----------
    lines : sequence of alignment.Line
        The timed lyric lines (anything with ``text``, ``start``, ``end``).
    sections : sequence of binarydream.analysis.Section
        Contiguous sections covering the song.
    energy : np.ndarray
        Relative energy in [0, 1] per frame (:func:`relative_energy`); a line's mood is read from its mean.
    fps, duration : float
        Frame rate and song length (seconds).
    lead_seconds : float
        How early a line's prompt starts.
    instrumental_seconds : float
        Unsung stretches (split at section boundaries) at least this long get a prompt from their
        section; frame 0 always gets one unless a line's keyframe is there.
    style : str
        Fills ``{style}``. When it says a mood (:func:`style_mood`), ``{mood}`` stays empty.
    template, instrumental_template :
        Text or ``(text, weight)`` pairs with fields from :data:`FIELDS`.
    mood_thresholds : pair of float
        Relative energy between the moods of :data:`MOODS`.

    Returns
    -------
    dict
        ``{frame: [(text, weight), ...]}``, frames ascending.

    Examples
    --------
    >>> from types import SimpleNamespace as L
    >>> kf = prompt_keyframes([L(text="hold on", start=2.0, end=3.0)], [L(start=0.0, end=4.0, label="A")],
    ...                       np.zeros(40), fps=10, duration=4.0, lead_seconds=0.0, instrumental_seconds=4.0)
    >>> kf[20]
    [('hold on, sad and tired', 1.0), ('deep blue colour scheme', 0.5)]
    >>> sorted(kf)
    [0, 20]
    """
    template, instrumental_template = normalise_template(template), normalise_template(instrumental_template)
    looks = section_looks([s.label for s in sections])
    starts = np.array([s.start for s in sections], dtype=np.float64)

    def section_at(seconds):
        if not len(sections):
            return "", ("deep blue", MOTIFS[0])
        label = sections[int(np.clip(np.searchsorted(starts, seconds, side="right") - 1, 0, len(sections) - 1))].label
        return label, looks[label]

    keep_style_mood = style_mood(style)

    def fill(tmpl, at, start, end, line=""):
        label, (palette, motif) = section_at(at)
        # A style that says a mood keeps it: a mood from the music would repeat or contradict it.
        mood = "" if keep_style_mood else mood_for(_mean_over(energy, start, end, fps), mood_thresholds)
        return render_template(tmpl, line=" ".join(line.split()), mood=mood, palette=palette, section=label,
                               motif=motif, style=style)

    n_frames = timebase.frame_count(duration, fps)
    last = max(n_frames - 1, 0)
    keyframes, sung = {}, []
    lines = [line for line in lines if line.text.strip()]  # an empty line marks silence in .lrc files
    late = [line for line in lines if line.start >= duration]
    if late:
        warnings.warn(f"{len(late)} lyric line(s) start after the song ends ({duration:.2f} s), the first "
                      f"{late[0].text[:40]!r} at {late[0].start:.2f} s: they get no prompt (are these this song's "
                      "lyrics?)", stacklevel=3)
    pushed = 0
    for line in lines:
        if line.start >= duration:
            continue
        at = max(line.start - lead_seconds, 0.0)
        sung.append((at, max(line.end, at)))
        frame = min(timebase.frame_at(at, fps), last)
        pushed += frame in keyframes and line.start < lead_seconds
        keyframes[frame] = fill(template, line.start, line.start, line.end, line.text)
    if pushed:
        warnings.warn(f"a lead of {lead_seconds:g} s moves {pushed} line(s)' prompts before the start, onto earlier "
                      "lines' prompts, which they replace: lower lead_beats", stacklevel=3)
    for lo, hi in _unsung_pieces(duration, sung, starts):
        frame = min(timebase.frame_at(lo, fps), last)
        if frame in keyframes or (hi - lo < instrumental_seconds and frame != 0):
            continue
        keyframes[frame] = fill(instrumental_template, lo, lo, hi)
    return dict(sorted(keyframes.items()))
