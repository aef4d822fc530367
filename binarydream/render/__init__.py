"""Rendering: the diffusion animation loop (:func:`render`) and the model-free animatic (:func:`preview`).

A render reads a :class:`binarydream.Schedule` frame by frame: it warps the
previous frame by the camera (:mod:`.warp`; in 3D by a depth map,
:mod:`.warp3d` and :mod:`.depth`), keeps its colours on a reference
(:mod:`.colour`), adds the scheduled noise and repaints it with img2img at the
scheduled strength from blended prompt embeddings (:mod:`.painter`), guards
against collapse (:mod:`.loop`), tweens between diffused frames
(:mod:`.cadence`), writes frames and an atomic manifest so that it can resume
exactly (:mod:`.manifest`), and streams the frames to H.264 with the song's
audio (:mod:`.encode`).

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

from .depth import depth_name, load_depth_model
from .job import RenderReport, check_request, check_settings, frames_folder, model_name, run_render
from .lock import locks_output
from ..errors import ParameterError
from .models import TINY_AUTOENCODER, load_pipeline, speed_up
from .preview import preview
from .warp3d import DEFAULT_FOV, uses_3d


def _guidance(model, guidance_scale):
    if guidance_scale is not None:
        return float(guidance_scale)
    name = model if isinstance(model, str) else str(getattr(getattr(model, "config", None), "_name_or_path", ""))
    return 0.0 if "turbo" in name.lower() else 7.5


@locks_output
def render(out, schedule, *, audio_path, model="stabilityai/sd-turbo", width: int = 1280, height: int = 720,
           steps: int = 2, cadence: int = 1, resume: bool = True, device: str | None = None, seed: int = 0,
           beats=None, init_image=None, overwrite: bool = False, progress=True, adherence=None,
           step_callback=None, guard=True, guidance_scale: float | None = None, colour_coherence: float = 1.0,
           border: str = "replicate", max_retries: int = 3, adherence_min: float = 0.2, dtype=None,
           tiny_autoencoder=None, sdpa: bool = True, channels_last: bool = True, compile: bool = False,
           crf: int = 17, preset: str = "veryfast", depth=None, fov: float = DEFAULT_FOV) -> RenderReport:
    """Render the dream video of ``schedule`` with a diffusion model, the song's audio muxed in sync.

    Frame 0 comes from text (or ``init_image``); each next diffused frame is
    the previous one warped by the camera, colour-matched, noised and repainted
    with img2img. Frames go to ``<out stem>.frames/`` as they are made, with a
    manifest, so a killed render continues where it stopped (``resume=True``)
    and gives the same frames as one never stopped.

    Parameters
    ----------
    out : str or Path
        The video (.mp4). An existing one is only replaced with ``overwrite=True``.
    schedule : Schedule
        Prompts and curves per frame (``n_frames``, ``fps``).
    audio_path : str or Path
        The song; trimmed or padded to the video's ``n_frames / fps`` seconds.
    model : str, Path, DiffusionPipeline or callable
        Hub id, local diffusers folder, ``.safetensors`` file, a ready pipeline
        (see :func:`load_pipeline`), or a painter callable (see :mod:`binarydream.render.painter`).
    width, height : int
        Frame size, multiples of 8.
    steps : int
        Denoising steps (raised where ``steps * strength < 1`` so that at least one runs).
    cadence : int
        Diffuse every ``cadence``-th frame and tween between (1: every frame).
    resume : bool
        Continue a partial render of the same schedule and settings; False starts over.
    device : str, optional
        None: cuda, then mps, then cpu.
    seed : int
        Added to the schedule's ``seed`` curve; a frame's seed is ``schedule["seed"][i] + seed``.
    beats : array-like of float, optional
        Beat times in seconds: with ``cadence`` > 1, diffused frames snap to them.
    init_image : str, Path, PIL.Image or np.ndarray, optional
        Frame 0 is painted from it (at ``schedule["strength"][0]``) instead of from text.
    overwrite : bool
        Replace an existing ``out``.
    progress : bool or callable
        True: a tqdm bar and a summary line; a callable gets ``(done, total, eta_seconds)`` too.
    adherence : callable, optional
        ``adherence(frame, prompt_mix) -> float`` (e.g. CLIP similarity); below ``adherence_min`` the guard acts.
    step_callback : callable, optional
        Passed to the pipeline as ``callback_on_step_end`` (CLIP guidance plugs in here).
    guard : bool or CollapseThresholds
        The collapse guard: a frame that comes out flat, frozen or off-prompt is
        painted again with more noise, more strength and a new seed, up to ``max_retries`` times.
    guidance_scale : float, optional
        None: 0 for turbo models, 7.5 otherwise.
    colour_coherence : float
        0 to 1: how strongly each frame's LAB histograms are matched to the reference.
    border : str
        Warp border mode: "replicate", "reflect", "wrap" or "black".
    dtype : torch.dtype, optional
        None: float16 on a GPU, float32 on the CPU.
    tiny_autoencoder, sdpa, channels_last, compile :
        Speed options (:func:`speed_up`); ``tiny_autoencoder=TINY_AUTOENCODER`` decodes with TAESD.
    crf, preset : int, str
        H.264 quality and x264 speed preset. "veryfast" at crf 17 encodes two to three times faster
        than "medium" at crf 18 for about the same quality and size (benchmarks/render_overhead.py).
    depth : None, str, Path or callable
        The 3D camera. None: the 2D camera (``zoom``, ``angle``, ``translation_x``/``_y``).
        A depth-estimation model id or folder for transformers (e.g.
        ``"depth-anything/Depth-Anything-V2-Small-hf"``, ``"Intel/dpt-hybrid-midas"``), loaded once,
        or a callable ``depth(frame_uint8) -> (height, width) depth, larger = farther``. When the
        schedule moves in depth or turns in 3D (``translation_z``, ``rotation_3d_x``/``_y``/``_z``),
        the whole render uses the 3D camera, in Deforum's 3D units (:mod:`binarydream.render.warp3d`),
        and does not read ``zoom`` and ``angle``; otherwise the model is not loaded.
    fov : float
        Vertical field of view of the 3D camera, degrees.

    Returns
    -------
    RenderReport
        Also written to ``report.json`` in the render folder.

    Raises
    ------
    RenderError
        ``out`` exists, another run is rendering it, the folder holds a render with another schedule or
        settings, or encoding failed.
    ParameterError
        A setting is out of range (size, steps, seed, device) or ``out`` is a folder or not a video name.
    ModelNotFoundError
        The model (or the depth model) is not on this machine.

    Examples
    --------
    >>> report = render("video.mp4", sched, audio_path="song.mp3", width=1280, height=720, steps=2)  # doctest: +SKIP
    >>> sched["translation_z"] = "0: (5)"  # doctest: +SKIP
    >>> report = render("video.mp4", sched, audio_path="song.mp3", depth="Intel/dpt-hybrid-midas")  # doctest: +SKIP
    """
    check_request(out, schedule, audio_path=audio_path, width=width, height=height, cadence=cadence,
                  overwrite=overwrite)
    check_settings(schedule, steps=steps, seed=seed, device=device, init_image=init_image)
    if depth is not None and not (isinstance(depth, (str, os.PathLike)) or callable(depth)):
        raise ParameterError(f"depth must be None, a depth model id or folder, or a callable, got {type(depth).__name__}")
    depth_label = None if depth is None else depth_name(os.fspath(depth) if isinstance(depth, os.PathLike) else depth)
    depth_fn = None
    if depth is not None and uses_3d(schedule):
        depth_fn = depth if callable(depth) else load_depth_model(depth, device=device)
    if callable(model) and not hasattr(model, "components"):
        painter, dtype_name, speed = model, "painter", {}
    else:
        from .painter import DiffusersPainter

        pipe = load_pipeline(model, device=device, dtype=dtype)
        speed_up(pipe, sdpa=sdpa, channels_last=channels_last, tiny_autoencoder=tiny_autoencoder, compile=compile)
        pipe.set_progress_bar_config(disable=True)
        painter = DiffusersPainter(pipe, width, height, guidance_scale=_guidance(model, guidance_scale),
                                   step_callback=step_callback)
        dtype_name = str(pipe.dtype)
        # Speed options change the bits on some devices, so a resume must use the same ones.
        speed = {"sdpa": sdpa, "channels_last": channels_last, "compile": compile,
                 "tiny_autoencoder": None if tiny_autoencoder is None else model_name(tiny_autoencoder)}
    return run_render(out, schedule, painter, audio_path=audio_path, model_name=model_name(model),
                      width=width, height=height, steps=steps, cadence=cadence, resume=resume, seed=seed,
                      beats=beats, init_image=init_image, overwrite=overwrite, progress=progress,
                      adherence=adherence, adherence_min=adherence_min, guard=guard, max_retries=max_retries,
                      colour_coherence=colour_coherence, border=border, dtype=dtype_name, speed=speed, crf=crf,
                      preset=preset, depth=depth_fn, depth_label=depth_label, fov=fov)


__all__ = ["render", "preview", "load_pipeline", "speed_up", "RenderReport", "frames_folder",
           "TINY_AUTOENCODER", "load_depth_model"]
