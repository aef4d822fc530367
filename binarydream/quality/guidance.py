"""Optional CLIP guidance during rendering: Disco Diffusion's look, one gradient step per diffusion step.

:func:`clip_guidance` returns a diffusers ``callback_on_step_end``: after each
(or every ``every``-th) denoising step it decodes the latents to pixels, embeds
them with CLIP, takes the spherical distance to the frame's prompts (Disco
Diffusion's ``spherical_dist_loss``, weighted like the prompt mix) and moves the
latents one step down its gradient. The render passes it as
``render(step_callback=guidance)`` and sets ``guidance.prompt_mix`` to
``schedule.prompt_mix(frame)`` before each frame.

Off by default, because it costs: per guided step, one CLIP image forward and
backward pass, plus the decode. ``decode="approx"`` (default) maps the 4 latent
channels to RGB with a fixed linear map (the latent-preview factors of SD 1.x/2.x,
sd-turbo included), which costs nothing next to CLIP; ``decode="vae"`` runs the VAE
decoder forward and backward at full size, which is exact but several times the
cost of the denoising step itself and needs gigabytes of memory above 512 px.
``benchmarks/quality.py`` prints the cost of one guided step for ViT-B-32 (approx decode, 512 px:
about 0.15 s on 2 idle CPU threads, against about 0.04 s to score a frame).

Examples
--------
>>> from binarydream.quality import clip_guidance, load_clip
>>> guidance = clip_guidance(load_clip(), scale=0.05)  # doctest: +SKIP
>>> song.render("video.mp4", schedule=sched, step_callback=guidance)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

# Linear map from SD 1.x/2.x latents (4 channels, scaled) to RGB in about [-1, 1]: the
# latent-preview factors ComfyUI uses; good enough for a gradient, not for a picture.
SD_LATENT_RGB = np.array([[0.3512, 0.2297, 0.3227],
                          [0.3250, 0.4974, 0.2350],
                          [-0.2829, 0.1762, 0.2721],
                          [-0.2120, -0.2616, -0.7177]], dtype=np.float32)

DECODERS = ("approx", "vae")


def latents_to_rgb(latents, pipe=None, *, decode: str = "approx"):
    """Differentiable pixels in [0, 1], shape (batch, 3, H, W), from diffusion latents.

    Parameters
    ----------
    latents : torch.Tensor, shape (batch, 4, h, w)
    pipe : diffusers pipeline, optional
        Needed for ``decode="vae"`` (its ``vae``).
    decode : {"approx", "vae"}
        ``"approx"``: the fixed linear map :data:`SD_LATENT_RGB` at latent resolution;
        ``"vae"``: the pipeline's VAE decoder at full resolution.

    Examples
    --------
    >>> import torch
    >>> latents_to_rgb(torch.zeros(1, 4, 8, 8)).shape
    torch.Size([1, 3, 8, 8])
    """
    import torch

    if decode == "approx":
        if latents.shape[1] != SD_LATENT_RGB.shape[0]:
            raise ValueError(f"decode='approx' maps 4 latent channels to RGB, got {latents.shape[1]}; "
                             f"use decode='vae'")
        factors = torch.as_tensor(SD_LATENT_RGB, device=latents.device)
        rgb = torch.einsum("bchw,cr->brhw", latents.float(), factors)
    elif decode == "vae":
        if pipe is None or getattr(pipe, "vae", None) is None:
            raise ValueError("decode='vae' needs the pipeline (with its vae) passed to the callback")
        config = pipe.vae.config
        scaled = latents / config.scaling_factor + (getattr(config, "shift_factor", None) or 0.0)
        rgb = pipe.vae.decode(scaled.to(pipe.vae.dtype)).sample.float()
    else:
        raise ValueError(f"unknown decode {decode!r}; choose one of {DECODERS}")
    return ((rgb + 1.0) / 2.0).clamp(0.0, 1.0)


def spherical_distance(a, b):
    """Disco Diffusion's loss between unit embeddings: ``2 * arcsin(|a - b| / 2) ** 2``, pairwise.

    Examples
    --------
    >>> import torch
    >>> x = torch.tensor([[1.0, 0.0]])
    >>> round(float(spherical_distance(x, torch.tensor([[0.0, 1.0]]))), 4)  # a right angle: 2 * (pi/4)**2
    1.2337
    """
    return ((a[:, None, :] - b[None, :, :]).norm(dim=-1) / 2).arcsin().pow(2).mul(2)


class ClipGuidance:
    """A diffusers ``callback_on_step_end`` that steps the latents towards the prompt mix in CLIP space.

    Build it with :func:`clip_guidance`. Set :attr:`prompt_mix` to the frame's
    ``[(text, weight), ...]`` before each frame; with no prompts it does nothing.

    Attributes
    ----------
    scorer : ClipScorer
    prompt_mix : list of (str, float)
    scale : float
        Step size, in latent units per element (the gradient is normalised to unit RMS).
    decode : {"approx", "vae"}
    every : int
        Guide every ``every``-th denoising step.
    last_loss : float or None
        The loss before the most recent guided step (for logging and tests).

    Examples
    --------
    >>> guidance = clip_guidance(scorer)  # doctest: +SKIP
    >>> guidance.prompt_mix = sched.prompt_mix(120)  # doctest: +SKIP
    """

    def __init__(self, scorer, prompt_mix=None, *, scale: float = 0.05, decode: str = "approx", every: int = 1):
        if decode not in DECODERS:
            raise ValueError(f"unknown decode {decode!r}; choose one of {DECODERS}")
        if every < 1:
            raise ValueError(f"every must be 1 or more, got {every}")
        self.scorer = scorer
        self.prompt_mix = list(prompt_mix or [])
        self.scale = float(scale)
        self.decode = decode
        self.every = int(every)
        self.last_loss = None

    def loss(self, latents, pipe=None):
        """The weighted spherical distance from the decoded latents to :attr:`prompt_mix` (a torch scalar).

        Examples
        --------
        >>> float(guidance.loss(latents))  # doctest: +SKIP
        1.12
        """
        import torch

        texts = [text for text, _ in self.prompt_mix]
        weights = torch.tensor([w for _, w in self.prompt_mix], dtype=torch.float32, device=self.scorer.device)
        targets = torch.as_tensor(self.scorer.encode_text(texts), device=self.scorer.device)
        images = self.scorer.encode_pixels(latents_to_rgb(latents, pipe, decode=self.decode))
        distances = spherical_distance(images.float(), targets)
        return (distances @ weights).sum() / weights.abs().sum()

    def step(self, latents, pipe=None):
        """One guidance step: latents moved against the loss gradient, same shape and dtype.

        Examples
        --------
        >>> latents = guidance.step(latents)  # doctest: +SKIP
        """
        import torch

        if not self.prompt_mix or sum(abs(w) for _, w in self.prompt_mix) == 0:
            return latents
        # pipelines run under no_grad or inference_mode (the render's painter): leave both for the gradient
        with torch.inference_mode(False), torch.enable_grad():
            x = latents.detach().float().clone().requires_grad_(True)
            loss = self.loss(x, pipe)
            (grad,) = torch.autograd.grad(loss, x)
        self.last_loss = float(loss.detach())
        rms = grad.pow(2).mean(dim=(1, 2, 3), keepdim=True).sqrt().clamp_min(1e-12)
        return (x.detach() - self.scale * grad / rms).to(latents.dtype)

    def __call__(self, pipe, step_index, timestep, callback_kwargs):
        if step_index % self.every == 0 and "latents" in callback_kwargs:
            callback_kwargs["latents"] = self.step(callback_kwargs["latents"], pipe)
        return callback_kwargs


def clip_guidance(scorer, prompt_mix=None, *, scale: float = 0.05, decode: str = "approx",
                  every: int = 1) -> ClipGuidance:
    """Make a CLIP-guidance ``callback_on_step_end`` for ``render(step_callback=...)``.

    Parameters
    ----------
    scorer : ClipScorer
        From :func:`binarydream.quality.load_clip`; use the device the pipeline runs on.
    prompt_mix : list of (str, float), optional
        The prompts to steer towards; the render replaces it per frame.
    scale : float
        Step size in latent units per element; 0.02-0.1 nudges, above 0.2 paints over.
    decode : {"approx", "vae"}
        How latents become pixels for CLIP (see the module notes on cost).
    every : int
        Guide every ``every``-th denoising step.

    Returns
    -------
    ClipGuidance

    Examples
    --------
    >>> guidance = clip_guidance(scorer, [("a red fox in the snow", 1.0)], scale=0.05)  # doctest: +SKIP
    >>> pipe(prompt="a fox", image=init, callback_on_step_end=guidance)  # doctest: +SKIP
    """
    return ClipGuidance(scorer, prompt_mix, scale=scale, decode=decode, every=every)
