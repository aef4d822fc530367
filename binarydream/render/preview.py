"""The preview: an animatic with no diffusion model, to check speed, rotation and timing in seconds.

A picture (procedural, or the user's) is carried from frame to frame by the
very camera warp the render uses (:mod:`binarydream.render.frame.warp`), and
refreshed a little each frame as img2img would repaint it. The preview's
camera is always the 2D one (``zoom``, ``angle``, ``translation_x``/``_y``):
a flat picture has no depth, so a render's 3D moves (``depth=``,
:mod:`binarydream.render.frame.warp3d`) are not shown. On top: the lyric
line as a caption, a flash on each beat, and a bar coloured by section with
its label. The song's audio is muxed as in the render.

Examples
--------
>>> procedural_picture(64, 48).shape
(48, 64, 3)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import timebase
from ..errors import ParameterError
from .frame.warp import schedule_matrices, warp
from .output.encode import VideoEncoder
from .output.images import read_image
from .output.lock import locks_output
from .request import check_output, check_song

SECTION_COLOURS = ((230, 90, 70), (70, 150, 230), (240, 190, 60), (120, 200, 110), (190, 110, 220),
                   (60, 200, 200), (240, 130, 180), (150, 150, 150))
"""Section colours, given in order of each label's first appearance."""


def procedural_picture(width: int, height: int) -> np.ndarray:
    """A picture whose motion is easy to read: a grid, rings round the centre and a colour sweep.

    Examples
    --------
    >>> picture = procedural_picture(32, 32); picture.dtype, int(picture.std() > 20)
    (dtype('uint8'), 1)
    """
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cell = max(8, width // 16)
    grid = ((x % cell < 2) | (y % cell < 2)).astype(np.float32)
    radius = np.hypot(x - width / 2, y - height / 2)
    rings = 0.5 + 0.5 * np.cos(radius / cell * np.pi)
    checker = ((x // cell + y // cell) % 2).astype(np.float32)
    red = 0.35 + 0.45 * x / max(width - 1, 1)
    blue = 0.35 + 0.45 * y / max(height - 1, 1)
    picture = np.stack([red, 0.25 + 0.35 * rings, blue], axis=-1) * (0.75 + 0.25 * checker[..., None])
    picture = np.maximum(picture, grid[..., None] * 0.95)
    return np.rint(picture * 255).astype(np.uint8)


def _section_frames(schedule, analysis, fps) -> list[tuple[int, str]]:
    if analysis is not None:
        return [(timebase.frame_at(s.start, fps), s.label) for s in analysis.sections]
    return [(int(frame), str(label)) for frame, label in (schedule.sections or [])]


def _beat_frames(schedule, analysis, fps) -> np.ndarray:
    beats = analysis.beats if analysis is not None else getattr(schedule, "beats", None)
    if beats is None or len(beats) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(timebase.frame_at(np.asarray(beats, dtype=np.float64), fps))


def _per_frame_section(n: int, sections) -> list[tuple[str, tuple]]:
    colours, labels = {}, [("", SECTION_COLOURS[-1])] * n
    for k, (start, label) in enumerate(sections):
        stop = sections[k + 1][0] if k + 1 < len(sections) else n
        colour = colours.setdefault(label, SECTION_COLOURS[len(colours) % len(SECTION_COLOURS)])
        labels[max(start, 0):max(stop, 0)] = [(label, colour)] * (min(stop, n) - max(start, 0))
    return labels[:n]


def caption_font(height: int):
    """The captions' font for a frame ``height`` pixels high: DejaVu Sans, which matplotlib ships.

    Its glyphs cover Latin with every accent, Greek and Cyrillic; Pillow's own
    default font draws "é" as a box.

    Examples
    --------
    >>> caption_font(270).getname()
    ('DejaVu Sans', 'Book')
    """
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=True)
    return ImageFont.truetype(path, size=max(10, height // 18))


def caption_lines(text: str, font, width: int) -> list[str]:
    """``text`` cut at spaces into lines that fit ``width`` pixels with a small margin (a longer word stays whole).

    Examples
    --------
    >>> caption_lines("a line that is much too long for a narrow frame", caption_font(270), 120)
    ['a line that is', 'much too long', 'for a narrow', 'frame']
    """
    lines = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width - 8:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _overlay(frame: np.ndarray, caption: str, section: str, colour, font, bar: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, image.width, bar], fill=tuple(colour))
    if section:
        draw.text((4, 0), section, fill=(0, 0, 0), font=font)
    bottom = image.height - 6
    for line in reversed(caption_lines(caption, font, image.width)):
        draw.text((image.width / 2, bottom), line, fill=(255, 255, 255), font=font, anchor="md",
                  stroke_width=2, stroke_fill=(0, 0, 0))
        bottom -= round(font.size * 1.2)
    return np.asarray(image)


def _frame_range(start, end, n: int, fps: float) -> tuple[int, int]:
    """First and one-past-last frame of ``[start, end]`` seconds (end None: the song's end)."""
    first = int(timebase.frame_at(start, fps))
    stop = n if end is None else min(int(timebase.frame_at(end, fps)), n)
    if not 0 <= first < stop:
        raise ParameterError(f"the preview range {start:g}-{end if end is not None else n / fps:g} s holds no frame "
                             f"of the song (0-{n / fps:.2f} s)")
    return first, stop


@locks_output
def preview(out, schedule, *, audio_path, analysis=None, lyrics=None, width: int = 480, height: int = 270,
            image=None, overwrite: bool = False, render_width: int = 1280, refresh: float = 0.12,
            border: str = "replicate", start: float = 0.0, end: float | None = None) -> Path:
    """Write an animatic of ``schedule`` with the song's audio: no model, a CPU, faster than real time.

    Parameters
    ----------
    out : str or Path
        The video (.mp4); an existing one is only replaced with ``overwrite=True``.
    schedule : Schedule
        Its camera curves move the picture, exactly as in the render.
    audio_path : str or Path
        The song.
    analysis : Analysis, optional
        Beats to flash and sections to colour (else the schedule's ``beats`` and ``sections``).
    lyrics : alignment.Lyrics, optional
        The line sung at each frame is shown as a caption.
    width, height : int
        Preview size (even numbers).
    image : str, Path, PIL.Image or np.ndarray, optional
        The picture to move; default: a procedural grid that shows motion clearly.
    render_width : int
        Width of the render being previewed: translations (pixels at that width) are scaled to this one.
    refresh : float
        Share of the picture mixed back each frame (as img2img would repaint), 0 to 1.
    border : str
        Warp border mode, as in the render.
    start, end : float
        Seconds of the song to preview (default: all of it); the picture starts fresh at ``start``
        and the song's audio of that range is muxed in.

    Returns
    -------
    Path

    Examples
    --------
    >>> preview("preview.mp4", sched, audio_path="song.mp3", lyrics=song.lyrics)  # doctest: +SKIP
    PosixPath('preview.mp4')
    """
    import cv2

    if min(width, height) < 16:
        raise ParameterError(f"preview width and height must be at least 16 pixels, got {width}x{height}")
    width, height = width - width % 2, height - height % 2
    check_output(out, width - width % 8 or 8, height - height % 8 or 8, overwrite=overwrite)
    check_song(schedule, audio_path)
    n, fps = schedule.n_frames, schedule.fps
    first, stop = _frame_range(start, end, n, fps)
    picture = procedural_picture(width, height) if image is None else read_image(image, width, height)
    matrices = schedule_matrices(schedule, width, height, pixel_scale=width / render_width)
    sections = _per_frame_section(n, _section_frames(schedule, analysis, fps))
    tinted = {colour: cv2.addWeighted(picture, 0.75, np.full_like(picture, colour), 0.25, 0.0)
              for _, colour in set(sections)}
    beat_frames = _beat_frames(schedule, analysis, fps)
    times = timebase.frame_times(n, fps)
    font = caption_font(height)
    bar = max(4, height // 18)

    frame = picture
    with VideoEncoder(out, width, height, fps=fps, n_frames=stop - first, audio_path=audio_path, crf=23,
                      preset="veryfast", audio_start=first / fps) as video:
        for i in range(first, stop):
            label, colour = sections[i]
            if i > first:
                frame = cv2.addWeighted(warp(frame, matrices[i], border=border), 1.0 - refresh,
                                        tinted[colour], refresh, 0.0)
            shown = frame
            since = i - beat_frames[np.searchsorted(beat_frames, i, side="right") - 1] if len(beat_frames) else -1
            if 0 <= since < 3 and beat_frames[0] <= i:
                shown = cv2.addWeighted(frame, 1.0 - 0.3 * (3 - since) / 3, np.full_like(frame, 255),
                                        0.3 * (3 - since) / 3, 0.0)
            line = lyrics.line_at(float(times[i])) if lyrics is not None else None
            video.write(_overlay(shown, line.text if line is not None else "", label, colour, font, bar))
    return Path(out)
