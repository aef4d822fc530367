"""The stems as keyframe signals: ``stem("drums")`` and the drum hits ``kick``, ``snare``, ``hats``.

With a song separated into stems (``Song(..., stems=True)``, ``--stems``):

* ``stem("drums")``, ``stem("bass")``, ``stem("vocals")``, ``stem("other")``:
  the stem's envelope, one value per frame in [0, 1] (1 where the stem is at
  its loud level, 0 where it is silent);
* ``kick``, ``snare``, ``hats``: the drum hits counted like ``beat`` (hits
  since the first, fractional between hits), so ``pulse(kick, 0.2)`` is 1 on
  each kick and decays with a 0.2 s time constant.

Without stems, a curve that reads them gets one line saying how to have them
(:data:`NEEDS_STEMS`).

Examples
--------
>>> import numpy as np
>>> from binarydream.analysis.stems import StemSignals
>>> from binarydream.keyframes import parse
>>> from binarydream.keyframes.signals import song_signals
>>> stems = StemSignals({"vocals": np.linspace(0, 1, 8)},
...                     {"kick": np.array([0.5, 2.5]), "snare": np.array([1.5, 3.5]), "hats": np.arange(0.5, 4, 0.5)})
>>> sig = song_signals(8, 2, stems=stems)
>>> parse("0: (pulse(kick, 0.5))", 8, fps=2, signals=sig).round(3).tolist()
[0.0, 1.0, 0.368, 0.135, 0.05, 1.0, 0.368, 0.135]
>>> parse("0: (snare)", 8, fps=2, signals=sig).tolist()              # counted like beat
[-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0]
>>> parse("0: (where(pulse(hats, 0.1) > 0.9, 1, 0))", 8, fps=2, signals=sig).tolist()
[0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
>>> parse('0: (1 + stem("vocals"))', 8, fps=2, signals=sig)[[0, 7]].tolist()
[1.0, 2.0]
>>> try:
...     parse("0: (kick)", 8, fps=2, signals=song_signals(8, 2))
... except ValueError as error:
...     print(str(error).splitlines()[0][:87])
kick is heard in the drum stem: separate the song into stems with Song(..., stems=True)
"""

from __future__ import annotations

import numpy as np

from ..analysis.drums import HITS
from ..analysis.separation import STEM_NAMES

STEM_FUNCTION = "stem"
"""The keyframe function that reads a stem's envelope: ``stem("vocals")``."""


def stem_key(stem: str) -> str:
    """The name under which a stem's envelope is bound; not a name anyone can type, so only ``stem(...)`` reads it.

    Examples
    --------
    >>> stem_key("drums")
    'stem:drums'
    """
    return f"{STEM_FUNCTION}:{stem}"


STEM_KEYS = tuple(stem_key(name) for name in STEM_NAMES)
"""Every name the stems bind besides :data:`HITS`."""


def needs_stems(what: str) -> str:
    """The one line a curve reading the stems gets when the song has none.

    Examples
    --------
    >>> needs_stems("snare")[:36]
    'snare is heard in the drum stem: sep'
    """
    source = "is heard in the drum stem" if what in HITS else "reads the song's stems"
    return (f"{what} {source}: separate the song into stems with Song(..., stems=True) (--stems on the command "
            "line)")


def unbound_reasons(bound) -> dict:
    """Why each stem name not in ``bound`` cannot be read: for the keyframe parser's names.

    Examples
    --------
    >>> sorted(unbound_reasons({"kick"}))[:2]
    ['hats', 'snare']
    """
    reasons = {name: needs_stems(name) for name in HITS if name not in bound}
    reasons.update({key: needs_stems(f'stem("{key.split(":", 1)[1]}")') for key in STEM_KEYS if key not in bound})
    return reasons


def stem_values(times: np.ndarray, stems, count) -> tuple[dict, dict]:
    """Per-frame values and event times of the stem signals, from a :class:`~binarydream.analysis.stems.StemSignals`.

    ``count(times, events)`` counts events as ``beat`` is counted.

    Examples
    --------
    >>> from binarydream.analysis.stems import StemSignals
    >>> values, events = stem_values(np.arange(3.0), StemSignals({}, {"kick": np.array([1.0])}),
    ...                              lambda t, e: np.searchsorted(e, t, side="right") - 1.0)
    >>> values["kick"].tolist(), events["kick"].tolist()
    ([-1.0, 0.0, 0.0], [1.0])
    """
    values, events = {}, {}
    for name, envelope in stems.envelopes.items():
        if name in STEM_NAMES:
            values[stem_key(name)] = np.asarray(envelope, dtype=np.float64)
    for name, hits in stems.hits.items():
        if name in HITS:
            events[name] = np.asarray(hits, dtype=np.float64)
            values[name] = count(times, events[name])
    return values, events
