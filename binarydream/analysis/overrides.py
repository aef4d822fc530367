"""A person's fixes to the analysis: moved downbeats and renamed sections, kept in a small JSON file.

The machine is sometimes wrong about where bars start or what to call a
section. The fixes are kept apart from the analysis (which stays a cached
result of the audio) in ``<song stem>.overrides.json`` beside the song::

    {"binarydream_overrides": 1,
     "downbeats": [1.92, 4.32, 6.72],            # seconds, or null: the tracker's stand
     "section_labels": {"2": "chorus"}}          # section index (as in analysis.sections) -> label

A :class:`~binarydream.Song` reads that file when it is there (``Song(...,
overrides="auto")``, the default; a path or an :class:`Overrides` to choose,
None for none) and applies it to its analysis with :func:`apply_overrides`, so
every later stage (the plan, the plot, the render) uses the fixed grid and
labels. The studio (:mod:`binarydream.studio`) writes it.

Examples
--------
>>> import numpy as np
>>> from binarydream.analysis import Analysis, Section
>>> a = Analysis(4.0, 10, 120.0, np.arange(0.0, 4.0, 0.5), np.array([0.0, 2.0]), 4,
...              [Section(0.0, 2.0, "A"), Section(2.0, 4.0, "B")], {})
>>> fixed = apply_overrides(a, Overrides(downbeats=(0.52, 2.49), section_labels={1: "chorus"}))
>>> fixed.downbeats.tolist(), [s.label for s in fixed.sections]
([0.5, 2.5], ['A', 'chorus'])
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..nesting import read_json

FORMAT = "binarydream_overrides"
SUFFIX = ".overrides.json"
"""What follows the song's stem in the name of its overrides file."""
MAX_LABEL = 40
"""Longest section label, in characters."""


@dataclass(frozen=True)
class Overrides:
    """Fixes to a song's analysis.

    Parameters
    ----------
    downbeats : tuple of float or None
        Every downbeat, in seconds, ascending (each lands on the nearest beat); None keeps the tracker's.
    section_labels : dict of int to str
        New labels of sections by their index in ``analysis.sections``.

    Examples
    --------
    >>> Overrides(section_labels={0: "intro"}).is_empty, Overrides().is_empty
    (False, True)
    """

    downbeats: tuple[float, ...] | None = None
    section_labels: dict[int, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.downbeats is not None:
            times = np.asarray(self.downbeats, dtype=np.float64).ravel() if len(self.downbeats) else np.zeros(0)
            if not (np.isfinite(times).all() and (times >= 0).all() and (np.diff(times) > 0).all()):
                raise ParameterError("override downbeats must be finite seconds >= 0 in ascending order, "
                                     f"got {list(self.downbeats)[:6]}")
            object.__setattr__(self, "downbeats", tuple(float(t) for t in times))
        labels = {}
        for index, label in dict(self.section_labels).items():
            if isinstance(index, str) and index.strip().isdigit():
                index = int(index)
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise ParameterError(f"a section label override is keyed by the section's index (0, 1, ...), "
                                     f"got {index!r}")
            if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL or "\n" in label:
                raise ParameterError(f"section {index}'s label must be one line of 1 to {MAX_LABEL} characters, "
                                     f"got {label!r:.60}")
            labels[index] = label.strip()
        object.__setattr__(self, "section_labels", labels)

    @property
    def is_empty(self) -> bool:
        """Whether these overrides change nothing."""
        return self.downbeats is None and not self.section_labels


def overrides_path(song_path) -> Path:
    """Where a song's overrides live: ``<stem>.overrides.json`` beside the song.

    Examples
    --------
    >>> overrides_path("music/track.mp3").as_posix()
    'music/track.overrides.json'
    """
    song_path = Path(song_path)
    return song_path.with_name(song_path.stem + SUFFIX)


def read_overrides(path) -> Overrides:
    """Read an overrides file (see the module notes).

    Raises :class:`~binarydream.errors.ParameterError` for a file that is not one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.overrides.json"
    >>> _ = p.write_text('{"binarydream_overrides": 1, "section_labels": {"1": "verse"}}')
    >>> read_overrides(p)
    Overrides(downbeats=None, section_labels={1: 'verse'})
    """
    path = Path(path)
    data = read_json(path, "analysis overrides", ParameterError)
    if not isinstance(data, dict) or FORMAT not in data:
        raise ParameterError(f"{path} is not a binarydream overrides file (no {FORMAT!r} entry): rename it")
    return overrides_from_data({key: value for key, value in data.items() if key != FORMAT}, where=str(path))


def overrides_from_data(data, *, where: str = "overrides") -> Overrides:
    """:class:`Overrides` from plain data ``{"downbeats": [...] or None, "section_labels": {"index": label}}``.

    Examples
    --------
    >>> overrides_from_data({"downbeats": [0.5, 2.5], "section_labels": {"1": "chorus"}})
    Overrides(downbeats=(0.5, 2.5), section_labels={1: 'chorus'})
    """
    if not isinstance(data, dict):
        raise ParameterError(f'{where} must be {{"downbeats": [...] or null, "section_labels": {{...}}}}')
    unknown = sorted(set(data) - {"downbeats", "section_labels"})
    if unknown:
        raise ParameterError(f"{where}: unknown entries {unknown}; overrides have downbeats and section_labels")
    labels = data.get("section_labels") or {}
    if not isinstance(labels, dict):
        raise ParameterError(f"{where}: section_labels must be a mapping of section index to label")
    downbeats = data.get("downbeats")
    if downbeats is not None and not (isinstance(downbeats, list)
                                      and all(isinstance(t, (int, float)) and not isinstance(t, bool)
                                              for t in downbeats)):
        raise ParameterError(f"{where}: downbeats must be a list of seconds, or null")
    return Overrides(downbeats=None if downbeats is None else tuple(downbeats), section_labels=labels)


def overrides_data(overrides: Overrides | None) -> dict:
    """Plain data of ``overrides`` (None: none): ``{"downbeats": [...] or None, "section_labels": {"index": label}}``.

    Examples
    --------
    >>> overrides_data(Overrides(section_labels={2: "chorus"})), overrides_data(None)
    ({'downbeats': None, 'section_labels': {'2': 'chorus'}}, {'downbeats': None, 'section_labels': {}})
    """
    overrides = overrides or Overrides()
    return {"downbeats": None if overrides.downbeats is None else list(overrides.downbeats),
            "section_labels": {str(k): v for k, v in sorted(overrides.section_labels.items())}}


def overrides_json(overrides: Overrides) -> str:
    """The text of an overrides file for ``overrides`` (what :func:`read_overrides` reads back).

    Examples
    --------
    >>> print(overrides_json(Overrides(downbeats=(0.5, 2.5))))
    {"binarydream_overrides": 1, "downbeats": [0.5, 2.5], "section_labels": {}}
    """
    return json.dumps({FORMAT: 1, **overrides_data(overrides)})


def find_overrides(song_path, overrides="auto") -> Overrides | None:
    """The overrides a song uses: ``"auto"`` reads the file beside it when there, a path reads that, None: none.

    Examples
    --------
    >>> find_overrides("examples/no-such-song.ogg") is None
    True
    """
    if overrides is None or isinstance(overrides, Overrides):
        return overrides
    if isinstance(overrides, str) and overrides == "auto":
        path = overrides_path(song_path)
        return read_overrides(path) if path.is_file() else None
    return read_overrides(overrides)


def apply_overrides(analysis, overrides: Overrides | None):
    """``analysis`` with the overrides applied: downbeats on the nearest beats, sections relabelled.

    Downbeats stay a subset of the beats: each override lands on the beat nearest to it.
    A label for a section index the analysis does not have is skipped with a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from binarydream.analysis import Analysis, Section
    >>> a = Analysis(2.0, 10, 120.0, np.array([0.0, 0.5, 1.0, 1.5]), np.array([0.0]), 4, [Section(0.0, 2.0, "A")], {})
    >>> apply_overrides(a, Overrides(downbeats=(0.4,))).downbeats.tolist()
    [0.5]
    >>> apply_overrides(a, None) is a
    True
    """
    if overrides is None or overrides.is_empty:
        return analysis
    changes = {}
    if overrides.downbeats is not None:
        beats = np.asarray(analysis.beats, dtype=np.float64)
        if len(beats) == 0:
            warnings.warn("the analysis found no beats: the downbeat overrides are not used", stacklevel=2)
        else:
            wanted = np.asarray(overrides.downbeats, dtype=np.float64)
            nearest = np.clip(np.searchsorted(beats, wanted), 1, len(beats) - 1) if len(beats) > 1 else \
                np.zeros(len(wanted), dtype=np.int64)
            if len(beats) > 1:
                nearest = np.where(np.abs(beats[nearest - 1] - wanted) <= np.abs(beats[nearest] - wanted),
                                   nearest - 1, nearest)
            changes["downbeats"] = beats[np.unique(nearest)]
            changes["downbeat_confidence"] = 1.0  # a person placed them: no longer a guess to warn about
    if overrides.section_labels:
        sections = list(analysis.sections)
        missing = sorted(k for k in overrides.section_labels if k >= len(sections))
        if missing:
            warnings.warn(f"the analysis has {len(sections)} sections: labels for sections {missing} are not used",
                          stacklevel=2)
        changes["sections"] = [replace(s, label=overrides.section_labels.get(k, s.label))
                               for k, s in enumerate(sections)]
    return replace(analysis, **changes)
