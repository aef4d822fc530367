"""The render with a tiny random-weight pipeline of each family: profiles, strength and steps, guidance, NaN repair."""

import json
import tracemalloc
import warnings

import numpy as np
import pytest
import torch
from render_support import NoisePainter, tiny_pipeline, video_frames, write_song

from binarydream.render import detect_profile, render
from binarydream.render.frame.cadence import diffusion_frames, segment_keys
from binarydream.render.loop import frame_loop
from binarydream.render.model.painter import DiffusersPainter
from binarydream.render.options import RenderOptions, resolve
from binarydream.render.output.images import load_png
from binarydream.schedule import Schedule

FAMILIES = ("sd1", "sdxl", "lcm", "sd3", "flux")


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    torch.set_num_threads(1)
    return {family: tiny_pipeline(tmp_path_factory.mktemp(family), family=family)
            for family in (*FAMILIES, "sd-turbo")}


@pytest.fixture(scope="module")
def start_frame():
    import cv2

    small = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    return cv2.resize(small, (64, 64), interpolation=cv2.INTER_CUBIC)


class StepLog:
    """A ``callback_on_step_end`` that records the timesteps that ran."""

    def __init__(self):
        self.timesteps = []

    def __call__(self, pipe, step, timestep, tensors):
        self.timesteps.append(int(timestep))
        return tensors


def paint(pipe, image, *, strength=0.6, steps=2, guidance_scale=0.0, negative=(), log=None, seed=0):
    painter = DiffusersPainter(pipe, 64, 64, guidance_scale=guidance_scale, step_callback=log)
    return painter(image, prompts=[("a city at night", 1.0)], negative_prompts=list(negative), strength=strength,
                   noise=0.0, steps=steps, seed=seed)


@pytest.mark.parametrize("family", FAMILIES)
def test_strength_sets_where_denoising_starts_and_exactly_steps_run(pipes, start_frame, family):
    for steps in (1, 2, 3, 4):
        runs = {}
        for strength in (0.3, 0.6, 0.9):
            log = StepLog()
            paint(pipes[family], start_frame, strength=strength, steps=steps, log=log)
            assert len(log.timesteps) == steps, (family, steps, strength, log.timesteps)
            runs[strength] = log.timesteps
        firsts = [runs[s][0] for s in (0.3, 0.6, 0.9)]
        assert firsts == sorted(firsts) and len(set(firsts)) == 3, (family, steps, runs)
        # the first step is at the noise level the strength names (LCM: on its 20-step grid)
        assert all(abs(runs[s][0] + 1 - 1000 * s) <= 10 for s in runs), runs


@pytest.mark.parametrize("family", ["sd1", "sdxl", "sd3"])
def test_a_negative_prompt_changes_the_frame_when_guided(pipes, start_frame, family):
    plain = paint(pipes[family], start_frame, guidance_scale=5.0)
    steered = paint(pipes[family], start_frame, guidance_scale=5.0, negative=[("blurry, grey", 1.0)])
    assert np.abs(plain.astype(int) - steered).mean() > 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        paint(pipes[family], start_frame, guidance_scale=5.0, negative=[("blurry", 1.0)])


@pytest.mark.parametrize("family", ["sd1", "lcm", "flux"])
def test_a_negative_prompt_without_guidance_warns_and_changes_nothing(pipes, start_frame, family):
    guidance = 3.5 if family == "flux" else 1.0  # FLUX.1-dev's guidance is embedded: never a negative pass
    painter = DiffusersPainter(pipes[family], 64, 64, guidance_scale=guidance)
    with pytest.warns(UserWarning, match=f"negative prompts are ignored: guidance_scale is {guidance:g}"):
        arguments = painter.conditioning([("a city at night", 1.0)], [("blurry", 1.0)])
    assert not any(key.startswith("negative_") for key in arguments)
    if family != "flux":  # the tiny FLUX transformer is not bit-reproducible on a CPU from one call to the next
        plain = paint(pipes[family], start_frame, guidance_scale=guidance)
        with pytest.warns(UserWarning, match="negative prompts are ignored"):
            ignored = paint(pipes[family], start_frame, guidance_scale=guidance, negative=[("blurry", 1.0)])
        assert np.array_equal(plain, ignored)


@pytest.mark.parametrize("family, expected", [
    ("sd1", ("sd1", 25, 7.5, "madebyollin/taesd")),
    ("sd-turbo", ("sd-turbo", 2, 0.0, "madebyollin/taesd")),
    ("sdxl", ("sdxl", 25, 6.0, "madebyollin/taesdxl")),
    ("lcm", ("few-step", 4, 1.0, "madebyollin/taesd")),
    ("sd3", ("sd3", 28, 7.0, "madebyollin/taesd3")),
    ("flux", ("flux-schnell", 4, 0.0, "madebyollin/taef1")),
])
def test_the_profile_is_found_from_the_pipelines_parts(pipes, family, expected):
    profile = detect_profile(pipes[family])
    assert (profile.family, profile.steps, profile.guidance_scale, profile.tiny_vae) == expected
    # the denoiser's sample size times the autoencoder's factor (the tiny FLUX one does not downsample)
    assert profile.native_size == (128 if family == "flux" else 64)
    sizes = {"sd3": (80, 48), "flux": (176, 96)}  # SD3 and FLUX take sides in multiples of 16
    assert resolve(RenderOptions(width=1280, height=720), profile).render_size == sizes.get(family, (88, 48))


def test_a_render_paints_at_the_native_size_and_writes_the_video_at_the_size_asked(tmp_path, pipes):
    song = write_song(tmp_path / "song.wav", 2.0)
    sched = Schedule(4, fps=2, prompts={0: "a city at night"}, curves={"zoom": "0: (1.04)", "strength": 0.6})
    report = render(tmp_path / "v.mp4", sched, audio_path=song, model=pipes["sdxl"], width=128, height=72,
                    steps=2, progress=False)
    assert report.profile.startswith("profile sdxl: 64 px, 2 steps")
    assert load_png(tmp_path / "v.frames/000003.png").shape == (48, 88, 3)
    written = json.loads((tmp_path / "v.frames/report.json").read_text())
    assert written["profile"] == report.profile and written["settings"]["steps"] == 2
    assert written["settings"]["guidance_scale"] == 6.0 and written["video"]["width"] == 128
    assert video_frames(tmp_path / "v.mp4")[0].shape == (72, 128, 3)


def test_a_nan_frame_is_decoded_again_with_the_autoencoder_in_float32(tmp_path):
    pipe = tiny_pipeline(tmp_path / "tok", family="sd-turbo").to(dtype=torch.bfloat16)

    def overflow_in_half_precision(module, inputs, output):
        return output * float("nan") if output.dtype != torch.float32 else output

    pipe.vae.decoder.conv_out.register_forward_hook(overflow_in_half_precision)
    song = write_song(tmp_path / "song.wav", 2.0)
    sched = Schedule(3, fps=1.5, prompts={0: "a city at night"}, curves={"strength": 0.6})
    report = render(tmp_path / "v.mp4", sched, audio_path=song, model=pipe, width=64, height=64, steps=2,
                    seed_mode="frame", guard=False, progress=False)
    assert [a["frame"] for a in report.guard_actions] == [0, 1, 2]
    assert all(a["repairs"] == ["nan: decoded again with the autoencoder in float32"] for a in report.guard_actions)
    frames = [load_png(tmp_path / f"v.frames/{i:06d}.png") for i in range(3)]
    assert all(f.std() > 1 for f in frames)  # pictures, not the black a NaN becomes


def test_memory_stays_flat_in_song_length():
    def peak(n_frames):
        sched = Schedule(n_frames, fps=30, prompts={0: "a", n_frames // 2: "b"},
                         curves={"zoom": "0: (1.01)", "strength": 0.5})
        options = resolve(RenderOptions(width=256, height=256, seed_mode="frame"), None)
        tracemalloc.start()
        start = np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)
        for _ in frame_loop(NoisePainter(), sched, np.arange(n_frames), options, init_image=start):
            pass
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    short, long = peak(30), peak(240)
    assert long < 1.15 * short, (short, long)


def test_a_learned_upscaler_brings_frames_to_the_video_size(tmp_path):
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(0)
    weights = tmp_path / "tiny_x2.pth"
    torch.save(ESRGAN(num_filters=8, num_blocks=1, scale=2).state_dict(), weights)
    song = write_song(tmp_path / "song.wav", 2.0)
    sched = Schedule(4, fps=2, prompts={0: "a city at night"}, curves={"strength": 0.6})
    start = np.random.default_rng(0).integers(0, 256, (32, 48, 3), dtype=np.uint8)
    report = render(tmp_path / "v.mp4", sched, audio_path=song, model=NoisePainter(), init_image=start, width=96,
                    height=64, render_width=48, render_height=32, upscaler=weights, progress=False)
    assert load_png(tmp_path / "v.frames/000002.png").shape == (32, 48, 3)
    assert video_frames(tmp_path / "v.mp4")[2].shape == (64, 96, 3)
    assert json.loads((tmp_path / "v.frames/report.json").read_text())["video"]["upscaler"] == "tiny_x2.pth"
    assert report.made == 4


def test_a_segment_of_frames_is_made_apart_and_the_same_every_time():
    sched = Schedule(30, fps=10, prompts={0: "a", 12: "b"}, curves={"zoom": "0: (1.02)", "strength": 0.5},
                     sections=[(0, "intro"), (10, "verse")])
    keys = diffusion_frames(30, 3)
    options = resolve(RenderOptions(width=32, height=32), None)
    start = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)

    def segment(begin, end):
        loop = frame_loop(NoisePainter(), sched, segment_keys(keys, begin, end), options, init_image=start)
        return [(index, frame.tobytes()) for index, frame, _ in loop]

    made = segment(10, 20)
    assert [index for index, _ in made] == list(range(10, 20))
    assert made == segment(10, 20)
    whole = [(index, frame.tobytes()) for index, frame, _ in
             frame_loop(NoisePainter(), sched, keys, options, init_image=start)]
    assert segment(0, 10) == whole[:10]  # frame 9 is a key of both: the segment is the render's first ten frames


def test_a_tiny_autoencoder_paints_the_frames_when_asked(tmp_path, pipes):
    from diffusers import AutoencoderTiny

    torch.manual_seed(0)
    tiny = AutoencoderTiny(encoder_block_out_channels=(8, 8), decoder_block_out_channels=(8, 8),
                           num_encoder_blocks=(1, 1), num_decoder_blocks=(1, 1), latent_channels=4,
                           upsampling_scaling_factor=2)  # halves the size, as the tiny UNet's autoencoder does
    song = write_song(tmp_path / "song.wav", 2.0)
    sched = Schedule(4, fps=2, prompts={0: "a city at night"}, curves={"strength": 0.6})
    pipe = tiny_pipeline(tmp_path / "tok", family="sd-turbo")
    render(tmp_path / "v.mp4", sched, audio_path=song, model=pipe, width=64, height=64, tiny_autoencoder=tiny,
           seed_mode="frame", progress=False)
    assert pipe.vae is tiny
    settings = json.loads((tmp_path / "v.frames/report.json").read_text())["settings"]
    assert settings["speed"]["tiny_autoencoder"] == "AutoencoderTiny"
    assert load_png(tmp_path / "v.frames/000003.png").std() > 1


def test_loading_reads_the_family_from_model_index_and_falls_back_when_no_fp16_variant(tmp_path, pipes):
    import diffusers

    from binarydream.render.model.models import _from_pretrained, _load_profile

    folder = tmp_path / "tiny-xl"
    pipes["sdxl"].save_pretrained(folder)
    profile = _load_profile(diffusers, str(folder), None)
    assert (profile.family, profile.variant, profile.gpu_dtype) == ("sdxl", "fp16", "float16")
    loaded = _from_pretrained(diffusers, str(folder), torch.float32, "fp16")  # saved without an fp16 variant
    assert type(loaded).__name__ == "StableDiffusionXLImg2ImgPipeline"
    assert detect_profile(loaded).family == "sdxl"
