"""What each ``binarydream`` command does, given its parsed arguments: the files it writes, as the API makes them.

:mod:`binarydream.cli` parses the command line and calls one of these; each
returns the paths it wrote, which the command line prints.

Examples
--------
>>> import argparse
>>> _fps(argparse.Namespace(fps=None, schedule=None)), _fps(argparse.Namespace(fps=24.0, schedule=None))
(30, 24.0)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from .errors import BinaryDreamError, ParameterError
from .files import check_writable, write_text_atomic


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
