"""The studio's JSON: the library's plain data (analysis, lyrics, schedule) to and from what the page sends.

Pure functions, no server: each turns one library object into JSON-ready data
or builds one from the page's JSON through the library's own constructors
(``Schedule.from_dict``, ``alignment.Line``), which do the checking.

Examples
--------
>>> import numpy as np
>>> waveform_peaks(np.array([0.0, 0.5, -0.25, 1.0], np.float32), sr=4, per_second=2)
{'peaks': [[0.0, 0.5], [-0.25, 1.0]], 'seconds_per_peak': 0.5}
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import ParameterError
from ..keyframes.emit import format_number

MAX_LINES = 5000
"""Most lyric lines the page may send."""


def _seconds(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ParameterError(f"{what} must be seconds (a number >= 0), got {value!r:.40}")
    return float(value)


def _text(value, what: str) -> str:
    if not isinstance(value, str) or "\n" in value or len(value) > 1000:
        raise ParameterError(f"{what} must be one line of text, got {value!r:.40}")
    return value


def _score(value, what: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ParameterError(f"{what} must be a number from 0 to 1 or null, got {value!r:.40}")
    return float(value)


def _rounded(values, digits: int = 7) -> list:
    """Values as plain floats to ``digits`` significant digits: float32 precision, what a plot can show."""
    values = np.asarray(values, dtype=np.float64)
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else None for v in values.tolist()]


def waveform_peaks(y: np.ndarray, sr: int, per_second: int = 100) -> dict:
    """Min and max of the signal over each ``1 / per_second`` seconds: what a waveform lane draws.

    Parameters
    ----------
    y : np.ndarray
        Mono samples.
    sr : int
        Their rate in Hz.
    per_second : int
        Peaks per second of audio.

    Returns
    -------
    dict
        ``{"peaks": [[min, max], ...], "seconds_per_peak": float}``.

    Examples
    --------
    >>> waveform_peaks(np.ones(10, np.float32), sr=10, per_second=5)["peaks"][:2]
    [[1.0, 1.0], [1.0, 1.0]]
    """
    hop = max(1, int(round(sr / per_second)))
    n = math.ceil(len(y) / hop)
    padded = np.zeros(n * hop, dtype=np.float32)
    padded[:len(y)] = y
    blocks = padded.reshape(n, hop)
    peaks = np.round(np.stack([blocks.min(axis=1), blocks.max(axis=1)], axis=1).astype(np.float64), 3)
    return {"peaks": peaks.tolist(), "seconds_per_peak": hop / sr}


def analysis_json(analysis) -> dict:
    """Tempo, beats, downbeats, meter and sections of an :class:`~binarydream.analysis.Analysis`, for the page.

    Examples
    --------
    >>> from binarydream.analysis import Analysis, Section
    >>> a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4, [Section(0.0, 2.0, "A", 0.9)], {})
    >>> analysis_json(a)["sections"]
    [{'start': 0.0, 'end': 2.0, 'label': 'A', 'energy': 0.9, 'level': 'high', 'group': None}]
    """
    return {"tempo": float(analysis.tempo), "beats": _rounded(analysis.beats, 7),
            "downbeats": _rounded(analysis.downbeats, 7), "beats_per_bar": int(analysis.beats_per_bar),
            "sections": [{"start": float(s.start), "end": float(s.end), "label": s.label,
                          "energy": None if s.energy is None else float(s.energy), "level": s.level,
                          "group": s.group or None} for s in analysis.sections],
            "downbeat_confidence": getattr(analysis, "downbeat_confidence", None)}


def lyrics_json(lyrics, low_score: float) -> dict | None:
    """Lines and words of :class:`alignment.Lyrics` for the page; ``low``: a line scored below ``low_score``.

    Examples
    --------
    >>> from alignment import Lyrics, Line, Word
    >>> lyr = Lyrics([Line("hi", 1.0, 1.5, (Word("hi", 1.0, 1.5, 0.2),), score=0.2)])
    >>> lyrics_json(lyr, 0.3)["lines"][0]["low"]
    True
    """
    if lyrics is None:
        return None
    return {"lines": [{"text": line.text, "start": float(line.start), "end": float(line.end),
                       "score": line.score, "low": line.score is not None and line.score < low_score,
                       "stanza": line.stanza,
                       "words": [{"text": w.text, "start": float(w.start), "end": float(w.end),
                                  "score": w.score} for w in line.words]}
                      for line in lyrics.lines],
            "language": lyrics.language}


def lyrics_from_json(data, previous=None):
    """:class:`alignment.Lyrics` from the page's ``{"lines": [...]}`` (the shape :func:`lyrics_json` gives).

    A line without ``stanza`` keeps the stanza of the line at its place in ``previous``.

    Examples
    --------
    >>> lyr = lyrics_from_json({"lines": [{"text": "hi", "start": 1, "end": 2,
    ...                                    "words": [{"text": "hi", "start": 1, "end": 2}]}]})
    >>> lyr.lines[0].words[0].end
    2.0
    """
    from alignment import Line, Lyrics, Word

    if not isinstance(data, dict) or not isinstance(data.get("lines"), list) or len(data["lines"]) > MAX_LINES:
        raise ParameterError(f"lyrics must be {{\"lines\": [...]}} with at most {MAX_LINES} lines")
    old = previous.lines if previous is not None else []
    lines = []
    for k, item in enumerate(data["lines"]):
        where = f"lyric line {k + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("words", []), list):
            raise ParameterError(f"{where} must be an object with text, start, end and words")
        words = []
        for j, w in enumerate(item.get("words", [])):
            if not isinstance(w, dict):
                raise ParameterError(f"{where}, word {j + 1} must be an object with text, start and end")
            start, end = _seconds(w.get("start"), f"{where}, word {j + 1} start"), \
                _seconds(w.get("end"), f"{where}, word {j + 1} end")
            if end < start:
                raise ParameterError(f"{where}, word {j + 1} ends ({end:g} s) before it starts ({start:g} s)")
            score = _score(w.get("score"), f"{where}, word {j + 1} score")
            words.append(Word(_text(w.get("text"), f"{where}, word {j + 1} text"), start, end,
                              0.0 if score is None else score))
        start, end = _seconds(item.get("start"), f"{where} start"), _seconds(item.get("end"), f"{where} end")
        if end < start:
            raise ParameterError(f"{where} ends ({end:g} s) before it starts ({start:g} s)")
        stanza = item.get("stanza", old[k].stanza if k < len(old) else 0)
        if isinstance(stanza, bool) or not isinstance(stanza, int):
            raise ParameterError(f"{where} stanza must be a whole number, got {stanza!r:.20}")
        lines.append(Line(_text(item.get("text"), f"{where} text"), start, end, tuple(words), stanza,
                          _score(item.get("score"), f"{where} score")))
    lines.sort(key=lambda line: line.start)
    return Lyrics(lines, language=data.get("language", previous.language if previous is not None else None))


def line_json(line, low_score: float) -> dict:
    """One :class:`alignment.Line` as :func:`lyrics_json` gives it.

    Examples
    --------
    >>> from alignment import Line
    >>> line_json(Line("oh", 1.0, 2.0, ()), 0.3)["low"]
    False
    """
    from alignment import Lyrics

    return lyrics_json(Lyrics([line]), low_score)["lines"][0]


def source_text(source) -> str | None:
    """A curve's source as the page edits it: a keyframe str as it is, a number as its shortest text, else None.

    Examples
    --------
    >>> source_text("0: (1.02)"), source_text(1.5), source_text(np.zeros(3))
    ('0: (1.02)', '1.5', None)
    """
    if isinstance(source, str):
        return source
    if isinstance(source, numbers.Real) and not isinstance(source, bool):
        return format_number(source)
    return None


def _keyframes_json(prompts: dict) -> list:
    return [{"frame": int(frame), "prompts": [[text, float(weight)] for text, weight in prompts[frame]]}
            for frame in sorted(prompts)]


def schedule_json(schedule) -> dict:
    """Prompt keyframes and every curve's source of a :class:`~binarydream.Schedule`, for the page.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> s = schedule_json(Schedule(10, prompts={0: "a cat"}, curves={"zoom": "0: (1.01)"}))
    >>> s["prompts"], s["curves"]["zoom"], s["curves"]["angle"]
    ([{'frame': 0, 'prompts': [['a cat', 1.0]]}], '0: (1.01)', None)
    """
    return {"fps": float(schedule.fps), "n_frames": schedule.n_frames,
            "prompts": _keyframes_json(schedule.prompts), "negative": _keyframes_json(schedule.negative_prompts),
            "curves": {name: source_text(schedule.curve_source(name)) for name in schedule.curve_names}}


def values_json(curves: dict) -> dict:
    """``{name: per-frame values}`` as plain floats to 7 significant digits (None where not finite).

    Examples
    --------
    >>> values_json({"zoom": np.array([1.0, 1.00000001, 2.0])})
    {'zoom': [1.0, 1.0, 2.0]}
    """
    return {name: _rounded(values) for name, values in curves.items()}


def curves_json(schedule) -> dict:
    """Every curve's values of a :class:`~binarydream.Schedule`, one per frame.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> curves_json(Schedule(3, curves={"zoom": [1.0, 1.5, 2.0]}))["zoom"]
    [1.0, 1.5, 2.0]
    """
    return values_json({name: schedule[name] for name in schedule.curve_names})


def _keyframes_from_json(items, what: str) -> dict:
    if not isinstance(items, list):
        raise ParameterError(f"{what} must be a list of {{frame, prompts}} keyframes")
    out = {}
    for k, item in enumerate(items):
        if not isinstance(item, dict) or isinstance(item.get("frame"), bool) or not isinstance(item.get("frame"), int):
            raise ParameterError(f"{what} keyframe {k + 1} must have a whole-number frame and prompts")
        pairs = item.get("prompts")
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and isinstance(p[1], numbers.Real)
                                                  and not isinstance(p[1], bool) for p in pairs):
            raise ParameterError(f"{what} keyframe {k + 1}'s prompts must be [text, weight] pairs")
        out.setdefault(item["frame"], []).extend((_text(text, f"{what} text"), weight) for text, weight in pairs)
    return out


def schedule_from_json(data, base, song=None):
    """A :class:`~binarydream.Schedule` like ``base`` with the page's prompts and curves, checked by the library.

    ``data`` is ``{"prompts": [...], "negative": [...], "curves": {name: source | null}}``
    (any part may be left out: ``base``'s stays). A curve sent as null, or as
    :func:`source_text` of ``base``'s source, keeps ``base``'s source (a number
    stays a number, an array its values); a keyframe written at a frame ``base``
    keys as ``"2s"`` or ``"16b"`` keeps that key. ``song`` binds the signals.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> base = Schedule(90, prompts={"1s": "a cat"}, curves={"zoom": 1.02})
    >>> new = schedule_from_json({"prompts": [{"frame": 30, "prompts": [["a dog", 1.0]]}],
    ...                           "curves": {"zoom": "1.02", "angle": "0: (2)"}}, base)
    >>> new.to_dict()["prompts"], new.curve_source("zoom"), float(new["angle"][5])
    ({'1s': ['a dog']}, 1.02, 2.0)
    """
    from ..schedule import Schedule

    if not isinstance(data, dict):
        raise ParameterError("schedule must be an object with prompts, negative and curves")
    fields = base.to_dict()
    for key, name, prompts in (("prompts", "prompts", base.prompts),
                               ("negative", "negative_prompts", base.negative_prompts)):
        if key not in data:
            continue
        written = dict(zip(sorted(prompts), fields.get(name, {})))
        fields[name] = {written.get(frame, frame): [(text, float(weight)) for text, weight in pairs]
                        for frame, pairs in sorted(_keyframes_from_json(data[key], key).items())}
    curves = data.get("curves", {})
    if not isinstance(curves, dict):
        raise ParameterError("curves must be an object of curve name to keyframe string (or null)")
    for name, source in curves.items():
        old = base.curve_source(name) if name in base else None
        if source is None or (old is not None and source == source_text(old)):
            continue
        if not isinstance(source, str):
            raise ParameterError(f"curve {name}'s source must be a keyframe string or null, got {source!r:.40}")
        fields["curves"][name] = source
    return Schedule.from_dict(fields, song=song)
