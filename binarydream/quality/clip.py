"""Load an open_clip model once and score frames against the prompts that drove them.

A :class:`ClipScorer` holds the model, its image preprocessing and its tokenizer.
It encodes each distinct prompt once (prompts repeat over thousands of frames),
encodes images in batches, and measures how well a frame follows a weighted
prompt mix: the weighted mean of the cosine similarities between the frame and
each prompt, ``sum(w * cos) / sum(|w|)``, so a single prompt of any weight gives
its plain cosine similarity and a negative weight counts against the frame.

Examples
--------
>>> from binarydream.quality import load_clip
>>> scorer = load_clip("ViT-B-32", "laion2b_s34b_b79k")  # doctest: +SKIP
>>> scorer.adherence(frame, [("a red fox in the snow", 1.0)])  # doctest: +SKIP
0.31
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from ..devices import pick_device
from ..errors import MissingDependencyError, ModelNotFoundError

DEFAULT_MODEL = "ViT-B-32"
DEFAULT_PRETRAINED = "laion2b_s34b_b79k"


def _import_open_clip():
    try:
        import open_clip
    except ImportError as error:
        raise MissingDependencyError(
            f"the quality report needs open_clip ({error}); install it with: pip install open_clip_torch") from None
    return open_clip


def mix_similarity(image_embeddings: np.ndarray, text_embeddings: np.ndarray, weights) -> np.ndarray:
    """Similarity of each image to a weighted prompt mix: ``sum(w * cos) / sum(|w|)``.

    Parameters
    ----------
    image_embeddings : np.ndarray, shape (n_images, dim)
        Unit-length image embeddings.
    text_embeddings : np.ndarray, shape (n_prompts, dim)
        Unit-length prompt embeddings.
    weights : sequence of float, length n_prompts
        Prompt weights; all zero (or no prompts) gives NaN.

    Returns
    -------
    np.ndarray, shape (n_images,)

    Examples
    --------
    >>> import numpy as np
    >>> img = np.array([[1.0, 0.0]]); txt = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> mix_similarity(img, txt, [3.0, 1.0]).tolist()
    [0.75]
    """
    weights = np.asarray(weights, dtype=np.float64)
    total = np.abs(weights).sum()
    image_embeddings = np.atleast_2d(image_embeddings)
    if weights.size == 0 or total == 0:
        return np.full(len(image_embeddings), np.nan)
    cosines = np.asarray(image_embeddings, np.float64) @ np.asarray(text_embeddings, np.float64).T
    return cosines @ weights / total


class ClipScorer:
    """An open_clip model, its preprocessing and tokenizer, ready to score frames.

    Parameters
    ----------
    model : open_clip.CLIP
        A CLIP model (any open_clip model with ``encode_image`` and ``encode_text``).
    preprocess : callable
        open_clip's inference transform, PIL image -> tensor (3, size, size).
    tokenizer : callable
        open_clip tokenizer, list of str -> token tensor.
    device : str, optional
        Where the model runs; None: cuda, then mps, then cpu.
    name : str
        A label for reports, e.g. ``"ViT-B-32/laion2b_s34b_b79k"``.

    Examples
    --------
    >>> import open_clip  # doctest: +SKIP
    >>> model, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32")  # doctest: +SKIP
    >>> scorer = ClipScorer(model, preprocess, open_clip.get_tokenizer("ViT-B-32"))  # doctest: +SKIP
    """

    def __init__(self, model, preprocess, tokenizer, *, device=None, name: str = "clip"):
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.preprocess = preprocess
        self.tokenizer = tokenizer
        self.name = name
        self._text_cache: dict[str, np.ndarray] = {}
        cfg = getattr(model.visual, "preprocess_cfg", {})
        size = cfg.get("size", getattr(model.visual, "image_size", 224))
        self.image_size = tuple(size) if isinstance(size, (tuple, list)) else (int(size), int(size))
        self.mean = tuple(cfg.get("mean", (0.48145466, 0.4578275, 0.40821073)))
        self.std = tuple(cfg.get("std", (0.26862954, 0.26130258, 0.27577711)))

    def encode_text(self, texts) -> np.ndarray:
        """Unit-length embeddings of ``texts``, shape (len(texts), dim); each text is encoded once per scorer.

        Examples
        --------
        >>> scorer.encode_text(["a red fox"]).shape  # doctest: +SKIP
        (1, 512)
        """
        import torch

        texts = list(texts)
        new = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if new:
            with torch.inference_mode():
                tokens = self.tokenizer(new).to(self.device)
                features = self.model.encode_text(tokens, normalize=True).float().cpu().numpy()
            self._text_cache.update(zip(new, features))
        return np.stack([self._text_cache[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)

    def encode_images(self, frames, *, batch_size: int = 32) -> np.ndarray:
        """Unit-length embeddings of uint8 RGB frames (arrays (H, W, 3) or PIL images), in batches.

        Examples
        --------
        >>> scorer.encode_images([frame]).shape  # doctest: +SKIP
        (1, 512)
        """
        import torch
        from PIL import Image

        frames = list(frames)
        out = []
        for start in range(0, len(frames), batch_size):
            batch = [f if isinstance(f, Image.Image) else Image.fromarray(np.asarray(f, np.uint8))
                     for f in frames[start:start + batch_size]]
            pixels = torch.stack([self.preprocess(image) for image in batch]).to(self.device)
            with torch.inference_mode():
                out.append(self.model.encode_image(pixels, normalize=True).float().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)

    def encode_pixels(self, images):
        """Differentiable unit-length embeddings of float images (batch, 3, H, W) in [0, 1].

        The images are resized (shortest side, bicubic), centre-cropped and
        normalised in torch, so gradients flow back to the pixels (CLIP guidance).

        Examples
        --------
        >>> import torch  # doctest: +SKIP
        >>> scorer.encode_pixels(torch.rand(1, 3, 64, 64)).shape  # doctest: +SKIP
        torch.Size([1, 512])
        """
        import torch
        import torch.nn.functional as F

        height, width = images.shape[-2:]
        target_h, target_w = self.image_size
        scale = max(target_h / height, target_w / width)
        size = (max(target_h, round(height * scale)), max(target_w, round(width * scale)))
        images = F.interpolate(images.float(), size=size, mode="bicubic", align_corners=False, antialias=True)
        top, left = (size[0] - target_h) // 2, (size[1] - target_w) // 2
        images = images[..., top:top + target_h, left:left + target_w]
        mean = torch.tensor(self.mean, device=images.device).view(1, 3, 1, 1)
        std = torch.tensor(self.std, device=images.device).view(1, 3, 1, 1)
        return self.model.encode_image(((images - mean) / std).to(self.device), normalize=True)

    def similarity(self, image_embeddings: np.ndarray, prompt_mix) -> np.ndarray:
        """Similarity of each embedded image to ``prompt_mix`` [(text, weight), ...]; see :func:`mix_similarity`.

        Examples
        --------
        >>> scorer.similarity(scorer.encode_images([frame]), [("a red fox", 1.0)])  # doctest: +SKIP
        array([0.31])
        """
        prompt_mix = list(prompt_mix)
        texts = [text for text, _ in prompt_mix]
        return mix_similarity(image_embeddings, self.encode_text(texts), [w for _, w in prompt_mix])

    def adherence(self, frame: np.ndarray, prompt_mix) -> float:
        """How well one uint8 frame follows ``prompt_mix``: the callable for ``render(adherence=scorer.adherence)``.

        Examples
        --------
        >>> render("video.mp4", sched, audio_path="song.mp3", adherence=scorer.adherence)  # doctest: +SKIP
        """
        return float(self.similarity(self.encode_images([frame]), prompt_mix)[0])


def load_clip(name: str = DEFAULT_MODEL, pretrained: str | None = DEFAULT_PRETRAINED, *, device=None,
              checkpoint=None, cache_dir=None) -> ClipScorer:
    """Load an open_clip model by architecture name and pretrained tag, or from a local checkpoint.

    Parameters
    ----------
    name : str
        open_clip architecture, e.g. ``"ViT-B-32"`` (``open_clip.list_models()``), or an
        ``"hf-hub:org/repo"`` / ``"local-dir:/path"`` name.
    pretrained : str or None
        open_clip pretrained tag (``open_clip.list_pretrained_tags_by_model(name)``), downloaded
        once into the hub cache; None: random weights (benchmarks, tests).
    device : str, optional
        None: cuda, then mps, then cpu.
    checkpoint : str or Path, optional
        A local open_clip checkpoint (.pt, .bin, .safetensors) for ``name``; replaces ``pretrained``.
    cache_dir : str or Path, optional
        Where downloaded weights are kept; None: the Hugging Face hub cache.

    Returns
    -------
    ClipScorer

    Raises
    ------
    ModelNotFoundError
        The architecture is unknown, the checkpoint file is missing, or the weights
        cannot be fetched; the message says how to get them.

    Examples
    --------
    >>> scorer = load_clip()  # doctest: +SKIP
    >>> scorer = load_clip("ViT-B-32", checkpoint="weights/open_clip_vit_b32.safetensors")  # doctest: +SKIP
    >>> load_clip(checkpoint="no/such/file.pt")
    Traceback (most recent call last):
    ...
    binarydream.errors.ModelNotFoundError: CLIP checkpoint no/such/file.pt not found; ...
    """
    if checkpoint is not None and not Path(checkpoint).is_file():
        raise ModelNotFoundError(
            f"CLIP checkpoint {checkpoint} not found; pass the path of an open_clip checkpoint for {name} "
            f"(.pt/.bin/.safetensors), or drop checkpoint= to download pretrained={pretrained or DEFAULT_PRETRAINED!r}")
    open_clip = _import_open_clip()
    with_schema = name.startswith(("hf-hub:", "local-dir:"))  # the name brings its own weights
    if not with_schema and name.replace("/", "-") not in open_clip.list_models():
        raise ModelNotFoundError(
            f"unknown CLIP architecture {name!r}; choose one of open_clip.list_models(), e.g. {DEFAULT_MODEL!r}")
    weights = str(checkpoint) if checkpoint is not None else (None if with_schema else pretrained)
    label = f"{name}/{Path(checkpoint).name if checkpoint is not None else pretrained or 'random'}"
    if weights is not None and checkpoint is None:
        _fetch_pretrained(open_clip, name, pretrained, cache_dir)
    device = pick_device(device)
    try:
        model, _, preprocess = open_clip.create_model_and_transforms(
            name, pretrained=weights, device=device, cache_dir=None if cache_dir is None else str(cache_dir))
    except (OSError, RuntimeError, ValueError, AssertionError, EOFError, pickle.UnpicklingError) as error:
        # open_clip asserts on shape mismatches; torch.load fails to unpickle a file that is not a checkpoint
        if checkpoint is None and not with_schema:
            raise
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        what = f"checkpoint {checkpoint} for {name}" if checkpoint is not None else f"CLIP model {name}"
        raise ModelNotFoundError(f"cannot load {what} ({reason}); check that the file or folder is an open_clip "
                                 f"model of that architecture, or use pretrained={DEFAULT_PRETRAINED!r}") from None
    return ClipScorer(model, preprocess, open_clip.get_tokenizer(name), device=device, name=label)


def _fetch_pretrained(open_clip, name: str, tag: str, cache_dir) -> None:
    """Download (or find in the cache) the weights for a pretrained tag, as a one-line error when that fails."""
    config = open_clip.get_pretrained_cfg(name, tag)
    if not config:
        known = ", ".join(open_clip.list_pretrained_tags_by_model(name)) or "none"
        raise ModelNotFoundError(f"no pretrained CLIP weights {tag!r} for {name}; known tags: {known}; "
                                 f"or pass checkpoint=PATH to a local open_clip checkpoint")
    try:
        open_clip.download_pretrained(config, cache_dir=None if cache_dir is None else str(cache_dir))
    except Exception as error:  # hub unreachable, offline mode, or a broken download: all mean "not here"
        source = config.get("hf_hub") or config.get("url") or "the hub"
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelNotFoundError(
            f"CLIP weights {name}/{tag} are not on this machine and could not be fetched from {source} ({reason}); "
            f"run once with network access to cache them, or pass checkpoint=PATH to a downloaded "
            f"open_clip checkpoint") from None
