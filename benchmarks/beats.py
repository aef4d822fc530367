"""Benchmark the beat trackers: beat F, downbeat F, tempo, meter and real-time factor, per backend and source.

Usage::

    python benchmarks/beats.py                       # every backend ready here, every source
    python benchmarks/beats.py --backends madmom librosa --sources synthetic
    python benchmarks/beats.py --backends librosa librosa.beat --sources pseudo

Sources:

``real``
    ``../shared/devdata/beats/*.flac`` with their hand annotations (``.beats``:
    one beat time per line, or ``time beat_number`` where downbeats are known);
    only the annotations within the clip apply. Skipped when the folder is absent.
``pseudo``
    30 s windows, every 10 s, of the songs in ``../shared/devdata/lyrics``,
    with madmom's beats and downbeats of the whole song as a pseudo-reference
    (madmom is itself measured against the hand annotations above). Skipped
    when madmom or the folder is absent; madmom's own rows are left out.
``synthetic``
    Songs of a small band (``tests/synth.py``, :func:`band_song`) with a known
    grid: a 72 BPM ballad, a 172 BPM drum'n'bass tempo, a 3/4 waltz, a tempo
    change mid-song (96 to 126 BPM) and a half-time breakdown at 140 BPM.

Backends: ``beat_this``, ``madmom`` and ``librosa`` (binarydream's trackers,
each skipped when not ready here), and ``librosa.beat`` (plain
``librosa.beat.beat_track`` with its defaults, beats only, as a reference).

Measures (mir_eval, +-70 ms): beat F and downbeat F; tempo: the dominant BPM
found, its error against the truth and whether it is an octave off (x2, x1/2,
x3/2, x2/3); local: median error of the local tempo at the true beats; meter:
beats per bar found (the truth in brackets); dconf: the backend's downbeat
confidence (``BeatGrid.downbeat_confidence``; - where it gives none); RTF: tracking seconds per second
of audio, after a warm-up run on 3 s of audio (models loaded, numba compiled).
Against ``librosa.beat`` (when it runs too): each backend's mean and worst
difference of beat F on the same clips, the clips where it is more than
0.02 lower, and clip by clip its beat F against ``librosa.beat``'s (every real
clip; of the other sources, those where the two differ).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]
REAL = ROOT.parent / "shared" / "devdata" / "beats"
SONGS = ROOT.parent / "shared" / "devdata" / "lyrics"
WINDOW, STEP = 30.0, 10.0
SR = 44100
BACKENDS = ("beat_this", "madmom", "librosa", "librosa.beat")


@dataclass(frozen=True)
class Clip:
    """A song with its true grid; ``downbeats`` or ``beats_per_bar`` None where not annotated."""

    source: str
    name: str
    y: np.ndarray
    beats: np.ndarray
    downbeats: np.ndarray | None
    beats_per_bar: int | None


def real_clips() -> list[Clip]:
    """The annotated recordings in ``../shared/devdata/beats`` (none when it is absent)."""
    from binarydream.audio import load_audio

    clips = []
    for audio in sorted(REAL.glob("*.flac")) if REAL.is_dir() else []:
        y, _ = load_audio(audio, sr=SR)
        rows = np.atleast_2d(np.loadtxt(audio.with_suffix(".beats")))
        rows = rows.T if rows.shape[0] == 1 and rows.shape[1] > 2 else rows
        rows = rows[rows[:, 0] < len(y) / SR]
        beats = rows[:, 0]
        downbeats = beats[rows[:, 1] == 1] if rows.shape[1] > 1 else None
        meter = int(rows[:, 1].max()) if rows.shape[1] > 1 else None
        clips.append(Clip("real", audio.stem, y, beats, downbeats, meter))
    return clips


def pseudo_clips() -> list[Clip]:
    """Windows of the songs in ``../shared/devdata/lyrics``, madmom's grid of each whole song their reference."""
    from binarydream.analysis import trackers
    from binarydream.audio import load_audio
    from binarydream.errors import MissingDependencyError

    songs = sorted(SONGS.glob("*.mp3")) if SONGS.is_dir() else []
    if not songs:
        print(f"pseudo: skipped ({SONGS} is absent)")
        return []
    try:
        madmom = trackers.choose("madmom")
    except MissingDependencyError as error:
        print(f"pseudo: skipped ({error})")
        return []
    clips = []
    for song in songs:
        y, _ = load_audio(song, sr=SR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grid = madmom.track(y, SR)
        for start in np.arange(0.0, len(y) / SR - WINDOW + 1e-9, STEP):
            stop = start + WINDOW
            beats, downbeats = (times[(times >= start) & (times < stop)] - start
                                for times in (grid.beats, grid.downbeats))
            clips.append(Clip("pseudo", f"{song.stem[:12]}@{start:.0f}s", y[int(start * SR):int(stop * SR)],
                              beats, downbeats, grid.beats_per_bar))
    print(f"pseudo: {len(clips)} windows of {len(songs)} songs in {SONGS}, madmom {madmom.version} as the reference")
    return clips


def synthetic_clips() -> list[Clip]:
    """The synthetic set: tempo extremes, 3/4, a tempo change and a half-time breakdown."""
    from synth import band_song, tempo_beats

    songs = {
        "ballad 72 4/4": (tempo_beats([(72, 36)]), 4, ()),
        "dnb 172 4/4": (tempo_beats([(172, 88)]), 4, ()),
        "waltz 96 3/4": (tempo_beats([(96, 48)]), 3, ()),
        "change 96>126 4/4": (tempo_beats([(96, 32), (126, 40)]), 4, ()),
        "half-time 140 4/4": (tempo_beats([(140, 64)]), 4, range(6, 10)),
    }
    clips = []
    for name, (beats, meter, half_time) in songs.items():
        y, downbeats = band_song(beats, meter, half_time=half_time, sr=SR)
        clips.append(Clip("synthetic", name, y, beats, downbeats, meter))
    return clips


def plain_librosa(y: np.ndarray, sr: int):
    """``librosa.beat.beat_track`` with its defaults at 22050 Hz: (beats, None, None, None)."""
    import librosa

    from binarydream.analysis.trackers.resample import to_rate

    _, beats = librosa.beat.beat_track(y=to_rate(y, sr, 22050), sr=22050, units="time")
    return beats, None, None, None


def tracker_function(name: str):
    """A function ``(y, sr) -> (beats, downbeats, beats_per_bar, downbeat_confidence)`` for a backend, or None."""
    if name == "librosa.beat":
        return plain_librosa
    from binarydream.analysis import trackers
    from binarydream.errors import MissingDependencyError, ModelNotFoundError

    try:
        tracker = trackers.choose(name)
    except (MissingDependencyError, ModelNotFoundError) as error:
        print(f"skipping {name}: {error}")
        return None

    def run(y, sr):
        grid = tracker.track(y, sr)
        return grid.beats, grid.downbeats, grid.beats_per_bar, grid.downbeat_confidence

    return run


def octave_off(found: float, truth: float) -> bool:
    """Whether ``found`` is a metrical level away from ``truth`` (x2, x1/2, x3/2, x2/3, within 4 %)."""
    return found > 0 and any(abs(found / truth - ratio) < 0.04 * ratio for ratio in (2.0, 0.5, 1.5, 2 / 3))


def measure(clip: Clip, run) -> dict:
    import mir_eval

    from binarydream.analysis.grid import dominant_tempo, local_bpm

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        beats, downbeats, meter, confidence = run(clip.y, SR)
    seconds = time.perf_counter() - start
    beats = np.asarray(beats, dtype=np.float64)
    true_tempo, tempo = dominant_tempo(clip.beats), dominant_tempo(beats)
    local = (np.median(np.abs(np.interp(clip.beats, beats, local_bpm(beats)) / local_bpm(clip.beats) - 1))
             if beats.size > 1 else np.nan)
    return {
        "beat_f": mir_eval.beat.f_measure(clip.beats, beats),
        "downbeat_f": (mir_eval.beat.f_measure(clip.downbeats, np.asarray(downbeats, dtype=np.float64))
                       if clip.downbeats is not None and downbeats is not None else np.nan),
        "tempo": tempo, "true_tempo": true_tempo, "tempo_error": abs(tempo / true_tempo - 1),
        "octave": octave_off(tempo, true_tempo), "local_error": local,
        "confidence": confidence, "meter": meter,
        "meter_right": (meter == clip.beats_per_bar) if meter and clip.beats_per_bar else None,
        "rtf": seconds / (len(clip.y) / SR),
    }


def _f(value, digits=2):
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.{digits}f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--sources", nargs="+", default=["real", "synthetic"], choices=["real", "pseudo", "synthetic"])
    args = parser.parse_args(argv)

    clips = []
    if "real" in args.sources:
        found = real_clips()
        print(f"real: {len(found)} annotated clip(s) in {REAL}" if found else f"real: skipped ({REAL} is absent)")
        clips += found
    if "pseudo" in args.sources:
        clips += pseudo_clips()
    if "synthetic" in args.sources:
        clips += synthetic_clips()
    print(f"CPUs available {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'backend':<13}{'song':<28}{'beat F':>7}{'dbeat F':>8}{'tempo (true)':>16}{'local':>7}"
          f"{'meter':>7}{'dconf':>6}{'RTF':>7}")
    rows = []
    for backend in args.backends:
        run = tracker_function(backend)
        if run is None or not clips:
            continue
        measure(Clip("warm-up", "", clips[0].y[:3 * SR], clips[0].beats[:4], None, None), run)
        for clip in clips:
            if backend == "madmom" and clip.source == "pseudo":
                continue                     # the reference itself
            r = measure(clip, run)
            rows.append((backend, clip.source, {**r, "song": clip.name}))
            tempo = f"{r['tempo']:.1f}{'!' if r['octave'] else ''} ({r['true_tempo']:.0f})"
            meter = f"{r['meter'] or '-'}({clip.beats_per_bar or '?'})"
            print(f"{backend:<13}{clip.source[:4] + ' ' + clip.name:<28}{_f(r['beat_f']):>7}{_f(r['downbeat_f']):>8}"
                  f"{tempo:>16}{_f(r['local_error'] * 100, 1) + '%':>7}{meter:>7}{_f(r['confidence']):>6}"
                  f"{_f(r['rtf'], 3):>7}")
    print("\nmean per backend and source (tempo: within 2 % of the truth, octave errors; meter: right / known)")
    for backend in dict.fromkeys(b for b, _, _ in rows):
        for source in dict.fromkeys(s for _, s, _ in rows):
            rs = [r for b, s, r in rows if b == backend and s == source]
            if not rs:
                continue
            known = [r["meter_right"] for r in rs if r["meter_right"] is not None]
            print(f"{backend:<13}{source:<10} beat F {np.mean([r['beat_f'] for r in rs]):.3f}  "
                  f"downbeat F {_f(float(np.nanmean([r['downbeat_f'] for r in rs])) if any(not np.isnan(r['downbeat_f']) for r in rs) else None, 3)}  "
                  f"tempo within 2 % {sum(r['tempo_error'] <= 0.02 for r in rs)}/{len(rs)}  "
                  f"octave errors {sum(r['octave'] for r in rs)}  meter {sum(known)}/{len(known)}  "
                  f"RTF {np.mean([r['rtf'] for r in rs]):.3f}")
    print_against_plain(rows)


def print_against_plain(rows) -> None:
    """Each backend's beat F minus plain ``librosa.beat``'s on the same clips: mean, worst, clips over 0.02 lower."""
    plain = {(s, r["song"]): r["beat_f"] for b, s, r in rows if b == "librosa.beat"}
    if not plain:
        return
    print("\nbeat F against librosa.beat on the same clips (mean and worst difference; clips more than 0.02 lower)")
    for backend in dict.fromkeys(b for b, _, _ in rows if b != "librosa.beat"):
        for source in dict.fromkeys(s for _, s, _ in rows):
            pairs = [(r["song"], r["beat_f"] - plain[s, r["song"]]) for b, s, r in rows
                     if b == backend and s == source and (s, r["song"]) in plain]
            if not pairs:
                continue
            worst = min(pairs, key=lambda pair: pair[1])
            lower = [song for song, difference in pairs if difference < -0.02]
            print(f"{backend:<13}{source:<10} mean {np.mean([d for _, d in pairs]):+.3f}  worst {worst[1]:+.3f} "
                  f"({worst[0]})  lower by > 0.02: {len(lower)}/{len(pairs)}{' ' + ', '.join(lower) if lower else ''}")
            changed = [(song, difference) for song, difference in pairs if source == "real" or abs(difference) > 0.005]
            for song, difference in changed:
                print(f"{'':<23} {song:<28} {plain[source, song] + difference:.2f} against {plain[source, song]:.2f} "
                      f"({difference:+.2f})")


if __name__ == "__main__":
    main()
