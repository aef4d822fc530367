"""A render's settings as data: :class:`RenderOptions` (the picture and the video) and :class:`SpeedOptions`.

Settings left at None take the model profile's value (:mod:`.profiles`);
:func:`resolve` fills them in, and the resolved options are what the frame
loop reads, what the manifest fingerprints and what the report shows. A
setting is named once, here, from the API to the frame loop.

Examples
--------
>>> options = with_settings(RenderOptions(), SpeedOptions(), {"steps": 3, "compile": True})
>>> options[0].steps, options[1].compile
(3, True)
>>> with_settings(RenderOptions(), SpeedOptions(), {"step": 3})
Traceback (most recent call last):
...
binarydream.errors.ParameterError: unknown render setting 'step' (did you mean 'steps'?); the settings are the fields of RenderOptions and SpeedOptions
>>> resolve(RenderOptions(), PROFILES["sd-turbo"]).render_size
(680, 384)
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from ..errors import ParameterError
from ..measures import CollapseThresholds
from .frame.warp3d import DEFAULT_FOV
from .model.profiles import ModelProfile, PROFILES, render_size

SEED_MODES = ("section", "fixed", "frame")
BORDERS = ("replicate", "reflect", "wrap", "black")


@dataclass(frozen=True)
class RenderOptions:
    """What a render makes. None: the model profile's value.

    Attributes
    ----------
    width, height : int
        The video's size (upscaled to from the render size).
    render_width, render_height : int or None
        Size the model paints at. None: the profile's native area at the video's aspect ratio
        (a painter callable: the video's size).
    steps : int or None
        Denoising steps per frame, run from the noise level the schedule's ``strength`` names.
    guidance_scale : float or None
        Classifier-free guidance; 1 or less switches it and negative prompts off.
    scheduler : str or None
        A diffusers scheduler class name to paint with.
    profile : str or None
        A family in :data:`binarydream.render.model.profiles.PROFILES` instead of the one detected.
    cadence : int
        Diffuse every ``cadence``-th frame and tween between (1: every frame).
    seed : int
        Added to the schedule's ``seed`` curve.
    seed_mode : str
        "section": the seed changes where a section starts (default: textures hold still between);
        "fixed": one seed for the whole song; "frame": each frame's own (textures boil).
    colour_coherence : float
        0 to 1: how strongly each frame's colour histograms are matched to the reference.
    border : str
        Warp border mode: "replicate", "reflect", "wrap" or "black".
    fov : float
        Vertical field of view of the 3D camera, degrees.
    guard : bool or CollapseThresholds
        The collapse guard (True: default thresholds).
    max_retries : int
        Repaints of a collapsed frame.
    adherence_min : float
        Adherence below this counts as collapse (with ``render(adherence=...)``).
    upscaler : str, Path or callable
        From the render size to the video's: "resize" (bicubic), an ESRGAN-type ``.pth``/``.safetensors``
        file (through spandrel), or ``upscaler(frame, width, height) -> frame``.
    crf, preset : int, str
        H.264 quality and x264 speed preset.
    """

    width: int = 1280
    height: int = 720
    render_width: int | None = None
    render_height: int | None = None
    steps: int | None = None
    guidance_scale: float | None = None
    scheduler: str | None = None
    profile: str | None = None
    cadence: int = 1
    seed: int = 0
    seed_mode: str = "section"
    colour_coherence: float = 1.0
    border: str = "replicate"
    fov: float = DEFAULT_FOV
    guard: bool | CollapseThresholds = True
    max_retries: int = 3
    adherence_min: float = 0.2
    upscaler: object = "resize"
    crf: int = 17
    preset: str = "veryfast"

    @property
    def render_size(self) -> tuple:
        """(width, height) the model paints at."""
        return self.render_width, self.render_height

    @property
    def thresholds(self) -> CollapseThresholds | None:
        """The guard's thresholds, None when it is off."""
        if self.guard is False:
            return None
        return self.guard if isinstance(self.guard, CollapseThresholds) else CollapseThresholds()


@dataclass(frozen=True)
class SpeedOptions:
    """How fast the model runs; these change the bits on some devices, so a resume must keep them.

    Attributes
    ----------
    dtype : torch.dtype or None
        None: the profile's half precision on a GPU, float32 on the CPU.
    tiny_autoencoder : bool, str, Path, AutoencoderTiny or None
        Encode and decode with a tiny autoencoder: True takes the profile's (TAESD, TAESDXL, TAESD3, TAEF1).
    sdpa : bool
        PyTorch's scaled-dot-product attention.
    channels_last : bool
        channels_last memory format for the denoiser and autoencoder.
    compile : bool
        ``torch.compile`` the denoiser.
    """

    dtype: object = None
    tiny_autoencoder: object = None
    sdpa: bool = True
    channels_last: bool = True
    compile: bool = False


def with_settings(options: RenderOptions, speed: SpeedOptions, settings: dict) -> tuple:
    """``(options, speed)`` with the named settings replaced; an unknown name is a one-line ParameterError."""
    render_names = {f.name for f in dataclasses.fields(RenderOptions)}
    speed_names = {f.name for f in dataclasses.fields(SpeedOptions)}
    for name in settings:
        if name not in render_names | speed_names:
            near = difflib.get_close_matches(name, sorted(render_names | speed_names), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ParameterError(f"unknown render setting {name!r}{hint}; the settings are the fields of "
                                 "RenderOptions and SpeedOptions")
    return (dataclasses.replace(options, **{k: v for k, v in settings.items() if k in render_names}),
            dataclasses.replace(speed, **{k: v for k, v in settings.items() if k in speed_names}))


def check(options: RenderOptions) -> None:
    """Refuse settings that have no meaning, before a model loads.

    Examples
    --------
    >>> check(RenderOptions(seed_mode="beat"))
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: seed_mode must be one of section, fixed, frame, got 'beat'
    """
    if options.seed_mode not in SEED_MODES:
        raise ParameterError(f"seed_mode must be one of {', '.join(SEED_MODES)}, got {options.seed_mode!r}")
    if options.border not in BORDERS:
        raise ParameterError(f"border must be one of {', '.join(BORDERS)}, got {options.border!r}")
    if not 0.0 <= options.colour_coherence <= 1.0:
        raise ParameterError(f"colour_coherence must be between 0 and 1, got {options.colour_coherence}")
    if options.profile is not None and options.profile not in PROFILES:
        raise ParameterError(f"unknown model profile {options.profile!r}; choose one of {', '.join(PROFILES)}")
    if (options.render_width is None) != (options.render_height is None):
        raise ParameterError("give render_width and render_height together, or neither")


PAINTER_STEPS = 2
"""Steps passed to a painter callable when no profile and no ``steps`` are given."""


def resolve(options: RenderOptions, profile: ModelProfile | None) -> RenderOptions:
    """The options with every None filled in from ``profile`` (None: a painter callable, no profile)."""
    size = options.render_size
    if size[0] is None:
        if profile is None:
            size = (options.width, options.height)
        else:
            size = render_size(profile.native_size, options.width / options.height, profile.size_multiple)
    return dataclasses.replace(
        options, render_width=size[0], render_height=size[1],
        steps=options.steps or (profile.steps if profile else PAINTER_STEPS),
        guidance_scale=(options.guidance_scale if options.guidance_scale is not None
                        else profile.guidance_scale if profile else 0.0),
        scheduler=options.scheduler or (profile.scheduler if profile else None),
        profile=profile.family if profile else None)


def frame_settings(options: RenderOptions) -> dict:
    """The resolved settings that change the frames on disk (the video's size and encoding do not), as plain data."""
    keep = ("render_width", "render_height", "steps", "guidance_scale", "scheduler", "profile", "cadence", "seed",
            "seed_mode", "colour_coherence", "border", "max_retries", "adherence_min")
    settings = {name: getattr(options, name) for name in keep}
    thresholds = options.thresholds
    settings["guard"] = None if thresholds is None else dataclasses.asdict(thresholds)
    return settings
