"""The painter: one frame from a diffusers pipeline, the text embeddings of each prompt encoded once.

A painter is any callable ``painter(image, *, prompts, negative_prompts,
strength, noise, steps, seed) -> uint8 frame``: ``image`` is the warped,
colour-matched previous frame (uint8 RGB) or None for a frame from text alone.
:class:`DiffusersPainter` is the one the render builds from a model; a custom
one (another generator, a test double) can be passed as ``render(model=...)``.

Prompt blending happens on embeddings: a frame between two prompt keyframes
is conditioned on the weighted sum of their embeddings (Deforum's and
Disco Diffusion's weighted prompts), with the weights normalised to sum to 1.

Examples
--------
>>> steps_that_run(2, 0.3)
4
>>> steps_that_run(2, 0.65)
2
"""

from __future__ import annotations

import numpy as np


def steps_that_run(steps: int, strength: float) -> int:
    """Steps to ask img2img for so that at least one denoising step runs (it runs ``int(steps * strength)``).

    Examples
    --------
    >>> steps_that_run(1, 1.0)
    1
    """
    n = max(int(steps), 1)
    while int(n * strength) < 1:
        n += 1
    return n


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


class DiffusersPainter:
    """Paints frames with a diffusers img2img pipeline.

    Parameters
    ----------
    pipe : DiffusionPipeline
        An img2img pipeline (:func:`binarydream.render.load_pipeline`).
    width, height : int
        Frame size, multiples of 8.
    guidance_scale : float
        Classifier-free guidance; 0 for turbo models (no negative prompt pass).
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
        self._embeddings = {}
        self._text2image = None

    def _encode(self, text: str):
        if text not in self._embeddings:
            import torch

            with torch.inference_mode():
                if hasattr(self.pipe, "text_encoder_2"):
                    embeds, _, pooled, _ = self.pipe.encode_prompt(text, device=self.pipe.device,
                                                                   num_images_per_prompt=1,
                                                                   do_classifier_free_guidance=False)
                    self._embeddings[text] = {"prompt_embeds": embeds, "pooled_prompt_embeds": pooled}
                else:
                    embeds, _ = self.pipe.encode_prompt(text, self.pipe.device, 1, False)
                    self._embeddings[text] = {"prompt_embeds": embeds}
        return self._embeddings[text]

    def conditioning(self, prompts, negative_prompts) -> dict:
        """Pipeline keyword arguments for a blend of prompts (and of negative prompts, when guided)."""
        def blend(mix, prefix):
            mix = blend_weights(mix) or [("", 1.0)]
            encoded = [(self._encode(text), weight) for text, weight in mix]
            return {prefix + key: sum(e[key] * w for e, w in encoded) for key in encoded[0][0]}

        arguments = blend(prompts, "")
        if self.guidance_scale > 1:
            arguments.update(blend(negative_prompts, "negative_"))
        return arguments

    def __call__(self, image, *, prompts, negative_prompts, strength: float, noise: float, steps: int,
                 seed: int) -> np.ndarray:
        import torch

        if hasattr(self.step_callback, "prompt_mix"):
            # A CLIP guidance callback (binarydream.quality.clip_guidance) steers towards this frame's prompts.
            self.step_callback.prompt_mix = list(prompts)
        generator = torch.Generator("cpu").manual_seed(int(seed))
        common = dict(guidance_scale=self.guidance_scale, generator=generator, output_type="np",
                      callback_on_step_end=self.step_callback, **self.conditioning(prompts, negative_prompts))
        with torch.inference_mode():
            if image is None:
                if self._text2image is None:
                    from diffusers import AutoPipelineForText2Image

                    self._text2image = AutoPipelineForText2Image.from_pipe(self.pipe)
                    self._text2image.set_progress_bar_config(disable=True)
                out = self._text2image(width=self.width, height=self.height, num_inference_steps=steps, **common)
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
                    return np.rint(pixels[0].permute(1, 2, 0).cpu().numpy() * 255).astype(np.uint8)
                out = self.pipe(image=pixels.to(self.pipe.dtype), strength=strength,
                                num_inference_steps=steps_that_run(steps, strength), **common)
        return np.rint(np.asarray(out.images[0]) * 255.0).clip(0, 255).astype(np.uint8)
