"""The ``binarydream`` command: analyze, plan, plot, preview, render, report and deforum, as the Python API does them.

Each command writes its files at (or next to) the output path given, prints
where they are, and answers bad input with one line on stderr and exit code 2.

Examples
--------
>>> main(["plan", "examples/dream_example.ogg", "--lyrics", "examples/dream_example.lrc",
...       "--style", "sad and tired cyberpunk", "--out", "out/schedule.yaml"])  # doctest: +SKIP
wrote out/schedule.yaml
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import sys
from pathlib import Path

from . import console
from .errors import BinaryDreamError, ParameterError
from .files import check_writable, write_text_atomic
from .stages import show_stages


def _song(args):
    from .song import Song

    return Song(args.song, lyrics=args.lyrics, fps=_fps(args), cache_dir=False if args.no_cache else args.cache_dir,
                beats=args.beats,
                lyrics_model=args.lyrics_model, language=args.language, lyrics_backend=args.lyrics_backend,
                vocals=args.vocals or None, stems=args.stems)


def _schedule_file(args):
    """The ``--schedule`` file, read once, not yet bound to the song (None when the command plans now)."""
    if not getattr(args, "schedule", None):
        return None
    if getattr(args, "_loaded", None) is None:
        from .schedule import Schedule

        args._loaded = Schedule.load(args.schedule)
    return args._loaded


def _fps(args) -> float:
    """``--fps``; else the fps of the ``--schedule`` file (a 24 fps schedule is checked at 24 fps); else 30."""
    if args.fps is not None:
        return args.fps
    # studio's --schedule may name a file to be made; a missing one for the other commands is refused when read
    exists = getattr(args, "schedule", None) and Path(args.schedule).is_file()
    return _schedule_file(args).fps if exists else 30


def _schedule(args, song):
    schedule = _schedule_file(args)
    if schedule is not None:
        return schedule.bind(song.analysis, song.lyrics)
    return song.plan(style=args.style, preset=args.preset, **_settings(args))


_OWN_OPTIONS = ("style", "preset")
"""Planning options the command line gives their own flags (``--style``), not ``--set``."""


def _settings(args) -> dict:
    """``--set NAME=VALUE`` pairs: planning numbers (``lead_beats=2``) or curves (``zoom=0: (1.02)``)."""
    pairs = {}
    for item in args.set or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BinaryDreamError(f"--set takes NAME=VALUE, got {item!r} (e.g. --set \"zoom=0: (1.02)\")")
        if name in _OWN_OPTIONS:
            raise BinaryDreamError(f"--set {name}=... : give it as --{name} instead")
        pairs[name] = value
    return pairs


def _default_out(args, suffix: str) -> Path:
    return Path(args.out) if args.out else Path(Path(args.song).stem + suffix)


def analysis_summary(analysis) -> dict:
    """The analysis as plain JSON data (tempo, meter, beats, local tempo, downbeats and their confidence, sections,
    tracker), no envelopes.

    Examples
    --------
    >>> import numpy as np
    >>> from binarydream.analysis import Analysis, Section
    >>> a = Analysis(duration=4.0, fps=10, tempo=120.0, beats=np.array([0.5, 1.0]), downbeats=np.array([0.5]),
    ...              beats_per_bar=4, sections=[Section(0.0, 4.0, "A")], envelopes={})
    >>> analysis_summary(a)["sections"]
    [{'start': 0.0, 'end': 4.0, 'label': 'A', 'group': '', 'energy': None}]
    """
    return {
        "duration": analysis.duration, "fps": analysis.fps, "n_frames": analysis.n_frames,
        "tempo": analysis.tempo, "beats_per_bar": analysis.beats_per_bar,
        "tracker": analysis.tracker, "tracker_version": analysis.tracker_version,
        "downbeat_confidence": analysis.downbeat_confidence,
        "beats": [round(float(b), 4) for b in analysis.beats],
        "local_bpm": [round(float(b), 2) for b in analysis.local_bpm],
        "downbeats": [round(float(b), 4) for b in analysis.downbeats],
        "sections": [{"start": s.start, "end": s.end, "label": s.label, "group": s.group, "energy": s.energy}
                     for s in analysis.sections],
        **({"drum_hits": {name: [round(float(t), 3) for t in times] for name, times in analysis.stems.hits.items()}}
           if analysis.stems is not None else {}),
    }


def cmd_analyze(args) -> list[Path]:
    """``binarydream analyze``: the analysis as JSON, and the timed lyrics as ``OUT.lyrics.lrc`` when given."""
    song = _song(args)
    out = _default_out(args, ".analysis.json")
    lyrics_out = out.with_name(out.name.removesuffix(".json") + ".lyrics.lrc")
    outputs = [out] + ([lyrics_out] if args.lyrics else [])
    if args.lyrics and lyrics_out.resolve() == Path(args.lyrics).resolve():
        raise BinaryDreamError(f"{lyrics_out} is the lyrics file given; choose another --out")
    for path in outputs:
        check_writable(path, overwrite=args.overwrite)
    summary = analysis_summary(song.analysis)
    written = [write_text_atomic(out, json.dumps(summary, indent=1), overwrite=True)]
    if song.lyrics is not None:
        written.append(write_text_atomic(lyrics_out, song.lyrics.to_lrc(), overwrite=True))
    print(f"tempo {summary['tempo']:.1f} BPM, {summary['beats_per_bar']}/bar, {len(summary['beats'])} beats "
          f"({summary['tracker']} {summary['tracker_version']}), "
          f"sections {' '.join(s['label'] for s in summary['sections'])}")
    return written


def cmd_plan(args) -> list[Path]:
    """``binarydream plan``: the schedule file a person edits."""
    song = _song(args)
    out = _default_out(args, ".schedule.yaml")
    check_writable(out, overwrite=args.overwrite)
    sched = song.plan(style=args.style, preset=args.preset, **_settings(args))
    return [sched.save(out, overwrite=args.overwrite)]


def cmd_deforum(args) -> list[Path]:
    """``binarydream deforum``: the schedule as a Deforum settings file, in the mode the render would use."""
    out = _default_out(args, ".deforum.txt")
    check_writable(out, overwrite=args.overwrite)
    song = _song(args)
    return [_schedule(args, song).to_deforum(out, depth=args.depth, overwrite=args.overwrite)]


@contextlib.contextmanager
def _video_output(args, suffix: str):
    """The video path, checked and locked before the analysis, so that a wrong path or a second run stops at once."""
    from .checks import video_format
    from .render.output.lock import output_lock

    out = _default_out(args, suffix)
    video_format(out)
    check_writable(out, overwrite=args.overwrite)
    with output_lock(out):
        yield out


def cmd_plot(args) -> list[Path]:
    """``binarydream plot``: the timeline picture."""
    from .direction.plot import image_format

    song = _song(args)
    out = _default_out(args, ".timeline.png")
    image_format(out)
    check_writable(out, overwrite=args.overwrite)
    return [song.plot(out, schedule=_schedule(args, song), overwrite=args.overwrite)]


def cmd_preview(args) -> list[Path]:
    """``binarydream preview``: the CPU animatic with the song's audio."""
    song = _song(args)
    with _video_output(args, ".preview.mp4") as out:
        return [song.preview(out, schedule=_schedule(args, song), width=args.width, height=args.height,
                             overwrite=args.overwrite)]


def cmd_render(args) -> list[Path]:
    """``binarydream render``: the dream video (of several songs, one after another or together on a Ray cluster)."""
    options = {k: v for k, v in dict(width=args.width, height=args.height, steps=args.steps, cadence=args.cadence,
                                     seed=args.seed, seed_mode=args.seed_mode, device=args.device,
                                     init_image=args.init_image, guidance_scale=args.guidance_scale,
                                     profile=args.profile, scheduler=args.scheduler, upscaler=args.upscaler,
                                     depth=args.depth, fov=args.fov).items() if v is not None}
    if args.render_size:
        options["render_width"], options["render_height"] = _size(args.render_size)
    if args.tiny_vae:
        options["tiny_autoencoder"] = True
    if args.compile:
        options["compile"] = True
    if args.ray is not None:
        options["ray"] = args.ray
    songs = [args.song, *args.more_songs]
    if len(songs) == 1:
        with _video_output(args, ".mp4") as out:
            song = _song(args)
            song.render(out, schedule=_schedule(args, song), model=args.model, resume=not args.no_resume,
                        overwrite=args.overwrite, **options)
        return [out]
    if args.out or args.schedule:
        raise BinaryDreamError("with several songs give no --out or --schedule: each video is planned and named "
                               "after its song")
    with contextlib.ExitStack() as outputs:
        requests = []
        for path in songs:
            one = argparse.Namespace(**{**vars(args), "song": path})
            out = outputs.enter_context(_video_output(one, ".mp4"))
            song = _song(one)
            requests.append(song.render_request(out, _schedule(one, song), args.model, resume=not args.no_resume,
                                                overwrite=args.overwrite, **options))
        if args.ray is None:
            from .render import render

            for out, schedule, settings in requests:
                render(out, schedule, **settings)
        else:
            from .render import render_all

            settings = [(out, schedule, {k: v for k, v in kwargs.items() if k != "ray"})
                        for out, schedule, kwargs in requests]
            render_all(settings, ray=args.ray)
    return [out for out, _, _ in requests]


def cmd_studio(args) -> list[Path]:
    """``binarydream studio``: serve the studio page until Ctrl-C; Save in the page writes the files.

    The LRC is saved to the ``--lyrics`` file when it is one, else beside it (``.lrc``); a text file's LRC
    that is newer than the text (saved by an earlier studio) is shown instead of aligning the text again.
    """
    from .studio import start

    lrc = None
    if args.lyrics:
        lyrics = Path(args.lyrics)
        lrc = lyrics if lyrics.suffix.lower() == ".lrc" else lyrics.with_suffix(".lrc")
        if lyrics.suffix.lower() != ".srt" and lrc != lyrics and lrc.is_file() and lyrics.is_file() \
                and lrc.stat().st_mtime >= lyrics.stat().st_mtime:
            print(f"binarydream studio: showing {lrc} (saved after {lyrics.name}); delete it to align the text "
                  "again", file=sys.stderr)
            args.lyrics = str(lrc)
    try:
        song = _song(args)
        studio = start(song, schedule_path=args.schedule, lrc_path=lrc, lyrics_model=args.lyrics_model,
                       language=args.language, port=args.port, open_browser=not args.no_browser)
        print(f"binarydream studio: {studio.url}  (Ctrl-C to stop)", flush=True)
        studio.serve_until_interrupted()
    except KeyboardInterrupt:
        pass
    print("binarydream studio: stopped", file=sys.stderr)
    return []


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ParameterError(f"a size is WIDTHxHEIGHT, e.g. 680x384, got {text!r}") from None
    return width, height


def cmd_report(args) -> list[Path]:
    """``binarydream report``: the CLIP quality chart, page and table of a render folder."""
    from .quality import report_command

    return report_command(args.render_dir, model=args.model, pretrained=args.pretrained,
                          checkpoint=args.checkpoint, out=args.out, device=args.device,
                          html=not args.no_html, overwrite=args.overwrite)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="binarydream", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error, not one line")
    # --debug also after the command; SUPPRESS keeps the subcommand from resetting one given before it.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def song_command(name, help_text, handler, writes=True):
        p = commands.add_parser(name, help=help_text, parents=[debug])
        p.add_argument("song", help="the audio file")
        p.add_argument("--lyrics", help="lyrics: .lrc/.srt (timed) or a text file (aligned to the audio)")
        p.add_argument("--fps", type=float, help="video frames per second (default: the --schedule's, else 30)")
        if writes:
            p.add_argument("--out", help="output path (default: next to the current folder, named after the song)")
            p.add_argument("--overwrite", action="store_true", help="replace an existing output")
        p.add_argument("--cache-dir", help="analysis cache folder (default ~/.cache/binarydream)")
        p.add_argument("--no-cache", action="store_true", help="do not read or write the analysis cache")
        p.add_argument("--beats", default="auto", metavar="TRACKER",
                       help="beat tracker: auto (default: the best ready here), beat_this, beat_this:CHECKPOINT.ckpt, "
                            "madmom or librosa")
        p.add_argument("--lyrics-model", help="Whisper model name or folder, for aligning plain-text lyrics")
        p.add_argument("--language", help="lyrics language code (default: detect)")
        p.add_argument("--lyrics-backend", default="faster-whisper", choices=["faster-whisper", "whisperx"],
                       help="lyrics backend (whisperx needs its own environment, see README)")
        p.add_argument("--vocals", action="store_true",
                       help="separate the vocals with Demucs before hearing the lyrics (pip install demucs)")
        p.add_argument("--stems", action="store_true",
                       help="separate drums, bass, vocals and other with Demucs (pip install 'binarydream[stems]'): "
                            "curves may read stem(\"drums\"), kick, snare, hats; the camera follows them")
        p.set_defaults(handler=handler)
        return p

    def with_schedule(p):
        p.add_argument("--schedule", help="a schedule file (.yaml/.json) from `binarydream plan`; default: plan now")
        p.add_argument("--style", default="", help="style words added to every prompt")
        p.add_argument("--preset", default="default", help="camera preset: calm, default or energetic")
        p.add_argument("--set", action="append", metavar="NAME=VALUE",
                       help='a planning option or a curve by hand, e.g. --set lead_beats=2 --set "zoom=0: (1.02)"; '
                            "repeatable")
        return p

    song_command("analyze", "beats, downbeats, tempo and sections to JSON", cmd_analyze)
    with_schedule(song_command("plan", "write the schedule file a person edits", cmd_plan))
    with_schedule(song_command("plot", "draw the timeline PNG", cmd_plot))
    p = with_schedule(song_command("deforum", "write the schedule as Deforum settings (the JSON file it loads)",
                                   cmd_deforum))
    p.add_argument("--depth", action="store_true",
                   help="the render has a depth model (render --depth): a schedule that moves in 3D is Deforum's "
                        "3D mode; default 2D, as a render without one")
    p = with_schedule(song_command("preview", "animatic with the song's audio, on a CPU, in seconds", cmd_preview))
    p.add_argument("--width", type=int, default=480)
    p.add_argument("--height", type=int, default=270)
    p = with_schedule(song_command("render", "render the dream video with a diffusion model", cmd_render))
    p.add_argument("--model", default="stabilityai/sd-turbo", help="hub id, local folder or .safetensors file")
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--steps", type=int)
    p.add_argument("--cadence", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--device", help="cuda, mps or cpu (default: the best there is)")
    p.add_argument("--no-resume", action="store_true", help="start over instead of continuing a partial render")
    p.add_argument("--init-image", help="a picture to start from instead of frame 0 from text")
    p.add_argument("--seed-mode", choices=("section", "fixed", "frame"),
                   help="seed per section (default: textures hold still), one fixed seed, or per frame (boils)")
    p.add_argument("--guidance-scale", type=float, help="classifier-free guidance (default: the model profile's)")
    p.add_argument("--profile", help="model family instead of the one detected (sd1, sd2, sdxl, sd-turbo, "
                                     "sdxl-turbo, few-step, sdxl-few-step, sd3, flux-dev, flux-schnell)")
    p.add_argument("--scheduler", help="diffusers scheduler class (default: the model profile's)")
    p.add_argument("--render-size", help="WIDTHxHEIGHT the model paints at (default: its native area at the "
                                         "video's aspect ratio)")
    p.add_argument("--upscaler", help="to the video's size: resize (default) or an ESRGAN-type .pth/.safetensors")
    p.add_argument("--tiny-vae", action="store_true",
                   help="decode with the model's tiny autoencoder (TAESD, TAESDXL, TAESD3, TAEF1: faster, softer)")
    p.add_argument("--compile", action="store_true", help="torch.compile the denoiser (slow first frame, faster after)")
    p.add_argument("--depth", help="depth model (hub id or folder) for the 3D camera: translation_z, rotation_3d_*")
    p.add_argument("--fov", type=float, help="3D camera field of view in degrees (default 40)")
    p.add_argument("more_songs", nargs="*", metavar="SONG",
                   help="more songs, each video named after its song (with --ray: all share the cluster)")
    p.add_argument("--ray", nargs="?", const=True, metavar="ADDRESS",
                   help="spread the render over the GPUs of a Ray cluster: alone, the one running here or a new one; "
                        "'auto': the one running here; 'ray://host:10001': a remote one (pip install "
                        "'binarydream[ray]'); give it after the songs")

    p = song_command("studio", "see, hear and fix the schedule in the browser (127.0.0.1, with a token)", cmd_studio,
                     writes=False)
    p.add_argument("--schedule", help="the schedule file to edit and save (default: SONG_STEM.schedule.yaml beside "
                                      "the song; planned now when it does not exist)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="print the URL only; do not open a browser")

    p = commands.add_parser("report", help="score a finished render with CLIP: chart and table", parents=[debug])
    p.add_argument("render_dir", help="the render's frames folder (VIDEO.frames)")
    p.add_argument("--model", default="ViT-B-32", help="open_clip model name")
    p.add_argument("--pretrained", default="laion2b_s34b_b79k", help="open_clip pretrained tag")
    p.add_argument("--checkpoint", help="a local open_clip checkpoint file instead of a pretrained tag")
    p.add_argument("--out", help="chart path (default: RENDER_DIR/quality.png)")
    p.add_argument("--device", help="cuda, mps or cpu")
    p.add_argument("--no-html", action="store_true", help="write the chart only, no HTML page with thumbnails")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier report")
    p.set_defaults(handler=cmd_report)
    return parser


def error_line(error: BaseException) -> str:
    """What the command line prints for one of our errors or a common OS or text error: one line, what to do.

    Examples
    --------
    >>> import errno
    >>> error_line(OSError(errno.ENOSPC, "No space left on device", "out/video.frames/000001.png"))
    'no space left on device writing out/video.frames/000001.png: free some space, or write elsewhere with --out'
    >>> error_line(PermissionError(13, "Permission denied", "/music/out.yaml"))
    'permission denied: /music/out.yaml: choose a file you may write (--out), or change its permissions'
    """
    if isinstance(error, UnicodeDecodeError):
        return (f"a file is not text in a known encoding ({error.encoding} fails at byte {error.start}): "
                "save it as UTF-8")
    if isinstance(error, OSError) and not isinstance(error, BinaryDreamError):
        where = " -> ".join(str(name) for name in (error.filename, error.filename2) if name is not None)
        reason = (error.strerror or str(error) or type(error).__name__).lower()
        if error.errno == errno.ENOSPC:
            return f"no space left on device writing {where}: free some space, or write elsewhere with --out"
        if isinstance(error, PermissionError):
            return f"{reason}: {where}: choose a file you may write (--out), or change its permissions"
        return f"{reason}: {where}" if where else str(error)
    return str(error)


@contextlib.contextmanager
def _info_to_stderr():
    """binarydream's own info lines (which beat tracker "auto" chose) on stderr while a command runs."""
    logger = logging.getLogger("binarydream")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("binarydream: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv=None) -> int:
    """Run the command line; returns the exit code (0 done, 2 bad input or a file that cannot be used, 130 Ctrl-C).

    Any of binarydream's errors, and the common OS and text errors (no permission,
    a folder where a file should be, a full disk, an undecodable file), print one
    line and return 2; ``--debug`` raises them instead, with the traceback.
    Warnings print as ``warning: ...`` lines, and the slow stages draw a bar
    each when stderr is a terminal (:mod:`binarydream.console`, :mod:`binarydream.stages`).

    Examples
    --------
    >>> main(["analyze", "no/such/song.mp3"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        with _info_to_stderr(), console.warning_lines(), show_stages(sys.stderr if sys.stderr.isatty() else None):
            written = args.handler(args)
    except (BinaryDreamError, OSError, UnicodeError) as error:
        if args.debug:
            raise
        print(f"binarydream {args.command}: {error_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if args.debug:
            raise
        resumable = args.command == "render" and not args.no_resume
        print(console.interrupted_line(args.command, resumable=resumable), file=sys.stderr)
        return console.INTERRUPTED
    try:
        for path in written:
            print(f"wrote {path}")
        sys.stdout.flush()
    except OSError as error:
        print(console.stdout_failed(args.command, error), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
