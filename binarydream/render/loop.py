"""The frame loop: warp, keep the colours, add noise, repaint, guard against collapse; tween between.

:func:`frame_loop` yields the video's frames in order, each with the state a
resumed render needs when that frame is a diffused one. It holds no state
that is not in that dictionary and in the frames already yielded, so a render
continued from its last diffused frame makes the same frames, bit for bit,
as one never stopped.

Examples
--------
>>> import numpy as np
>>> from binarydream.measures import CollapseThresholds
>>> def flat_then_fine(image, *, seed, **_):
...     return np.full((8, 8, 3), 90, np.uint8) if seed < 100 else np.random.default_rng(seed).integers(0, 256, (8, 8, 3), dtype=np.uint8)
>>> frame, action = paint_guarded(flat_then_fine, None, None, frame=0, prompts=[], negative_prompts=[], strength=0.5,
...                               noise=0.0, steps=1, seed=7, thresholds=CollapseThresholds(), max_retries=3)
>>> action["reasons"], action["recovered"]
(['flat'], True)
"""

from __future__ import annotations

import numpy as np

from ..errors import RenderError
from ..measures import collapse_reason, measure_frame
from .frame.cadence import tweens
from .frame.colour import colour_resets, match_colours, reference_cdfs
from .frame.depth import frame_depth
from .frame.warp import compose, schedule_matrices, warp
from .frame.warp3d import schedule_moves_3d, warp_3d

RETRY_SEED_STEP = 1_000_003
"""A retried frame's seed moves by this much per attempt, far from any other frame's seed."""


def _check(painted, shape):
    frame = painted[0]
    if frame.shape != shape or frame.dtype != np.uint8:
        raise RenderError(f"the painter returned {frame.dtype} {frame.shape}, expected uint8 {shape}")
    return painted


def paint_guarded(painter, image, previous, *, frame: int, prompts, negative_prompts, strength: float, noise: float,
                  steps: int, seed: int, thresholds, max_retries: int, adherence=None, adherence_min: float = 0.0):
    """Paint one frame; when it collapses (flat, frozen, off-prompt), paint it again with more noise,
    more strength and a new seed, up to ``max_retries`` times.

    Parameters
    ----------
    painter : callable
        See :mod:`binarydream.render.model.painter`.
    image : np.ndarray or None
        The init image (None: from text).
    previous : np.ndarray or None
        The last diffused frame, for the "frozen" test.
    thresholds : CollapseThresholds or None
        None switches the guard off.
    adherence : callable, optional
        ``adherence(frame, prompts) -> float``; below ``adherence_min`` counts as collapse ("off-prompt").

    Returns
    -------
    (np.ndarray, dict or None)
        The frame, and the guard's log entry when it acted (``frame``, ``reasons``, ``retries``, ``recovered``,
        and ``repairs`` when the painter had to fix a frame, e.g. a NaN decoded again in float32).
    """
    reasons, repairs = [], []
    for attempt in range(max_retries + 1 if thresholds is not None else 1):
        out = painter(image, prompts=prompts, negative_prompts=negative_prompts,
                      strength=min(1.0, strength + 0.15 * attempt), noise=noise + 0.05 * attempt, steps=steps,
                      seed=seed + RETRY_SEED_STEP * attempt)
        out = np.asarray(out)
        if getattr(painter, "last_repair", None):
            repairs.append(painter.last_repair)
        if thresholds is None:
            reason = None
            break
        reason = collapse_reason(measure_frame(out, previous), thresholds)
        if reason is None and adherence is not None and adherence(out, prompts) < adherence_min:
            reason = "off-prompt"
        if reason is None:
            break
        reasons.append(reason)
    if not reasons and not repairs:
        return out, None
    action = {"frame": int(frame), "reasons": reasons, "retries": len(reasons) if reason is None else max_retries,
              "recovered": reason is None}
    if repairs:
        action["repairs"] = repairs
    return out, action


def frame_seeds(schedule, seed: int, mode: str) -> np.ndarray:
    """Each frame's seed: the schedule's ``seed`` curve plus ``seed``, held per section or for the song by ``mode``.

    Examples
    --------
    >>> from binarydream.schedule import Schedule
    >>> sched = Schedule(6, fps=1, sections=[(0, "intro"), (3, "verse")])
    >>> frame_seeds(sched, 10, "frame").tolist(), frame_seeds(sched, 10, "section").tolist()
    ([10, 11, 12, 13, 14, 15], [10, 10, 10, 13, 13, 13])
    >>> frame_seeds(sched, 10, "fixed").tolist()
    [10, 10, 10, 10, 10, 10]
    """
    seeds = np.asarray(schedule["seed"]).astype(np.int64) + int(seed)
    if mode == "frame":
        return seeds
    starts = [0] if mode == "fixed" else sorted({0, *(start for start, _ in (schedule.sections or []))})
    held = np.searchsorted(np.asarray(starts), np.arange(len(seeds)), side="right") - 1
    return seeds[np.asarray(starts)[held]]


def frame_loop(painter, schedule, keys, options, *, init_image=None, adherence=None, resume=None, load_frame=None,
               depth=None):
    """Yield ``(index, frame, state)`` for every frame from the start (or the resume point) to the end.

    Parameters
    ----------
    painter : callable
        Paints a frame (:class:`binarydream.render.model.painter.DiffusersPainter` or any with its signature).
    schedule : Schedule
    keys : np.ndarray
        Diffused frames, ascending, from 0 to ``n_frames - 1`` (:func:`binarydream.render.frame.cadence.diffusion_frames`),
        or those of a segment (:func:`binarydream.render.frame.cadence.segment_keys`): the first is painted from
        ``init_image`` or from text, and the loop ends on the last.
    options : RenderOptions
        Resolved (:func:`binarydream.render.options.resolve`): frames are ``render_width`` x ``render_height``.
    init_image : np.ndarray, optional
        uint8 RGB of the render size: frame 0 is painted from it instead of from text.
    adherence : callable, optional
        The guard's adherence test (:func:`paint_guarded`).
    resume : dict, optional
        A state yielded earlier (from the manifest); the loop continues after its diffused frame.
    load_frame : callable, optional
        ``load_frame(index) -> uint8 frame``, needed with ``resume``.
    depth : callable, optional
        ``depth(frame) -> depth map``: the camera is 3D (:mod:`binarydream.render.frame.warp3d`), each
        diffused frame's depth taken once and used for the warp to the next and the tweens either side.
        None: the 2D camera.

    Yields
    ------
    (int, np.ndarray, dict or None)
        Frame index, uint8 RGB frame, and for diffused frames the resume state.

    Notes
    -----
    The frames are a function of the painter, the schedule, the keys and the
    options alone, so frames ``[start, stop)`` of a song can be made apart
    (on another machine) with ``keys=segment_keys(keys, start, stop)``; a
    segment opens from text (or ``init_image``) at ``start``.
    """
    n = schedule.n_frames
    width, height = options.render_size
    border, fov = options.border, options.fov
    matrices = schedule_moves_3d(schedule) if depth is not None else schedule_matrices(schedule, width, height)
    mixes = [schedule.prompt_mix(i) for i in range(n)]
    negative_mixes = [schedule.negative_prompt_mix(i) for i in range(n)]
    section_frames = [start for start, _ in (schedule.sections or [])]
    resets = colour_resets(n, [[(t, round(float(w), 9)) for t, w in m] for m in mixes], section_frames)
    strength, noise = np.asarray(schedule["strength"]), np.asarray(schedule["noise"])
    seeds = frame_seeds(schedule, options.seed, options.seed_mode)

    def paint(index, image, previous):
        return _check(paint_guarded(painter, image, previous, frame=index, prompts=mixes[index],
                             negative_prompts=negative_mixes[index], strength=float(strength[index]),
                             noise=float(noise[index]), steps=options.steps, seed=int(seeds[index]),
                             thresholds=options.thresholds, max_retries=options.max_retries, adherence=adherence,
                             adherence_min=options.adherence_min),
                      (height, width, 3))

    if resume is None:
        opening = int(keys[0])
        first, action = paint(opening, init_image, None)
        actions = [action] if action else []
        reference_index, position = opening, 0
        state = {"last_key": opening, "colour_reference": opening, "cadence_position": 0,
                 "guard_actions": list(actions)}
        yield opening, first, state
    else:
        actions = list(resume["guard_actions"])
        position, reference_index = resume["cadence_position"], resume["colour_reference"]
        first = load_frame(resume["last_key"])
    reference = reference_cdfs(load_frame(reference_index) if resume is not None else first)
    first_depth = None if depth is None else frame_depth(depth, first)

    for position in range(position + 1, len(keys)):
        start, stop = int(keys[position - 1]), int(keys[position])
        move = compose(*matrices[start + 1:stop + 1])
        if depth is None:
            image = warp(first, move, border=border)
        else:
            image = warp_3d(first, first_depth, move, fov=fov, border=border)
        reset = bool(resets[start + 1:stop + 1].any())
        if not reset:
            image = match_colours(image, reference, amount=options.colour_coherence)
        last, action = paint(stop, image, first)
        if action:
            actions.append(action)
        last_depth = None if depth is None else frame_depth(depth, last)
        for index, between in tweens(first, last, matrices, start, stop, border=border, fov=fov,
                                     depths=None if depth is None else (first_depth, last_depth)):
            yield index, between, None
        if reset:
            reference, reference_index = reference_cdfs(last), stop
        yield stop, last, {"last_key": stop, "colour_reference": reference_index, "cadence_position": position,
                           "guard_actions": list(actions)}
        first, first_depth = last, last_depth
