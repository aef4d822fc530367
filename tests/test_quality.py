"""The quality report on a tiny random-weight open_clip model built in-process: no download, CPU, seconds."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

open_clip = pytest.importorskip("open_clip")

from binarydream.errors import ModelNotFoundError, RenderError  # noqa: E402
from binarydream.measures import collapse_reason, measure_frame  # noqa: E402
from binarydream.quality import (ClipScorer, clip_guidance, flicker_spikes, load_clip, report_command,  # noqa: E402
                                 score_render, write_html)

TINY = {"embed_dim": 32,
        "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "head_width": 32, "patch_size": 8},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}}
FPS = 10


@pytest.fixture(scope="module")
def tiny_name(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clip-configs")
    (folder / "bd-tiny.json").write_text(json.dumps(TINY))
    (folder / "bd-tiny-wide.json").write_text(json.dumps({**TINY, "text_cfg": {**TINY["text_cfg"], "width": 48}}))
    open_clip.add_model_config(folder)
    return "bd-tiny"


@pytest.fixture(scope="module")
def scorer(tiny_name):
    torch.manual_seed(0)
    return load_clip(tiny_name, pretrained=None, device="cpu")


def smooth_frame(rng, height=48, width=64):
    """A blurry colourful picture: enough contrast and entropy to count as alive."""
    small = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    return np.asarray(Image.fromarray(small).resize((width, height), Image.BICUBIC))


def write_render(folder, frames, *, prompts, sections, fps=FPS):
    from binarydream.schedule import Schedule

    folder.mkdir(parents=True)
    for i, frame in enumerate(frames):
        Image.fromarray(frame).save(folder / f"{i:06d}.png")
    Schedule(len(frames), fps, prompts=prompts, sections=sections).save(folder / "schedule.yaml")
    (folder / "manifest.json").write_text("{}")
    return folder


def drifting_frames(n, seed=0):
    """Frames that drift slowly: each is the previous one plus a little noise."""
    rng = np.random.default_rng(seed)
    frame = smooth_frame(rng).astype(np.float64)
    out = []
    for _ in range(n):
        frame = np.clip(frame + rng.normal(0, 4, frame.shape), 0, 255)
        out.append(frame.astype(np.uint8))
    return out


def direct_embeddings(scorer, folder, n):
    """Image embeddings computed by hand: open_clip preprocess, encode_image, unit length."""
    with torch.no_grad():
        pixels = torch.stack([scorer.preprocess(Image.open(folder / f"{i:06d}.png").convert("RGB"))
                              for i in range(n)])
        features = scorer.model.encode_image(pixels)
    return torch.nn.functional.normalize(features, dim=-1).numpy().astype(np.float64)


def direct_text(scorer, texts):
    with torch.no_grad():
        features = scorer.model.encode_text(open_clip.get_tokenizer("bd-tiny")(texts))
    return torch.nn.functional.normalize(features, dim=-1).numpy().astype(np.float64)


PROMPTS = {0: [("a red fox in the snow", 1.0)], 6: [("a red fox in the snow", 1.0), ("neon city at night", 3.0)]}
SECTIONS = [(0, "intro"), (6, "verse")]


def test_report_numbers_match_a_direct_computation(scorer, tmp_path, capsys):
    folder = write_render(tmp_path / "video.frames", drifting_frames(12), prompts=PROMPTS, sections=SECTIONS)
    paths = report_command(tmp_path / "video.mp4", scorer=scorer, batch_size=5, progress=False)
    table = capsys.readouterr().out

    images = direct_embeddings(scorer, folder, 12)
    fox, city = direct_text(scorer, ["a red fox in the snow", "neon city at night"])
    expected = np.concatenate([images[:6] @ fox, (images[6:] @ fox + 3 * images[6:] @ city) / 4])
    report = score_render(folder, scorer, batch_size=5)
    np.testing.assert_allclose(report.adherence, expected, atol=1e-5)
    np.testing.assert_allclose(report.previous_similarity[1:], np.sum(images[1:] * images[:-1], axis=1), atol=1e-5)
    assert np.isnan(report.previous_similarity[0]) and np.isnan(report.change[0])
    # the guard's own measures, frame by frame
    frames = [np.asarray(Image.open(folder / f"{i:06d}.png")) for i in range(12)]
    assert report.contrast[3] == measure_frame(frames[3]).contrast
    assert report.change[3] == measure_frame(frames[3], frames[2]).change

    rows = {line.split()[0]: line.split() for line in table.strip().splitlines()[1:]}
    assert rows["intro"][1:4] == ["0:00.0", "0:00.6", "6"]
    assert rows["intro"][4] == f"{expected[:6].mean():.3f}"
    assert rows["verse"][4] == f"{expected[6:].mean():.3f}"
    assert rows["whole"][5] == f"{expected.mean():.3f}"  # "whole video" is two words
    assert [p.name for p in paths] == ["quality.png", "quality.html"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(FileExistsError, match="--overwrite"):
        report_command(folder, scorer=scorer, progress=False)


def test_a_sequence_that_turns_flat_is_flagged_at_the_right_frame(scorer, tmp_path):
    frames = drifting_frames(10)
    frames += [np.full_like(frames[0], 90 + i) for i in range(5)]  # collapses to a flat grey at frame 10
    frames.append(frames[-1].copy())  # and freezes: frame 15 repeats frame 14
    folder = write_render(tmp_path / "v.frames", frames, prompts=PROMPTS, sections=[(0, "a"), (12, "b")])
    report = score_render(folder, scorer)
    assert report.reasons.tolist() == [""] * 10 + ["flat"] * 6  # flat wins over frozen, as in collapse_reason
    expected = [collapse_reason(measure_frame(f, p)) or "" for f, p in zip(frames, [None] + frames[:-1])]
    assert report.reasons.tolist() == expected
    assert [(s.label, s.n_frames, s.flagged) for s in report.sections] == [("a", 12, 2), ("b", 4, 4)]
    assert report.total.flagged == 6
    page = write_html(tmp_path / "q.html", report).read_text()
    assert page.count("<figure>") == 6 and "frame 10 · 1.00 s · flat" in page and "frame 9 " not in page


def test_frozen_frames_and_flicker_spikes(scorer, tmp_path):
    frames = drifting_frames(14)
    frames[5] = frames[4].copy()  # frozen
    frames[9] = 255 - frames[8]  # a flash: one big jump in, one back out
    folder = write_render(tmp_path / "v.frames", frames, prompts=PROMPTS, sections=[])
    report = score_render(folder, scorer, batch_size=4)
    assert np.flatnonzero(report.reasons == "frozen").tolist() == [5]
    assert np.flatnonzero(report.flicker).tolist() == [9, 10]
    assert [s.label for s in report.sections] == ["-"] and report.total.flicker == 2


def test_flicker_spikes_ignore_still_footage():
    still = np.r_[np.nan, np.full(20, 0.001), 0.004]
    assert not flicker_spikes(still).any()  # 4x the median, but far below min_jump
    assert flicker_spikes(still, min_jump=0.001).tolist()[-1]


def test_adherence_callable_weights_prompts_and_encodes_each_prompt_once(scorer):
    calls = []
    tokenizer = scorer.tokenizer

    def counting(texts):
        calls.extend(texts)
        return tokenizer(texts)

    counted = ClipScorer(scorer.model, scorer.preprocess, counting, device="cpu")
    frame = smooth_frame(np.random.default_rng(3))
    a = counted.adherence(frame, [("storm clouds", 1.0)])
    b = counted.adherence(frame, [("a quiet lake", 2.0)])
    both = counted.adherence(frame, [("storm clouds", 1.0), ("a quiet lake", 1.0)])
    assert both == pytest.approx((a + b) / 2, abs=1e-6)
    assert calls == ["storm clouds", "a quiet lake"]
    image = direct_text(scorer, ["storm clouds"])[0] @ counted.encode_images([frame])[0]
    assert a == pytest.approx(float(image), abs=1e-6)
    assert np.isnan(counted.adherence(frame, []))


def test_missing_checkpoint_is_one_line_that_says_how(tmp_path):
    with pytest.raises(ModelNotFoundError) as error:
        load_clip("ViT-B-32", checkpoint=tmp_path / "clip.safetensors")
    message = str(error.value)
    assert "\n" not in message and "clip.safetensors" in message and "pretrained=" in message


def test_unreachable_hub_is_one_line(monkeypatch, tmp_path):
    def offline(*args, **kwargs):
        raise OSError("We couldn't connect to 'https://huggingface.co'\nmore detail")

    monkeypatch.setattr(open_clip, "download_pretrained", offline)
    with pytest.raises(ModelNotFoundError) as error:
        load_clip("ViT-B-32", "laion2b_s34b_b79k", cache_dir=tmp_path)
    message = str(error.value)
    assert "\n" not in message and "laion/CLIP-ViT-B-32-laion2B-s34B-b79K" in message and "checkpoint=" in message
    with pytest.raises(ModelNotFoundError, match="known tags: .*laion2b_s34b_b79k"):
        load_clip("ViT-B-32", "no-such-tag")
    with pytest.raises(ModelNotFoundError, match="unknown CLIP architecture"):
        load_clip("ViT-Q-99", None)


def test_local_checkpoint_loads_its_weights(scorer, tiny_name, tmp_path):
    path = tmp_path / "tiny.pt"
    torch.save(scorer.model.state_dict(), path)
    torch.manual_seed(123)  # a different random init, replaced by the checkpoint
    loaded = load_clip(tiny_name, checkpoint=path, device="cpu")
    frame = smooth_frame(np.random.default_rng(1))
    np.testing.assert_allclose(loaded.encode_images([frame]), scorer.encode_images([frame]), atol=1e-6)
    assert loaded.name == "bd-tiny/tiny.pt"
    with pytest.raises(ModelNotFoundError) as error:  # a checkpoint of another architecture
        load_clip("bd-tiny-wide", checkpoint=path, device="cpu")
    assert "\n" not in str(error.value) and "tiny.pt for bd-tiny-wide" in str(error.value)


def test_render_folder_errors(scorer, tmp_path):
    with pytest.raises(RenderError, match="not found"):
        score_render(tmp_path / "nothing.frames", scorer)
    (tmp_path / "empty.frames").mkdir()
    with pytest.raises(RenderError, match="no frames"):
        score_render(tmp_path / "empty.frames", scorer)


def test_guidance_step_lowers_the_clip_loss(scorer):
    torch.manual_seed(0)
    latents = torch.randn(1, 4, 16, 16)
    guidance = clip_guidance(scorer, [("a red fox in the snow", 1.0)], scale=0.05)
    with torch.no_grad():
        losses = [float(guidance.loss(latents))]
    for step in range(4):
        new = guidance(None, step, 999 - step, {"latents": latents})["latents"]
        assert new.shape == latents.shape and new.dtype == latents.dtype and torch.isfinite(new).all()
        assert (new - latents).abs().max() > 0
        assert guidance.last_loss == pytest.approx(losses[-1], rel=1e-5)
        latents = new
        with torch.no_grad():
            losses.append(float(guidance.loss(latents)))
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
    # the loss falls because the frame's CLIP similarity to the prompt rises
    text = torch.as_tensor(scorer.encode_text(["a red fox in the snow"]))[0]
    from binarydream.quality.guidance import latents_to_rgb
    first = torch.randn(1, 4, 16, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        before = scorer.encode_pixels(latents_to_rgb(first))[0] @ text
        after = scorer.encode_pixels(latents_to_rgb(latents))[0] @ text
    assert after > before


def test_guidance_skips_steps_and_prompts_it_should(scorer):
    latents = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(1))
    every_other = clip_guidance(scorer, [("rain", 1.0)], every=2)
    assert torch.equal(every_other(None, 1, 500, {"latents": latents})["latents"], latents)
    assert not torch.equal(every_other(None, 2, 500, {"latents": latents})["latents"], latents)
    assert torch.equal(clip_guidance(scorer)(None, 0, 999, {"latents": latents})["latents"], latents)
    with pytest.raises(ValueError, match="decode"):
        clip_guidance(scorer, decode="taesd")


def test_guidance_works_inside_a_pipeline_under_inference_mode(scorer):
    guidance = clip_guidance(scorer, [("rain", 1.0)])
    with torch.inference_mode():  # as the render's painter calls the pipeline
        latents = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(2)).half()
        moved = guidance(None, 0, 999, {"latents": latents})["latents"]
    assert moved.dtype == torch.float16 and moved.shape == latents.shape and torch.isfinite(moved).all()
    with torch.no_grad():
        assert float(guidance.loss(moved.float())) < guidance.last_loss


def test_guidance_through_a_tiny_vae(scorer):
    from types import SimpleNamespace

    from diffusers import AutoencoderKL

    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=(8,), down_block_types=("DownEncoderBlock2D",),
                        up_block_types=("UpDecoderBlock2D",), latent_channels=4, norm_num_groups=4, layers_per_block=1)
    pipe = SimpleNamespace(vae=vae)
    latents = torch.randn(1, 4, 16, 16)
    guidance = clip_guidance(scorer, [("a red fox in the snow", 1.0)], scale=0.05, decode="vae")
    with torch.no_grad():
        before = float(guidance.loss(latents, pipe))
    moved = guidance(pipe, 0, 999, {"latents": latents})["latents"]
    with torch.no_grad():
        after = float(guidance.loss(moved, pipe))
    assert after < before


def test_the_report_command_line_scores_a_render_from_a_local_checkpoint(tiny_name, scorer, tmp_path, capsys):
    from binarydream.cli import main

    folder = write_render(tmp_path / "video.frames", drifting_frames(12), prompts={0: "a red sky"},
                          sections=[(0, "A")])
    checkpoint = tmp_path / "tiny.pt"
    torch.save(scorer.model.state_dict(), checkpoint)
    args = ["report", str(folder), "--model", tiny_name, "--checkpoint", str(checkpoint), "--device", "cpu"]
    assert main(args + ["--no-html"]) == 0
    printed = capsys.readouterr().out
    assert (folder / "quality.png").read_bytes()[:4] == b"\x89PNG" and not (folder / "quality.html").exists()
    assert f"wrote {folder / 'quality.png'}" in printed
    assert main(args) == 2  # the chart from the first run is kept unless --overwrite
    assert main(args + ["--overwrite"]) == 0 and (folder / "quality.html").exists()
