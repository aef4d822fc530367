"""Strength that means what it says: ``steps`` denoising steps from the noise level that ``strength`` names.

diffusers' img2img runs ``int(num_inference_steps * strength)`` steps of a
schedule made for ``num_inference_steps``, so at few steps most strengths fall
on the same timestep (at 2 steps, every strength from 0.5 to 0.99 runs one
step from timestep 499). Here the timesteps are chosen directly: the first at
``strength`` of the way up the training noise schedule, then evenly down, so
the noise level follows the strength continuously and exactly ``steps`` run.

``strength`` is img2img's denoising strength: 1 ignores the previous frame, 0
keeps it. (Deforum's ``strength_schedule`` is ``1 - strength``.)

Examples
--------
>>> denoising_timesteps(1000, 2, 1.0)
[999, 499]
>>> denoising_timesteps(1000, 1, 0.3), denoising_timesteps(1000, 1, 0.6), denoising_timesteps(1000, 1, 0.9)
([299], [599], [899])
>>> denoising_timesteps(1000, 3, 0.5, grid=20)
[499, 339, 159]
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math

# Schedulers distilled on a grid of timesteps (LCM, TCD): their config's original_inference_steps spaces it.
GRID_SCHEDULERS = ("LCMScheduler", "TCDScheduler")


def denoising_timesteps(num_train_timesteps: int, steps: int, strength: float, *, grid: int = 1) -> list[int]:
    """``steps`` descending timesteps starting at ``strength`` of the training schedule.

    Parameters
    ----------
    num_train_timesteps : int
        The scheduler's training timesteps (1000 for Stable Diffusion).
    steps : int
        Denoising steps.
    strength : float
        In (0, 1]: the noise level of the first step, as a share of the full schedule.
    grid : int
        Snap to timesteps ``k * grid - 1`` (the timesteps an LCM or TCD model was distilled on).

    Returns
    -------
    list of int
        Descending; fewer than ``steps`` only where the strength is too low to hold that many distinct timesteps.

    Examples
    --------
    >>> denoising_timesteps(1000, 4, 0.6)
    [599, 449, 299, 149]
    >>> denoising_timesteps(1000, 3, 0.002)
    [1, 0]
    """
    top = strength * num_train_timesteps
    timesteps = []
    for i in range(max(int(steps), 1)):
        t = top * (1.0 - i / steps)
        t = round(t / grid) * grid if grid > 1 else round(t)
        t = min(max(int(t) - 1, 0), num_train_timesteps - 1)
        if not timesteps or t < timesteps[-1]:
            timesteps.append(t)
    return timesteps


def flow_sigmas(steps: int, strength: float) -> list[float]:
    """Sigmas for a flow-matching model (SD3, FLUX): ``steps`` of them from ``strength`` evenly down.

    Examples
    --------
    >>> flow_sigmas(2, 0.5)
    [0.5, 0.25]
    """
    return [strength * (1.0 - i / steps) for i in range(max(int(steps), 1))]


def inference_steps(steps: int, strength: float) -> int:
    """For a scheduler that takes no timesteps: ``n`` with ``int(n * strength) == steps`` (diffusers' rule).

    Examples
    --------
    >>> [inference_steps(2, s) for s in (1.0, 0.65, 0.4, 0.1)]
    [2, 4, 5, 20]
    """
    n = max(int(steps), 1)
    n = max(n, math.ceil(n / strength - 1e-9))
    while int(n * strength) < steps:
        n += 1
    return n


def _takes(function, name: str) -> bool:
    return name in inspect.signature(function).parameters


def schedule_arguments(pipe, steps: int, strength: float | None) -> dict:
    """Pipeline keyword arguments that run ``steps`` steps from ``strength`` (None: text-to-image, from pure noise).

    Timesteps where the scheduler takes them, sigmas for flow matching,
    otherwise ``num_inference_steps`` and ``strength`` by diffusers' rule.

    Examples
    --------
    >>> pipe(image=frame, **schedule_arguments(pipe, 2, 0.6))  # doctest: +SKIP
    """
    scheduler = pipe.scheduler
    name = type(scheduler).__name__
    call = type(pipe).__call__
    image_strength = {} if strength is None else {"strength": 1.0}
    level = 1.0 if strength is None else float(strength)
    if name.startswith("FlowMatch") and _takes(call, "sigmas"):
        return {"sigmas": flow_sigmas(steps, level), **image_strength}
    if _takes(scheduler.set_timesteps, "timesteps") and _takes(call, "timesteps"):
        grid = 1
        if name in GRID_SCHEDULERS:
            grid = scheduler.config.num_train_timesteps // scheduler.config.original_inference_steps
        return {"timesteps": denoising_timesteps(scheduler.config.num_train_timesteps, steps, level, grid=grid),
                **image_strength}
    if strength is None:
        return {"num_inference_steps": int(steps)}
    return {"num_inference_steps": inference_steps(steps, level), "strength": level}


@contextlib.contextmanager
def quiet_custom_timesteps():
    """LCM and TCD warn on every call that custom timesteps are not their own schedule; here that is the point."""
    loggers = [logging.getLogger(f"diffusers.schedulers.scheduling_{name}") for name in ("lcm", "tcd")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
