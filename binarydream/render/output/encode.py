"""Frames out: an H.264 encoder fed through a pipe, with the song's audio muxed in sync.

The ffmpeg binary that imageio-ffmpeg ships reads raw RGB frames on its stdin
as they are made, so memory stays flat however long the song; the audio is cut
or padded with silence to exactly the video's length (``n_frames / fps``).
The video appears at its path only when complete (written to a temporary file,
then renamed); through a symbolic link, at the link's target. A temporary file
left by a run killed with ``kill -9`` is removed by the next run into that path.

Examples
--------
>>> import numpy as np, tempfile, os
>>> out = os.path.join(tempfile.mkdtemp(), "grey.mp4")
>>> with VideoEncoder(out, 64, 48, fps=10, n_frames=5) as video:
...     for _ in range(5):
...         video.write(np.full((48, 64, 3), 128, np.uint8))
>>> os.path.getsize(out) > 0
True
"""

from __future__ import annotations

import glob
import os
import secrets
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

from ...checks import video_format
from ...errors import RenderError
from ...files import output_target


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by imageio-ffmpeg.

    Examples
    --------
    >>> "ffmpeg" in ffmpeg_exe()
    True
    """
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError), or a system without signals: keep its file
        return True
    return True


def remove_stale_partials(path) -> list[Path]:
    """Remove the temporary files that runs killed before finishing left beside video ``path``.

    Only this module's own names for ``path`` (``.NAME.PID-XXXXXXXX.partial.SUFFIX``), and only those whose
    process is gone: a run still writing keeps its file. Returns the files removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / ".video.999999999-0a1b2c3d.partial.mp4").write_bytes(b"half a video")
    >>> [p.name for p in remove_stale_partials(folder / "video.mp4")]
    ['.video.999999999-0a1b2c3d.partial.mp4']
    """
    path = Path(path)
    removed = []
    for partial in path.parent.glob(f".{glob.escape(path.stem)}.*-*.partial{glob.escape(path.suffix)}"):
        pid, _, token = partial.name[len(path.stem) + 2:-len(f".partial{path.suffix}")].partition("-")
        if not (pid.isdigit() and len(token) == 8 and all(c in "0123456789abcdef" for c in token)):
            continue
        if int(pid) != os.getpid() and not _alive(int(pid)) and partial.is_file() and not partial.is_symlink():
            partial.unlink(missing_ok=True)
            removed.append(partial)
    return removed


class FinishesOrAborts:
    """A writer for a ``with`` block: ``close()`` when the block ends normally, ``abort()`` when it raises."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


class VideoEncoder(FinishesOrAborts):
    """An mp4 being written: feed uint8 RGB frames with :meth:`write`, finish with :meth:`close`.

    Parameters
    ----------
    path : str or Path
        The finished video (.mp4, .m4v, .mov or .mkv: the container follows the suffix); replaced atomically
        when :meth:`close` succeeds.
    width, height : int
        Frame size; both even (H.264 in yuv420p).
    fps : float
        Frame rate.
    n_frames : int
        How many frames will come: the video (and the audio cut to it) lasts ``n_frames / fps`` seconds.
    audio_path : str or Path, optional
        The song: its first audio stream is muxed, trimmed or padded to the video's length.
    crf : int
        H.264 quality (lower is better; 17 to 18 look lossless).
    preset : str
        x264 speed preset ("ultrafast" ... "veryslow").
    audio_start : float
        Seconds into the song where the muxed audio begins (a video of part of the song).

    Examples
    --------
    >>> VideoEncoder("x.mp4", 63, 48, fps=10, n_frames=1)
    Traceback (most recent call last):
    ...
    binarydream.errors.RenderError: width and height must be even for H.264, got 63x48 (use multiples of 8)
    """

    def __init__(self, path, width: int, height: int, *, fps: float, n_frames: int, audio_path=None, crf: int = 17,
                 preset: str = "veryfast", audio_start: float = 0.0):
        if width % 2 or height % 2:
            raise RenderError(f"width and height must be even for H.264, got {width}x{height} (use multiples of 8)")
        self.path = output_target(path)
        self.shape = (height, width, 3)
        self.n_written = 0
        container = video_format(self.path)
        # A name of this run's own: two runs into one folder never write into each other's file.
        self._partial = self.path.with_name(f".{self.path.stem}.{os.getpid()}-{secrets.token_hex(4)}.partial"
                                            f"{self.path.suffix}")
        self._log = None
        rate = str(Fraction(fps).limit_denominator(1001))
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", rate,
                   "-i", "pipe:0"]
        if audio_path is not None:
            # -ss before -i: the audio from audio_start seconds (a preview of part of the song).
            command += (["-ss", repr(float(audio_start))] if audio_start else []) + ["-i", str(audio_path), "-map", "0:v:0", "-map", "1:a:0",
                        "-c:a", "aac", "-b:a", "192k", "-af", "apad"]
        command += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
                    "-t", repr(n_frames / fps), "-movflags", "+faststart", "-f", container, str(self._partial)]
        self._command = command
        self._process = None

    def _start(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(self.path)
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(self._command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=self._log)

    def write(self, frame: np.ndarray) -> None:
        """Append one uint8 RGB frame of the encoder's size."""
        if frame.shape != self.shape or frame.dtype != np.uint8:
            raise RenderError(f"frame must be uint8 of shape {self.shape}, got {frame.dtype} {frame.shape}")
        if self._process is None:
            self._start()
        try:
            self._process.stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            raise RenderError(f"the video encoder stopped: {self._error()}") from None
        self.n_written += 1

    def _error(self) -> str:
        self._process.wait()
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"ffmpeg exited with status {self._process.returncode}"

    def close(self) -> Path:
        """Finish the file and move it to its path.

        Returns
        -------
        Path
        """
        if self._process is None:
            raise RenderError("no frames were written; nothing to encode")
        self._process.stdin.close()
        try:
            if self._process.wait() != 0:
                message = self._error()
                self._partial.unlink(missing_ok=True)
                raise RenderError(f"the video encoder failed: {message}")
        finally:
            self._log.close()
        os.replace(self._partial, self.path)
        return self.path

    def abort(self) -> None:
        """Stop without writing the video."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._partial.unlink(missing_ok=True)
        if self._log is not None:
            self._log.close()
