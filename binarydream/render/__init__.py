"""Rendering: the diffusion animation loop (:func:`render`) and the model-free animatic (:func:`preview`).

A render reads a :class:`binarydream.Schedule` frame by frame, with settings
as data (:mod:`.options`) whose defaults come from the model's family. The
code is in layers, each importing only the ones below it:

- :mod:`.frame`: what happens to a frame's pixels between paintings: the 2D
  and 3D camera warps, depth, colour coherence, cadence and tweens;
- :mod:`.model`: the diffusion model: loading, family profiles, weight
  fingerprints, the img2img painter and its timesteps, upscaling;
- :mod:`.output`: the render folder, frame images, the atomic manifest that
  makes a render resumable, the writer threads, the H.264 encoder, the lock,
  progress and the report;
- on top of them, :mod:`.options` (the settings), :mod:`.loop` (the guarded
  frame loop), :mod:`.request` (checks before a model loads),
  :mod:`.painting` (a model made a painter), :mod:`.job` (a run from start to
  finish) and :mod:`.preview` (the animatic);
- :mod:`.scale`: a render in segments, in parallel over Ray, above the loop.

Examples
--------
>>> from binarydream.render import render, preview
>>> preview("preview.mp4", sched, audio_path="song.mp3")  # doctest: +SKIP
>>> report = render("video.mp4", sched, audio_path="song.mp3", model="stabilityai/sd-turbo")  # doctest: +SKIP
>>> report.summary  # doctest: +SKIP
'video.mp4: 4530 frames (4530 made now), 0.06 s/frame, 3 guard actions'
"""

from __future__ import annotations

import os

from ..errors import ParameterError
from .frame.depth import depth_name, load_depth_model
from .frame.warp3d import uses_3d
from .job import run_render
from .model.models import load_pipeline, speed_up
from .model.profiles import PROFILES, ModelProfile, detect_profile
from .model.upscale import make_upscaler
from .options import RenderOptions, SpeedOptions, with_settings
from .output.lock import locks_output
from .output.manifest import frames_folder
from .output.report import RenderReport
from .painting import load_painter
from .preview import preview
from .request import check_request, check_settings


@locks_output
def render(out, schedule, *, audio_path, model="stabilityai/sd-turbo", options: RenderOptions | None = None,
           speed: SpeedOptions | None = None, resume: bool = True, device: str | None = None,
           overwrite: bool = False, progress=True, beats=None, init_image=None, adherence=None, step_callback=None,
           depth=None, ray=None, downbeats=None, **settings) -> RenderReport:
    """Render the dream video of ``schedule`` with a diffusion model, the song's audio muxed in sync.

    Frame 0 comes from text (or ``init_image``); each next diffused frame is
    the previous one warped by the camera, colour-matched, noised and repainted
    with img2img. The model's family is detected from its parts and supplies
    every setting not given (:mod:`.profiles`); its one-line profile is printed
    and written into the report. Frames are painted at the model's native area
    with the video's aspect ratio, kept in ``<out stem>.frames/`` with a
    manifest, so a killed render continues where it stopped (``resume=True``)
    and gives the same frames as one never stopped, and upscaled to the video's
    size on the way to the encoder.

    Parameters
    ----------
    out : str or Path
        The video (.mp4). An existing one is only replaced with ``overwrite=True``.
    schedule : Schedule
        Prompts and curves per frame (``n_frames``, ``fps``). ``strength`` is img2img's denoising
        strength (1: the previous frame is ignored); ``noise`` is the std of pixel noise added before, in [0, 1].
    audio_path : str or Path
        The song; trimmed or padded to the video's ``n_frames / fps`` seconds.
    model : str, Path, DiffusionPipeline or callable
        Hub id, local diffusers folder, ``.safetensors`` file, a ready pipeline
        (see :func:`load_pipeline`), or a painter callable (see :mod:`binarydream.render.model.painter`).
    options, speed : RenderOptions, SpeedOptions, optional
        The settings as data; None: the defaults, with the profile's values where a setting is None.
    **settings
        Any field of :class:`RenderOptions` or :class:`SpeedOptions` by name (``width=1280, height=720,
        steps=2, cadence=1, seed_mode="section", guidance_scale=..., tiny_autoencoder=True``, ...),
        replacing the one in ``options`` or ``speed``.
    resume : bool
        Continue a partial render of the same schedule, settings and weights (by what they are:
        :func:`binarydream.render.model.weights.weights_fingerprint`); False starts over.
    device : str, optional
        None: cuda, then mps, then cpu.
    overwrite : bool
        Replace an existing ``out``.
    progress : bool or callable
        True: a tqdm bar, the profile line and a summary line; a callable gets ``(done, total, eta_seconds)`` too.
    beats : array-like of float, optional
        Beat times in seconds: with ``cadence`` > 1, diffused frames snap to them.
    init_image : str, Path, PIL.Image or np.ndarray, optional
        Frame 0 is painted from it (at ``schedule["strength"][0]``) instead of from text.
    adherence : callable, optional
        ``adherence(frame, prompt_mix) -> float`` (e.g. CLIP similarity); below ``adherence_min`` the guard acts.
    step_callback : callable, optional
        Passed to the pipeline as ``callback_on_step_end`` (CLIP guidance plugs in here).
    depth : None, str, Path or callable
        The 3D camera. None: the 2D camera (``zoom``, ``angle``, ``translation_x``/``_y``).
        A depth-estimation model id or folder for transformers (e.g.
        ``"depth-anything/Depth-Anything-V2-Small-hf"``, ``"Intel/dpt-hybrid-midas"``), loaded once,
        or a callable ``depth(frame_uint8) -> (height, width) depth, larger = farther``. When the
        schedule moves in depth or turns in 3D (``translation_z``, ``rotation_3d_x``/``_y``/``_z``),
        the whole render uses the 3D camera, in Deforum's 3D units (:mod:`binarydream.render.frame.warp3d`),
        and does not read ``zoom`` and ``angle``; otherwise the model is not loaded.
    ray : None, True, "auto" or str
        Spread the render over the GPUs of a Ray cluster (:mod:`binarydream.render.scale.distributed`): True
        joins the one running on this machine or starts one of this machine alone, ``"auto"`` joins the
        one running here (``ray start``, ``ray up``),
        ``"ray://host:10001"`` a remote one. The song is cut into segments at section starts on downbeats,
        painted one per GPU and crossfaded; needs ``pip install 'binarydream[ray]'``.
    downbeats : array-like of float, optional
        Downbeat times in seconds: with ``ray``, segments are cut on them.

    Returns
    -------
    RenderReport
        Also written to ``report.json`` in the render folder, with the settings in force.

    Raises
    ------
    RenderError
        ``out`` exists, another run is rendering it, the folder holds a render with another schedule,
        settings or weights, or encoding failed.
    ParameterError
        An unknown setting, or one out of range (size, steps, seed, device), or ``out`` is a folder or not a
        video name.
    ModelNotFoundError
        The model (or the depth model, or the upscaler's weights) is not on this machine.

    Examples
    --------
    >>> report = render("video.mp4", sched, audio_path="song.mp3", width=1280, height=720, steps=2)  # doctest: +SKIP
    >>> report.profile  # doctest: +SKIP
    'profile sd-turbo: 512 px, 2 steps, no CFG, EulerDiscreteScheduler, tiny VAE madebyollin/taesd, ...'
    >>> sched["translation_z"] = "0: (5)"  # doctest: +SKIP
    >>> report = render("video.mp4", sched, audio_path="song.mp3", depth="Intel/dpt-hybrid-midas")  # doctest: +SKIP
    """
    if ray not in (None, False):
        if depth is not None or adherence is not None or step_callback is not None:
            raise ParameterError("a render with ray takes no depth, adherence or step_callback; render without ray "
                                 "for those")
        request = dict(audio_path=audio_path, model=model, options=options, speed=speed, resume=resume, device=device,
                       overwrite=overwrite, beats=beats, downbeats=downbeats, init_image=init_image, **settings)
        return render_all([(out, schedule, request)], ray=ray, progress=progress)[0]
    options, speed = with_settings(options or RenderOptions(), speed or SpeedOptions(), settings)
    check_request(out, schedule, options, audio_path=audio_path, overwrite=overwrite)
    check_settings(schedule, steps=options.steps, seed=options.seed, device=device, init_image=init_image)
    if depth is not None and not (isinstance(depth, (str, os.PathLike)) or callable(depth)):
        raise ParameterError(f"depth must be None, a depth model id or folder, or a callable, got {type(depth).__name__}")
    upscale = make_upscaler(options.upscaler, device=device)
    depth_fn = None
    if depth is not None and uses_3d(schedule):
        depth_fn = depth if callable(depth) else load_depth_model(depth, device=device)
    painter, options, model_settings, profile = load_painter(model, options, speed, device=device,
                                                             step_callback=step_callback)
    if depth is not None:
        # Only when given, so that a 2D render's manifest does not change with the 3D camera's defaults.
        model_settings["depth"] = depth_name(os.fspath(depth) if isinstance(depth, os.PathLike) else depth)
    if progress and profile:
        print(profile, flush=True)
    return run_render(out, schedule, painter, options, audio_path=audio_path, model_settings=model_settings,
                      profile=profile, resume=resume, progress=progress, beats=beats, init_image=init_image,
                      adherence=adherence, depth=depth_fn, upscale=upscale)


def _ray_render(out, schedule, *, audio_path, model="stabilityai/sd-turbo", options=None, speed=None, resume=True,
                device=None, overwrite=False, beats=None, downbeats=None, init_image=None, **settings):
    from .scale.distributed import RayRender

    options, speed = with_settings(options or RenderOptions(), speed or SpeedOptions(), settings)
    check_request(out, schedule, options, audio_path=audio_path, overwrite=overwrite)
    check_settings(schedule, steps=options.steps, seed=options.seed, device=device, init_image=init_image)
    return RayRender(out, schedule, audio_path, model, options, speed, resume, beats, downbeats, init_image,
                     make_upscaler(options.upscaler, device=device))


def render_all(requests, *, ray=True, progress=True) -> list:
    """Make several renders at once on a Ray cluster, every song's segments sharing its GPUs.

    Parameters
    ----------
    requests : list of (out, schedule, dict)
        Each render's video, schedule and the keyword arguments :func:`render` takes (``audio_path``,
        ``model``, ``beats``, ``downbeats``, settings by name, ...), all checked before any is painted.
    ray : True, "auto" or str
        The cluster, as :func:`render`'s ``ray``.
    progress : bool or callable
        One bar for every segment of every render.

    Returns
    -------
    list of RenderReport

    Examples
    --------
    >>> render_all([("a.mp4", sched_a, {"audio_path": "a.mp3"}),
    ...             ("b.mp4", sched_b, {"audio_path": "b.mp3"})], ray="auto")  # doctest: +SKIP
    """
    import contextlib

    from .output.lock import output_lock
    from .scale.distributed import render_all_on_ray

    with contextlib.ExitStack() as locks:
        for out, _, _ in requests:
            locks.enter_context(output_lock(out))
        renders = [_ray_render(out, schedule, **kwargs) for out, schedule, kwargs in requests]
        return render_all_on_ray(renders, address=ray, progress=progress)


__all__ = ["render", "render_all", "preview", "load_pipeline", "speed_up", "RenderReport", "RenderOptions",
           "SpeedOptions", "ModelProfile", "PROFILES", "detect_profile", "frames_folder", "load_depth_model"]
