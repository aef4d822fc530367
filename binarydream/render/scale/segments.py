"""A render cut into segments where the music allows a cut, so that several GPUs can paint one song at once.

The img2img loop is sequential frame to frame, so a song only spreads over
several GPUs if it is cut. :func:`plan_segments` cuts it on downbeats into at
most one segment per worker, chosen so that the longest segment, its warm-up
overlap counted, is as short as it can be (the render lasts as long as that
segment); among the cuts that achieve it, the fewest segments and then the
most cuts on section starts. Each segment starts ``overlap`` frames before its
cut (``warm``) so its first frames are no longer the cold frame painted from
text; :func:`crossfade` blends those frames into the previous segment's tail.
The plan is a pure function of its arguments, so every run (one process or a
cluster) cuts the same way.

More, shorter segments than workers would let a fast worker take over a slow
one's share, but each segment paints an overlap more; on equal GPUs (one model,
one resolution, frames of equal cost) the even split finishes first.
:func:`longest_first` orders the segments of several renders sharing a cluster.

Examples
--------
>>> import numpy as np
>>> downbeats = np.arange(0, 400, 20)  # a bar every 20 frames
>>> plan = plan_segments(400, [0, 140, 250], downbeats, workers=3, min_frames=60, overlap=8)
>>> [(s.start, s.stop) for s in plan]
[(0, 140), (140, 260), (260, 400)]
>>> plan[1].warm, plan[1].name, makespan(plan, 3)
(132, 'segment-000140-000260', 148)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import ParameterError

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
        First frames of the sections (the schedule's ``sections``), moved to the nearest downbeat: the
        cuts preferred among those that finish as early.
    downbeat_frames : array-like of int
        Frames of the downbeats: every cut lands on one (an empty list: on any frame).
    workers : int
        Workers that will paint: at most one segment each, the longest (``n_painted``) as short as
        the cuts allow.
    min_frames : int
        No segment shorter (a few bars); a song shorter than twice this is one segment.
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
    cuts = downbeats if downbeats.size else np.arange(n_frames, dtype=np.int64)
    cuts = cuts[(cuts >= min_frames) & (cuts <= n_frames - min_frames)]
    preferred = np.isin(cuts, [_nearest(downbeats, int(s)) for s in section_starts])
    points = np.concatenate([[0], cuts, [n_frames]])
    low, high = -(-n_frames // workers), n_frames  # the longest segment's painted frames lie in [low, high]
    while low < high:
        middle = (low + high) // 2
        if _fewest(points, preferred, longest=middle, min_frames=min_frames, overlap=overlap)[0] <= workers:
            high = middle
        else:
            low = middle + 1
    bounds = _fewest(points, preferred, longest=low, min_frames=min_frames, overlap=overlap)[1]
    return tuple(Segment(a, b, max(0, a - overlap)) for a, b in zip(bounds[:-1], bounds[1:]))


def _fewest(points: np.ndarray, preferred: np.ndarray, *, longest: int, min_frames: int, overlap: int):
    """The fewest segments from ``points[0]`` to ``points[-1]``, cut at ``points``, none painting more than
    ``longest`` frames, and among those the most cuts at ``preferred`` ones: ``(count, bounds)``, or a count
    of ``inf`` when there is none.

    Dynamic programming from the end: ``cost[i]`` prices the best plan from ``points[i]`` on, a segment
    costing ``len(points) + 1`` plus 1 when it ends at a cut not preferred, so fewer segments always win.
    """
    step = len(points) + 1
    ends_plain = np.concatenate([~preferred, [False]]).astype(np.int64)  # per point after the first
    cost = np.full(len(points), np.iinfo(np.int64).max // 2, dtype=np.int64)
    cost[-1] = 0
    after = np.zeros(len(points), dtype=np.int64)
    for i in range(len(points) - 2, -1, -1):
        start, warm = points[i], max(0, points[i] - overlap)
        first = np.searchsorted(points, start + min_frames) if i else 1  # a song under min_frames: one segment
        last = np.searchsorted(points, warm + longest, side="right")
        if first >= last:
            continue
        options = cost[first:last] + step + ends_plain[first - 1:last - 1]
        best = int(np.argmin(options))
        cost[i], after[i] = options[best], first + best
    if cost[0] >= np.iinfo(np.int64).max // 4:
        return float("inf"), None
    bounds, i = [int(points[0])], 0
    while i != len(points) - 1:
        i = int(after[i])
        bounds.append(int(points[i]))
    return len(bounds) - 1, bounds


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
