"""The Ray tests' render, and a driver that makes it as a process of its own (the test that kills the driver).

Run: ``python tests/ray_driver.py ADDRESS OUT SONG GATE``: joins the running Ray
cluster at ``ADDRESS`` (its GCS address) and renders the tests' schedule to
``OUT`` with a painter that has no model. The segment holding frame
``HELD_FRAME`` stops before painting it until the file ``GATE`` exists, and
says so by creating ``GATE.waiting``: a test can kill the driver while that
segment is part way and the other one is kept, then run it again.
"""

import sys
import time
from pathlib import Path

import numpy as np

from binarydream.render.options import RenderOptions
from binarydream.schedule import Schedule

FPS = 10
DOWNBEATS = np.arange(0, 4, 0.5)  # a bar every half second: segments of at least 2 s
OPTIONS = RenderOptions(width=64, height=64, steps=2, seed_mode="frame", cadence=2)
HELD_FRAME = 32


def four_second_schedule():
    return Schedule(40, fps=FPS, prompts={0: "a city at night", 25: "a quiet forest"}, blend_frames=4,
                    curves={"zoom": "0: (1.04)", "angle": "0: (2)", "strength": 0.6},
                    sections=[(0, "intro"), (21, "verse")])


def held_seed() -> int:
    from binarydream.render.loop import frame_seeds

    return int(frame_seeds(four_second_schedule(), OPTIONS.seed, OPTIONS.seed_mode)[HELD_FRAME])


class GatedPainter:
    """``painter``, waiting before the frame of ``seed`` until the file ``gate`` exists."""

    def __init__(self, painter, seed: int, gate):
        self.painter, self.seed, self.gate = painter, seed, Path(gate)

    def __call__(self, image, **options):
        if options["seed"] == self.seed:
            self.gate.with_suffix(".waiting").touch()
            while not self.gate.exists():
                time.sleep(0.05)
        return self.painter(image, **options)


def main(address: str, out: str, song: str, gate: str) -> None:
    import ray

    import render_support
    from binarydream.render.scale.distributed import render_on_ray

    ray.cloudpickle.register_pickle_by_value(render_support)  # the workers cannot import the tests' modules
    ray.init(address=address, log_to_driver=False)
    render_on_ray(out, four_second_schedule(), audio_path=song, model=GatedPainter(render_support.NoisePainter(),
                  held_seed(), gate), options=OPTIONS, downbeats=DOWNBEATS, resource="painter", progress=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
