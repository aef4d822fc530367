"""Beat trackers behind one interface: each backend turns a mono signal into a :class:`~binarydream.analysis.grid.BeatGrid`.

The backends, best first:

``"beat_this"``
    Beat This! (CPJKU, 2024; MIT), a transformer on a mel spectrogram: the
    state of the art for beats and downbeats. Needs ``pip install
    binarydream[beat-this]`` and its checkpoint (:mod:`.beat_this_tracker`).
``"madmom"``
    madmom's RNN beat and downbeat models with their dynamic Bayesian network
    decoders (3/4 and 4/4, tempo changes). Needs ``pip install binarydream[madmom]``; the
    models are CC BY-NC-SA 4.0 (:mod:`.madmom_tracker`).
``"librosa"``
    Onset strength and dynamic programming; always installed (:mod:`.librosa_tracker`).

``"auto"`` takes ``$BINARYDREAM_BEATS`` when set, else the first of these that
is ready on this machine, and logs which. A Beat This! checkpoint file may be
named after a colon: ``"beat_this:/models/final0.ckpt"``.

Examples
--------
>>> tracker = choose("librosa")
>>> tracker.name, tracker.sample_rate
('librosa', 22050)
>>> choose("aubio")
Traceback (most recent call last):
...
binarydream.errors.ParameterError: unknown beat tracker 'aubio'; choose auto, beat_this, madmom or librosa
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable

from ...errors import ParameterError
from . import beat_this_tracker, librosa_tracker, madmom_tracker

NAMES = ("beat_this", "madmom", "librosa")
"""The backends, best first: the order ``"auto"`` tries them in."""

_MODULES = {"beat_this": beat_this_tracker, "madmom": madmom_tracker, "librosa": librosa_tracker}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tracker:
    """A beat tracker ready to run: its name, version, the sample rate it listens at, and the function.

    ``track(y, sr, *, beats_per_bar=None)`` returns a BeatGrid; ``beats_per_bar``
    forces the meter (None: the tracker finds it).

    Examples
    --------
    >>> import numpy as np
    >>> choose("librosa").track(np.zeros(22050, np.float32), 22050).beats.size
    0
    """

    name: str
    version: str
    sample_rate: int
    track: Callable


def choose(beats: str = "auto") -> Tracker:
    """The tracker that ``beats`` names, loaded and ready.

    Parameters
    ----------
    beats : str
        ``"auto"``, ``"beat_this"`` (optionally ``"beat_this:PATH"`` to a
        checkpoint file), ``"madmom"`` or ``"librosa"``.

    Raises
    ------
    ParameterError
        An unknown name.
    MissingDependencyError
        The backend's package is not installed (the message gives the pip command).
    ModelNotFoundError
        Beat This!'s checkpoint is not on this machine and cannot be downloaded.

    Examples
    --------
    >>> choose("librosa").version == __import__("librosa").__version__
    True
    """
    name, _, option = str(beats).partition(":")
    if name == "auto" and not option:
        return _auto()
    if name not in _MODULES or (option and name != "beat_this"):
        raise ParameterError(f"unknown beat tracker {beats!r}; choose auto, {', '.join(NAMES[:-1])} or {NAMES[-1]}")
    return Tracker(name, *_MODULES[name].load(option or None))


def _auto() -> Tracker:
    chosen = os.environ.get("BINARYDREAM_BEATS")
    if chosen:
        return choose(chosen)
    name = next(name for name in NAMES if _MODULES[name].ready())
    tracker = choose(name)
    log.info("beat tracker: %s %s (the best ready here of %s)", tracker.name, tracker.version, ", ".join(NAMES))
    return tracker
