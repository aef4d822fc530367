"""Model profiles: what each diffusion model family wants (size, steps, guidance, scheduler, tiny VAE), found from its parts.

A profile is chosen from what a loaded pipeline is made of, never from its
name: the denoiser (UNet or transformer) and its config, the text encoders,
and the scheduler. Two text encoders make SDXL, a third one SD3, a FLUX
transformer FLUX; a UNet with linear attention projections is SD 2.x, without
them SD 1.x. A few-step distilled model shows in its scheduler: LCM or TCD, or
"trailing" timestep spacing (sd-turbo, sdxl-turbo, Lightning, Hyper-SD). The
native size is read from the denoiser's config where it has one.

Every value is a default: a user's explicit argument wins
(:class:`binarydream.render.options.RenderOptions`).

Examples
--------
>>> PROFILES["sd-turbo"].steps, PROFILES["sd-turbo"].guidance_scale, PROFILES["sd-turbo"].tiny_vae
(2, 0.0, 'madebyollin/taesd')
>>> render_size(512, 1280 / 720)
(680, 384)
>>> PROFILES["sdxl"].line()
'profile sdxl: 1024 px, 25 steps, CFG 6, EulerDiscreteScheduler, tiny VAE madebyollin/taesdxl, fp16 variant, conditioning prompt_embeds+pooled_prompt_embeds'
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from ...errors import ParameterError


@dataclass(frozen=True)
class ModelProfile:
    """What a model family renders best with.

    Attributes
    ----------
    family : str
        Key in :data:`PROFILES`.
    native_size : int
        Side of the square the model was trained at, pixels; frames are rendered at this area.
    steps : int
        Denoising steps per frame.
    guidance_scale : float
        Classifier-free guidance; 1 or less switches it (and the negative prompt) off.
    scheduler : str or None
        diffusers scheduler class to run with (built from the model's own config); None keeps the model's.
    tiny_vae : str
        Hub id of the matching tiny autoencoder (TAESD family).
    variant : str or None
        Weights variant to ask the hub for on a GPU ("fp16"), None where the family ships none.
    gpu_dtype : str
        Half-precision type on a GPU ("float16", or "bfloat16" where float16 overflows).
    conditioning : tuple of str
        Pipeline keywords that a prompt's embedding fills.
    negative_prompt : bool
        Whether guidance in this family takes a negative prompt.
    size_multiple : int
        Frame sides must be multiples of this.
    """

    family: str
    native_size: int
    steps: int
    guidance_scale: float
    scheduler: str | None
    tiny_vae: str
    variant: str | None = "fp16"
    gpu_dtype: str = "float16"
    conditioning: tuple = ("prompt_embeds",)
    negative_prompt: bool = True
    size_multiple: int = 8

    def line(self) -> str:
        """The one line printed when a render starts and written into its report."""
        guidance = f"CFG {self.guidance_scale:g}" if self.guidance_scale > 1 else "no CFG"
        return (f"profile {self.family}: {self.native_size} px, {self.steps} steps, {guidance}, "
                f"{self.scheduler or 'model scheduler'}, tiny VAE {self.tiny_vae}, "
                f"{(self.variant + ' variant') if self.variant else 'no variant'}, "
                f"conditioning {'+'.join(self.conditioning)}")


_SD = dict(scheduler="EulerDiscreteScheduler", tiny_vae="madebyollin/taesd")
_XL = dict(scheduler="EulerDiscreteScheduler", tiny_vae="madebyollin/taesdxl",
           conditioning=("prompt_embeds", "pooled_prompt_embeds"))
_FLUX = dict(scheduler=None, tiny_vae="madebyollin/taef1", variant=None, gpu_dtype="bfloat16",
             conditioning=("prompt_embeds", "pooled_prompt_embeds"), negative_prompt=False, size_multiple=16)

PROFILES = {p.family: p for p in (
    ModelProfile("sd1", 512, 25, 7.5, **_SD),
    ModelProfile("sd2", 768, 25, 7.5, **_SD),
    ModelProfile("sdxl", 1024, 25, 6.0, **_XL),
    ModelProfile("sd-turbo", 512, 2, 0.0, **_SD),
    ModelProfile("sdxl-turbo", 512, 2, 0.0, **_XL),
    # LCM, TCD, Lightning and Hyper-SD distillations: few steps, guidance off (it burns at 7.5).
    ModelProfile("few-step", 512, 4, 1.0, **{**_SD, "scheduler": None}),
    ModelProfile("sdxl-few-step", 1024, 4, 1.0, **{**_XL, "scheduler": None}),
    ModelProfile("sd3", 1024, 28, 7.0, scheduler=None, tiny_vae="madebyollin/taesd3", variant=None,
                 conditioning=("prompt_embeds", "pooled_prompt_embeds"), size_multiple=16),
    # FLUX.1-dev's guidance is an input of the transformer, not classifier-free guidance: no negative prompt.
    ModelProfile("flux-dev", 1024, 28, 3.5, **_FLUX),
    ModelProfile("flux-schnell", 1024, 4, 0.0, **_FLUX),
)}
"""Profiles by family name."""

FEW_STEP_SCHEDULERS = ("LCMScheduler", "TCDScheduler")


def architecture(component_classes: dict) -> str:
    """The model architecture from its components' class names: "sd", "sdxl", "sd3" or "flux".

    Parameters
    ----------
    component_classes : dict
        Component name -> class name (a pipeline's ``components``, or a ``model_index.json`` read before loading).

    Examples
    --------
    >>> architecture({"unet": "UNet2DConditionModel", "text_encoder": "CLIPTextModel",
    ...               "text_encoder_2": "CLIPTextModelWithProjection"})
    'sdxl'
    >>> architecture({"transformer": "FluxTransformer2DModel", "text_encoder_2": "T5EncoderModel"})
    'flux'
    """
    classes = {name: cls for name, cls in component_classes.items() if cls}
    if "Flux" in str(classes.get("transformer", "")):
        return "flux"
    if "text_encoder_3" in classes or "SD3" in str(classes.get("transformer", "")):
        return "sd3"
    if "text_encoder_2" in classes:
        return "sdxl"
    return "sd"


def _class_names(pipe) -> dict:
    return {name: type(part).__name__ for name, part in pipe.components.items() if part is not None}


def _native_size(pipe, default: int) -> int:
    denoiser = getattr(pipe, "unet", None) or getattr(pipe, "transformer", None)
    sample = getattr(getattr(denoiser, "config", None), "sample_size", None)
    if not isinstance(sample, int):
        sample = getattr(pipe, "default_sample_size", None)
    factor = getattr(pipe, "vae_scale_factor", 8)
    return int(sample * factor) if isinstance(sample, int) else default


def detect_family(pipe) -> str:
    """The :data:`PROFILES` key for a loaded pipeline, from its components, configs and scheduler.

    Examples
    --------
    >>> detect_family(load_pipeline("stabilityai/sd-turbo"))  # doctest: +SKIP
    'sd-turbo'
    """
    arch = architecture(_class_names(pipe))
    if arch == "flux":
        return "flux-dev" if pipe.transformer.config.get("guidance_embeds") else "flux-schnell"
    if arch == "sd3":
        return "sd3"
    scheduler = pipe.scheduler
    distilled = type(scheduler).__name__ in FEW_STEP_SCHEDULERS or pipe.unet.config.get("time_cond_proj_dim")
    trailing = scheduler.config.get("timestep_spacing") == "trailing"
    native = _native_size(pipe, 512)
    if arch == "sdxl":
        if distilled or (trailing and native > 512):
            return "sdxl-few-step"
        return "sdxl-turbo" if trailing else "sdxl"
    linear = bool(pipe.unet.config.get("use_linear_projection"))  # OpenCLIP-conditioned SD 2.x
    if distilled or (trailing and not linear):
        return "few-step"
    if trailing:
        return "sd-turbo"
    return "sd2" if linear else "sd1"


def detect_profile(pipe, family: str | None = None) -> ModelProfile:
    """The profile of a loaded pipeline (or of the ``family`` named), with the native size its config gives.

    Parameters
    ----------
    pipe : DiffusionPipeline
    family : str, optional
        A :data:`PROFILES` key that overrides detection.

    Examples
    --------
    >>> detect_profile(None, "nope")
    Traceback (most recent call last):
    ...
    binarydream.errors.ParameterError: unknown model profile 'nope'; choose one of sd1, sd2, sdxl, sd-turbo, sdxl-turbo, few-step, sdxl-few-step, sd3, flux-dev, flux-schnell
    """
    if family is not None and family not in PROFILES:
        raise ParameterError(f"unknown model profile {family!r}; choose one of {', '.join(PROFILES)}")
    profile = PROFILES[family or detect_family(pipe)]
    return dataclasses.replace(profile, native_size=_native_size(pipe, profile.native_size))


def render_size(native_size: int, aspect: float, multiple: int = 8) -> tuple[int, int]:
    """(width, height) with the area of a ``native_size`` square and the aspect ratio ``aspect``.

    Examples
    --------
    >>> render_size(1024, 16 / 9)
    (1368, 768)
    >>> render_size(512, 9 / 16)
    (384, 680)
    """
    height = native_size / math.sqrt(aspect)
    width = height * aspect
    return (max(multiple, int(round(width / multiple)) * multiple),
            max(multiple, int(round(height / multiple)) * multiple))
