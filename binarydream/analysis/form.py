"""Song form: what each section is for (intro, verse, chorus, bridge, outro), and how curves name it.

The audio segmentation (:mod:`.sections`) says where the music changes and
which parts sound alike (a letter per cluster, kept as
:attr:`~binarydream.analysis.Section.group`). Sections are named in a fixed
vocabulary (:data:`FUNCTIONS`) that a video maker can direct by:

* from the lyrics, where the song has them (:mod:`.lyric_form`): lines that
  come back as a run are the chorus, new text a verse, text sung once between
  choruses late over new music the bridge, no singing at the start or the end
  the intro or the outro;
* from the audio alone (:func:`form_from_audio`, which the analysis applies):
  the loudest part that recurs is the chorus, other recurring parts verses, a
  part heard once after the second chorus the bridge, a quiet one heard once
  an instrumental, parts heard once at the edges the intro and outro. A song
  known to have no singing (``sung=False``) gets no verse or chorus.

Labels recurring with different material are numbered (``verse 1``,
``verse 2``); :func:`section_matches` makes ``is_section("verse")`` match
every verse, and :func:`look_of` gives every verse one look.

Examples
--------
>>> parts = [Section(0.0, 20.0, "A", 0.4), Section(20.0, 40.0, "B", 0.9), Section(40.0, 60.0, "A", 0.4),
...          Section(60.0, 80.0, "B", 0.9)]
>>> [(s.label, s.group) for s in form_from_audio(parts)]
[('verse 1', 'A'), ('chorus', 'B'), ('verse 2', 'A'), ('chorus', 'B')]
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .result import Section

FUNCTIONS = ("intro", "verse", "prechorus", "chorus", "bridge", "instrumental", "outro")
"""The functional labels a section may carry (numbered where a part recurs with other material)."""


def function_of(label: str) -> str:
    """The function of a label: ``"verse 2"`` -> ``"verse"``; a label outside :data:`FUNCTIONS` is itself.

    Examples
    --------
    >>> function_of("verse 2"), function_of("chorus"), function_of("B")
    ('verse', 'chorus', 'B')
    """
    base = re.sub(r"\s+\d+$", "", str(label).strip().lower())
    return base if base in FUNCTIONS else str(label)


def look_of(label: str) -> str:
    """What a section's look (palette, motif, camera heading) is keyed by: verses share one, other labels their own.

    Verses are the same music with new words; a chorus (``"chorus"``, or
    ``"chorus 2"`` where the lyrics have two) looks the same each time it returns.

    Examples
    --------
    >>> look_of("verse 2"), look_of("chorus"), look_of("chorus 2"), look_of("B")
    ('verse', 'chorus', 'chorus 2', 'B')
    """
    function = function_of(label)
    return function if function in ("verse", "prechorus") else str(label)


def section_matches(label: str, wanted: str, group: str = "") -> bool:
    """Whether a section labelled ``label`` (audio cluster ``group``) is one ``is_section(wanted)`` asks for.

    ``"verse"`` matches every verse (``"verse 1"``, ``"verse 2"``), ``"verse 2"``
    only the second; a letter matches the audio cluster too, so strings written
    for lettered sections keep working.

    Examples
    --------
    >>> section_matches("verse 2", "verse"), section_matches("verse 2", "verse 1"), section_matches("chorus", "B", "B")
    (True, False, True)
    """
    label, wanted = str(label).strip(), str(wanted).strip()
    if label.lower() == wanted.lower() or (group and wanted == group):
        return True
    return bool(re.fullmatch(re.escape(wanted.lower()) + r"\s+\d+", label.lower()))


def _number(kinds: list[str], materials: list) -> list[str]:
    """Labels from kinds: numbered where a kind recurs with other material (its material: a key per section)."""
    labels = []
    for kind, material in zip(kinds, materials):
        distinct = list(dict.fromkeys(m for k, m in zip(kinds, materials) if k == kind))
        labels.append(kind if len(distinct) == 1 else f"{kind} {distinct.index(material) + 1}")
    return labels


def form_from_audio(sections: list[Section], *, sung=None) -> list[Section]:
    """Functional labels for the audio's sections from repetition, energy and (where known) singing.

    Parameters
    ----------
    sections : list of Section
        Labelled by audio cluster (letters, as :func:`~.sections.song_sections`
        gives them; a section's ``group``, where set, is used instead).
    sung : None, bool or sequence of bool
        Whether each section holds singing (one per section), or one bool for
        the whole song; None: unknown (a song is assumed to be sung). Without
        singing there is no verse or chorus: the parts are intro,
        instrumental (numbered per audio cluster) and outro. A quiet part
        heard once is an instrumental only where singing is not known per section.

    Returns
    -------
    list of Section
        The same spans, ``label`` a function, ``group`` the audio cluster.

    Examples
    --------
    >>> parts = [Section(16.0 * i, 16.0 * (i + 1), x, energy=e) for i, (x, e) in enumerate(
    ...     [("A", 0.5), ("B", 0.9), ("A", 0.5), ("B", 0.9), ("C", 0.1), ("B", 0.9)])]
    >>> [s.label for s in form_from_audio(parts)]
    ['verse 1', 'chorus', 'verse 2', 'chorus', 'bridge', 'chorus']
    >>> [s.label for s in form_from_audio(parts, sung=False)]
    ['instrumental 1', 'instrumental 2', 'instrumental 1', 'instrumental 2', 'instrumental 3', 'instrumental 2']
    """
    n = len(sections)
    if n == 0:
        return []
    groups = [s.group or s.label for s in sections]
    heard = sung is not None and sung is not True and sung is not False   # said per section, by a voice detector
    sung = np.full(n, True) if sung is None or sung is True else np.full(n, False) if sung is False \
        else np.asarray(sung, dtype=bool)
    counts = {g: groups.count(g) for g in groups}
    energy = {g: np.mean([s.energy if s.energy is not None else 0.5 for s, x in zip(sections, groups) if x == g])
              for g in counts}
    recurring = [g for g in counts if counts[g] > 1 and any(sung[k] for k in range(n) if groups[k] == g)]
    chorus = max(recurring, key=lambda g: (energy[g], counts[g])) if recurring else None
    if chorus is None and n >= 3 and sung[1:-1].any():   # nothing recurs: the loudest sung part inside is the chorus
        chorus = groups[1 + max((k for k in range(n - 2) if sung[k + 1]),
                                key=lambda k: energy[groups[k + 1]])]
    kinds = []
    for k, g in enumerate(groups):
        once = counts[g] == 1
        if not sung.any():
            kinds.append("intro" if k == 0 and once and n > 2 else "outro" if k == n - 1 and once and n > 2
                         else "instrumental")
        elif g == chorus and sung[k]:
            kinds.append("chorus")
        elif k == 0 and n > 2 and (once or not sung[k]):
            kinds.append("intro")
        elif k == n - 1 and n > 2 and (once or not sung[k]):
            kinds.append("outro")
        elif not sung[k]:
            kinds.append("instrumental")
        elif once and sum(x == chorus for x in groups[:k]) >= 2:
            kinds.append("bridge")
        elif once and not heard and (sections[k].energy is not None and sections[k].energy < 1 / 3):
            kinds.append("instrumental")
        else:
            kinds.append("verse")
    # a short verse-like part that always leads into the chorus, beside another verse part, is the prechorus
    verse_groups = {g for g, kind in zip(groups, kinds) if kind == "verse"}
    for g in verse_groups:
        at = [k for k in range(n) if groups[k] == g]
        if len(verse_groups) > 1 and len(at) > 1 and all(k + 1 < n and kinds[k + 1] == "chorus" for k in at) \
                and all(kinds[k - 1] == "verse" and groups[k - 1] != g for k in at if k > 0):
            for k in at:
                kinds[k] = "prechorus"
    materials = [k if kind in ("verse", "bridge") else g for k, (kind, g) in enumerate(zip(kinds, groups))]
    labels = _number(kinds, materials)
    return [replace(s, label=label, group=g) for s, label, g in zip(sections, labels, groups)]
