"""Per-frame render latency on a GPU with the real sd-turbo architecture at full size and random weights.

Speed does not depend on the weights, so the UNet (SD 2.1 base), the
autoencoder (SD VAE) and the OpenCLIP-H text encoder are built from their
configs, with no download. Each speed option is measured on and off, at 512 px
and 720p, through the real render loop (warp, colour, guard, img2img, PNG, H.264).

Run: ``python benchmarks/render_gpu.py [--frames 48] [--sizes 512x512,1280x720]``. Refuses without CUDA.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

SD_TURBO_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    attention_head_dim=(5, 10, 20, 20), cross_attention_dim=1024, use_linear_projection=True, act_fn="silu",
    norm_num_groups=32, norm_eps=1e-5, flip_sin_to_cos=True, freq_shift=0)
SD_VAE = dict(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2,
              block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
              up_block_types=("UpDecoderBlock2D",) * 4, sample_size=768, scaling_factor=0.18215)
OPENCLIP_H_TEXT = dict(vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
                       num_attention_heads=16, max_position_embeddings=77, hidden_act="gelu", projection_dim=512)


def build_pipeline(tokenizer_folder):
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from render_support import tiny_tokenizer  # CLIP BPE from open_clip, built locally

    tokenizer = tiny_tokenizer(tokenizer_folder)
    text = CLIPTextModel(CLIPTextConfig(**{**OPENCLIP_H_TEXT, "vocab_size": len(tokenizer),
                                           "bos_token_id": len(tokenizer) - 2, "eos_token_id": len(tokenizer) - 1,
                                           "pad_token_id": len(tokenizer) - 1}))
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       timestep_spacing="trailing", steps_offset=1)
    pipe = StableDiffusionImg2ImgPipeline(vae=AutoencoderKL(**SD_VAE), text_encoder=text, tokenizer=tokenizer,
                                          unet=UNet2DConditionModel(**SD_TURBO_UNET), scheduler=scheduler,
                                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    return pipe.to("cuda", torch.float16)


def run(pipe, width, height, frames, song, options):
    from binarydream.render import render
    from binarydream.schedule import Schedule

    sched = Schedule(frames, fps=30, prompts={0: "a neon city in the rain, by greg rutkowski"},
                     curves={"zoom": "0: (1.02)", "angle": "0: (0.5)", "strength": 0.5})
    times = []
    out = Path(tempfile.mkdtemp()) / "bench.mp4"
    render(out, sched, audio_path=song, model=pipe, width=width, height=height, steps=2, progress=(
        lambda done, total, eta: times.append(time.perf_counter())), guidance_scale=0.0, **options)
    warm = times[len(times) // 4:]  # the first quarter warms up (and compiles)
    return (warm[-1] - warm[0]) / (len(warm) - 1) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--sizes", default="512x512,1280x720")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        sys.exit("render_gpu.py needs a CUDA GPU (none found); run benchmarks/render_overhead.py on a CPU instead")
    from diffusers import AutoencoderTiny

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from render_support import write_song

    folder = Path(tempfile.mkdtemp())
    song = write_song(folder / "song.wav", args.frames / 30)
    print(f"GPU: {torch.cuda.get_device_name()}, fp16, sd-turbo architecture (random weights), steps=2 strength=0.5")
    variants = {
        "all off (classic attention)": dict(sdpa=False, channels_last=False),
        "sdpa": dict(sdpa=True, channels_last=False),
        "sdpa + channels_last": dict(sdpa=True, channels_last=True),
        "sdpa + channels_last + tiny VAE": dict(sdpa=True, channels_last=True, tiny_autoencoder=AutoencoderTiny()),
        "sdpa + channels_last + tiny VAE + compile": dict(sdpa=True, channels_last=True,
                                                          tiny_autoencoder=AutoencoderTiny(), compile=True),
    }
    for size in args.sizes.split(","):
        width, height = map(int, size.split("x"))
        for name, options in variants.items():
            pipe = build_pipeline(folder / "tokenizer")  # fresh: speed options change the modules in place
            ms = run(pipe, width, height, args.frames, song, options)
            print(f"{width}x{height}  {name:45s} {ms:8.1f} ms/frame  ({1000 / ms:5.1f} fps)", flush=True)
            del pipe
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
