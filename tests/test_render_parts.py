"""The render's pure parts: camera warp, colour coherence, cadence, prompt blending, steps."""

import numpy as np
import pytest

from binarydream.render.cadence import diffusion_frames, tweens
from binarydream.render.colour import match_colours, reference_cdfs
from binarydream.render.painter import blend_weights, steps_that_run
from binarydream.render.warp import camera_matrix, compose, warp


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


def test_prompt_weights_are_normalised_and_steps_raised_so_one_runs():
    assert blend_weights([("a", 0.25), ("b", 0.75)]) == [("a", 0.25), ("b", 0.75)]
    assert blend_weights([("a", 1.0), ("b", 3.0)]) == [("a", 0.25), ("b", 0.75)]
    assert [steps_that_run(2, s) for s in (1.0, 0.65, 0.4, 0.1)] == [2, 2, 3, 10]
