"""Test helpers: songs, video probes and painters; the tiny random-weight pipelines live in binarydream.tiny."""

from __future__ import annotations

from binarydream.tiny import tiny_pipeline  # noqa: F401 (the tests import it from here)


def write_song(path, seconds: float, sr: int = 22050):
    """A test song: a quiet chord with a click every half second, as a WAV file."""
    import numpy as np
    import soundfile as sf

    t = np.arange(int(round(seconds * sr))) / sr
    y = 0.1 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 330 * t))
    y[(np.arange(t.size) % (sr // 2)) < 200] += 0.5
    sf.write(str(path), y.astype(np.float32), sr)
    return path


def stream_durations(path) -> dict:
    """Seconds of each stream of a video, as ffprobe reports them (read with PyAV), and the video's frame count."""
    import av

    with av.open(str(path)) as container:
        durations = {stream.type: float(stream.duration * stream.time_base) for stream in container.streams}
        durations["frames"] = sum(1 for _ in container.decode(video=0))
    return durations


def video_frames(path):
    """Every frame of a video as uint8 RGB arrays."""
    import av

    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


class NoisePainter:
    """A painter with no model: a seeded noise picture, flat grey for the seeds in ``collapse_seeds``.

    With ``crash_seed``, painting that seed raises KeyboardInterrupt (a render stopped part way).
    """

    def __init__(self, collapse_seeds=(), delay: float = 0.0, crash_seed=None):
        self.collapse_seeds, self.delay, self.calls = set(collapse_seeds), delay, []
        self.crash_seed = crash_seed

    def __call__(self, image, *, prompts, negative_prompts, strength, noise, steps, seed):
        import time

        import numpy as np

        if seed == self.crash_seed:
            raise KeyboardInterrupt
        self.calls.append(seed)
        time.sleep(self.delay)
        shape = (64, 64, 3) if image is None else image.shape
        if seed in self.collapse_seeds:
            return np.full(shape, 128, np.uint8)
        fresh = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
        if image is None:
            return fresh
        return np.rint((1 - strength) * image + strength * fresh).astype(np.uint8)


class SlowPainter:
    """Wraps a painter, sleeping before each frame (so a test can kill a render part way)."""

    def __init__(self, painter, delay: float = 0.0):
        self.painter, self.delay = painter, delay

    def __call__(self, image, **options):
        import time

        time.sleep(self.delay)
        return self.painter(image, **options)
