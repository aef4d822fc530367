"""Benchmark the stems: the signals from known stems, Demucs's memory and speed, and what real songs give.

Usage::

    python benchmarks/stems.py [synthetic] [demucs] [devdata]
    python benchmarks/stems.py demucs=1      # the 1-minute song alone (its speed), not the memory ratio

synthetic
    Songs made stem by stem (``tests/stem_song.py``: kick, snare, hats,
    bass, pad, a sung melody with a break), handed over as a separator would
    (each stem with the others leaking in at -26 dB). Drum hits against the
    true ones: onset F-measure within +-50 ms (mir_eval); the vocal stem's
    envelope: the share of sung frames above a quarter of its maximum, and of
    frames 0.5 s or more from any singing below it. Targets: F >= 0.9 for kick
    and snare, both shares >= 90 %.
demucs
    A random-weight Demucs of htdemucs's size (HTDemucs with its class
    defaults, about 42 M parameters: the compute and memory of the real one,
    not its output) separates a 1-minute and a 4-minute song, each in a fresh
    process: peak memory (ru_maxrss) of each and their ratio (target <= 1.5),
    the real-time factor on this machine's CPU threads, and a second call that
    must come from the stems cache.
devdata
    Real songs (``../shared/devdata``, skipped when absent). With the real
    htdemucs weights on this machine (torch hub cache), its drum stem's
    kick and snare hits against the annotated beats (share of hits within
    70 ms of a beat) and its vocal envelope against the hand-timed sung
    words, as above. Without them that is skipped with a line saying so, and
    only what needs no separation is measured: the time to turn a song's
    stems into signals, and, as a stand-in that is NOT the product, the drum
    hits of the mix's percussive part (HPSS) against the beats.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]
DEVDATA = ROOT.parent / "shared" / "devdata"


def vocal_shares(envelope: np.ndarray, sung_spans, fps: float) -> tuple[float, float]:
    """Share of sung frames above a quarter of the envelope's maximum, and of frames 0.5 s from singing below it."""
    times = np.arange(len(envelope)) / fps
    sung = np.zeros(len(envelope), bool)
    near = np.zeros(len(envelope), bool)
    for start, end in sung_spans:
        sung |= (times >= start) & (times < end)
        near |= (times > start - 0.5) & (times < end + 0.5)
    quarter = 0.25 * float(envelope.max())
    return float((envelope[sung] > quarter).mean()), float((envelope[~near] < quarter).mean())


def synthetic() -> None:
    import mir_eval

    from stem_song import leaky, stem_song

    from binarydream.analysis.separation import STEM_SR
    from binarydream.analysis.stems import stem_signals

    print("synthetic songs, stems handed over with -26 dB of leakage (kick/snare/hats F at +-50 ms; vocals: "
          "sung frames above 1/4 of max, far frames below it)")
    rows = []
    for seed, bpm in enumerate((84.0, 112.0, 128.0, 150.0)):
        song = stem_song(60.0, bpm=bpm, seed=seed, sr=STEM_SR)
        signals = stem_signals(leaky(song.stems, seed=seed), STEM_SR, fps=30, n_frames=60 * 30)
        scores = [mir_eval.onset.f_measure(np.sort(truth), signals.hits[name], window=0.05)[0]
                  for name, truth in (("kick", song.kicks), ("snare", song.snares), ("hats", song.hats))]
        above, below = vocal_shares(signals.envelopes["vocals"], song.sung, 30)
        rows.append([*scores, above, below])
        print(f"  {bpm:5.0f} BPM: kick F {scores[0]:.3f}  snare F {scores[1]:.3f}  hats F {scores[2]:.3f}  "
              f"vocals sung>1/4 {above:.1%}  away<1/4 {below:.1%}")
    low = np.min(rows, axis=0)
    print(f"  worst: kick F {low[0]:.3f} snare F {low[1]:.3f} hats F {low[2]:.3f} sung {low[3]:.1%} away {low[4]:.1%}"
          f"  -> {'PASS' if low[0] >= 0.9 and low[1] >= 0.9 and low[3] >= 0.9 and low[4] >= 0.9 else 'FAIL'}")


_CHILD = """
import os, resource, sys, time
sys.path[:0] = [{root!r}]
import torch
from demucs.htdemucs import HTDemucs
from binarydream.analysis import separation
torch.manual_seed(0)
model = HTDemucs(["drums", "bass", "other", "vocals"]).eval()
start, cpu = time.perf_counter(), time.process_time()
stems = separation.separate({song!r}, model=model, cache_dir={cache!r})
first, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
again = separation.separate({song!r}, model=model, cache_dir={cache!r})
print(first, time.perf_counter() - start, peak, torch.get_num_threads(), cpu, os.getloadavg()[0])
"""


def demucs(minutes_list=(1, 4)) -> None:
    import soundfile as sf

    from stem_song import stem_song

    folder = Path(tempfile.mkdtemp(prefix="bd-stems-"))
    print(f"random-weight Demucs of htdemucs's size (HTDemucs defaults), each song in a fresh process, "
          f"{os.cpu_count()} CPUs here")
    peaks = {}
    for minutes in minutes_list:
        song = stem_song(60.0 * minutes, seed=minutes, sr=44100)
        path = folder / f"song{minutes}.wav"
        sf.write(path, np.stack([song.mix, song.mix], axis=1), 44100)
        del song
        code = _CHILD.format(root=str(ROOT), song=str(path), cache=str(folder / "cache"))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr[-2000:])
            raise SystemExit(1)
        first, second, peak, threads, cpu, load = (float(v) for v in out.stdout.split())
        peaks[minutes] = peak / 1024
        audio = 60.0 * minutes
        # On a shared machine the wall time says more about the other jobs than about Demucs: the CPU time the
        # process used, spread over its threads, is what the wall time would be with the cores to itself.
        print(f"  {minutes} min: separated in {first:.0f} s wall at load {load:.1f} (real-time factor "
              f"{first / audio:.2f}); CPU {cpu:.0f} s on {threads:.0f} threads: real-time factor "
              f"{cpu / threads / audio:.2f} with the cores to itself; peak memory {peaks[minutes]:.0f} MB; "
              f"second call {second:.2f} s "
              f"({'from the cache' if second < 0.05 * first else 'NOT from the cache'})")
    if 1 in peaks and 4 in peaks:
        print(f"  peak memory 4 min / 1 min: {peaks[4] / peaks[1]:.2f}x (target <= 1.5x)")


def _beat_hit_share(hits: np.ndarray, beats: np.ndarray, window: float = 0.07) -> float:
    if hits.size == 0:
        return float("nan")
    return float((np.min(np.abs(hits[:, None] - beats[None, :]), axis=1) <= window).mean())


def _read_beats(path: Path) -> np.ndarray:
    return np.array([float(line.split()[0]) for line in path.read_text().splitlines() if line.strip()])


def _sung_words(base: Path) -> list:
    with open(base.with_suffix(".words.csv"), encoding="utf-8") as f:
        return [(float(row["word_start"]), float(row["word_end"])) for row in csv.DictReader(f)]


def devdata() -> None:
    if not DEVDATA.is_dir():
        print(f"devdata: {DEVDATA} is absent; skipped")
        return
    from binarydream.analysis.separation import STEM_SR, load_demucs, separate
    from binarydream.analysis.stems import stem_signals
    from binarydream.audio import load_audio
    from binarydream.errors import BinaryDreamError

    clips = sorted((DEVDATA / "beats").glob("gtzan_*.flac"))
    songs = sorted((DEVDATA / "lyrics").glob("*.mp3"))
    try:
        load_demucs("htdemucs")
        have_weights = True
    except BinaryDreamError as error:
        have_weights = False
        print(f"devdata with real Demucs: skipped, the htdemucs weights are not here ({str(error)[:160]}...)")
    if have_weights:
        print("devdata, htdemucs stems: kick/snare hits within 70 ms of an annotated beat; vocal envelope against "
              "the sung words")
        for clip in clips:
            stems = separate(clip, cache_dir=None)
            beats = _read_beats(clip.with_suffix(".beats"))
            signals = stem_signals(stems, STEM_SR, fps=30, n_frames=int(len(stems["drums"]) / STEM_SR * 30))
            print(f"  {clip.stem}: kick {_beat_hit_share(signals.hits['kick'], beats):.0%} "
                  f"snare {_beat_hit_share(signals.hits['snare'], beats):.0%} on the beat")
        for song in songs:
            stems = separate(song, cache_dir=None)
            n = int(len(stems["vocals"]) / STEM_SR * 30)
            above, below = vocal_shares(stem_signals(stems, STEM_SR, fps=30, n_frames=n).envelopes["vocals"],
                                        _sung_words(song.with_suffix("")), 30)
            print(f"  {song.stem}: sung frames above 1/4 {above:.0%}, frames away from singing below {below:.0%}")
    import librosa

    print("devdata, signal extraction given stems (the stems here: the song's mix split four ways, to time it):")
    for song in songs:
        y, _ = load_audio(song, sr=STEM_SR)
        stems = {"drums": y, "bass": 0.5 * y, "vocals": 0.7 * y, "other": 0.3 * y}
        start = time.perf_counter()
        stem_signals(stems, STEM_SR, fps=30, n_frames=int(len(y) / STEM_SR * 30))
        print(f"  {song.stem} ({len(y) / STEM_SR:.0f} s): {time.perf_counter() - start:.2f} s")
    print("devdata STAND-IN, NOT the product: drum hits of the mix's percussive part (librosa HPSS), "
          "share within 70 ms of an annotated beat")
    for clip in clips:
        y, _ = load_audio(clip, sr=STEM_SR)
        percussive = librosa.effects.percussive(y)
        stems = {"drums": percussive, "bass": y - percussive, "vocals": np.zeros_like(y), "other": np.zeros_like(y)}
        signals = stem_signals(stems, STEM_SR, fps=30, n_frames=int(len(y) / STEM_SR * 30))
        beats = _read_beats(clip.with_suffix(".beats"))
        print(f"  {clip.stem}: kick {_beat_hit_share(signals.hits['kick'], beats):.0%} "
              f"({signals.hits['kick'].size} hits), snare {_beat_hit_share(signals.hits['snare'], beats):.0%} "
              f"({signals.hits['snare'].size} hits), {beats.size} beats")


def main(argv: list[str]) -> None:
    parts = argv or ["synthetic", "demucs", "devdata"]
    for part in parts:
        start = time.perf_counter()
        name, _, minutes = part.partition("=")
        if minutes:
            demucs(tuple(int(m) for m in minutes.split(",")))
        else:
            {"synthetic": synthetic, "demucs": demucs, "devdata": devdata}[name]()
        print(f"({part}: {time.perf_counter() - start:.0f} s; peak memory of this process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)\n")


if __name__ == "__main__":
    main(sys.argv[1:])
