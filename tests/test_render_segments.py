"""The segment plan finishes as early as any cut on the downbeats allows, and the video of a segmented render
comes out the same whatever order its segments are painted in."""

import itertools

import numpy as np
import pytest

from binarydream.errors import RenderError
from binarydream.render.options import RenderOptions
from binarydream.render.output import manifest as mf
from binarydream.render.output.images import save_png
from binarydream.render.scale.segmented import Assembly
from binarydream.render.scale.segments import Segment, makespan, plan_segments

from render_support import video_frames


def brute_force_longest(n_frames, downbeats, *, workers, min_frames, overlap):
    """The shortest longest segment (overlap counted) over every way to cut on ``downbeats``."""
    cuts = [d for d in downbeats if min_frames <= d <= n_frames - min_frames]
    best = n_frames
    for k in range(1, workers):
        for chosen in itertools.combinations(cuts, k):
            bounds = [0, *chosen, n_frames]
            if min(b - a for a, b in zip(bounds[:-1], bounds[1:])) >= min_frames:
                best = min(best, max(b - max(0, a - overlap) for a, b in zip(bounds[:-1], bounds[1:])))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_the_longest_segment_is_as_short_as_any_cut_on_the_downbeats_allows(seed):
    rng = np.random.default_rng(seed)
    n_frames = int(rng.integers(40, 160))
    downbeats = np.cumsum(rng.integers(3, 9, 40))
    downbeats = downbeats[downbeats < n_frames]
    workers, min_frames, overlap = int(rng.integers(1, 5)), int(rng.integers(6, 20)), int(rng.integers(0, 6))
    plan = plan_segments(n_frames, [0], downbeats, workers=workers, min_frames=min_frames, overlap=overlap)
    assert len(plan) <= workers and plan[0].start == 0 and plan[-1].stop == n_frames
    assert all(a.stop == b.start and b.start in downbeats for a, b in zip(plan[:-1], plan[1:]))
    assert all(s.n_frames >= min_frames for s in plan) or len(plan) == 1
    assert all(s.warm == max(0, s.start - overlap) for s in plan)
    longest = brute_force_longest(n_frames, downbeats, workers=workers, min_frames=min_frames, overlap=overlap)
    assert makespan(plan, workers) == max(s.n_painted for s in plan) == longest


def test_among_cuts_that_finish_as_early_a_section_start_is_chosen():
    downbeats = range(0, 200, 10)
    plain = plan_segments(200, [0], downbeats, workers=2, min_frames=30, overlap=0)
    at_section = plan_segments(200, [0, 90], downbeats, workers=2, min_frames=30, overlap=0)
    assert [(s.start, s.stop) for s in plain] == [(0, 100), (100, 200)]
    assert [(s.start, s.stop) for s in at_section] == [(0, 100), (100, 200)]  # 90 would make a longer second
    three = plan_segments(200, [0], downbeats, workers=3, min_frames=30, overlap=0)
    at_sections = plan_segments(200, [0, 140], downbeats, workers=3, min_frames=30, overlap=0)
    assert [(s.start, s.stop) for s in three] == [(0, 60), (60, 130), (130, 200)]
    assert [(s.start, s.stop) for s in at_sections] == [(0, 70), (70, 140), (140, 200)]
    assert makespan(three, 3) == makespan(at_sections, 3) == 70


def _paint(folder, segment, rng):
    """Random frames for a segment's ``[warm, stop)`` in its folder, as a painted segment leaves them."""
    folder.mkdir(parents=True)
    for index in range(segment.warm, segment.stop):
        save_png(mf.frame_path(folder, index), rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))


def test_segments_added_in_any_order_make_the_same_video_and_a_missing_one_is_an_error(tmp_path):
    plan = (Segment(0, 12, 0), Segment(12, 20, 8), Segment(20, 30, 16))
    rng = np.random.default_rng(0)
    for segment in plan:
        _paint(tmp_path / segment.name, segment, rng)
    options = RenderOptions(width=32, height=32)
    videos = []
    for name, order in (("in-order.mp4", plan), ("backwards.mp4", plan[::-1])):
        with Assembly(tmp_path / name, plan, lambda s: tmp_path / s.name, audio_path=None, options=options,
                      fps=10) as video:
            for segment in order:
                video.add(segment)
        videos.append(video_frames(tmp_path / name))
    assert len(videos[0]) == 30 and all(np.array_equal(a, b) for a, b in zip(*videos))
    video = Assembly(tmp_path / "short.mp4", plan, lambda s: tmp_path / s.name, audio_path=None, options=options,
                     fps=10)
    video.add(plan[0])
    with pytest.raises(RenderError, match="^cannot finish the video without segment-000012-000020, "
                                          "segment-000020-000030; render again"):
        video.close()
    video.abort()
    assert not (tmp_path / "short.mp4").exists()
