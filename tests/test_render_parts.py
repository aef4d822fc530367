"""The render's pure parts: camera warp, colour coherence, cadence, prompt blending, timesteps, seeds, sizes."""

import numpy as np
import pytest

from binarydream.errors import ParameterError
from binarydream.render.frame.cadence import diffusion_frames, tweens
from binarydream.render.frame.colour import match_colours, reference_cdfs
from binarydream.render.frame.warp import camera_matrix, compose, warp
from binarydream.render.loop import frame_seeds
from binarydream.render.model.denoise import denoising_timesteps, inference_steps
from binarydream.render.model.painter import blend_weights
from binarydream.render.model.profiles import PROFILES, render_size
from binarydream.render.options import RenderOptions, SpeedOptions, resolve, with_settings
from binarydream.schedule import Schedule


def test_a_quarter_turn_of_a_square_frame_is_a_rotation_by_90_degrees():
    frame = np.random.default_rng(0).integers(0, 256, (33, 33, 3), dtype=np.uint8)
    turned = warp(frame, camera_matrix(33, 33, angle=90))
    assert np.array_equal(turned, np.rot90(frame))  # counter-clockwise, as in Deforum


def test_zoom_moves_pixels_away_from_the_centre_and_translation_by_whole_pixels_shifts():
    frame = np.zeros((41, 41, 3), np.uint8)
    frame[20, 25] = 255
    assert warp(frame, camera_matrix(41, 41, zoom=2.0))[20, 30, 0] == 255
    assert warp(frame, camera_matrix(41, 41, translation_x=3, translation_y=-2))[18, 28, 0] == 255


def test_composed_moves_undo_exactly():
    a = camera_matrix(64, 48, zoom=1.03, angle=4, translation_x=2.5)
    b = camera_matrix(64, 48, zoom=0.98, angle=-1, translation_y=1)
    np.testing.assert_allclose(compose(a, b, np.linalg.inv(compose(a, b))), np.eye(3), atol=1e-12)


@pytest.mark.parametrize("amount", [1.0, 0.5])
def test_colour_matching_brings_the_histogram_to_the_reference(amount):
    rng = np.random.default_rng(1)
    reference = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    reference[..., 0] = np.clip(reference[..., 0], 180, 255)
    drifted = (reference * np.array([0.4, 1.0, 1.2])).clip(0, 255).astype(np.uint8)
    matched = match_colours(drifted, reference_cdfs(reference), amount=amount)
    before = np.abs(drifted.mean((0, 1)) - reference.mean((0, 1))).sum()
    after = np.abs(matched.mean((0, 1)) - reference.mean((0, 1))).sum()
    assert after < (0.2 if amount == 1.0 else 0.7) * before


def test_diffused_frames_snap_to_beats_within_half_a_cadence():
    assert diffusion_frames(30, 5).tolist() == [0, 5, 10, 15, 20, 25, 29]
    assert diffusion_frames(30, 5, beat_frames=[6, 14, 29]).tolist() == [0, 6, 10, 14, 20, 25, 29]
    assert diffusion_frames(3, 1).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="cadence"):
        diffusion_frames(10, 0)


def test_tweens_blend_the_two_diffused_frames_moved_to_their_time():
    first = np.zeros((20, 20, 3), np.uint8)
    first[:, 10:] = 200
    shift = np.stack([camera_matrix(20, 20, translation_x=2)] * 4)
    between = dict(tweens(first, warp(first, compose(*shift[1:])), shift, 0, 3))
    # both ends agree once moved: the tween is the edge moved 2 px a frame
    assert between[1][0, 11, 0] == 0 and between[1][0, 12, 0] == 200
    assert between[2][0, 13, 0] == 0 and between[2][0, 14, 0] == 200


def test_prompt_weights_are_normalised():
    assert blend_weights([("a", 0.25), ("b", 0.75)]) == [("a", 0.25), ("b", 0.75)]
    assert blend_weights([("a", 1.0), ("b", 3.0)]) == [("a", 0.25), ("b", 0.75)]


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 25])
def test_timesteps_start_where_the_strength_says_and_exactly_steps_run(steps):
    firsts = []
    for strength in (0.1, 0.3, 0.5, 0.6, 0.9, 1.0):
        timesteps = denoising_timesteps(1000, steps, strength)
        assert len(timesteps) == steps and timesteps == sorted(timesteps, reverse=True)
        assert abs(timesteps[0] - (1000 * strength - 1)) <= 1
        firsts.append(timesteps[0])
    assert len(set(firsts)) == len(firsts)
    lcm = denoising_timesteps(1000, steps, 0.6, grid=20)
    assert all((t + 1) % 20 == 0 for t in lcm) and len(lcm) == min(steps, 30)


def test_without_timesteps_img2img_runs_the_steps_asked_for():
    # diffusers runs int(n * strength) steps of an n-step schedule
    for steps in (1, 2, 3, 4):
        for strength in (0.05, 0.3, 0.6, 0.65, 0.9, 1.0):
            assert int(inference_steps(steps, strength) * strength) == steps


def test_seeds_hold_still_within_a_section_by_default():
    sched = Schedule(8, fps=1, sections=[(0, "a"), (5, "b")])
    assert frame_seeds(sched, 3, RenderOptions().seed_mode).tolist() == [3] * 5 + [8] * 3
    assert frame_seeds(sched, 3, "frame").tolist() == list(range(3, 11))
    assert set(frame_seeds(sched, 3, "fixed").tolist()) == {3}


def test_the_profile_fills_what_the_user_left_out_and_the_user_wins():
    turbo, xl = PROFILES["sd-turbo"], PROFILES["sdxl"]
    assert resolve(RenderOptions(), turbo).render_size == (680, 384)
    assert resolve(RenderOptions(width=1920, height=1080), xl).render_size == (1368, 768)
    assert resolve(RenderOptions(), xl).steps == 25 and resolve(RenderOptions(steps=4), xl).steps == 4
    assert resolve(RenderOptions(guidance_scale=2.0), turbo).guidance_scale == 2.0
    assert resolve(RenderOptions(render_width=512, render_height=512), turbo).render_size == (512, 512)
    assert render_size(1024, 9 / 16, 16) == (768, 1360)
    with pytest.raises(ParameterError, match="did you mean 'seed_mode'"):
        with_settings(RenderOptions(), SpeedOptions(), {"seedmode": "fixed"})
