"""Song form from the lyrics: sections at the scale of a song's parts, named by what the words do.

Where a song has timed lyrics, they say what no structure analyser alone
knows. Lines that come back as a run (two or more lines in a row, sung again
in the same order elsewhere) are the chorus; new text is a verse; text sung
once between choruses late in the song, over music unlike the verses', is the
bridge; no singing at the start or the end is the intro or the outro, and a
long stretch without singing in between an instrumental. The audio's sections
(:mod:`.sections`, :mod:`.form`) say where the music changes, which parts
sound alike and how loud they are: a part begins on the downbeat at an audio
boundary near its first sung line, else on the downbeat nearest that line.
Parts shorter than :data:`MIN_BARS` bars join a neighbour, stretches longer
than :data:`MAX_SECONDS` are split where the music or the text changes (an
audio boundary, else the widest pause between lines), and a sung song gets at
least :data:`MIN_SECTIONS`. Pure functions of the sections and the lines: a
millisecond or so a song, so :class:`binarydream.Song` labels its cached
audio analysis with them on first use (:func:`with_lyrics`).

Examples
--------
>>> from binarydream.analysis import Section
>>> from alignment import Line
>>> audio = [Section(0.0, 16.0, "A"), Section(16.0, 32.0, "B"), Section(32.0, 48.0, "A"), Section(48.0, 64.0, "B")]
>>> lines = [Line(text, t, t + 3.0, ()) for text, t in [("first verse here", 1.0), ("and its second line", 8.0),
...          ("we sing it loud", 17.0), ("we sing it proud", 24.0), ("another verse now", 33.0),
...          ("with more to say", 40.0), ("we sing it loud", 49.0), ("we sing it proud", 56.0)]]
>>> [s.label for s in form_from_lyrics(audio, lines, downbeats=np.arange(0.0, 64.0, 2.0), duration=64.0)]
['verse 1', 'chorus', 'verse 2', 'chorus']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

import numpy as np

from .form import _number, form_from_audio
from .result import Section
from .section_edges import MAX_SECONDS, MIN_BARS

MIN_SECTIONS = 4
"""Fewest sections of a song with singing."""

MIN_SECONDS = 6.0
"""A part this long is kept even when it is shorter than :data:`MIN_BARS` bars (where bars are slow)."""

INSTRUMENTAL_BARS = 4
"""A stretch without singing between sung parts at least this many bars (and 8 s) long is a part of its own."""

OUTRO_SECONDS = 30.0
"""New text after the last chorus, to the end, this short is the outro (longer: a last verse)."""

SAME_LINE = 0.75
"""Two lines are the same when this share of their words match in order (``difflib`` ratio)."""


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", str(text).lower()).split()


def repeated_lines(texts) -> np.ndarray:
    """Which lines recur as a run: two or more lines in a row that are sung again, in the same order, elsewhere.

    Lines are compared word by word (case and punctuation ignored), equal when
    :data:`SAME_LINE` of their words match in order.

    Examples
    --------
    >>> repeated_lines(["a b", "c d", "new words", "a b", "c d", "a b"]).tolist()
    [True, True, False, True, True, False]
    """
    words = [_words(text) for text in texts]
    n = len(words)
    same = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            if words[i] and words[j] and (words[i] == words[j] or difflib.SequenceMatcher(
                    None, words[i], words[j], autojunk=False).ratio() >= SAME_LINE):
                same[i, j] = same[j, i] = True
    after = np.zeros_like(same)
    after[:-1, :-1] = same[1:, 1:]                 # the next lines match too
    before = np.zeros_like(same)
    before[1:, 1:] = same[:-1, :-1]                # the previous lines match too
    return (same & (after | before)).any(axis=1)


def _bar_seconds(downbeats: np.ndarray) -> float:
    return float(np.median(np.diff(downbeats))) if len(downbeats) > 1 else 2.0


def _place(target: float, lo: float, hi: float, downbeats: np.ndarray, audio_bounds: np.ndarray) -> float:
    """A boundary in ``[lo, hi]``: on a downbeat at an audio boundary there, else the downbeat nearest ``target``."""
    inside = downbeats[(downbeats >= lo) & (downbeats <= hi)]
    heard = audio_bounds[(audio_bounds >= lo) & (audio_bounds <= hi)]
    if inside.size == 0:
        return float(heard[np.argmin(np.abs(heard - target))]) if heard.size else float(target)
    aim = heard[np.argmin(np.abs(heard - target))] if heard.size else target
    return float(inside[np.argmin(np.abs(inside - aim))])


def _blocks(lines, repeated: np.ndarray, gap: float) -> list[list[int]]:
    """Lines grouped into parts: a new part at a new stanza, where repeated text starts or stops, or after a gap."""
    stanzas = [getattr(line, "stanza", 0) for line in lines]
    blocks = [[0]]
    for k in range(1, len(lines)):
        if stanzas[k] != stanzas[k - 1] or repeated[k] != repeated[k - 1] or lines[k].start - lines[k - 1].end >= gap:
            blocks.append([k])
        else:
            blocks[-1].append(k)
    # a line or two of new text in a chorus's stanza (an "ah ah" after it, a call before it) is part of that chorus;
    # lyrics without stanzas (an .lrc file without blank lines) cannot say so
    b = 0 if len(set(stanzas)) > 1 else len(blocks)
    while b < len(blocks):
        block = blocks[b]
        joins = [c for c in (b - 1, b + 1) if 0 <= c < len(blocks) and repeated[blocks[c]].any()
                 and stanzas[blocks[c][0]] == stanzas[block[0]]
                 and abs(lines[blocks[c][0]].start - lines[block[0]].start) < 60.0
                 and (lines[block[0]].start - lines[blocks[c][-1]].end if c < b
                      else lines[blocks[c][0]].start - lines[block[-1]].end) < gap]
        if not repeated[block].any() and len(block) <= 2 and joins:
            c = joins[0]
            blocks[c] = sorted(blocks[c] + block)
            del blocks[b]
            continue
        b += 1
    return blocks


def _materials(blocks, lines, repeated) -> list[int]:
    """For each block of repeated lines, which chorus it is (blocks sharing a line share it); -1 for others."""
    words = [_words(line.text) for line in lines]
    chorus = [b for b, block in enumerate(blocks) if repeated[block].any()]
    root = {b: b for b in chorus}

    def find(b):
        while root[b] != b:
            b = root[b]
        return b

    for x, a in enumerate(chorus):
        for b in chorus[x + 1:]:
            if any(words[i] and words[j] and difflib.SequenceMatcher(None, words[i], words[j], autojunk=False).ratio()
                   >= SAME_LINE for i in blocks[a] if repeated[i] for j in blocks[b] if repeated[j]):
                root[find(b)] = find(a)
    firsts = list(dict.fromkeys(find(b) for b in chorus))
    return [firsts.index(find(b)) if b in root else -1 for b in range(len(blocks))]


def _overlap_group(start: float, end: float, audio: list[Section]) -> str:
    overlap = {}
    for s in audio:
        shared = min(end, s.end) - max(start, s.start)
        if shared > 0:
            key = s.group or s.label
            overlap[key] = overlap.get(key, 0.0) + shared
    return max(overlap, key=overlap.get) if overlap else ""


def _overlap_energy(start: float, end: float, audio: list[Section]) -> float | None:
    weights, values = [], []
    for s in audio:
        shared = min(end, s.end) - max(start, s.start)
        if shared > 0:
            if s.energy is None:
                return None
            weights.append(shared)
            values.append(s.energy)
    return round(float(np.average(values, weights=weights)), 3) if weights else None


def form_from_lyrics(sections: list[Section], lines, *, downbeats, duration: float) -> list[Section]:
    """Sections at the scale of the song's parts, labelled by function from the timed lyrics.

    Parameters
    ----------
    sections : list of Section
        The audio's sections (:func:`binarydream.analysis.analyze`): their
        boundaries are where the music changes, their groups which parts sound
        alike, their energies the loudness.
    lines : sequence of alignment.Line
        Timed lyric lines (``text``, ``start``, ``end``, optionally ``stanza``:
        a blank line in the lyrics starts a new part). Lines without text are left out.
    downbeats : array of float
        Seconds; boundaries fall on them where there are any.
    duration : float
        Song length in seconds.

    Returns
    -------
    list of Section
        Contiguous, covering ``[0, duration]``, labelled from :data:`FUNCTIONS`
        (numbered where a part recurs with other material), with the audio
        group and energy they overlap most. Without sung lines: the audio's
        form with no verse or chorus (:func:`form_from_audio` with ``sung=False``).

    Examples
    --------
    >>> from alignment import Line
    >>> audio = [Section(0.0, 40.0, "A", group="A")]
    >>> lines = [Line("la la la", 10.0, 12.0, ()), Line("oh my", 13.0, 15.0, ()), Line("la la la", 18.0, 20.0, ()),
    ...          Line("oh my", 21.0, 23.0, ())]
    >>> [(s.label, s.start) for s in form_from_lyrics(audio, lines, downbeats=np.arange(0, 40, 2.0), duration=40.0)]
    [('intro', 0.0), ('chorus', 10.0), ('chorus', 18.0), ('outro', 24.0)]
    """
    lines = sorted((line for line in lines if str(line.text).strip() and line.end > 0 and line.start < duration),
                   key=lambda line: line.start)
    if not lines:
        return form_from_audio(sections, sung=False)
    downbeats = np.asarray(downbeats, dtype=np.float64)
    bar = _bar_seconds(downbeats)
    audio_bounds = np.array([s.start for s in sections[1:]], dtype=np.float64)
    gap = max(INSTRUMENTAL_BARS * bar, 8.0)
    repeated = repeated_lines([line.text for line in lines])
    blocks = _blocks(lines, repeated, gap)
    materials = _materials(blocks, lines, repeated)

    parts = []   # (start time, index of the block sung there, or None where nobody sings)
    first = lines[blocks[0][0]]
    start0 = _place(first.start, max(first.start - 2 * bar, 0.0), first.start + 0.25 * bar, downbeats, audio_bounds)
    if start0 >= MIN_BARS * bar:
        parts.append((0.0, None))
        parts.append((start0, 0))
    else:
        parts.append((0.0, 0))
    for b in range(1, len(blocks)):
        end, start = lines[blocks[b - 1][-1]].end, lines[blocks[b][0]].start
        if start - end >= gap:
            stop = _place(end + 0.25 * bar, end - 0.25 * bar, end + 2 * bar, downbeats, audio_bounds)
            begin = _place(start, max(start - 2 * bar, stop), start + 0.25 * bar, downbeats, audio_bounds)
            if begin - stop >= MIN_BARS * bar:
                parts += [(stop, None), (begin, b)]
                continue
        parts.append((_place(start, max(end - 0.5 * bar, start - 2 * bar), start + 0.25 * bar, downbeats,
                             audio_bounds), b))
    last = lines[blocks[-1][-1]].end
    stop = _place(last + 0.25 * bar, last - 0.25 * bar, last + 2 * bar, downbeats, audio_bounds)
    if duration - stop >= MIN_BARS * bar:
        parts.append((stop, None))

    kinds = _kinds(parts, blocks, materials, sections, duration)
    return _finish(parts, kinds, materials, lines, sections, downbeats, audio_bounds, duration)


def _kinds(parts, blocks, materials, audio, duration) -> list[str]:
    """Function of each part (before numbering)."""
    spans = [(start, parts[k + 1][0] if k + 1 < len(parts) else duration) for k, (start, _) in enumerate(parts)]
    chorus_at = [k for k, (_, b) in enumerate(parts) if b is not None and materials[b] >= 0]
    kinds = []
    for k, (_, b) in enumerate(parts):
        if b is None:
            kinds.append("intro" if k == 0 else "outro" if k == len(parts) - 1 else "instrumental")
        elif materials[b] >= 0:
            kinds.append("chorus")
        else:
            kinds.append("verse")
    # a line or two of new text opening the song before a verse (a call, an "ah") is a sung intro
    first = 0 if parts[0][1] is not None else 1
    if first + 1 < len(parts) and kinds[first] == "verse" and len(blocks[parts[first][1]]) <= 2 \
            and kinds[first + 1] == "verse":
        kinds[:first + 1] = ["intro"] * (first + 1)
    # sung text once after the last chorus, a short stretch of it, closes the song; sung text once between
    # choruses late, over new music, bridges
    tail = [k for k in range(len(parts)) if parts[k][1] is not None]
    if chorus_at and tail and tail[-1] > chorus_at[-1] and all(kinds[k] != "chorus" for k in tail if k > chorus_at[-1]) \
            and duration - spans[chorus_at[-1] + 1][0] <= OUTRO_SECONDS:
        for k in range(chorus_at[-1] + 1, len(parts)):
            kinds[k] = "outro"
    verse_groups = {_overlap_group(*spans[k], audio) for k in range(len(parts))
                    if kinds[k] == "verse" and (len(chorus_at) < 2 or k < chorus_at[1])}
    if len(chorus_at) >= 3:
        for k in range(chorus_at[1] + 1, chorus_at[-1]):
            if kinds[k] == "verse" and _overlap_group(*spans[k], audio) not in verse_groups:
                kinds[k] = "bridge"
    return kinds


def _finish(parts, kinds, materials, lines, audio, downbeats, audio_bounds, duration) -> list[Section]:
    """Sections from parts: short ones joined, long ones split, numbered, with group and energy."""
    bar = _bar_seconds(downbeats)
    spans = [[start, parts[k + 1][0] if k + 1 < len(parts) else duration, kinds[k],
              parts[k][1] if parts[k][1] is not None else ("unsung", k)] for k, (start, _) in enumerate(parts)]
    for k in range(len(spans) - 1, 0, -1):   # a sung intro and the music before it are one intro; so for outros
        if spans[k][2] == spans[k - 1][2] and spans[k][2] in ("intro", "outro"):
            spans[k - 1][1] = spans[k][1]
            del spans[k]
    # a part shorter than MIN_BARS bars (or MIN_SECONDS, where bars are long) joins a neighbour, one of its own
    # kind where there is one; a chorus stays down to a bar (a short refrain is what the lyrics are surest of)
    shortest = max(min(MIN_BARS * bar, MIN_SECONDS), bar)
    while len(spans) > 1:
        short = [k for k, (a, b, kind, _) in enumerate(spans) if b - a < (bar if kind == "chorus" else shortest)]
        if not short:
            break
        k = min(short, key=lambda k: spans[k][1] - spans[k][0])
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(spans)]
        j = next((j for j in neighbours if spans[j][2] == spans[k][2]), None)
        if j is None:
            j = min(neighbours, key=lambda j: (spans[j][2] == "chorus", spans[j][1] - spans[j][0]))
        a, b = min(spans[j][0], spans[k][0]), max(spans[j][1], spans[k][1])
        spans[j][0], spans[j][1] = a, b
        del spans[k]
    # long parts split where the text or the music changes; a sung song gets at least MIN_SECTIONS
    while True:
        long = [k for k, (a, b, _, _) in enumerate(spans) if b - a > MAX_SECONDS]
        if not long and len(spans) >= MIN_SECTIONS:
            break
        order = long or sorted(range(len(spans)), key=lambda k: spans[k][0] - spans[k][1])
        for k in order:
            cut = _cut(spans[k][0], spans[k][1], lines, downbeats, audio_bounds, bar, music_only=spans[k][2] in (
                "intro", "outro", "instrumental"))
            if cut is not None:
                spans[k:k + 1] = [[spans[k][0], cut, *spans[k][2:]], [cut, spans[k][1], *spans[k][2:]]]
                break
        else:
            break
    # sung kinds recur with other material: verses and bridges always, choruses when the lyrics differ
    keys = [(kind, (material if kind in ("verse", "bridge") else materials[material] if kind == "chorus"
                    else _overlap_group(a, b, audio)))
            for a, b, kind, material in spans]
    labels = _number([k for k, _ in keys], [m for _, m in keys])
    return [Section(float(a), float(b), label, energy=_overlap_energy(a, b, audio), group=_overlap_group(a, b, audio))
            for (a, b, _, _), label in zip(spans, labels)]


def _cut(start: float, end: float, lines, downbeats, audio_bounds, bar: float, *, music_only: bool) -> float | None:
    """Where to split ``[start, end]``: an audio boundary near the middle, else the widest pause between lines there.

    Both halves keep :data:`MIN_BARS` bars; the cut is on a downbeat where one is near. None: no place to cut.
    """
    lo, hi = start + MIN_BARS * bar, end - MIN_BARS * bar
    if hi <= lo:
        return None
    middle = (start + end) / 2
    heard = audio_bounds[(audio_bounds >= lo) & (audio_bounds <= hi)]
    if heard.size:
        return _place(heard[np.argmin(np.abs(heard - middle))], lo, hi, downbeats, np.array([]))
    if music_only:
        return None
    inside = [line for line in lines if start <= line.start < end]
    pauses = [(nxt.start - prev.end, prev.end, nxt.start) for prev, nxt in zip(inside, inside[1:])
              if lo <= nxt.start <= hi]
    if not pauses:
        return None
    # the widest pause, favouring ones near the middle
    _, after, before = max(pauses, key=lambda p: (p[0] + 0.5 * bar) * (1.0 - abs((p[2] - middle) / (end - start))))
    return _place(before, max(after - 0.25 * bar, lo), min(before + 0.25 * bar, hi), downbeats, np.array([]))


def with_lyrics(analysis, lyrics):
    """``analysis`` with its sections labelled by ``lyrics`` (:func:`form_from_lyrics`); as it is without lyrics.

    Cheap (no audio is read): the audio's sections, downbeats and energies are
    all it needs, so the cached analysis stays the audio's own.

    Examples
    --------
    >>> from alignment import Line, Lyrics
    >>> from binarydream.analysis import Analysis
    >>> a = Analysis(40.0, 10, 120.0, np.arange(0, 40, 0.5), np.arange(0, 40, 2.0), 4,
    ...              [Section(0.0, 40.0, "verse", group="A")], {})
    >>> with_lyrics(a, None) is a
    True
    >>> [s.label for s in with_lyrics(a, Lyrics([])).sections]   # lyrics with no line: an instrumental
    ['instrumental']
    """
    if lyrics is None:
        return analysis
    return replace(analysis, sections=form_from_lyrics(analysis.sections, lyrics.lines,
                                                      downbeats=analysis.downbeats, duration=analysis.duration))
