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
from .stages import stage

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
        :meth:`transcribe`. ``vocals=None`` (the default) hears the vocal stem
        when the song has stems and the mix otherwise; ``device`` also runs Demucs.
    stems : bool, str, Path or Demucs model
        Separate drums, bass, vocals and other (:mod:`binarydream.analysis.separation`):
        True for Demucs ``htdemucs`` (``pip install 'binarydream[stems]'``), or a
        Demucs model name, ``.th`` file or model object. Once per song, cached
        beside the analysis. The curves may then read ``stem("drums")``,
        ``kick``, ``snare`` and ``hats``, the planner follows them, and the
        vocal stem serves the lyrics.
    separator : callable or None
        Stems from your own separator instead of Demucs: ``separator(y, sr)``
        with ``y`` float32 of shape (channels, samples), returning a dict of
        ``"drums"``, ``"bass"``, ``"vocals"``, ``"other"`` to arrays of the same
        samples (mono or with the same channels).
    overrides : "auto", str, Path, Overrides or None
        Fixes to the analysis (moved downbeats, renamed sections; the studio writes them):
        ``"auto"`` reads ``<stem>.overrides.json`` beside the song when it is there; a path
        reads that file; None uses none. See :mod:`binarydream.analysis.overrides`.

    Examples
    --------
    >>> song = Song("examples/dream_example.ogg", fps=30)  # doctest: +SKIP
    >>> song.analysis.tempo  # doctest: +SKIP
    96.0
    """

    def __init__(self, path, lyrics=None, fps: float = 30, *, cache_dir=None, beats: str = "auto",
                 lyrics_model: str | None = None, language: str | None = None, device: str | None = None,
                 lyrics_backend: str = "faster-whisper", vocals: bool | None = None, stems=False, separator=None,
                 overrides="auto"):
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
        if separator is not None and not callable(separator):
            raise ParameterError(f"separator must be a function fn(y, sr) returning the stems, got "
                                 f"{type(separator).__name__}")
        if stems is None or stems is False:
            stems = bool(separator)
        self._stems_model, self._separator = stems, separator
        self._stems = None
        self._analysis = None   # what the song uses: the audio's analysis, labelled by the lyrics, with the overrides
        self._as_heard = None   # the audio's analysis alone (what the cache holds), with the stems' signals
        self._lyrics = None
        self._overrides = overrides

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

        The audio's analysis is what is cached; where the song has stems, the
        vocal stem says which sections are sung (:func:`binarydream.analysis.voice.sung_from_stems`);
        where it has lyrics, its sections are then labelled by them
        (:func:`binarydream.analysis.lyric_form.with_lyrics`: chorus where lines
        recur as a run, verse, bridge, intro, outro), which reads the lyrics (and
        aligns them, when they are plain text).

        Examples
        --------
        >>> a = Song("examples/dream_example.ogg", lyrics="examples/dream_example.lrc").analysis  # doctest: +SKIP
        >>> round(a.tempo), a.beats_per_bar, [s.label for s in a.sections]  # doctest: +SKIP
        (100, 4, ['verse 1', 'chorus', 'verse 2', 'chorus'])
        """
        if self._analysis is None:
            from .analysis import analyze
            from .analysis.lyric_form import with_lyrics
            from .analysis.overrides import apply_overrides, find_overrides

            if self._as_heard is None:  # kept, so that other lyrics or overrides need no new analysis
                with stage("analysis: beats, sections"):
                    analysis = analyze(self.path, fps=self.fps, cache_dir=self.cache_dir, beats=self.beats)
                if self._stems_model is not False:
                    from dataclasses import replace

                    from .analysis.form import form_from_audio
                    from .analysis.separation import STEM_SR
                    from .analysis.stems import stem_signals
                    from .analysis.voice import sung_from_stems

                    # the vocal stem says where the singing is more surely than a voice detector on the mix
                    sung = sung_from_stems(self.stems, STEM_SR, analysis.sections)
                    analysis = replace(analysis, sections=form_from_audio(analysis.sections, sung=sung),
                                       stems=stem_signals(self.stems, STEM_SR, fps=self.fps,
                                                          n_frames=analysis.n_frames))
                self._as_heard = analysis
            # A section renamed by hand wins over the function the lyrics gave it.
            self._analysis = apply_overrides(with_lyrics(self._as_heard, self.lyrics),
                                             find_overrides(self.path, self._overrides))
        return self._analysis

    @property
    def overrides(self):
        """The fixes to the analysis in use: ``"auto"``, a path, an ``Overrides`` or None (see ``use_overrides``)."""
        return self._overrides

    def use_overrides(self, overrides) -> None:
        """Use other fixes to the analysis (as ``overrides=`` of the constructor); the analysis follows them.

        Examples
        --------
        >>> from binarydream.analysis.overrides import Overrides
        >>> song.use_overrides(Overrides(section_labels={0: "intro"}))  # doctest: +SKIP
        >>> song.analysis.sections[0].label  # doctest: +SKIP
        'intro'
        """
        self._overrides = overrides
        self._analysis = None

    @property
    def stems(self):
        """The song's stems, ``{"drums", "bass", "vocals", "other": mono float32 at 22050 Hz}``, or None (no stems).

        Separated on first use (Demucs, or the ``separator`` given), then kept;
        Demucs's stems are cached by the audio's content beside the analysis.

        Examples
        --------
        >>> song = Song("examples/dream_example.ogg", stems=True)  # doctest: +SKIP
        >>> song.stems["vocals"].shape  # doctest: +SKIP
        (791559,)
        """
        if self._stems is None and self._stems_model is not False:
            from .analysis.separation import DEFAULT_MODEL, separate

            model = DEFAULT_MODEL if self._stems_model is True else self._stems_model
            with stage("stems: separating"):
                self._stems = separate(self.path, model=model, separator=self._separator, cache_dir=self.cache_dir,
                                       device=self._alignment_options["device"])
        return self._stems

    def _heard(self) -> tuple:
        """What the lyrics are heard in, and the alignment options: the vocal stem (16 kHz) when the song has stems
        and ``vocals`` is not False, else the file (``vocals`` None read as False)."""
        options = dict(self._alignment_options)
        if self._stems_model is not False and options["vocals"] is not False:
            import soxr

            from alignment.backends import SAMPLE_RATE

            from .analysis.separation import STEM_SR

            voice = soxr.resample(self.stems["vocals"], STEM_SR, SAMPLE_RATE).astype("float32")
            return voice, {**options, "vocals": False}
        return self.path, {**options, "vocals": bool(options["vocals"])}

    @property
    def alignment_options(self) -> dict:
        """The options the lyrics are aligned with (``model``, ``language``, ``device``, ``backend``, ``vocals``).

        Examples
        --------
        >>> Song("examples/dream_example.ogg", lyrics_model="base").alignment_options["model"]
        'base'
        """
        return dict(self._alignment_options)

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

        audio, options = self._heard()
        with stage("lyrics: aligning"):
            return cached_align(audio, source, cache_dir=self.cache_dir, **options)

    def transcribe(self, **options):
        """Transcribe the lyrics from the audio (no lyrics known) and keep them as ``song.lyrics``.

        Examples
        --------
        >>> song.transcribe(model="path/to/whisper-base")  # doctest: +SKIP
        """
        import alignment

        audio, heard = self._heard()
        with stage("lyrics: transcribing"):
            self._lyrics = alignment.transcribe(audio, **{**heard, **options})
        self._analysis = None   # its sections are labelled again, by these lyrics
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

    def studio(self, schedule=None, *, schedule_path=None, port: int = 0, open_browser: bool = True,
               block: bool = True):
        """Open the browser studio: see, hear and fix the analysis, lyrics and schedule of this song.

        With ``block=True`` it serves until Ctrl-C; with ``block=False`` it returns the running
        :class:`binarydream.studio.Studio` (``.url``, ``.stop()``). See :func:`binarydream.studio.start`.

        Examples
        --------
        >>> studio = song.studio(schedule=sched, open_browser=False, block=False)  # doctest: +SKIP
        >>> studio.url  # doctest: +SKIP
        'http://127.0.0.1:8765/?token=...'
        """
        from .studio import start

        studio = start(self, schedule, schedule_path=schedule_path, port=port, open_browser=open_browser)
        if block:
            studio.serve_until_interrupted()
        return studio

    def render(self, out, schedule=None, model: object = "stabilityai/sd-turbo", **options):
        """Render the dream video with a diffusion model, the song's audio muxed in sync.

        Options (``width``, ``height``, ``steps``, ``cadence``, ``resume``,
        ``device``, ``seed``, ``seed_mode``, ...) are those of :func:`binarydream.render.render`;
        render settings the schedule carries (a Deforum project's cadence, seed, ...) apply unless
        given here; settings left out come from the model's profile (:mod:`binarydream.render.model.profiles`).

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
