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
import logging
import sys

from . import console
from .commands import (cmd_analyze, cmd_deforum, cmd_plan, cmd_plot, cmd_preview, cmd_render, cmd_report,
                       cmd_studio)
from .console import error_line
from .errors import BinaryDreamError
from .stages import show_stages


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
