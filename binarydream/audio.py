"""Reading audio: duration probing and decoding to a mono float32 signal at a chosen rate.

libsndfile (through soundfile) reads wav, flac, ogg and mp3 without any external
program, block by block: each block is mixed to mono and resampled (soxr's
streaming resampler) as it comes, so a 20-minute song never sits in memory at
its native rate and channel count. Anything else (m4a, aac, opus in mp4, ...)
is decoded by the ffmpeg binary that imageio-ffmpeg ships, through a pipe.
A truncated file decodes only what is there; :func:`binarydream.analysis.analyze`
compares that with the header's duration.

Examples
--------
>>> import numpy as np, soundfile as sf, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "tone.wav")
>>> sf.write(path, np.zeros(44100 * 3, np.float32), 44100)
>>> round(probe_duration(path), 3)
3.0
>>> y, sr = load_audio(path, sr=22050)
>>> y.shape, y.dtype, sr
((66150,), dtype('float32'), 22050)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

from .errors import AudioError

_BLOCK_FRAMES = 1 << 18


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise AudioError(f"audio file not found: {path} (check the path)")
    if not path.is_file():
        raise AudioError(f"not a file: {path} (give the path of an audio file)")
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise AudioError(f"cannot read {path}: {error.strerror or error} (check that you may read it)") from None


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg_duration(path: Path) -> float:
    result = subprocess.run([_ffmpeg(), "-hide_banner", "-nostdin", "-i", str(path)],
                            capture_output=True, text=True, errors="replace")
    match = re.search(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)", result.stderr)
    if match is None or "Audio:" not in result.stderr:
        raise AudioError(f"not an audio file ffmpeg or libsndfile can read: {path} "
                         "(convert it to wav, flac, ogg, mp3 or m4a)")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def probe_duration(path) -> float:
    """Duration of an audio file in seconds, read from its header where it has one.

    Raises :class:`~binarydream.errors.AudioError` for a missing file or a
    file that is not audio. A short song is no error: the analysis of one
    too short for a beat has none, and says so.

    Examples
    --------
    >>> probe_duration("no/such/file.wav")
    Traceback (most recent call last):
    ...
    binarydream.errors.AudioError: audio file not found: no/such/file.wav (check the path)
    """
    import soundfile as sf

    path = Path(path)
    _check_exists(path)
    try:
        info = sf.info(str(path))
        duration = info.frames / info.samplerate if info.frames > 0 else _ffmpeg_duration(path)
    except (RuntimeError, sf.LibsndfileError):
        duration = _ffmpeg_duration(path)
    return float(duration)


def _decode_soundfile(path: Path, sr: int) -> np.ndarray:
    """Decode block by block, mixing to mono and resampling each block as it comes, into one preallocated array."""
    import soundfile as sf
    import soxr

    with sf.SoundFile(str(path)) as f:
        resampler = None if f.samplerate == sr else soxr.ResampleStream(f.samplerate, sr, 1, dtype="float32")
        y = np.empty(int(np.ceil(max(f.frames, 0) * sr / f.samplerate)) + 1024, dtype=np.float32)
        filled = 0
        while True:
            # read() stops where the data ends, even when the header (a truncated mp3's) promises more
            block = f.read(_BLOCK_FRAMES, dtype="float32", always_2d=True)
            last = len(block) < _BLOCK_FRAMES
            mono = block.mean(axis=1, dtype=np.float32)
            if resampler is not None:
                mono = resampler.resample_chunk(mono, last=last)
            if filled + len(mono) > len(y):
                y = np.concatenate([y[:filled], np.empty(max(len(mono), len(y) // 4), np.float32)])
            y[filled:filled + len(mono)] = mono
            filled += len(mono)
            if last:
                break
    if filled == 0:
        raise AudioError(f"{path} holds no audio samples (the file is empty or truncated; export it again)")
    return y[:filled].copy() if filled < 0.9 * len(y) else y[:filled]


def _decode_ffmpeg(path: Path, sr: int) -> np.ndarray:
    command = [_ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
               "-vn", "-ac", "1", "-ar", str(sr), "-f", "f32le", "pipe:1"]
    result = subprocess.run(command, capture_output=True)
    samples = np.frombuffer(result.stdout, dtype="<f4")
    if result.returncode != 0 and samples.size == 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        detail = message[-1] if message else "unknown error"
        raise AudioError(f"cannot decode {path}: {detail} (convert it to wav, flac, ogg, mp3 or m4a)")
    return samples.astype(np.float32)


def load_audio(path, sr: int = 22050, *, mono: bool = True) -> tuple[np.ndarray, int]:
    """Decode an audio file to a mono float32 signal at ``sr`` Hz.

    Parameters
    ----------
    path : str or Path
        The audio file.
    sr : int
        Sample rate of the returned signal.
    mono : bool
        Only ``True`` is supported: every stage of binarydream reads a mono mix.

    Returns
    -------
    y : np.ndarray, float32, shape (n_samples,)
    sr : int

    Examples
    --------
    >>> y, sr = load_audio("examples/dream_example.ogg", sr=16000)  # doctest: +SKIP
    """
    import soundfile as sf

    if not mono:
        raise ValueError("load_audio returns a mono mix; pass mono=True")
    path = Path(path)
    _check_exists(path)
    try:
        return _decode_soundfile(path, sr), sr
    except (RuntimeError, sf.LibsndfileError):
        return _decode_ffmpeg(path, sr), sr


def load_audio_channels(path, sr: int | None = None, channels: int | None = None) -> tuple[np.ndarray, int]:
    """Decode an audio file keeping its channels: float32 of shape (channels, n_samples), for source separation.

    Parameters
    ----------
    path : str or Path
        The audio file.
    sr : int or None
        Sample rate of the result; None keeps the file's.
    channels : int or None
        Channels of the result: a mono file is repeated, a file with more is
        mixed down to mono first and repeated; None keeps the file's.

    Returns
    -------
    y : np.ndarray, float32, shape (channels, n_samples)
    sr : int

    Examples
    --------
    >>> import soundfile as sf, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "tone.wav")
    >>> sf.write(path, np.zeros(4410, np.float32), 44100)
    >>> y, sr = load_audio_channels(path, sr=22050, channels=2)
    >>> y.shape, y.dtype, sr
    ((2, 2205), dtype('float32'), 22050)
    """
    import soundfile as sf
    import soxr

    path = Path(path)
    _check_exists(path)
    try:
        info = sf.info(str(path))
        rate, have = info.samplerate, info.channels
        y = sf.read(str(path), dtype="float32", always_2d=True)[0].T
    except (RuntimeError, sf.LibsndfileError):
        rate, have = sr or 44100, channels or 2
        result = subprocess.run([_ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-vn",
                                 "-ac", str(have), "-ar", str(rate), "-f", "f32le", "pipe:1"], capture_output=True)
        y = np.frombuffer(result.stdout, dtype="<f4").reshape(-1, have).T
        if y.size == 0:
            raise AudioError(f"cannot decode {path} (convert it to wav, flac, ogg, mp3 or m4a)")
    if channels is not None and have != channels:
        y = np.repeat(y.mean(axis=0, keepdims=True), channels, axis=0)
    if sr is not None and rate != sr:
        y = soxr.resample(np.ascontiguousarray(y.T), rate, sr).T
        rate = sr
    if y.shape[1] == 0:
        raise AudioError(f"{path} holds no audio samples (the file is empty or truncated; export it again)")
    return np.ascontiguousarray(y, dtype=np.float32), rate
