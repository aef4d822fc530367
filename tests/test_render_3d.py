"""The 3D camera: depth-based warp on scenes of known depth, and renders that use it."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from render_support import NoisePainter, stream_durations, tiny_pipeline, write_song

from binarydream.errors import ModelNotFoundError, RenderError
from binarydream.render import load_depth_model, render
from binarydream.render.frame.depth import depth_from_disparity
from binarydream.render.frame.warp import camera_matrix, warp
from binarydream.render.output.images import load_png
from binarydream.render.frame.warp3d import (
    TRANSLATION_SCALE,
    camera_move_3d,
    focal_length,
    warp_3d,
)
from binarydream.schedule import Schedule


def smooth_picture(height, width, seed=0):
    import cv2

    small = np.random.default_rng(seed).integers(0, 256, (height // 6, width // 6, 3), dtype=np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def column_of_line(frame, row):
    """Sub-pixel column of the bright vertical line on ``row``."""
    values = frame[row, :, 0].astype(np.float64)
    return float((values * np.arange(values.size)).sum() / values.sum())


def test_no_move_is_the_identity_whatever_the_depth():
    frame = np.random.default_rng(0).integers(0, 256, (37, 53, 3), dtype=np.uint8)
    depth = np.random.default_rng(1).uniform(0.5, 4.0, (37, 53))
    assert np.array_equal(warp_3d(frame, depth, np.eye(4)), frame)
    assert np.array_equal(warp_3d(frame, depth, camera_move_3d()), frame)


def test_moving_forward_over_a_flat_scene_is_a_zoom_about_the_centre():
    frame = smooth_picture(90, 160)
    distance, forward = 2.0, 30.0  # 0.15 depth units forward: the picture grows by 2 / 1.85
    moved = warp_3d(frame, np.full((90, 160), distance), camera_move_3d(translation_z=forward))
    zoom = distance / (distance - forward * TRANSLATION_SCALE)
    zoomed = warp(frame, camera_matrix(160, 90, zoom=zoom))
    assert np.abs(moved.astype(int) - zoomed).max() <= 2
    assert np.abs(moved.astype(int) - frame).mean() > 10  # it did move


@pytest.mark.parametrize("degrees", [0.5, -1.0])
def test_panning_shifts_the_picture_sideways_by_focal_length_times_tan_angle(degrees):
    frame = np.zeros((61, 121, 3), np.uint8)
    frame[:, 60] = 255
    turned = warp_3d(frame, np.full((61, 121), 3.0), camera_move_3d(rotation_3d_y=degrees))
    expected = 60 - focal_length(61) * np.tan(np.deg2rad(degrees))  # pan right: the picture slides left
    assert column_of_line(turned, 30) == pytest.approx(expected, abs=0.05)


def test_near_things_move_more_than_far_ones_under_a_sideways_move():
    frame = np.zeros((60, 120, 3), np.uint8)
    frame[:, 60] = 255
    depth = np.where(np.arange(60)[:, None] < 30, 1.0, 3.0) * np.ones((60, 120))
    moved = warp_3d(frame, depth, camera_move_3d(translation_x=40))
    shift_near, shift_far = 60 - column_of_line(moved, 10), 60 - column_of_line(moved, 50)
    f = focal_length(60)
    assert shift_near == pytest.approx(f * 40 * TRANSLATION_SCALE / 1.0, abs=0.05)
    assert shift_far == pytest.approx(f * 40 * TRANSLATION_SCALE / 3.0, abs=0.05)


def test_moves_compose_and_undo_exactly():
    a = camera_move_3d(translation_x=3, translation_z=10, rotation_3d_y=1.5)
    b = camera_move_3d(translation_y=-2, rotation_3d_x=0.7, rotation_3d_z=-3)
    np.testing.assert_allclose(np.linalg.inv(a @ b) @ a @ b, np.eye(4), atol=1e-12)
    np.testing.assert_allclose(a[:3, :3] @ a[:3, :3].T, np.eye(3), atol=1e-12)


def test_disparity_maps_to_depth_between_near_and_far():
    depth = depth_from_disparity(np.array([[10.0, 55.0, 100.0]]), near=1.0, far=4.0)
    assert depth[0, 2] == pytest.approx(1.0) and depth[0, 0] == pytest.approx(4.0)
    assert 1.0 / depth[0, 1] == pytest.approx((1.0 + 0.25) / 2)  # halfway in 1/depth


def test_a_missing_depth_model_is_one_line_with_its_id_and_how_to_get_it(hub_offline):
    with pytest.raises(ModelNotFoundError) as error:
        load_depth_model("binarydream-tests/no-such-depth-model", device="cpu")
    message = str(error.value)
    assert "\n" not in message and "binarydream-tests/no-such-depth-model" in message and "hf download" in message


def tiny_depth_model(folder):
    """A DPT depth-estimation model with tiny random weights, saved as transformers would download one."""
    from transformers import DPTConfig, DPTForDepthEstimation, DPTImageProcessor

    torch.manual_seed(0)
    config = DPTConfig(hidden_size=16, num_hidden_layers=4, num_attention_heads=2, intermediate_size=20,
                       image_size=32, patch_size=8, backbone_out_indices=[0, 1, 2, 3], neck_hidden_sizes=[8, 8, 8, 8],
                       fusion_hidden_size=8, reassemble_factors=[4, 2, 1, 0.5])
    DPTForDepthEstimation(config).save_pretrained(folder)
    DPTImageProcessor(size={"height": 32, "width": 32}, keep_aspect_ratio=False).save_pretrained(folder)
    return folder


FPS = 10


def dolly_schedule():
    return Schedule(20, fps=FPS, prompts={0: "a canyon at dusk"}, sections=[(0, "intro")],
                    curves={"translation_z": "0: (8)", "rotation_3d_y": "0: (0.8)", "translation_x": "0: (4)",
                            "strength": 0.5, "noise": 0.0})


class SlopeDepth:
    """Depth rising from 1 (bottom row) to 3 (top row), like a floor running away; counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, frame):
        self.calls += 1
        return np.linspace(3.0, 1.0, frame.shape[0])[:, None] * np.ones(frame.shape[1])


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 2.0)


def test_a_render_with_a_depth_callable_uses_the_3d_camera_end_to_end(tmp_path, song):
    torch.set_num_threads(1)
    pipe = tiny_pipeline(tmp_path / "tok")
    depth = SlopeDepth()
    report = render(tmp_path / "v3d.mp4", dolly_schedule(), audio_path=song, model=pipe, width=64, height=64,
                    steps=2, cadence=2, depth=depth, progress=False)
    assert report.n_frames == 20 and report.diffused == 11 and stream_durations(tmp_path / "v3d.mp4")["frames"] == 20
    assert depth.calls == report.diffused  # once per diffused frame, reused by the warp and the tweens
    settings = json.loads((tmp_path / "v3d.frames/manifest.json").read_text())["settings"]
    assert settings["depth"].endswith("SlopeDepth") and settings["fov"] == 40.0

    flat = render(tmp_path / "v2d.mp4", dolly_schedule(), audio_path=song, model=pipe, width=64, height=64,
                  steps=2, cadence=2, progress=False)
    assert flat.n_frames == 20
    three_d, two_d = (load_png(tmp_path / f"{name}.frames/000001.png").astype(int) for name in ("v3d", "v2d"))
    assert np.abs(three_d - two_d).mean() > 1  # the tween at frame 1 moved in 3D, not by the 2D camera


def frame_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("[0-9]*.png"))}


def test_a_3d_render_resumes_to_the_same_frames_and_refuses_another_depth(tmp_path, song):
    options = {"audio_path": song, "width": 64, "height": 64, "cadence": 2, "seed_mode": "frame", "progress": False}
    render(tmp_path / "straight.mp4", dolly_schedule(), model=NoisePainter(), depth=SlopeDepth(), **options)
    with pytest.raises(KeyboardInterrupt):
        render(tmp_path / "cut.mp4", dolly_schedule(), model=NoisePainter(crash_seed=6), depth=SlopeDepth(),
               **options)
    assert json.loads((tmp_path / "cut.frames/manifest.json").read_text())["last_key"] == 4
    with pytest.raises(RenderError, match="different depth"):
        render(tmp_path / "cut.mp4", dolly_schedule(), model=NoisePainter(), **options)
    report = render(tmp_path / "cut.mp4", dolly_schedule(), model=NoisePainter(), depth=SlopeDepth(), **options)
    assert report.resumed_from == 4
    assert frame_bytes(tmp_path / "cut.frames") == frame_bytes(tmp_path / "straight.frames")


def test_a_depth_model_named_by_its_folder_is_loaded_once_and_used(tmp_path, song):
    folder = str(tiny_depth_model(tmp_path / "dpt"))
    depth = load_depth_model(folder, device="cpu")(smooth_picture(48, 64))
    assert depth.shape == (48, 64) and depth.min() == pytest.approx(1.0) and depth.max() == pytest.approx(2.5)
    report = render(tmp_path / "v.mp4", dolly_schedule(), audio_path=song, model=NoisePainter(), width=64,
                    height=64, cadence=2, depth=folder, progress=False)
    assert report.n_frames == 20
    assert json.loads((tmp_path / "v.frames/report.json").read_text())["settings"]["depth"] == folder
