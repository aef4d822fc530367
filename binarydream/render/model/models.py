"""Loading the diffusion model once: hub id, local folder, single ``.safetensors`` file or a ready pipeline.

Weights are read from safetensors only. The device is the best there is (cuda,
then mps, then cpu) unless given; half precision on a GPU (bfloat16 for FLUX),
with the hub's fp16 weights variant where the family ships one, so that fp32
weights are not downloaded only to be cast. :func:`use_scheduler` swaps the
scheduler; :func:`speed_up` switches on the speed options (SDPA attention,
channels_last, the tiny autoencoder, torch.compile) on a loaded pipeline.

A hub id is loaded as the hub client does, except when the hub cannot be
reached: one quick probe (:func:`hub_reachable`) decides, and then the model is
read from the local cache only, or refused in one line at once, instead of a
minute of the client's retries for every file.

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

import contextlib
import functools
import urllib.error
import urllib.request
import warnings
from pathlib import Path

from ...devices import pick_device
from ...errors import MissingDependencyError, ModelNotFoundError, ParameterError
from ...files import looks_local
from .profiles import PROFILES, architecture

# The family each architecture loads as, before the pipeline is there to tell few-step from full models:
# only its weights variant and GPU dtype are read, and those agree within an architecture.
_LOAD_FAMILY = {"sd": "sd1", "sdxl": "sdxl", "sd3": "sd3", "flux": "flux-dev"}


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


PROBE_SECONDS = 5.0
"""How long :func:`hub_reachable` waits for the hub's answer."""


@functools.lru_cache(maxsize=8)
def hub_reachable(endpoint: str | None = None) -> bool:
    """Whether the Hugging Face Hub (``endpoint``, default the hub client's, ``HF_ENDPOINT``) answers.

    False at once when the client is offline (``HF_HUB_OFFLINE=1``); else one HEAD request
    through the environment's proxies, with no retries. Any answer but a server error counts.
    Asked once per endpoint in a process.

    Examples
    --------
    >>> hub_reachable("http://127.0.0.1:9")  # nothing listens on the discard port
    False
    """
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    request = urllib.request.Request(endpoint or constants.ENDPOINT, method="HEAD")
    try:
        urllib.request.urlopen(request, timeout=PROBE_SECONDS).close()
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (OSError, ValueError):  # refused, no route, no name, a timeout; or an endpoint that is no URL
        return False
    return True


def _unreachable(model: str) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"model {model!r} is not in this machine's Hugging Face cache and the hub cannot be reached; "
        f"run `hf download {model}` where it can, or pass a local model folder or .safetensors file")


def _single_file_class(diffusers, path: Path):
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        is_xl = any(key.startswith("conditioner.embedders.1") for key in f.keys())
    return diffusers.StableDiffusionXLImg2ImgPipeline if is_xl else diffusers.StableDiffusionImg2ImgPipeline


def _as_img2img(diffusers, pipe):
    if "Img2Img" in type(pipe).__name__:
        return pipe
    return diffusers.AutoPipelineForImage2Image.from_pipe(pipe)


def _load_profile(diffusers, model: str, family: str | None, offline: bool = False):
    """The profile that decides how to load ``model`` (variant, dtype), from its ``model_index.json``."""
    if family is not None:
        return PROFILES[family]
    try:
        with _quiet_hub():
            index = diffusers.DiffusionPipeline.load_config(model, local_files_only=offline)
    except (OSError, ValueError):
        return PROFILES["sd1"]  # the full load that follows says what is missing
    classes = {name: value[1] for name, value in index.items()
               if isinstance(value, (list, tuple)) and len(value) == 2 and value[1]}
    return PROFILES[_LOAD_FAMILY[architecture(classes)]]


def _in_dtype(diffusers, dtype) -> dict:
    """The loading keyword for ``dtype``: ``dtype=`` from diffusers 0.40 on (``torch_dtype=`` is deprecated
    there), ``torch_dtype=`` before (an environment pinned to an older hub client, as WhisperX's is)."""
    major, minor = (int(part) for part in diffusers.__version__.split(".")[:2])
    return {"dtype" if (major, minor) >= (0, 40) else "torch_dtype": dtype}


@contextlib.contextmanager
def _quiet_hub():
    with warnings.catch_warnings():
        # diffusers' load_config passes hf_hub_download an argument huggingface_hub 1.x deprecates, on every
        # load: nothing a user can act on.
        warnings.filterwarnings("ignore", message=".*local_dir_use_symlinks", category=UserWarning)
        yield


def _from_pretrained(diffusers, model: str, dtype, variant: str | None, offline: bool = False):
    load = functools.partial(diffusers.AutoPipelineForImage2Image.from_pretrained, local_files_only=offline)
    if variant is None:
        return load(model, **_in_dtype(diffusers, dtype), use_safetensors=True)
    try:
        return load(model, **_in_dtype(diffusers, dtype), use_safetensors=True, variant=variant)
    except (OSError, ValueError):
        return load(model, **_in_dtype(diffusers, dtype), use_safetensors=True)  # a repo without that variant


def load_pipeline(model, *, device: str | None = None, dtype=None, family: str | None = None):
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
        None: the family's half precision on a GPU (float16; bfloat16 for FLUX), float32 on the CPU.
    family : str, optional
        A :data:`binarydream.render.model.profiles.PROFILES` key to load as (variant, dtype) instead of the
        architecture read from the model's ``model_index.json``.

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
    gpu = device.startswith(("cuda", "mps"))
    if isinstance(model, diffusers.DiffusionPipeline):
        if dtype is not None:
            model = model.to(dtype=dtype)
        return _as_img2img(diffusers, model).to(device)
    path = Path(model).expanduser()
    offline = not path.exists() and not hub_reachable()
    profile = _load_profile(diffusers, str(model), family, offline) if not path.is_file() else PROFILES["sd1"]
    if dtype is None:
        dtype = getattr(torch, profile.gpu_dtype) if gpu else torch.float32
    if path.is_file():
        if path.suffix != ".safetensors":
            raise ModelNotFoundError(f"only .safetensors checkpoints are loaded, got {path.name} "
                                     "(convert it, or use a diffusers folder with safetensors weights)")
        pipe = _single_file_class(diffusers, path).from_single_file(str(path), **_in_dtype(diffusers, dtype))
        return pipe.to(device)
    try:
        with _quiet_hub():
            pipe = _from_pretrained(diffusers, str(model), dtype, profile.variant if gpu else None, offline)
    except (OSError, ValueError) as error:
        if path.is_dir():
            raise ModelNotFoundError(f"{model} is not a diffusers model folder with safetensors weights "
                                     f"({str(error).splitlines()[0]})") from None
        if offline:
            raise _unreachable(str(model)) from None
        raise _missing(str(model), type(error).__name__) from None
    return pipe.to(device)


def use_scheduler(pipe, name: str | None):
    """Swap the pipeline's scheduler for the diffusers class ``name``, built from the model's own config.

    Examples
    --------
    >>> use_scheduler(pipe, "EulerDiscreteScheduler")  # doctest: +SKIP
    """
    if name is None or type(pipe.scheduler).__name__ == name:
        return pipe
    import diffusers

    scheduler = getattr(diffusers, name, None)
    if scheduler is None or not hasattr(scheduler, "from_config"):
        raise ParameterError(f"unknown scheduler {name!r}; give a diffusers scheduler class name such as "
                             "EulerDiscreteScheduler")
    pipe.scheduler = scheduler.from_config(pipe.scheduler.config)
    return pipe


def speed_up(pipe, *, sdpa: bool = True, channels_last: bool = True, tiny_autoencoder=None,
             compile: bool = False):
    """Switch on speed options in place; returns ``pipe``.

    Parameters
    ----------
    pipe : DiffusionPipeline
    sdpa : bool
        PyTorch's scaled-dot-product attention in the denoiser (the classic attention when False).
    channels_last : bool
        channels_last memory format for the denoiser and autoencoder (faster convolutions on GPUs).
    tiny_autoencoder : None, str, Path or AutoencoderTiny
        A TAESD-style tiny autoencoder to encode and decode with: a hub id (the profile's
        ``tiny_vae``: madebyollin/taesd, taesdxl, taesd3 or taef1), a folder, or a ready model.
    compile : bool
        ``torch.compile`` the denoiser (slow first frames, faster after).

    Examples
    --------
    >>> speed_up(pipe, tiny_autoencoder="madebyollin/taesd", compile=True)  # doctest: +SKIP
    """
    diffusers, torch = _imports()
    from diffusers.models.attention_processor import AttnProcessor, AttnProcessor2_0

    denoiser = getattr(pipe, "unet", None) or pipe.transformer
    if hasattr(pipe, "unet"):  # SD3 and FLUX transformers bring their own SDPA processors
        pipe.unet.set_attn_processor(AttnProcessor2_0() if sdpa else AttnProcessor())
    if tiny_autoencoder is not None:
        tiny = tiny_autoencoder
        if not isinstance(tiny, torch.nn.Module):
            offline = not Path(str(tiny)).expanduser().exists() and not hub_reachable()
            try:
                tiny = diffusers.AutoencoderTiny.from_pretrained(str(tiny), **_in_dtype(diffusers, denoiser.dtype),
                                                                 use_safetensors=True, local_files_only=offline)
            except (OSError, ValueError) as error:
                if offline:
                    raise _unreachable(str(tiny_autoencoder)) from None
                raise _missing(str(tiny_autoencoder), type(error).__name__) from None
        pipe.vae = tiny.to(pipe.device, denoiser.dtype)
        pipe.register_modules(vae=pipe.vae)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    denoiser.to(memory_format=memory_format)
    pipe.vae.to(memory_format=memory_format)
    if compile:
        compiled = torch.compile(denoiser)
        if hasattr(pipe, "unet"):
            pipe.unet = compiled
        else:
            pipe.transformer = compiled
    return pipe
