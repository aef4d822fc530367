"""The painter: one frame from a diffusers pipeline, the text embeddings of each prompt encoded once.

A painter is any callable ``painter(image, *, prompts, negative_prompts,
strength, noise, steps, seed) -> uint8 frame``: ``image`` is the warped,
colour-matched previous frame (uint8 RGB) or None for a frame from text alone.
:class:`DiffusersPainter` is the one the render builds from a model; a custom
one (another generator, a test double) can be passed as ``render(model=...)``.
A painter may set ``last_repair`` (a short text, or None) after each frame to
tell the render's report that it had to fix the frame.

Prompt blending happens on embeddings: a frame between two prompt keyframes
is conditioned on the weighted sum of their embeddings (Deforum's and
Disco Diffusion's weighted prompts), with the weights normalised to sum to 1.

The pipeline returns latents and the painter decodes them itself, so that a
frame that comes out NaN or black (SDXL's autoencoder overflows in float16)
is decoded again with the autoencoder in float32.

Examples
--------
>>> blend_weights([("a", 1.0), ("b", 3.0)])
[('a', 0.25), ('b', 0.75)]
"""

from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np

from .denoise import quiet_custom_timesteps, schedule_arguments
from .profiles import architecture


def blend_weights(prompts) -> list[tuple[str, float]]:
    """Prompt weights normalised to sum to 1 (kept as given when they sum to 0 or less).

    Examples
    --------
    >>> blend_weights([("a", 2.0), ("b", 2.0)])
    [('a', 0.5), ('b', 0.5)]
    """
    total = sum(weight for _, weight in prompts)
    if total <= 0:
        return [(text, float(weight)) for text, weight in prompts]
    return [(text, weight / total) for text, weight in prompts]


def unusable(image) -> str | None:
    """Why a decoded image (torch tensor in [0, 1]) cannot be used: "nan", "black", or None.

    Examples
    --------
    >>> import torch
    >>> unusable(torch.full((1, 3, 4, 4), float("nan"))), unusable(torch.zeros(1, 3, 4, 4)), unusable(torch.ones(1, 3, 4, 4))
    ('nan', 'black', None)
    """
    import torch

    if not bool(torch.isfinite(image).all()):
        return "nan"
    if float(image.max()) < 1.0 / 255:
        return "black"
    return None


def _encode_prompt(pipe, arch: str, text: str) -> dict:
    device = pipe.device
    if arch == "sd":
        embeds, _ = pipe.encode_prompt(text, device, 1, False)
        return {"prompt_embeds": embeds}
    if arch == "flux":
        embeds, pooled, _ = pipe.encode_prompt(prompt=text, prompt_2=None, device=device, num_images_per_prompt=1)
        return {"prompt_embeds": embeds, "pooled_prompt_embeds": pooled}
    extra = {"prompt_2": None, "prompt_3": None} if arch == "sd3" else {}
    embeds, _, pooled, _ = pipe.encode_prompt(prompt=text, device=device, num_images_per_prompt=1,
                                              do_classifier_free_guidance=False, **extra)
    return {"prompt_embeds": embeds, "pooled_prompt_embeds": pooled}


class DiffusersPainter:
    """Paints frames with a diffusers img2img pipeline.

    Parameters
    ----------
    pipe : DiffusionPipeline
        An img2img pipeline (:func:`binarydream.render.load_pipeline`).
    width, height : int
        Frame size, multiples of 8 (16 for FLUX and SD3).
    guidance_scale : float
        Classifier-free guidance; at 1 or less it is off and negative prompts are ignored (with a warning).
    step_callback : callable, optional
        Passed to the pipeline as ``callback_on_step_end``; if it has a ``prompt_mix``
        attribute (as CLIP guidance does), it is set to each frame's prompts first.

    Examples
    --------
    >>> painter = DiffusersPainter(load_pipeline("stabilityai/sd-turbo"), 512, 512)  # doctest: +SKIP
    >>> frame = painter(None, prompts=[("a dream", 1.0)], negative_prompts=[], strength=1.0,
    ...                 noise=0.0, steps=2, seed=0)  # doctest: +SKIP
    """

    def __init__(self, pipe, width: int, height: int, *, guidance_scale: float = 0.0, step_callback=None):
        self.pipe, self.width, self.height = pipe, width, height
        self.guidance_scale = guidance_scale
        self.step_callback = step_callback
        self.arch = architecture({name: type(part).__name__ for name, part in pipe.components.items()
                                  if part is not None})
        unet = getattr(pipe, "unet", None)
        # FLUX and LCM-distilled UNets take guidance as an input: no second pass, so no negative prompt.
        self.guided = (guidance_scale > 1 and self.arch != "flux"
                       and getattr(getattr(unet, "config", None), "time_cond_proj_dim", None) is None)
        self.last_repair = None
        # FLUX's img2img resizes to its default size unless told; the others paint at the image's size.
        takes_size = "height" in inspect.signature(type(pipe).__call__).parameters
        self._img2img_size = {"width": width, "height": height} if takes_size else {}
        self._embeddings = {}
        self._text2image = None
        self._vae32 = None
        self._warned = False

    def _encode(self, text: str):
        if text not in self._embeddings:
            import torch

            with torch.inference_mode():
                self._embeddings[text] = _encode_prompt(self.pipe, self.arch, text)
        return self._embeddings[text]

    def conditioning(self, prompts, negative_prompts) -> dict:
        """Pipeline keyword arguments for a blend of prompts (and of negative prompts, when guided)."""
        def blend(mix, prefix):
            mix = blend_weights(mix) or [("", 1.0)]
            encoded = [(self._encode(text), weight) for text, weight in mix]
            return {prefix + key: sum(e[key] * w for e, w in encoded) for key in encoded[0][0]}

        arguments = blend(prompts, "")
        if self.guided:
            arguments.update(blend(negative_prompts, "negative_"))
        elif negative_prompts and not self._warned:
            self._warned = True
            warnings.warn(f"negative prompts are ignored: guidance_scale is {self.guidance_scale:g} "
                          "(classifier-free guidance is off at 1 or less, and in guidance-distilled models); "
                          "pass guidance_scale > 1 to use them", stacklevel=2)
        return arguments

    def decode(self, latents, vae=None):
        """Latents from the pipeline as an image tensor in [0, 1] (1, 3, height, width), with ``vae`` or the pipe's."""
        vae = vae or self.pipe.vae
        config = vae.config
        if self.arch == "flux":
            latents = self.pipe._unpack_latents(latents, self.height, self.width, self.pipe.vae_scale_factor)
        mean, std = getattr(config, "latents_mean", None), getattr(config, "latents_std", None)
        if mean is not None and std is not None:
            shape = (1, -1, 1, 1)
            mean = latents.new_tensor(mean).view(shape)
            latents = latents * latents.new_tensor(std).view(shape) / config.scaling_factor + mean
        else:
            latents = latents / config.scaling_factor + (getattr(config, "shift_factor", None) or 0.0)
        image = vae.decode(latents.to(vae.dtype), return_dict=False)[0]
        return (image.float() / 2 + 0.5).clamp(0, 1)

    def _decode_safely(self, latents):
        import torch

        image = self.decode(latents)
        problem = unusable(image)
        self.last_repair = None
        if problem is not None:
            if self._vae32 is None:
                vae = self.pipe.vae
                self._vae32 = vae if vae.dtype == torch.float32 else copy.deepcopy(vae).to(torch.float32)
            image = self.decode(latents.float(), self._vae32)
            self.last_repair = f"{problem}: decoded again with the autoencoder in float32"
            if unusable(image) is not None:
                self.last_repair += " (still unusable)"
        return image

    def __call__(self, image, *, prompts, negative_prompts, strength: float, noise: float, steps: int,
                 seed: int) -> np.ndarray:
        import torch

        if hasattr(self.step_callback, "prompt_mix"):
            # A CLIP guidance callback (binarydream.quality.clip_guidance) steers towards this frame's prompts.
            self.step_callback.prompt_mix = list(prompts)
        generator = torch.Generator("cpu").manual_seed(int(seed))
        common = dict(guidance_scale=self.guidance_scale, generator=generator, output_type="latent",
                      callback_on_step_end=self.step_callback, **self.conditioning(prompts, negative_prompts))
        with torch.inference_mode(), quiet_custom_timesteps():
            if image is None:
                if self._text2image is None:
                    from diffusers import AutoPipelineForText2Image

                    self._text2image = AutoPipelineForText2Image.from_pipe(self.pipe)
                    self._text2image.set_progress_bar_config(disable=True)
                latents = self._text2image(width=self.width, height=self.height,
                                           **schedule_arguments(self._text2image, steps, None), **common).images
            else:
                device = self.pipe.device
                pixels = torch.from_numpy(np.ascontiguousarray(image)).to(device).permute(2, 0, 1)[None]
                pixels = pixels.to(torch.float32) / 255.0
                if noise > 0:
                    noise_generator = torch.Generator(device).manual_seed(int(seed))
                    pixels += noise * torch.randn(pixels.shape, generator=noise_generator, device=device)
                pixels = pixels.clamp_(0.0, 1.0)
                strength = min(float(strength), 1.0)
                if strength <= 0:
                    self.last_repair = None
                    return np.rint(pixels[0].permute(1, 2, 0).cpu().numpy() * 255).astype(np.uint8)
                latents = self.pipe(image=pixels.to(self.pipe.dtype), **schedule_arguments(self.pipe, steps, strength),
                                    **self._img2img_size, **common).images
            pixels = self._decode_safely(latents)
        return np.rint(pixels[0].permute(1, 2, 0).cpu().numpy() * 255.0).clip(0, 255).astype(np.uint8)
