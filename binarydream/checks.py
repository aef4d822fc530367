"""Checks of a request before its expensive work starts: output path, frame size, steps, seed, device, song.

Each check raises a one-line :class:`~binarydream.errors.BinaryDreamError`
that names the value and what to give instead, so that a wrong request fails
in a second, not after minutes of analysis or loading weights.

Examples
--------
>>> check_steps(0)
Traceback (most recent call last):
...
binarydream.errors.ParameterError: steps must be a whole number from 1 to 1000, got 0
>>> video_format("video.mkv")
'matroska'
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

from . import timebase
from .errors import ParameterError, ScheduleError

VIDEO_FORMATS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}
"""Video suffixes the encoder writes (H.264 with AAC audio), and ffmpeg's name for each container."""

MAX_SIDE = 8192
"""Largest frame width or height (H.264's limit, and far past what diffusion models paint)."""

MAX_STEPS = 1000
"""Most denoising steps (a diffusion scheduler's training timesteps)."""

MAX_SEED = 2**63 - 2**40
"""Largest seed: a frame's seed (this plus the schedule's seed curve plus retries) must stay a 64-bit integer."""


def _whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_output_path(path) -> Path:
    """``path`` as a Path, after refusing a folder and a parent that is a file.

    Examples
    --------
    >>> check_output_path("/tmp")
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: /tmp is a folder: give a file name for the output, e.g. /tmp/output
    """
    path = Path(path)
    if path.is_dir():
        raise ParameterError(f"{path} is a folder: give a file name for the output, e.g. {path / 'output'}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ParameterError(f"cannot write {path}: {parent} is a file, not a folder")
            break
    return path


def video_format(path) -> str:
    """ffmpeg's container name for a video path, or a :class:`ParameterError` for a suffix it is not written as.

    Examples
    --------
    >>> video_format("clip.gif")
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: cannot write a video as clip.gif: name it .mp4, .m4v, .mov or .mkv
    """
    suffix = Path(path).suffix.lower()
    if suffix not in VIDEO_FORMATS:
        names = list(VIDEO_FORMATS)
        raise ParameterError(f"cannot write a video as {Path(path).name}: name it {', '.join(names[:-1])} "
                             f"or {names[-1]}")
    return VIDEO_FORMATS[suffix]


def check_frame_size(width, height, *, multiple: int = 8) -> None:
    """Refuse a frame size that is not whole multiples of ``multiple`` from ``multiple`` to :data:`MAX_SIDE`.

    Examples
    --------
    >>> check_frame_size(100000, 512)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: width and height must be multiples of 8 from 8 to 8192, got 100000x512
    """
    if not (_whole(width) and _whole(height) and all(multiple <= side <= MAX_SIDE and side % multiple == 0
                                                     for side in (width, height))):
        raise ParameterError(f"width and height must be multiples of {multiple} from {multiple} to {MAX_SIDE}, "
                             f"got {width}x{height}")


def check_steps(steps) -> None:
    """Refuse a number of denoising steps that is not a whole number from 1 to :data:`MAX_STEPS`."""
    if not (_whole(steps) and 1 <= steps <= MAX_STEPS):
        raise ParameterError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {steps!r}")


def check_seed(seed, schedule=None) -> None:
    """Refuse a seed that is not a whole number from 0 to :data:`MAX_SEED`, with the schedule's seed curve added.

    Examples
    --------
    >>> check_seed(2**70)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: seed must be a whole number from 0 to 9223370937343148032 (with the schedule's seed curve added), got 1180591620717411303424
    """
    largest = 0.0 if schedule is None else float(np.max(np.abs(schedule["seed"])))
    if not (_whole(seed) and 0 <= seed and seed + largest <= MAX_SEED):
        raise ParameterError(f"seed must be a whole number from 0 to {MAX_SEED} (with the schedule's seed curve "
                             f"added), got {seed!r}")


def check_device(device) -> None:
    """Refuse a device torch does not know, or one this machine does not have (None: the best there is).

    Examples
    --------
    >>> check_device("tpu")
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: unknown device 'tpu': use cpu, cuda, cuda:N or mps
    """
    if device is None:
        return
    import torch

    try:
        kind = torch.device(device).type
    except (RuntimeError, TypeError):
        raise ParameterError(f"unknown device {device!r}: use cpu, cuda, cuda:N or mps") from None
    there = {"cuda": torch.cuda.is_available,
             "mps": lambda: getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()}
    if kind in there and not there[kind]():
        raise ParameterError(f"device {device!r} is not available on this machine: use cpu, or leave it out")


def check_schedule_song(schedule, duration: float, name) -> None:
    """Refuse a schedule planned for a song of another length than ``duration`` seconds (one frame of slack).

    Examples
    --------
    >>> from binarydream import Schedule
    >>> check_schedule_song(Schedule(240, fps=30), 3.0, "song.wav")
    Traceback (most recent call last):
    ...
    binarydream.errors.ScheduleError: the schedule has 240 frames but song.wav lasts 3.00 s (90 frames at 30 fps); plan the schedule from this song
    """
    expected = timebase.frame_count(duration, schedule.fps)
    if abs(expected - schedule.n_frames) > 1:
        raise ScheduleError(f"the schedule has {schedule.n_frames} frames but {name} lasts {duration:.2f} s "
                            f"({expected} frames at {schedule.fps:g} fps); plan the schedule from this song")
