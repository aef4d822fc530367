"""Loading the diffusion model once: hub id, local folder, single ``.safetensors`` file or a ready pipeline.

Weights are read from safetensors only. The device is the best there is (cuda,
then mps, then cpu) unless given; half precision on a GPU. :func:`speed_up`
switches on the speed options (SDPA attention, channels_last, the tiny
autoencoder, torch.compile) on a loaded pipeline.

Examples
--------
>>> pick_device("cpu")
'cpu'
>>> load_pipeline("./no/such/model")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
binarydream.errors.ModelNotFoundError: model folder or file not found: ./no/such/model (give an existing ...)
"""

from __future__ import annotations

from pathlib import Path

from ..devices import pick_device
from ..errors import MissingDependencyError, ModelNotFoundError
from ..files import looks_local

TINY_AUTOENCODER = "madebyollin/taesd"
"""Hub id of TAESD, the tiny autoencoder for SD 1.x/2.x (``madebyollin/taesdxl`` for SDXL)."""


def _imports():
    try:
        import diffusers
        import torch
    except ImportError as error:
        raise MissingDependencyError(f"rendering needs diffusers and torch ({error}); "
                                     "run `pip install diffusers torch`") from None
    return diffusers, torch


def _missing(model: str, detail: str) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"model {model!r} is not on this machine and could not be downloaded ({detail}); "
        f"run `hf download {model}` where the Hugging Face Hub is reachable, "
        "or pass a local model folder or .safetensors file")


def _single_file_class(diffusers, path: Path):
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        is_xl = any(key.startswith("conditioner.embedders.1") for key in f.keys())
    return diffusers.StableDiffusionXLImg2ImgPipeline if is_xl else diffusers.StableDiffusionImg2ImgPipeline


def _as_img2img(diffusers, pipe):
    if "Img2Img" in type(pipe).__name__:
        return pipe
    return diffusers.AutoPipelineForImage2Image.from_pipe(pipe)


def load_pipeline(model, *, device: str | None = None, dtype=None):
    """A diffusers img2img pipeline on ``device``, from whatever ``model`` names.

    Parameters
    ----------
    model : str, Path or DiffusionPipeline
        A Hugging Face Hub id ("stabilityai/sd-turbo"), a local diffusers folder,
        a single ``.safetensors`` checkpoint (SD 1.x/2.x or SDXL), or a ready
        pipeline (a text-to-image one is turned into img2img sharing its components).
    device : str, optional
        None picks cuda, then mps, then cpu.
    dtype : torch.dtype, optional
        None: float16 on a GPU, float32 on the CPU.

    Returns
    -------
    diffusers.DiffusionPipeline
        An img2img pipeline, moved to ``device``.

    Raises
    ------
    ModelNotFoundError
        The folder or file does not exist, or the hub id is not cached and cannot be downloaded.

    Examples
    --------
    >>> pipe = load_pipeline("stabilityai/sd-turbo")  # doctest: +SKIP
    >>> pipe = load_pipeline("models/dreamshaper_8.safetensors", device="cuda")  # doctest: +SKIP
    """
    device = pick_device(device)
    if isinstance(model, (str, Path)) and looks_local(model) and not Path(model).expanduser().exists():
        raise ModelNotFoundError(f"model folder or file not found: {model} (give an existing diffusers folder or "
                                 "a .safetensors file, or a Hugging Face Hub id such as stabilityai/sd-turbo)")
    diffusers, torch = _imports()
    if dtype is None:
        dtype = torch.float16 if device.startswith(("cuda", "mps")) else torch.float32
    if isinstance(model, diffusers.DiffusionPipeline):
        return _as_img2img(diffusers, model).to(device)
    path = Path(model).expanduser()
    if path.is_file():
        if path.suffix != ".safetensors":
            raise ModelNotFoundError(f"only .safetensors checkpoints are loaded, got {path.name} "
                                     "(convert it, or use a diffusers folder with safetensors weights)")
        pipe = _single_file_class(diffusers, path).from_single_file(str(path), torch_dtype=dtype)
        return pipe.to(device)
    try:
        pipe = diffusers.AutoPipelineForImage2Image.from_pretrained(str(model), torch_dtype=dtype,
                                                                    use_safetensors=True)
    except (OSError, ValueError) as error:
        if path.is_dir():
            raise ModelNotFoundError(f"{model} is not a diffusers model folder with safetensors weights "
                                     f"({str(error).splitlines()[0]})") from None
        raise _missing(str(model), type(error).__name__) from None
    return pipe.to(device)


def speed_up(pipe, *, sdpa: bool = True, channels_last: bool = True, tiny_autoencoder=None,
             compile: bool = False):
    """Switch on speed options in place; returns ``pipe``.

    Parameters
    ----------
    pipe : DiffusionPipeline
    sdpa : bool
        PyTorch's scaled-dot-product attention in the UNet (the classic attention when False).
    channels_last : bool
        channels_last memory format for the UNet and autoencoder (faster convolutions on GPUs).
    tiny_autoencoder : None, str, Path or AutoencoderTiny
        A TAESD-style tiny autoencoder to encode and decode with: a hub id
        (:data:`TINY_AUTOENCODER`), a folder, or a ready model.
    compile : bool
        ``torch.compile`` the UNet (slow first frames, faster after).

    Examples
    --------
    >>> speed_up(pipe, tiny_autoencoder="madebyollin/taesd", compile=True)  # doctest: +SKIP
    """
    diffusers, torch = _imports()
    from diffusers.models.attention_processor import AttnProcessor, AttnProcessor2_0

    pipe.unet.set_attn_processor(AttnProcessor2_0() if sdpa else AttnProcessor())
    if tiny_autoencoder is not None:
        tiny = tiny_autoencoder
        if not isinstance(tiny, torch.nn.Module):
            try:
                tiny = diffusers.AutoencoderTiny.from_pretrained(str(tiny), torch_dtype=pipe.unet.dtype,
                                                                 use_safetensors=True)
            except (OSError, ValueError) as error:
                raise _missing(str(tiny_autoencoder), type(error).__name__) from None
        pipe.vae = tiny.to(pipe.device, pipe.unet.dtype)
        pipe.register_modules(vae=pipe.vae)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    pipe.unet.to(memory_format=memory_format)
    pipe.vae.to(memory_format=memory_format)
    if compile:
        pipe.unet = torch.compile(pipe.unet)
    return pipe
