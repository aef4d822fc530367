"""Tiny random-weight diffusion pipelines, for trying the render loop without weights.

A real model is gigabytes from the Hugging Face hub and wants a GPU; these
pipelines are built in-process in a second with seeded random weights (as
diffusers' own tests build theirs), so the whole loop (warp, img2img, colour
coherence, guard, encode) runs on a CPU with no download. The picture they
paint is coloured noise shaped by the camera: they show the plumbing, never a
dream. The notebook (``examples/colab.ipynb``) uses one where no GPU is present,
and the tests paint with every family.

The tokenizer is a real CLIP BPE tokenizer cut down to the first merges of the
vocabulary that ships inside open_clip_torch, so prompts tokenize as they would
in Stable Diffusion, only into shorter pieces.

Examples
--------
>>> from binarydream.tiny import tiny_pipeline
>>> pipe = tiny_pipeline()
>>> type(pipe).__name__
'StableDiffusionImg2ImgPipeline'
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from .errors import ParameterError

N_MERGES = 500


def _bytes_to_unicode() -> dict[int, str]:
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, codes)))


def tiny_tokenizer(folder):
    """A CLIPTokenizer with the first ``N_MERGES`` merges of CLIP's BPE vocabulary, written to ``folder``.

    Parameters
    ----------
    folder : str or Path
        Where its ``vocab.json`` and ``merges.txt`` are written (made if missing).

    Returns
    -------
    transformers.CLIPTokenizer

    Examples
    --------
    >>> import tempfile
    >>> tokenizer = tiny_tokenizer(tempfile.mkdtemp())
    >>> tokenizer.model_max_length
    77
    """
    import open_clip
    from transformers import CLIPTokenizer

    source = Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"
    lines = gzip.open(source, "rt", encoding="utf-8").read().split("\n")
    merges = lines[1:N_MERGES + 1]
    symbols = list(_bytes_to_unicode().values())
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


TINY_FAMILIES = ("sd1", "sd-turbo", "sdxl", "lcm", "sd3", "flux")
"""Tiny pipelines :func:`tiny_pipeline` builds, one per way a family shows in its parts."""


def _tiny_text_encoder(tokenizer, projection: bool = False):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(bos_token_id=len(tokenizer) - 2, eos_token_id=len(tokenizer) - 1,
                            pad_token_id=len(tokenizer) - 1, hidden_size=32, intermediate_size=37,
                            num_attention_heads=4, num_hidden_layers=2, vocab_size=len(tokenizer),
                            max_position_embeddings=77, projection_dim=32)
    return (CLIPTextModelWithProjection if projection else CLIPTextModel)(config)


def tiny_pipeline(folder=None, seed: int = 0, family: str = "sd-turbo"):
    """An img2img pipeline with tiny random weights (latents are 1/2 the image size, native size 64 px).

    ``family``: "sd1" (SD 1.x UNet, Euler with leading spacing), "sd-turbo" (SD 2.x UNet with linear
    attention projections, Euler with trailing spacing), "sdxl" (two text encoders, pooled embeddings and
    time ids, Euler with leading spacing), "lcm" (SD 1.x UNet with the LCM scheduler), "sd3" (an SD3
    transformer with two CLIP text encoders and no T5, flow matching) or "flux" (a FLUX.1-schnell-like
    transformer, CLIP and a tiny T5 that shares the CLIP tokenizer; its autoencoder does not downsample).
    ``folder`` holds its tokenizer's files (None: a new temporary folder).
    Pass it to :meth:`binarydream.Song.render` as ``model=`` with a small ``width`` and ``height`` (64).

    Examples
    --------
    >>> pipe = tiny_pipeline(seed=1, family="sd1")
    >>> pipe.unet.config.block_out_channels
    (16, 32)
    """
    import torch
    from diffusers import (AutoencoderKL, EulerDiscreteScheduler, LCMScheduler, StableDiffusionImg2ImgPipeline,
                           StableDiffusionXLImg2ImgPipeline, UNet2DConditionModel)

    if family not in TINY_FAMILIES:
        raise ParameterError(f"unknown tiny family {family!r}; one of {', '.join(TINY_FAMILIES)}")
    tokenizer = tiny_tokenizer(tempfile.mkdtemp(prefix="binarydream-tiny-") if folder is None else folder)
    torch.manual_seed(seed)
    if family in ("sd3", "flux"):
        return (_tiny_sd3 if family == "sd3" else _tiny_flux)(tokenizer)
    xl = family == "sdxl"
    unet = UNet2DConditionModel(block_out_channels=(16, 32), layers_per_block=1, sample_size=32, in_channels=4,
                                out_channels=4, norm_num_groups=8, attention_head_dim=4,
                                down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
                                cross_attention_dim=64 if xl else 32, use_linear_projection=family in ("sd-turbo", "sdxl"),
                                **(dict(addition_embed_type="text_time", addition_time_embed_dim=8,
                                        projection_class_embeddings_input_dim=6 * 8 + 32) if xl else {}))
    vae = AutoencoderKL(block_out_channels=(8, 16), in_channels=3, out_channels=3, norm_num_groups=8,
                        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
                        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), latent_channels=4,
                        force_upcast=False)
    text_encoder = _tiny_text_encoder(tokenizer)
    euler = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)
    if family == "lcm":
        scheduler = LCMScheduler(**euler, original_inference_steps=50)
    else:
        scheduler = EulerDiscreteScheduler(**euler, timestep_spacing="trailing" if family == "sd-turbo" else "leading")
    if xl:
        pipe = StableDiffusionXLImg2ImgPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                                text_encoder_2=_tiny_text_encoder(tokenizer, projection=True),
                                                tokenizer_2=tokenizer, unet=unet, scheduler=scheduler,
                                                requires_aesthetics_score=False, force_zeros_for_empty_prompt=False)
    else:
        pipe = StableDiffusionImg2ImgPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                              scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                              requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe.to("cpu")


def _tiny_sd3(tokenizer):
    from diffusers import (AutoencoderKL, FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel,
                           StableDiffusion3Img2ImgPipeline)

    transformer = SD3Transformer2DModel(sample_size=32, patch_size=1, in_channels=4, num_layers=1,
                                        attention_head_dim=8, num_attention_heads=4, caption_projection_dim=32,
                                        joint_attention_dim=32, pooled_projection_dim=64, out_channels=4)
    vae = AutoencoderKL(block_out_channels=(8, 16), in_channels=3, out_channels=3, norm_num_groups=8,
                        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
                        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), latent_channels=4,
                        shift_factor=0.0609, scaling_factor=1.5035, force_upcast=False)
    pipe = StableDiffusion3Img2ImgPipeline(
        transformer=transformer, scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae,
        text_encoder=_tiny_text_encoder(tokenizer, projection=True), tokenizer=tokenizer,
        text_encoder_2=_tiny_text_encoder(tokenizer, projection=True), tokenizer_2=tokenizer,
        text_encoder_3=None, tokenizer_3=None)
    pipe.set_progress_bar_config(disable=True)
    return pipe.to("cpu")


def _tiny_flux(tokenizer):
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxImg2ImgPipeline, FluxTransformer2DModel
    from transformers import T5Config, T5EncoderModel

    transformer = FluxTransformer2DModel(patch_size=1, in_channels=4, num_layers=1, num_single_layers=1,
                                         attention_head_dim=16, num_attention_heads=2, joint_attention_dim=32,
                                         pooled_projection_dim=32, axes_dims_rope=[4, 4, 8])
    vae = AutoencoderKL(sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,), layers_per_block=1,
                        latent_channels=1, norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False,
                        shift_factor=0.0609, scaling_factor=1.5035)
    t5 = T5EncoderModel(T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                 pad_token_id=len(tokenizer) - 1, decoder_start_token_id=0))
    pipe = FluxImg2ImgPipeline(transformer=transformer, scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae,
                               text_encoder=_tiny_text_encoder(tokenizer), tokenizer=tokenizer, text_encoder_2=t5,
                               tokenizer_2=tokenizer)
    pipe.set_progress_bar_config(disable=True)
    return pipe.to("cpu")
