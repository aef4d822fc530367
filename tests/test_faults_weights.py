"""A render resumes only with the weights it started with: not another pipeline, folder or hub revision by that name."""
import json
import os
import shutil

import pytest

from binarydream import Schedule
from binarydream.errors import RenderError
from binarydream.render import render
from binarydream.render.model.weights import weights_fingerprint
from render_support import tiny_pipeline, write_song

torch = pytest.importorskip("torch")

FPS = 10


def schedule():
    return Schedule(20, fps=FPS, prompts={0: "a city at night"}, curves={"zoom": "0: (1.04)", "strength": 0.5})


@pytest.fixture(scope="module")
def song(tmp_path_factory):
    return write_song(tmp_path_factory.mktemp("song") / "song.wav", 2.0)


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return tmp_path_factory.mktemp("tokenizer")


class StopAfter:
    """A step callback that stops the render (as Ctrl-C does) after ``steps`` denoising steps."""

    def __init__(self, steps: int):
        self.left = steps

    def __call__(self, pipe, step, timestep, kwargs):
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        return kwargs


def paint(out, song, model, **options):
    return render(out, schedule(), audio_path=song, model=model, width=64, height=64, steps=2, progress=False,
                  **options)


def stopped_part_way(out, song, model) -> int:
    torch.set_num_threads(1)
    with pytest.raises(KeyboardInterrupt):
        paint(out, song, model, step_callback=StopAfter(12))
    return json.loads((out.with_suffix(".frames") / "manifest.json").read_text())["last_key"]


def test_a_resume_with_another_pipeline_object_of_the_same_class_is_refused(tmp_path, song, tokenizer):
    out = tmp_path / "video.mp4"
    last = stopped_part_way(out, song, tiny_pipeline(tokenizer, seed=0))
    assert 0 < last < 19
    with pytest.raises(RenderError) as error:
        paint(out, song, tiny_pipeline(tokenizer, seed=1))
    assert str(error.value) == (f"{out.with_suffix('.frames')} holds a render made with other weights than "
                                "StableDiffusionImg2ImgPipeline's now (the folder or file changed, another hub "
                                "revision, or another pipeline): render to another output name, or pass "
                                "resume=False (--no-resume) to start over")
    assert not out.exists()
    # The same weights in a new object resume where the render stopped.
    report = paint(out, song, tiny_pipeline(tokenizer, seed=0))
    assert report.resumed_from == last and report.made == 19 - last


def test_the_same_pipeline_object_with_a_tiny_autoencoder_resumes(tmp_path, song, tokenizer):
    """The render swaps the tiny autoencoder into the object given: used again, the object holds it, and it is
    still the same weights."""
    from diffusers import AutoencoderTiny

    torch.manual_seed(0)
    tiny = AutoencoderTiny(encoder_block_out_channels=(8, 8), decoder_block_out_channels=(8, 8),
                           num_encoder_blocks=(1, 1), num_decoder_blocks=(1, 1), latent_channels=4,
                           upsampling_scaling_factor=2)
    pipe = tiny_pipeline(tokenizer, seed=0)
    out = tmp_path / "video.mp4"
    with pytest.raises(KeyboardInterrupt):
        paint(out, song, pipe, tiny_autoencoder=tiny, step_callback=StopAfter(12))
    assert pipe.vae is tiny
    last = json.loads((tmp_path / "video.frames" / "manifest.json").read_text())["last_key"]
    assert paint(out, song, pipe, tiny_autoencoder=tiny).resumed_from == last


def test_a_compiled_unet_has_the_weights_of_the_one_it_wraps(tokenizer):
    pipe = tiny_pipeline(tokenizer, seed=0)
    before = weights_fingerprint(pipe)
    pipe.unet = torch.compile(pipe.unet)  # as speed_up(compile=True) leaves it (compiled when first called)
    assert weights_fingerprint(pipe) == before
    assert weights_fingerprint(pipe, skip=("vae",)) != before


def test_a_resume_from_a_model_folder_updated_in_place_is_refused(tmp_path, song, tokenizer):
    folder = tmp_path / "model"
    tiny_pipeline(tokenizer, seed=0).save_pretrained(folder)
    out = tmp_path / "video.mp4"
    stopped_part_way(out, song, str(folder))
    shutil.rmtree(folder)
    tiny_pipeline(tokenizer, seed=1).save_pretrained(folder)  # new weights, same name, same sizes
    with pytest.raises(RenderError, match="holds a render made with other weights than .*model's now"):
        paint(out, song, str(folder))
    assert not out.exists()


def test_the_manifest_names_the_weights_and_a_same_sized_rewrite_changes_them(tmp_path, tokenizer):
    folder = tmp_path / "model"
    tiny_pipeline(tokenizer, seed=0).save_pretrained(folder)
    weights = folder / "unet" / "diffusion_pytorch_model.safetensors"
    before = weights_fingerprint(folder)
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 1  # one bit in the middle of the tensors
    stat = weights.stat()
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old modification time
    assert weights_fingerprint(folder) != before
    (folder / "README.md").write_text("notes")  # not weights
    assert weights_fingerprint(folder) == weights_fingerprint(folder)


def test_a_hub_id_is_fingerprinted_by_the_commit_of_its_cached_snapshot(tmp_path, monkeypatch):
    import huggingface_hub.constants

    repo = tmp_path / "hub" / "models--someone--dream-model"
    for commit in ("a" * 40, "b" * 40):
        (repo / "snapshots" / commit).mkdir(parents=True)
        (repo / "snapshots" / commit / "model_index.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert weights_fingerprint("someone/dream-model") == f"hub someone/dream-model@{'a' * 40}"
    (repo / "refs" / "main").write_text("b" * 40)  # the repository moved on and was downloaded again
    assert weights_fingerprint("someone/dream-model") == f"hub someone/dream-model@{'b' * 40}"
    assert weights_fingerprint("someone/not-downloaded") is None


def test_a_resume_after_the_hub_repository_moved_to_another_revision_is_refused(tmp_path, song, tokenizer,
                                                                               hub_offline, monkeypatch):
    import huggingface_hub.constants

    repo = tmp_path / "hub" / "models--someone--tiny-dream"
    for commit, seed in (("a" * 40, 0), ("b" * 40, 1)):
        tiny_pipeline(tokenizer, seed=seed).save_pretrained(repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    out = tmp_path / "video.mp4"
    stopped_part_way(out, song, "someone/tiny-dream")
    manifest = json.loads((tmp_path / "video.frames" / "manifest.json").read_text())
    assert manifest["settings"]["weights"] == f"hub someone/tiny-dream@{'a' * 40}"
    (repo / "refs" / "main").write_text("b" * 40)  # the repository moved on, and the new revision was fetched
    with pytest.raises(RenderError, match="holds a render made with other weights than someone/tiny-dream's now"):
        paint(out, song, "someone/tiny-dream")
    assert not out.exists()
