"""Structural segmentation: parts of the song, where a part that recurs (a chorus) gets the same label each time.

Laplacian segmentation after McFee and Ellis (2014), as in librosa's gallery:
beat-synchronous harmony (chroma), timbre (MFCC) and loudness build a
recurrence graph (which beats sound alike anywhere in the song, with librosa's
path enhancement so that repeated passages stand out) joined with a path graph
(which neighbouring beats sound alike); k-means on the leading eigenvectors of
its Laplacian gives each beat a part, so a part that comes back gets the label
it had before. Runs shorter than a few bars join a neighbour.

The number of parts comes from the music: a labelling is made for every number
of parts from 2 to ``max_parts``. Labels that k-means gave to bar-long pieces
of a part join the label they alternate with; a labelling still cut into
pieces (more than a fifth of the song in runs under :data:`MIN_BARS` bars) is
no form and is dropped; the one with the most parts among the rest is kept,
and parts of it that do not sound apart merge. Boundaries then move to the
nearest downbeat (:mod:`.section_edges`), and each section gets its loudness relative to the song
(:attr:`~binarydream.analysis.Section.energy`), so a quiet breakdown reads as one.

Examples
--------
>>> [s.label for s in labels_to_sections(np.array([0, 0, 1, 1, 0]), np.arange(5.0), duration=5.0)]
['A', 'B', 'A']
"""

from __future__ import annotations

import string

import numpy as np

from .result import Section
from .section_edges import MIN_BARS, section_energies, snap_to_downbeats, split_long

MAX_UNITS = 800
"""Most time units segmented; longer songs group beats so the eigenproblem stays small."""

MAX_RELABELLED = 0.2
"""A labelling whose runs shorter than :data:`MIN_BARS` hold more than this share of the units is left out."""

MIN_SEPARATION = 0.5
"""Distinct parts differ in mean features by at least this many times their spread (squared distances)."""


def labels_to_sections(labels: np.ndarray, starts: np.ndarray, *, duration: float) -> list[Section]:
    """Contiguous sections covering ``[0, duration]`` from one label per time unit starting at ``starts``.

    Runs of equal labels merge; labels are renamed "A", "B", ... in order of
    first appearance (after "Z": "S26", "S27", ...), and kept as the group too. The first section starts at
    0 and the last ends at ``duration``.

    Examples
    --------
    >>> labels_to_sections(np.array([5, 5]), np.array([0.5, 1.0]), duration=2.0)
    [Section(start=0.0, end=2.0, label='A', energy=None, group='A')]
    """
    if len(labels) == 0:
        return [Section(0.0, float(duration), "A", group="A")]
    names: dict[int, str] = {}
    for label in labels:
        if label not in names:
            k = len(names)
            names[label] = string.ascii_uppercase[k] if k < 26 else f"S{k}"
    change = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0.0], np.asarray(starts, dtype=np.float64)[change], [float(duration)]])
    run_labels = np.asarray(labels)[np.concatenate([[0], change])]
    return [Section(float(a), float(b), names[label], group=names[label])
            for a, b, label in zip(bounds[:-1], bounds[1:], run_labels)]


def _smooth_labels(labels: np.ndarray, min_run: int) -> np.ndarray:
    """Give runs shorter than ``min_run`` units the label of their longer neighbour."""
    labels = labels.copy()
    while True:
        change = np.flatnonzero(np.diff(labels)) + 1
        starts = np.concatenate([[0], change])
        ends = np.concatenate([change, [len(labels)]])
        lengths = ends - starts
        short = np.flatnonzero(lengths < min_run)
        if len(starts) == 1 or short.size == 0:
            return labels
        i = short[np.argmin(lengths[short])]
        left = lengths[i - 1] if i > 0 else -1
        right = lengths[i + 1] if i + 1 < len(starts) else -1
        labels[starts[i]:ends[i]] = labels[starts[i] - 1] if left >= right else labels[ends[i]]


def _join_fragments(labels: np.ndarray, min_run: int) -> np.ndarray:
    """Join each label whose runs are shorter than ``min_run`` on average to the label it alternates with most.

    k-means often cuts one part into bar-long pieces (its bars differ: one
    chord, then another); those pieces alternate with each other, where two
    parts meet only at their boundaries.
    """
    labels = labels.copy()
    while True:
        change = np.flatnonzero(np.diff(labels)) + 1
        run_labels = labels[np.concatenate([[0], change])]
        parts, runs = np.unique(run_labels, return_counts=True)
        if len(parts) == 1:
            return labels
        mean_run = np.bincount(labels, minlength=parts.max() + 1)[parts] / runs
        if mean_run.min() >= min_run:
            return labels
        piece = parts[np.argmin(mean_run)]
        after, before = run_labels[1:][run_labels[:-1] == piece], run_labels[:-1][run_labels[1:] == piece]
        labels[labels == piece] = np.bincount(np.concatenate([after, before])).argmax()


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-9)


def _features(timbre: np.ndarray, harmony: np.ndarray, loudness_db: np.ndarray) -> np.ndarray:
    """Harmony, timbre and loudness per unit, each group weighing about as much as the others."""
    chroma = harmony / (np.linalg.norm(harmony, axis=0, keepdims=True) + 1e-9)
    shape = _standardise(timbre[1:]) / np.sqrt(len(timbre) - 1)   # MFCC 0 is loudness, which has its own row
    return np.vstack([2.0 * chroma, 2.0 * shape, _standardise(loudness_db[np.newaxis])])


def _merge_alike(features: np.ndarray, labels: np.ndarray, bar: int) -> np.ndarray:
    """Merge parts whose mean features (over two bars) differ by less than :data:`MIN_SEPARATION` times their spread.

    A part the eigenvectors split along time alone (its first and second
    half) has two means no farther apart than its own bars are from them.
    """
    import scipy.ndimage

    smooth = scipy.ndimage.uniform_filter1d(features, size=2 * bar, axis=1, mode="nearest")
    labels = labels.copy()
    while len(parts := np.unique(labels)) > 1:
        means = np.stack([smooth[:, labels == part].mean(axis=1) for part in parts])
        spread = np.mean([np.sum((smooth[:, labels == part] - mean[:, np.newaxis]) ** 2, axis=0).mean()
                          for part, mean in zip(parts, means)])
        apart = np.sum((means[:, np.newaxis] - means[np.newaxis]) ** 2, axis=2) / max(spread, 1e-12)
        apart[np.diag_indices(len(parts))] = np.inf
        i, j = np.unravel_index(np.argmin(apart), apart.shape)
        if apart[i, j] >= MIN_SEPARATION:
            return labels
        labels[labels == parts[j]] = parts[i]
    return labels


def _recurrence(features: np.ndarray, *, k: int, width: int) -> np.ndarray:
    """Affinity between units that are mutual k-nearest neighbours at least ``width`` units apart.

    What ``librosa.segment.recurrence_matrix(mode="affinity", sym=True)`` computes
    (bandwidth: the median distance to the k-th neighbour), in whole-array numpy:
    librosa's per-row sparse loop takes about a second on an 800-beat song.
    """
    import scipy.spatial.distance

    distance = scipy.spatial.distance.squareform(scipy.spatial.distance.pdist(features.T))
    index = np.arange(distance.shape[0])
    distance[np.abs(index[:, np.newaxis] - index) < width] = np.inf
    k = min(k, distance.shape[0] - width)
    kth = np.partition(distance, k - 1, axis=1)[:, k - 1:k]
    links = distance <= kth
    links &= links.T
    bandwidth = max(float(np.median(kth[np.isfinite(kth)])), 1e-12) if np.isfinite(kth).any() else 1.0
    return np.where(links, np.exp(-distance / bandwidth), 0.0)


def _laplacian_embedding(features: np.ndarray, n_vectors: int, bar: int) -> np.ndarray:
    """Leading eigenvectors of the normalised Laplacian of the recurrence-plus-path graph (McFee and Ellis 2014)."""
    import librosa
    import scipy.linalg
    import scipy.ndimage
    import scipy.sparse.csgraph

    n = features.shape[1]
    # half a bar of context per unit: a beat alone matches too many others
    context = librosa.feature.stack_memory(features, n_steps=2, delay=max(bar // 2, 1), mode="edge")
    recurrence = librosa.segment.path_enhance(_recurrence(context, k=max(2, int(2 * np.sqrt(n))), width=bar),
                                              2 * bar + 1)
    path_distance = np.sum(np.diff(features, axis=1) ** 2, axis=0)
    path_similarity = np.exp(-path_distance / max(np.median(path_distance), 1e-12))
    path = np.diag(path_similarity, k=1) + np.diag(path_similarity, k=-1)
    degree_path, degree_recurrence = path.sum(axis=1), recurrence.sum(axis=1)
    mu = degree_path.dot(degree_path + degree_recurrence) / np.sum((degree_path + degree_recurrence) ** 2)
    laplacian = scipy.sparse.csgraph.laplacian(mu * recurrence + (1 - mu) * path, normed=True)
    _, vectors = scipy.linalg.eigh(laplacian, subset_by_index=[0, n_vectors - 1])
    return scipy.ndimage.median_filter(vectors, size=(bar + 1, 1))


def segment(timbre: np.ndarray, harmony: np.ndarray, loudness_db: np.ndarray, *, active: np.ndarray | None = None,
            max_parts: int = 10, bar: int = 4, seed: int = 0) -> np.ndarray:
    """One part label per time unit (column) of beat-synchronous features; units that sound alike share it.

    Laplacian segmentation (McFee and Ellis, 2014, as in librosa's gallery):
    a recurrence graph links units that sound alike anywhere in the song, a
    path graph links neighbouring units that sound alike, and k-means on the
    leading eigenvectors of the joint graph's Laplacian labels the units, for
    every number of parts from 2 to ``max_parts``. Labels whose runs are
    shorter than :data:`MIN_BARS` bars on average join the label they
    alternate with, other short runs join a neighbour; a labelling where that relabels
    more than :data:`MAX_RELABELLED` of the units is dropped (k-means cut its
    parts into pieces). The labelling with the most parts among the rest is
    kept, and parts in it that do not sound apart (:data:`MIN_SEPARATION`) merge.

    Parameters
    ----------
    timbre : np.ndarray, shape (n_timbre, n_units)
        MFCC averaged per unit (row 0, the loudness coefficient, is left out).
    harmony : np.ndarray, shape (n_harmony, n_units)
        Chroma averaged per unit.
    loudness_db : np.ndarray, shape (n_units,)
        Loudness per unit in dB.
    active : np.ndarray of bool, shape (n_units,), or None
        Units that hold sound. Silent units (a silent lead-in, a gap) are left
        out of the segmentation, which they would distort, and take the label
        of the sounding unit before them (after them at the start).
    max_parts : int
        Most distinct parts tried.
    bar : int
        Units in a bar (beats per bar when the units are beats).
    seed : int
        Seed of k-means.

    Returns
    -------
    np.ndarray of int, shape (n_units,)
        Parts numbered 0, 1, ... in order of first appearance.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(13, 1)), rng.normal(size=(13, 1))
    >>> timbre = np.hstack([a] * 32 + [b] * 32 + [a] * 32) + 0.05 * rng.normal(size=(13, 96))
    >>> labels = segment(timbre, np.ones((12, 96)), np.zeros(96))
    >>> labels[[0, 48, 80]].tolist()
    [0, 1, 0]
    >>> noise = segment(rng.normal(size=(13, 96)), rng.uniform(size=(12, 96)), rng.normal(size=96))
    >>> np.unique(noise).tolist()   # no form: one part
    [0]
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    if active is not None and not np.all(active):
        kept = np.flatnonzero(active)
        if kept.size == 0:
            return np.zeros(len(active), dtype=int)
        labels = segment(timbre[:, kept], harmony[:, kept], loudness_db[kept], max_parts=max_parts, bar=bar,
                         seed=seed)
        nearest = np.clip(np.searchsorted(kept, np.arange(len(active)), side="right") - 1, 0, None)
        return labels[nearest]
    n = timbre.shape[1]
    min_run = MIN_BARS * bar
    if n < 2 * min_run:
        return np.zeros(n, dtype=int)
    max_parts = int(min(max_parts, n // min_run))
    features = _features(timbre, harmony, loudness_db)
    vectors = _laplacian_embedding(features, max(max_parts, 2), bar)
    norms = np.cumsum(vectors**2, axis=1) ** 0.5
    candidates = [np.zeros(n, dtype=int)]
    with threadpool_limits(1):   # a few hundred points: threads only add overhead, a lot of it on a busy machine
        for k in range(2, max_parts + 1):
            embedding = vectors[:, :k] / (norms[:, k - 1:k] + 1e-12)
            labels = _join_fragments(KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(embedding),
                                     min_run)
            smooth = _smooth_labels(labels, min_run)
            # parts that k-means cut into bar-long pieces are no labelling of the form: smoothing would invent one
            if np.mean(smooth != labels) <= MAX_RELABELLED:
                candidates.append(smooth)
    finest = max(candidates, key=lambda labels: len(np.unique(labels)))
    _, first, inverse = np.unique(_merge_alike(features, finest, bar), return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse]


def song_sections(timbre: np.ndarray, harmony: np.ndarray, loudness: np.ndarray, starts: np.ndarray, *,
                  duration: float, downbeats: np.ndarray, beats_per_bar: int, max_parts: int = 10) -> list[Section]:
    """The song's sections from features per time unit: labelled, on downbeats, split where long, with their energy.

    Parameters
    ----------
    timbre, harmony : np.ndarray, shape (n, n_units)
        MFCC and chroma averaged per unit (see :func:`segment`).
    loudness : np.ndarray, shape (n_units,)
        RMS amplitude per unit.
    starts : np.ndarray, shape (n_units,)
        Start time of each unit (:func:`unit_starts`).
    duration : float
        Song length in seconds.
    downbeats : np.ndarray
        Seconds; boundaries move to the nearest one within half a bar.
    beats_per_bar : int
        The meter.
    max_parts : int
        Most distinct parts tried.

    Returns
    -------
    list of Section
        Contiguous, covering ``[0, duration]``.

    Examples
    --------
    >>> song_sections(np.zeros((13, 4)), np.ones((12, 4)), np.ones(4), np.arange(4.0), duration=4.0,
    ...               downbeats=np.array([0.0]), beats_per_bar=4)
    [Section(start=0.0, end=4.0, label='A', energy=0.5, group='A')]
    """
    loudness = np.asarray(loudness, dtype=np.float64)
    loudness_db = 20 * np.log10(np.maximum(loudness, 1e-5))
    active = loudness > 0.01 * loudness.max()   # 40 dB down: a silent lead-in or gap, not a part
    bar_seconds = float(np.median(np.diff(downbeats))) if len(downbeats) > 1 else 0.0
    unit_seconds = float(np.median(np.diff(starts))) if len(starts) > 1 else 0.0
    # units are beats, or runs of beats in a long song: a bar is however many units it spans
    bar = max(int(round(bar_seconds / unit_seconds)), 1) if bar_seconds and unit_seconds else int(beats_per_bar)
    labels = segment(timbre, harmony, loudness_db, active=active, max_parts=max_parts, bar=bar)
    sections = labels_to_sections(labels, starts, duration=duration)
    sections = snap_to_downbeats(sections, downbeats, reach=bar_seconds / 2)
    sections = split_long(sections, _features(timbre, harmony, loudness_db), np.asarray(starts, dtype=np.float64),
                          np.asarray(downbeats, dtype=np.float64), bar=bar)
    return section_energies(sections, starts, loudness_db, active)


def unit_starts(beats: np.ndarray, duration: float, *, unit: float = 0.5) -> np.ndarray:
    """Start times of the time units to segment: the beats, with a grid at the beat period where beats are missing.

    Stretches without beats (a quiet intro, a break, the end) are cut at the
    typical beat period so they weigh as much as the beats around them. Units
    are grouped in runs so there are at most :data:`MAX_UNITS`. A song with
    fewer than 16 beats is cut into steps of ``unit`` seconds instead (longer
    where that would make too many).

    Examples
    --------
    >>> unit_starts(np.array([]), 2.0).tolist()
    [0.0, 0.5, 1.0, 1.5]
    >>> unit_starts(np.arange(2.2, 10.0, 0.5), 10.0)[:6].round(2).tolist()
    [0.0, 0.2, 0.7, 1.2, 1.7, 2.2]
    >>> len(unit_starts(np.arange(0.0, 1000.0, 0.5), 1000.0))
    667
    """
    beats = np.asarray(beats, dtype=np.float64)
    if len(beats) < 16:
        return np.arange(0.0, duration, max(unit, duration / MAX_UNITS))
    period = float(np.median(np.diff(beats)))
    grid = beats[0] + period * np.arange(-np.floor(beats[0] / period), (duration - beats[0]) / period - 0.5)
    index = np.clip(np.searchsorted(beats, grid), 1, len(beats) - 1)
    nearest = np.minimum(np.abs(grid - beats[index - 1]), np.abs(grid - beats[index]))
    starts = np.union1d(np.append(beats, 0.0), grid[nearest > 0.75 * period])
    step = int(np.ceil(len(starts) / MAX_UNITS))
    return starts[::step]
