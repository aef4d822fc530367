"""Per-frame render latency on a GPU with real architectures at full size and random weights.

Speed does not depend on the weights, so the models are built from their
configs, with no download: sd-turbo (SD 2.1 base UNet, SD VAE, OpenCLIP-H text
encoder) and sdxl-turbo (SDXL UNet, SDXL VAE, CLIP-L and OpenCLIP-bigG text
encoders). The render detects each one's profile from its parts, as it would
for the real weights, and paints at the sizes given; each speed option is
measured on and off through the real render loop (warp, colour, guard, img2img,
PNG, upscale to 720p, H.264).

Run: ``python benchmarks/render_gpu.py [--frames 48] [--families sd-turbo,sdxl-turbo]
[--sizes native,1280x720]`` ("native": the profile's size at 16:9). Refuses without CUDA.
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
SDXL_TURBO_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(5, 10, 20),
    transformer_layers_per_block=(1, 2, 10), cross_attention_dim=2048, use_linear_projection=True,
    addition_embed_type="text_time", addition_time_embed_dim=256, projection_class_embeddings_input_dim=2816,
    act_fn="silu", norm_num_groups=32, norm_eps=1e-5, flip_sin_to_cos=True, freq_shift=0)
SDXL_VAE = {**SD_VAE, "sample_size": 1024, "scaling_factor": 0.13025, "force_upcast": False}
CLIP_L_TEXT = dict(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                   num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768)
OPENCLIP_BIGG_TEXT = dict(vocab_size=49408, hidden_size=1280, intermediate_size=5120, num_hidden_layers=32,
                          num_attention_heads=20, max_position_embeddings=77, hidden_act="gelu", projection_dim=1280)


def text_encoder(config, tokenizer, projection=False):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    ids = {"vocab_size": len(tokenizer), "bos_token_id": len(tokenizer) - 2, "eos_token_id": len(tokenizer) - 1,
           "pad_token_id": len(tokenizer) - 1}
    return (CLIPTextModelWithProjection if projection else CLIPTextModel)(CLIPTextConfig(**{**config, **ids}))


def build_pipeline(family, tokenizer_folder, device="cuda"):
    """A full-size pipeline of ``family`` ("sd-turbo" or "sdxl-turbo") with random weights, in float16."""
    import torch
    from diffusers import (AutoencoderKL, EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline,
                           StableDiffusionXLImg2ImgPipeline, UNet2DConditionModel)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from render_support import tiny_tokenizer  # CLIP BPE from open_clip, built locally

    tokenizer = tiny_tokenizer(tokenizer_folder)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       timestep_spacing="trailing", steps_offset=1)
    if family == "sdxl-turbo":
        pipe = StableDiffusionXLImg2ImgPipeline(
            vae=AutoencoderKL(**SDXL_VAE), text_encoder=text_encoder(CLIP_L_TEXT, tokenizer), tokenizer=tokenizer,
            text_encoder_2=text_encoder(OPENCLIP_BIGG_TEXT, tokenizer, projection=True), tokenizer_2=tokenizer,
            unet=UNet2DConditionModel(**SDXL_TURBO_UNET), scheduler=scheduler, requires_aesthetics_score=False)
    else:
        pipe = StableDiffusionImg2ImgPipeline(vae=AutoencoderKL(**SD_VAE), text_encoder=text_encoder(OPENCLIP_H_TEXT, tokenizer),
                                              tokenizer=tokenizer, unet=UNet2DConditionModel(**SD_TURBO_UNET),
                                              scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                              requires_safety_checker=False)
    return pipe.to(device, torch.float16)


def run(pipe, size, frames, song, speed):
    from binarydream.render import render
    from binarydream.schedule import Schedule

    sched = Schedule(frames, fps=30, prompts={0: "a neon city in the rain, by greg rutkowski"},
                     curves={"zoom": "0: (1.02)", "angle": "0: (0.5)", "strength": 0.5})
    times = []
    out = Path(tempfile.mkdtemp()) / "bench.mp4"
    painting = {} if size is None else {"render_width": size[0], "render_height": size[1]}
    report = render(out, sched, audio_path=song, model=pipe, width=1280, height=720, progress=(
        lambda done, total, eta: times.append(time.perf_counter())), **painting, **speed)
    warm = times[len(times) // 4:]  # the first quarter warms up (and compiles)
    return (warm[-1] - warm[0]) / (len(warm) - 1) * 1000, report.profile


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--families", default="sd-turbo,sdxl-turbo")
    parser.add_argument("--sizes", default="native,1280x720")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        sys.exit("render_gpu.py needs a CUDA GPU (none found); run benchmarks/render_overhead.py on a CPU instead")
    from diffusers import AutoencoderTiny

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from render_support import write_song

    folder = Path(tempfile.mkdtemp())
    song = write_song(folder / "song.wav", args.frames / 30)
    print(f"GPU: {torch.cuda.get_device_name()}, fp16, random weights, the profile's steps and guidance, "
          "strength 0.5, video 1280x720")
    for family in args.families.split(","):
        # TAESD and TAESDXL share one architecture (only their weights differ)
        variants = {
            "all off (classic attention)": dict(sdpa=False, channels_last=False),
            "sdpa": dict(sdpa=True, channels_last=False),
            "sdpa + channels_last": dict(sdpa=True, channels_last=True),
            "sdpa + channels_last + tiny VAE": dict(sdpa=True, channels_last=True,
                                                    tiny_autoencoder=AutoencoderTiny()),
            "sdpa + channels_last + tiny VAE + compile": dict(sdpa=True, channels_last=True,
                                                              tiny_autoencoder=AutoencoderTiny(), compile=True),
        }
        for size in args.sizes.split(","):
            painted = None if size == "native" else tuple(map(int, size.split("x")))
            for name, speed in variants.items():
                pipe = build_pipeline(family, folder / "tokenizer")  # fresh: speed options change modules in place
                ms, profile = run(pipe, painted, args.frames, song, speed)
                print(f"{family:10s} {size:9s} {name:45s} {ms:8.1f} ms/frame  ({1000 / ms:5.1f} fps)", flush=True)
                if name.startswith("all off"):
                    print(f"  {profile}", flush=True)
                del pipe
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
