"""Structural segmentation: parts of the song, where a part that recurs (a chorus) gets the same label each time.

Laplacian segmentation after McFee and Ellis (2014), as in librosa's gallery:
beat-synchronous timbre (MFCC) and harmony (chroma) build a recurrence graph
(which beats sound alike anywhere in the song) joined with a path graph (which
neighbouring beats sound alike); k-means on the leading eigenvectors of its
Laplacian gives each beat a part, so a part that comes back gets the label it
had before. Runs of equal labels are the sections. The number of parts is
the one whose labelling is clearest (silhouette), or one part when no split is
clear.

Examples
--------
>>> labels_to_sections(np.array([0, 0, 1, 1, 0]), np.array([0.0, 1.0, 2.0, 3.0, 4.0]), duration=5.0)
[Section(start=0.0, end=2.0, label='A'), Section(start=2.0, end=4.0, label='B'), Section(start=4.0, end=5.0, label='A')]
"""

from __future__ import annotations

import string

import numpy as np

from .result import Section

MAX_UNITS = 800
"""Most time units segmented; longer songs group beats so the eigenproblem stays small."""


def labels_to_sections(labels: np.ndarray, starts: np.ndarray, *, duration: float) -> list[Section]:
    """Contiguous sections covering ``[0, duration]`` from one label per time unit starting at ``starts``.

    Runs of equal labels merge; labels are renamed "A", "B", ... in order of
    first appearance (after "Z": "S26", "S27", ...). The first section starts at
    0 and the last ends at ``duration``.

    Examples
    --------
    >>> labels_to_sections(np.array([5, 5]), np.array([0.5, 1.0]), duration=2.0)
    [Section(start=0.0, end=2.0, label='A')]
    """
    if len(labels) == 0:
        return [Section(0.0, float(duration), "A")]
    names: dict[int, str] = {}
    for label in labels:
        if label not in names:
            k = len(names)
            names[label] = string.ascii_uppercase[k] if k < 26 else f"S{k}"
    change = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0.0], np.asarray(starts, dtype=np.float64)[change], [float(duration)]])
    run_labels = np.asarray(labels)[np.concatenate([[0], change])]
    return [Section(float(a), float(b), names[label]) for a, b, label in zip(bounds[:-1], bounds[1:], run_labels)]


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


def _laplacian_embedding(features: np.ndarray, timbre: np.ndarray, n_vectors: int) -> np.ndarray:
    """Leading eigenvectors of the normalised Laplacian of the recurrence-plus-path graph (McFee and Ellis 2014)."""
    import librosa
    import scipy.linalg
    import scipy.ndimage
    import scipy.sparse.csgraph

    n = features.shape[1]
    # many neighbours: a part that repeats exactly would otherwise find all its neighbours in its own first instance
    recurrence = librosa.segment.recurrence_matrix(features, width=3, k=max(2, int(0.3 * n)), mode="affinity",
                                                   sym=True)
    recurrence = librosa.segment.timelag_filter(scipy.ndimage.median_filter)(recurrence, size=(1, 7))
    path_distance = np.sum(np.diff(timbre, axis=1) ** 2, axis=0)
    path_similarity = np.exp(-path_distance / max(np.median(path_distance), 1e-12))
    path = np.diag(path_similarity, k=1) + np.diag(path_similarity, k=-1)
    degree_path, degree_recurrence = path.sum(axis=1), recurrence.sum(axis=1)
    mu = degree_path.dot(degree_path + degree_recurrence) / np.sum((degree_path + degree_recurrence) ** 2)
    laplacian = scipy.sparse.csgraph.laplacian(mu * recurrence + (1 - mu) * path, normed=True)
    _, vectors = scipy.linalg.eigh(laplacian, subset_by_index=[0, n_vectors - 1])
    return scipy.ndimage.median_filter(vectors, size=(9, 1))


def segment(timbre: np.ndarray, harmony: np.ndarray, *, active: np.ndarray | None = None, max_parts: int = 6,
            min_run: int = 8, min_silhouette: float = 0.2, simpler: float = 0.03, seed: int = 0) -> np.ndarray:
    """One part label per time unit (column) of beat-synchronous features; units that sound alike share it.

    Laplacian segmentation (McFee and Ellis, 2014, as in librosa's gallery):
    a recurrence graph links units that sound alike anywhere in the song, a
    path graph links neighbouring units that sound alike, and k-means on the
    leading eigenvectors of the joint graph's Laplacian gives 2 to
    ``max_parts`` parts. Runs shorter than ``min_run`` units join a neighbour.
    The number of parts is the one whose labelling best separates the
    features averaged over ``min_run`` units (silhouette score), the fewest
    parts among those within ``simpler`` of the best; none reaching
    ``min_silhouette`` means one part.

    Parameters
    ----------
    timbre : np.ndarray, shape (n_timbre, n_units)
        E.g. MFCC averaged per beat; also drives the path graph.
    harmony : np.ndarray, shape (n_harmony, n_units)
        E.g. chroma averaged per beat (values in [0, 1]).
    active : np.ndarray of bool, shape (n_units,), or None
        Units that hold sound. Silent units (a silent lead-in, a gap) are left
        out of the segmentation, which they would distort, and take the label
        of the sounding unit before them (after them at the start).
    max_parts : int
        Most distinct parts.
    min_run : int
        Shortest section, in units.
    min_silhouette : float
        A split must reach this silhouette score; below it, the song is one part.
    simpler : float
        Fewer parts are preferred when their silhouette is at most this much lower.
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
    >>> timbre = np.hstack([a] * 20 + [b] * 20 + [a] * 20) + 0.05 * rng.normal(size=(13, 60))
    >>> labels = segment(timbre, np.zeros((12, 60)))
    >>> labels[[0, 30, 50]].tolist()
    [0, 1, 0]
    >>> segment(rng.normal(size=(13, 60)), rng.uniform(size=(12, 60)))[[0, 30, 50]].tolist()   # no structure
    [0, 0, 0]
    """
    import scipy.ndimage
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if active is not None and not np.all(active):
        kept = np.flatnonzero(active)
        if kept.size == 0:
            return np.zeros(len(active), dtype=int)
        labels = segment(timbre[:, kept], harmony[:, kept], max_parts=max_parts, min_run=min_run,
                         min_silhouette=min_silhouette, simpler=simpler, seed=seed)
        nearest = np.clip(np.searchsorted(kept, np.arange(len(active)), side="right") - 1, 0, None)
        return labels[nearest]
    n = timbre.shape[1]
    if n < 2 * min_run:
        return np.zeros(n, dtype=int)
    timbre = (timbre - timbre.mean(axis=1, keepdims=True)) / (timbre.std() + 1e-9)
    features = np.vstack([harmony, timbre])
    vectors = _laplacian_embedding(features, timbre, max_parts)
    cumulative = np.cumsum(vectors**2, axis=1) ** 0.5
    averaged = scipy.ndimage.uniform_filter1d(features.T, size=min_run, axis=0, mode="nearest")
    candidates = []
    for k in range(2, max_parts + 1):
        embedding = vectors[:, :k] / (cumulative[:, k - 1:k] + 1e-12)
        labels = _smooth_labels(KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(embedding), min_run)
        if len(np.unique(labels)) > 1:
            candidates.append((silhouette_score(averaged, labels), labels))
    best = max((score for score, _ in candidates), default=-1.0)
    labels = next((labels for score, labels in candidates if score >= max(min_silhouette, best - simpler)),
                  np.zeros(n, dtype=int))
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse]


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
