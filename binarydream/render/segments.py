"""A render cut into segments where the music allows a cut, so that several GPUs can paint one song at once.

The img2img loop is sequential frame to frame, so a song only spreads over
several GPUs if it is cut. :func:`plan_segments` cuts it at section starts
moved to the nearest downbeat, merges pieces shorter than a few bars, splits
long ones at downbeats until there are enough pieces to keep every worker
busy, and :func:`longest_first` orders them for the scheduler. Each segment
starts ``overlap`` frames before its cut (``warm``) so its first frames are
no longer the cold frame painted from text; :func:`crossfade` blends those
frames into the previous segment's tail. The plan is a pure function of its
arguments, so every run (one process or a cluster) cuts the same way.

Examples
--------
>>> import numpy as np
>>> downbeats = np.arange(0, 400, 20)  # a bar every 20 frames
>>> plan = plan_segments(400, [0, 110, 250], downbeats, workers=1, min_frames=60, overlap=8)
>>> [(s.start, s.stop) for s in plan]
[(0, 100), (100, 240), (240, 400)]
>>> plan[1].warm, plan[1].name
(92, 'segment-000100-000240')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

SEGMENTS_PER_WORKER = 4
"""The most pieces per worker the plan tries: more pieces balance the load but each one paints an overlap more."""


@dataclass(frozen=True)
class Segment:
    """Frames ``[start, stop)`` of the video, painted from frame ``warm`` (``<= start``) on.

    Frames ``[warm, start)`` are the overlap, blended into the previous segment's tail.

    Examples
    --------
    >>> Segment(0, 40, 0).n_frames, Segment(40, 90, 32).n_painted
    (40, 58)
    """

    start: int
    stop: int
    warm: int

    @property
    def n_frames(self) -> int:
        """Frames of the video the segment owns."""
        return self.stop - self.start

    @property
    def n_painted(self) -> int:
        """Frames the segment makes, its overlap included."""
        return self.stop - self.warm

    @property
    def name(self) -> str:
        """A name for its folder and its log lines."""
        return f"segment-{self.start:06d}-{self.stop:06d}"


def _nearest(points: np.ndarray, frame: int) -> int:
    return int(points[np.argmin(np.abs(points - frame))]) if points.size else int(frame)


def plan_segments(n_frames: int, section_starts, downbeat_frames, *, workers: int, min_frames: int,
                  overlap: int) -> tuple[Segment, ...]:
    """The segments of a render of ``n_frames``, in time order.

    Parameters
    ----------
    n_frames : int
    section_starts : array-like of int
        First frames of the sections (the schedule's ``sections``): the preferred cuts.
    downbeat_frames : array-like of int
        Frames of the downbeats: every cut lands on one (an empty list: cuts stay where the sections put them).
    workers : int
        Workers that will paint: the longest segment is split at the downbeat nearest its middle, again
        and again up to ``SEGMENTS_PER_WORKER * workers`` segments (or none can be split without one
        under ``min_frames``), and the plan that finishes first on ``workers``, overlaps counted and
        longest first (:func:`makespan`), is kept.
    min_frames : int
        No segment shorter (a few bars); a song shorter than this is one segment.
    overlap : int
        Frames each segment paints before its cut, to warm up.

    Returns
    -------
    tuple of Segment

    Examples
    --------
    >>> [(s.start, s.stop) for s in plan_segments(100, [0], [], workers=1, min_frames=40, overlap=4)]
    [(0, 100)]
    >>> [(s.start, s.stop) for s in plan_segments(100, [0], range(0, 100, 10), workers=2, min_frames=20, overlap=4)]
    [(0, 50), (50, 100)]
    """
    if not (isinstance(workers, (int, np.integer)) and workers >= 1):
        raise ParameterError(f"workers must be a whole number >= 1, got {workers!r}")
    if min_frames < 1 or overlap < 0:
        raise ParameterError(f"min_frames must be >= 1 and overlap >= 0, got {min_frames} and {overlap}")
    downbeats = np.unique(np.asarray(list(downbeat_frames), dtype=np.int64))
    downbeats = downbeats[(downbeats > 0) & (downbeats < n_frames)]
    cuts = []
    for start in sorted({_nearest(downbeats, int(s)) for s in section_starts}):
        if start >= (cuts[-1] if cuts else 0) + min_frames and start <= n_frames - min_frames:
            cuts.append(start)
    bounds = [0, *cuts, n_frames]

    def plan(bounds):
        return tuple(Segment(a, b, max(0, a - overlap)) for a, b in zip(bounds[:-1], bounds[1:]))

    best = plan(bounds)
    while len(bounds) - 1 < SEGMENTS_PER_WORKER * workers:
        splittable = [(bounds[i + 1] - bounds[i], i) for i in range(len(bounds) - 1)]
        split = None
        for _, i in sorted(splittable, reverse=True):
            middle = (bounds[i] + bounds[i + 1]) // 2
            inside = downbeats[(downbeats >= bounds[i] + min_frames) & (downbeats <= bounds[i + 1] - min_frames)]
            candidates = inside if downbeats.size else np.array([middle] if bounds[i + 1] - bounds[i] >= 2 * min_frames
                                                                 else [], dtype=np.int64)
            if candidates.size:
                split = (i, _nearest(candidates, middle))
                break
        if split is None:
            break
        bounds.insert(split[0] + 1, split[1])
        if makespan(plan(bounds), workers) < makespan(best, workers):
            best = plan(bounds)
    return best


def makespan(segments, workers: int) -> int:
    """Frames the busiest of ``workers`` paints when the segments start longest first, each on the first free one.

    Examples
    --------
    >>> makespan([Segment(0, 30, 0), Segment(30, 50, 26), Segment(50, 60, 46)], 2)
    38
    """
    loads = np.zeros(workers, dtype=np.int64)
    for segment in longest_first(segments):
        loads[np.argmin(loads)] += segment.n_painted
    return int(loads.max())


def longest_first(items, segment_of=lambda item: item) -> list:
    """The segments (or items holding one, ``segment_of(item)``) in the order to start them: the longest
    first, so that the short ones fill the end.

    Examples
    --------
    >>> [s.start for s in longest_first([Segment(0, 10, 0), Segment(10, 40, 6), Segment(40, 60, 36)])]
    [10, 40, 0]
    """
    return sorted(items, key=lambda item: (-segment_of(item).n_painted, segment_of(item).start))


def crossfade(tail: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Blend the previous segment's last frames ``tail`` into the next one's warm frames ``head``.

    Both are ``(n, height, width, 3)`` uint8; the weight of ``head`` rises linearly from ``1/(n+1)`` to
    ``n/(n+1)``, so the frame after the overlap (the next segment's own) continues the ramp.

    Examples
    --------
    >>> tail, head = np.zeros((3, 1, 1, 3), np.uint8), np.full((3, 1, 1, 3), 200, np.uint8)
    >>> crossfade(tail, head)[:, 0, 0, 0].tolist()
    [50, 100, 150]
    """
    n = len(tail)
    weights = (np.arange(1, n + 1, dtype=np.float32) / (n + 1))[:, None, None, None]
    blend = (1 - weights) * tail.astype(np.float32) + weights * head.astype(np.float32)
    return np.rint(blend).astype(np.uint8)
