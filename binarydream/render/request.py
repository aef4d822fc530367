"""A render request checked before a model loads: the output, the song's length, the settings, the init image.

A wrong request fails in a second with one line, not after minutes of loading weights.

Examples
--------
>>> check_output("video.mp4", 1280, 718, overwrite=False)
Traceback (most recent call last):
...
binarydream.errors.ParameterError: width and height must be multiples of 8 from 8 to 8192, got 1280x718
"""

from __future__ import annotations

from pathlib import Path

from .. import checks
from ..errors import RenderError
from ..files import output_target
from .frame.cadence import diffusion_frames
from .options import check as check_options
from .output.images import read_image


def check_song(schedule, audio_path) -> None:
    """Refuse a schedule planned for a song of another length than ``audio_path``'s."""
    from ..audio import probe_duration

    checks.check_schedule_song(schedule, probe_duration(audio_path), audio_path)


def check_settings(schedule, *, steps: int | None, seed: int, device, init_image) -> None:
    """The render's steps, seed, device and init image, checked before a model loads.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> check_settings(Schedule(3), steps=-1, seed=0, device=None, init_image=None)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: steps must be a whole number from 1 to 1000, got -1
    """
    if steps is not None:  # None: the model's profile gives them
        checks.check_steps(steps)
    checks.check_seed(seed, schedule)
    checks.check_device(device)
    if init_image is not None:
        read_image(init_image, 8, 8)


def check_request(out, schedule, options, *, audio_path, overwrite: bool) -> None:
    """Everything about a render request that can be checked before a model loads.

    The output (:func:`check_output`), the song's length against the schedule,
    the settings (:func:`binarydream.render.options.check`) and the cadence, so
    that a wrong request fails in a second, not after minutes of loading weights.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> from binarydream.render.options import RenderOptions
    >>> check_request("video.mp4", Schedule(30), RenderOptions(cadence=0), audio_path="song.mp3",
    ...               overwrite=False)  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: cadence must be a whole number of frames >= 1, got 0
    """
    check_output(out, options.width, options.height, overwrite=overwrite)
    if options.render_width is not None:
        check_output(out, options.render_width, options.render_height, overwrite=True)
    check_options(options)
    check_song(schedule, audio_path)
    diffusion_frames(1, options.cadence)


def check_output(out, width: int, height: int, *, overwrite: bool) -> None:
    """Refuse an existing video (unless ``overwrite``), a folder, a container not written, and a frame size
    the model and H.264 cannot take.

    Examples
    --------
    >>> check_output("video.mp4", 1280, 718, overwrite=False)
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: width and height must be multiples of 8 from 8 to 8192, got 1280x718
    """
    checks.check_output_path(out)
    checks.video_format(out)
    checks.check_frame_size(width, height)
    output_target(out)
    if Path(out).exists() and not overwrite:
        raise RenderError(f"{out} exists; pass overwrite=True (--overwrite) to replace it, or choose another path")
