"""The painter a render uses, ready: a diffusers model loaded, profiled, sped up and fingerprinted, or a callable.

:func:`load_painter` is the one place where a model becomes a painter, for a
render in one process and for each segment of one on Ray.

Examples
--------
>>> from binarydream.render.options import RenderOptions, SpeedOptions
>>> painter, options, record, line = load_painter(lambda image, **kw: image, RenderOptions(), SpeedOptions(),
...                                               device=None, step_callback=None)
>>> record["dtype"], line
('painter', None)
"""

from __future__ import annotations

import dataclasses
import os

from .model.models import load_pipeline, speed_up, use_scheduler
from .model.profiles import detect_profile
from .model.weights import model_name, weights_fingerprint
from .options import RenderOptions, SpeedOptions, resolve


def load_painter(model, options: RenderOptions, speed: SpeedOptions, *, device, step_callback):
    """The painter, the resolved options, the model's manifest settings and the profile line for ``model``.

    The line is the profile with the user's steps, guidance and scheduler where given: the values in force.
    """
    if callable(model) and not hasattr(model, "components"):
        return model, resolve(options, None), {"model": model_name(model), "weights": weights_fingerprint(model),
                                               "dtype": "painter", "speed": {}}, None
    from .model.painter import DiffusersPainter

    pipe = load_pipeline(model, device=device, dtype=speed.dtype, family=options.profile)
    profile = detect_profile(pipe, options.profile)
    options = resolve(options, profile)
    use_scheduler(pipe, options.scheduler)
    tiny = profile.tiny_vae if speed.tiny_autoencoder is True else speed.tiny_autoencoder
    # The weights by what they are, not by name, so that a resume with others (a folder updated in place, another
    # hub revision, another pipeline object) is refused. A pipeline object is taken as loaded (cast to the dtype)
    # and before the tiny autoencoder replaces its own, which is then left out: it paints nothing, and an object
    # used again still holds the tiny one from the run before.
    weights = weights_fingerprint(model if isinstance(model, (str, os.PathLike)) else pipe,
                                  skip=("vae",) if tiny is not None else ())
    speed_up(pipe, sdpa=speed.sdpa, channels_last=speed.channels_last, tiny_autoencoder=tiny, compile=speed.compile)
    if tiny is not None:  # an object as cast to the pipeline's dtype, as it paints
        weights = f"{weights}; tiny autoencoder " + str(weights_fingerprint(
            tiny if isinstance(tiny, (str, os.PathLike)) else pipe.vae))
    pipe.set_progress_bar_config(disable=True)
    painter = DiffusersPainter(pipe, *options.render_size, guidance_scale=options.guidance_scale,
                               step_callback=step_callback)
    # Speed options change the bits on some devices, so a resume must use the same ones.
    record = {"model": model_name(model), "weights": weights, "dtype": str(pipe.dtype),
              "speed": {"sdpa": speed.sdpa, "channels_last": speed.channels_last, "compile": speed.compile,
                        "tiny_autoencoder": None if tiny is None else model_name(tiny)}}
    in_force = dataclasses.replace(profile, steps=options.steps, guidance_scale=options.guidance_scale,
                                   scheduler=options.scheduler)
    return painter, options, record, f"{in_force.line()}; painting at {options.render_width}x{options.render_height}"
