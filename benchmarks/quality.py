"""Seconds per frame to score a render with the real ViT-B-32 architecture (random weights: no download).

Scores a synthetic render folder end to end (PNG decode, CLIP preprocessing at
224 px, the image encoder in batches, the collapse measures, prompt adherence)
with :func:`binarydream.quality.score_render`, on the CPU and, where
``torch.cuda.is_available()``, on the GPU; then times one CLIP-guidance step
(``decode="approx"``, latents of a 512 x 512 frame).

Usage::

    python benchmarks/quality.py [--frames 48] [--batch-size 16] [--size 224x224 --size 1280x720]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def make_render(folder: Path, n_frames: int, width: int, height: int) -> Path:
    from PIL import Image

    from binarydream.schedule import Schedule

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n_frames):
        small = rng.integers(0, 256, (9, 16, 3), dtype=np.uint8)
        Image.fromarray(small).resize((width, height), Image.BICUBIC).save(folder / f"{i:06d}.png")
    prompts = {0: [("a red fox in the snow", 1.0)], n_frames // 2: [("neon city at night, rain", 1.0)]}
    Schedule(n_frames, 30, prompts=prompts, sections=[(0, "intro"), (n_frames // 2, "verse")]).save(
        folder / "schedule.yaml")
    return folder


def time_scoring(scorer, folder: Path, n_frames: int, batch_size: int) -> float:
    from binarydream.quality import score_render

    score_render(folder, scorer, batch_size=batch_size)  # warm-up: allocator, text cache, kernels
    start = time.perf_counter()
    score_render(folder, scorer, batch_size=batch_size)
    return (time.perf_counter() - start) / n_frames


def time_guidance(scorer, repeats: int = 3) -> float:
    import torch

    from binarydream.quality import clip_guidance

    guidance = clip_guidance(scorer, [("a red fox in the snow", 1.0)])
    latents = torch.randn(1, 4, 64, 64, device=scorer.device)
    guidance.step(latents)
    if scorer.device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        guidance.step(latents)
    if scorer.device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats


def main(argv=None) -> None:
    import torch

    from binarydream.quality import load_clip

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--size", action="append", help="frame size WIDTHxHEIGHT (repeatable; default 224x224)")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in (args.size or ["224x224"])]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads; ViT-B-32, random weights; "
          f"{args.frames} frames, batch {args.batch_size}")
    with tempfile.TemporaryDirectory() as tmp:
        folders = {size: make_render(Path(tmp) / f"{size[0]}x{size[1]}.frames", args.frames, *size) for size in sizes}
        for device in devices:
            torch.manual_seed(0)
            scorer = load_clip("ViT-B-32", pretrained=None, device=device)
            for (width, height), folder in folders.items():
                seconds = time_scoring(scorer, folder, args.frames, args.batch_size)
                print(f"{device:>4}  score {width}x{height} frames: {seconds:.4f} s/frame "
                      f"({1 / seconds:.1f} frames/s; a 3-minute song at 30 fps: {seconds * 5400 / 60:.1f} min)")
            print(f"{device:>4}  one CLIP-guidance step (approx decode, 512 px frame): {time_guidance(scorer):.3f} s")


if __name__ == "__main__":
    main()
