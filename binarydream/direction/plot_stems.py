"""The stems' lanes of the timeline picture: one envelope per stem, and the drum hits as ticks on three rows.

Drawn only for a song separated into stems (``analysis.stems``), between the
envelopes and the camera curves of :func:`~binarydream.direction.plot.plot_timeline`.

Examples
--------
>>> import numpy as np
>>> from binarydream.analysis import Analysis, Section
>>> from binarydream.analysis.stems import StemSignals
>>> a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4, [Section(0.0, 2.0, "A")], {},
...              stems=StemSignals({"drums": np.zeros(20, np.float32)}, {"kick": np.array([0.5, 1.5])}))
>>> stem_lanes(a)
[('stems', 1.2), ('drum hits', 0.8)]
"""

from __future__ import annotations

from .. import timebase
from ..analysis.drums import HITS
from ..analysis.separation import STEM_NAMES

_HIT_COLOURS = {"kick": "tab:red", "snare": "tab:blue", "hats": "tab:olive"}


def stem_lanes(analysis) -> list:
    """``(lane name, height)`` of the stems' lanes; none for a song without stems.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> stem_lanes(SimpleNamespace(stems=None))
    []
    """
    return [] if analysis.stems is None else [("stems", 1.2), ("drum hits", 0.8)]


def draw_stems(ax, analysis) -> None:
    """Each stem's envelope, ``stem("drums")`` and the others, as the curves read it."""
    times = timebase.frame_times(analysis.n_frames, analysis.fps)
    for name in STEM_NAMES:
        if name in analysis.stems.envelopes:
            ax.plot(times, analysis.stems.envelopes[name], lw=0.8, label=f'stem("{name}")')
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("stems", fontsize=8)
    ax.legend(loc="upper right", fontsize=7, ncol=len(STEM_NAMES), framealpha=0.8)


def draw_hits(ax, analysis) -> None:
    """The drum hits, ``kick``, ``snare`` and ``hats``, one row of ticks each."""
    for row, name in enumerate(HITS):
        times = analysis.stems.hits.get(name, ())
        ax.vlines(times, row + 0.1, row + 0.9, color=_HIT_COLOURS[name], lw=0.8)
    ax.set_yticks([row + 0.5 for row in range(len(HITS))], HITS, fontsize=7)
    ax.set_ylim(0, len(HITS))
    ax.set_ylabel("drum hits", fontsize=8)
