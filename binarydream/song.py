"""``Song``: one audio file, its frame rate, and the analysis, lyrics and schedule made from it.

A ``Song`` holds state that is worth keeping (the analysis and lyrics, computed
once on first use) and hands plain data to the stage functions: analysis
(:mod:`binarydream.analysis`), lyrics (:mod:`alignment`), direction
(:mod:`binarydream.direction`) and rendering (:mod:`binarydream.render`).

Examples
--------
>>> from binarydream import Song
>>> song = Song("examples/dream_example.ogg", lyrics="examples/dream_example.lrc", fps=24)  # doctest: +SKIP
>>> song.n_frames == round(song.duration * 24)  # doctest: +SKIP
True
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

from . import timebase
from .errors import ParameterError

_TIMED_LYRICS = (".lrc", ".srt")


def default_cache_dir() -> Path:
    """Where analysis results are cached: ``$BINARYDREAM_CACHE``, else ``~/.cache/binarydream``.

    Examples
    --------
    >>> default_cache_dir().name in ("binarydream",) or "BINARYDREAM_CACHE" in __import__("os").environ
    True
    """
    if os.environ.get("BINARYDREAM_CACHE"):
        return Path(os.environ["BINARYDREAM_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "binarydream"


class Song:
    """A song to make a video for.

    Parameters
    ----------
    path : str or Path
        Audio in any format libsndfile or ffmpeg reads (wav, flac, ogg, mp3, m4a, ...).
    lyrics : str, Path, alignment.Lyrics or None
        A ``.lrc`` or ``.srt`` file (timed: used as it is), a path to a text file
        or the lyrics text itself (aligned to the audio on first use), or ready
        :class:`alignment.Lyrics`.
    fps : int or float
        Video frame rate; frame ``i`` shows time ``i / fps``.
    cache_dir : str, Path, None or False
        Where analysis results and aligned lyrics are cached; None for :func:`default_cache_dir`,
        False to switch caching off.
    beats : str
        The beat tracker: ``"auto"`` (the best ready here: Beat This! when its
        checkpoint is on this machine, else madmom when installed, else librosa),
        ``"beat_this"`` (or ``"beat_this:CHECKPOINT"``), ``"madmom"`` or ``"librosa"``;
        see :mod:`binarydream.analysis.trackers`.
    lyrics_model, language, device, lyrics_backend, vocals :
        Passed to :func:`alignment.align` (as ``model``, ``language``, ``device``,
        ``backend``, ``vocals``) when the lyrics are plain text, and to
        :meth:`transcribe`.

    Examples
    --------
    >>> song = Song("examples/dream_example.ogg", fps=30)  # doctest: +SKIP
    >>> song.analysis.tempo  # doctest: +SKIP
    96.0
    """

    def __init__(self, path, lyrics=None, fps: float = 30, *, cache_dir=None, beats: str = "auto",
                 lyrics_model: str | None = None, language: str | None = None, device: str | None = None,
                 lyrics_backend: str = "faster-whisper", vocals: bool = False):
        from .audio import probe_duration

        if isinstance(fps, bool) or not (isinstance(fps, numbers.Real) and 1 <= fps <= 240):
            raise ParameterError(f"fps must be a number between 1 and 240, got {fps!r}")
        self.path = Path(path)
        self.fps = fps
        self.duration = probe_duration(self.path)
        self.cache_dir = None if cache_dir is False else Path(cache_dir) if cache_dir else default_cache_dir()
        self.beats = beats
        self._lyrics_source = lyrics
        self._alignment_options = {"model": lyrics_model, "language": language, "device": device,
                                   "backend": lyrics_backend, "vocals": vocals}
        self._analysis = None
        self._lyrics = None

    def __repr__(self) -> str:
        return f"Song({str(self.path)!r}, fps={self.fps}, duration={self.duration:.2f})"

    @property
    def n_frames(self) -> int:
        """Number of video frames, ``round(duration * fps)``.

        Examples
        --------
        >>> Song("examples/dream_example.ogg", fps=24).n_frames  # doctest: +SKIP
        1073
        """
        return timebase.frame_count(self.duration, self.fps)

    @property
    def analysis(self):
        """Beats, downbeats, tempo, sections and envelopes (:class:`binarydream.analysis.Analysis`), computed once.

        Examples
        --------
        >>> a = Song("examples/dream_example.ogg").analysis  # doctest: +SKIP
        >>> round(a.tempo), a.beats_per_bar, [s.label for s in a.sections]  # doctest: +SKIP
        (100, 4, ['A', 'B', 'A', 'B'])
        """
        if self._analysis is None:
            from .analysis import analyze

            self._analysis = analyze(self.path, fps=self.fps, cache_dir=self.cache_dir, beats=self.beats)
        return self._analysis

    @property
    def lyrics(self):
        """The song's timed lyrics (:class:`alignment.Lyrics`), or None when the song was given none.

        Examples
        --------
        >>> song = Song("examples/dream_example.ogg", lyrics="examples/dream_example.lrc")  # doctest: +SKIP
        >>> song.lyrics.lines[0].text, song.lyrics.lines[0].start  # doctest: +SKIP
        ('I fell asleep inside a song', 2.55)
        """
        if self._lyrics is None and self._lyrics_source is not None:
            self._lyrics = self._read_lyrics(self._lyrics_source)
        return self._lyrics

    def _read_lyrics(self, source):
        import alignment

        if isinstance(source, alignment.Lyrics):
            return source
        if isinstance(source, (str, os.PathLike)) and "\n" not in str(source) \
                and Path(str(source)).suffix.lower() in _TIMED_LYRICS:
            return alignment.load(source)
        # Anything else is lyrics text or a path to it; alignment tells the two apart and says what is wrong.
        from alignment.cache import cached_align

        return cached_align(self.path, source, cache_dir=self.cache_dir, **self._alignment_options)

    def transcribe(self, **options):
        """Transcribe the lyrics from the audio (no lyrics known) and keep them as ``song.lyrics``.

        Examples
        --------
        >>> song.transcribe(model="path/to/whisper-base")  # doctest: +SKIP
        """
        import alignment

        self._lyrics = alignment.transcribe(self.path, **{**self._alignment_options, **options})
        return self._lyrics

    def plan(self, style: str = "", **overrides):
        """Build the schedule: prompt keyframes from the lyrics, camera curves from the music.

        Any curve or planning option may be given by hand (``zoom="0: (1.02)"``,
        ``preset="calm"``); see :func:`binarydream.direction.plan`.

        Examples
        --------
        >>> sched = song.plan(style="sad and tired cyberpunk", zoom="0: (1.02)")  # doctest: +SKIP
        """
        from .direction import plan

        return plan(self.analysis, self.lyrics, style=style, **overrides)

    def plot(self, path, schedule=None, *, overwrite: bool = False):
        """Draw the timeline (waveform, beats, sections, lyrics, envelopes, curves) to a PNG.

        Examples
        --------
        >>> song.plot("timeline.png", schedule=sched)  # doctest: +SKIP
        """
        from .direction import plot_timeline

        return plot_timeline(path, self.analysis, audio_path=self.path, lyrics=self.lyrics,
                             schedule=self._bound(schedule), overwrite=overwrite)

    def preview(self, out, schedule=None, **options):
        """Write a quick animatic (no diffusion model, CPU, seconds) with the song's audio.

        Examples
        --------
        >>> song.preview("preview.mp4", schedule=sched)  # doctest: +SKIP
        """
        from .render import preview

        return preview(out, self._bound(schedule), audio_path=self.path, analysis=self.analysis,
                       lyrics=self.lyrics, **options)

    def render(self, out, schedule=None, model: object = "stabilityai/sd-turbo", **options):
        """Render the dream video with a diffusion model, the song's audio muxed in sync.

        Options (``width``, ``height``, ``steps``, ``cadence``, ``resume``,
        ``device``, ``seed``, ``seed_mode``, ...) are those of :func:`binarydream.render.render`;
        render settings the schedule carries (a Deforum project's cadence, seed, ...) apply unless
        given here; settings left out come from the model's profile (:mod:`binarydream.render.profiles`).

        Examples
        --------
        >>> song.render("video.mp4", schedule=sched, model="stabilityai/sd-turbo", steps=2)  # doctest: +SKIP
        >>> song.render("video.mp4", ray="auto")  # every GPU of the Ray cluster  # doctest: +SKIP
        """
        from .render import render

        out, schedule, settings = self.render_request(out, schedule, model, **options)
        return render(out, schedule, **settings)

    def render_request(self, out, schedule=None, model: object = "stabilityai/sd-turbo", **options) -> tuple:
        """``(out, schedule, settings)`` of this song's render, as :func:`binarydream.render.render_all` takes them.

        The schedule is bound to the song; the settings carry its audio, beats and downbeats.

        Examples
        --------
        >>> render_all([a.render_request("a.mp4"), b.render_request("b.mp4")], ray="auto")  # doctest: +SKIP
        """
        schedule = self._bound(schedule)
        return out, schedule, {"audio_path": self.path, "model": model, "beats": self.analysis.beats,
                               "downbeats": self.analysis.downbeats, **schedule.render_options, **options}

    def _bound(self, schedule):
        """``schedule`` (planned now when None) with this song's signals bound for the curves that read them."""
        if schedule is None:
            return self.plan()
        return schedule if schedule.bound else schedule.bind(self.analysis, self.lyrics)
