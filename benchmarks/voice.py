"""Benchmark vocal presence (:mod:`binarydream.analysis.voice`): where the voice detector hears singing, and what it costs.

Usage::

    python benchmarks/voice.py [--only real|pieces|clips|synthetic]

Real songs (``../shared/devdata/lyrics/*.mp3``, skipped when absent): the hand
word timings (``.words.csv``; words merged across gaps under 1.5 s) are the truth
of singing. Printed: the detector's per-window precision and recall (a window
voiced when its probability exceeds :data:`~binarydream.analysis.voice.VOICED`); per
section of the analysis, the share of its time sung by hand and voiced by the
detector, and the decision; the voiced share of the songs' instrumental
stretches (no word for 6 s or more, a second trimmed at each side); the seconds
the detector takes against the whole analysis. Pieces: the same recall and
false windows, and the voiced share of instrumental passages and of a sung
clip, when the detector's state starts afresh every 2.5, 5, 10 or 20 s or never.

Clips (``../shared/devdata/beats/*.flac``): the voiced share of each 30-s clip
and its decision, against what Whisper base transcribes in it (see
:data:`CLIPS`).

Synthetic songs (``tests/song_forms.py``, ``tests/voice_songs.py``): a band
(drums, bass, chords) with a synth lead melody at several levels must be an
instrumental through the whole analysis (no verse or chorus); the espeak-ng
speech fixtures laid over the band at several levels must be voiced where they
are and nowhere else.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]
DEVDATA = ROOT.parent / "shared" / "devdata"
CLIPS = {"gtzan_blues_00000": True, "gtzan_classical_00000": False, "gtzan_disco_00000": None,
         "gtzan_pop_00000": True, "gtzan_reggae_00000": True, "gtzan_rock_00000": True,
         "simac_01_H_mikri_Rallou": True}
"""Whether each clip is sung, as checked by ear-free means: Whisper base (faster-whisper, no VAD filter)
transcribes sung English lines over all of blues, pop, reggae and rock and Greek over simac; nothing in
classical (an orchestra) nor in disco, which is then unknown (None) rather than taken for an instrumental."""
MERGE_GAP = 1.5
INSTRUMENTAL_GAP = 6.0


def sung_windows(words_csv: Path, n: int, hop: float) -> tuple[np.ndarray, list]:
    """Whether each window (``i * hop`` onwards) lies in sung words (merged across short gaps), and the spans."""
    rows = list(csv.DictReader(open(words_csv, encoding="utf-8")))
    spans = []
    for start, end in sorted((float(r["word_start"]), float(r["word_end"])) for r in rows):
        if spans and start - spans[-1][1] < MERGE_GAP:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    middles = (np.arange(n) + 0.5) * hop
    sung = np.zeros(n, bool)
    for start, end in spans:
        sung |= (middles >= start) & (middles < end)
    return sung, spans


def real() -> None:
    import librosa

    from binarydream.analysis import Section, analyze_signal, voice
    from binarydream.analysis.form import function_of

    songs = sorted((DEVDATA / "lyrics").glob("*.mp3"))
    if not songs:
        print(f"real songs: skipped ({DEVDATA / 'lyrics'} is absent)")
        return
    hop = voice.VAD_WINDOW / voice.VAD_SR
    print(f"real songs ({DEVDATA / 'lyrics'}), hand word timings as the truth of singing; window voiced: "
          f"p > {voice.VOICED}; section sung: >= {voice.SUNG_SHARE:.0%} voiced")
    stretches, counts = [], []
    for path in songs:
        y, sr = librosa.load(path, sr=44100)
        start = time.perf_counter()
        p = voice.voice_activity(y, sr)
        detector = time.perf_counter() - start
        sung, spans = sung_windows(path.with_suffix(".words.csv"), p.size, hop)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            a = analyze_signal(y, sr, fps=30)
            analysis = time.perf_counter() - start
        v = p > voice.VOICED
        print(f"  {path.stem}: {len(y) / sr:.0f} s; detector {detector:.2f} s of a {analysis:.1f} s analysis; "
              f"windows: precision {np.mean(sung[v]):.2f} recall {np.mean(v[sung]):.2f} "
              f"(false windows {np.mean(v[~sung]):.3f})")
        truth = voice.voiced_shares(sung, a.sections, hop=hop)
        heard = voice.voiced_shares(p > voice.VOICED, a.sections, hop=hop)
        decided = voice.sung_sections(y, sr, a.sections)   # with a sung part's audio cluster taken as sung
        print("    sections (sung by hand / voiced / decision, label): " + " | ".join(
            f"{s.start:.0f}-{s.end:.0f} s {t:.2f}/{h:.2f}/{'sung' if d else '-'} {s.label}"
            for s, t, h, d in zip(a.sections, truth, heard, decided)))
        gaps = [(a0 + 1.0, b0 - 1.0) for a0, b0 in zip([0.0] + [end for _, end in spans],
                                                       [start for start, _ in spans] + [len(y) / sr])
                if b0 - a0 >= INSTRUMENTAL_GAP]
        shares = voice.voiced_shares(p > voice.VOICED, [Section(a0, b0, "I") for a0, b0 in gaps], hop=hop)
        stretches += [(path.stem, a0, b0, share) for (a0, b0), share in zip(gaps, shares)]
        counts += list(zip(truth, decided))
        sung_functions = sum(function_of(s.label) in ("verse", "prechorus", "chorus", "bridge") for s in a.sections)
        print(f"    {sung_functions} of {len(a.sections)} sections keep a sung function")
    sung_parts = [found for t, found in counts if t >= 0.25]
    other_parts = [found for t, found in counts if t < 0.1]
    print(f"  sections sung by hand over a quarter of their time or more: {sum(sung_parts)} of {len(sung_parts)} "
          f"found sung; over under a tenth: {len(other_parts) - sum(other_parts)} of {len(other_parts)} found not sung")
    print("  instrumental stretches (no word for 6 s or more): voiced share " + ", ".join(
        f"{name.split('_')[0]} {a0:.0f}-{b0:.0f} s {share:.3f}" for name, a0, b0, share in stretches)
        + f"; highest {max(s for *_, s in stretches):.3f}")


def pieces() -> None:
    """How long a stretch the detector hears from a fresh state: recall against false voice."""
    import librosa

    from binarydream.analysis import Section, voice

    songs = sorted((DEVDATA / "lyrics").glob("*.mp3"))
    clips = [DEVDATA / "beats" / f"{name}.flac" for name in ("gtzan_classical_00000", "gtzan_pop_00000")]
    if not songs or not all(clip.is_file() for clip in clips):
        print("pieces: skipped (devdata is absent)")
        return
    hop = voice.VAD_WINDOW / voice.VAD_SR
    heard = [librosa.load(path, sr=44100) for path in songs + clips]
    print("pieces (the detector's state starts afresh every piece): per song recall / false windows (Fantasma, "
          "Guayeteo, Mes Larmes); highest voiced share of an instrumental stretch; voiced share of the classical "
          "clip (instrumental) and the pop clip (sung)")
    chosen = voice.VAD_PIECE
    for piece in (78, 156, 312, 625, 10 ** 9):
        voice.VAD_PIECE = piece
        cells, stretches = [], []
        for path, (y, sr) in zip(songs, heard):
            v = voice.voice_activity(y, sr) > voice.VOICED
            sung, spans = sung_windows(path.with_suffix(".words.csv"), v.size, hop)
            cells.append(f"{np.mean(v[sung]):.2f} / {np.mean(v[~sung]):.3f}")
            gaps = [Section(a0 + 1.0, b0 - 1.0, "I") for a0, b0 in zip([0.0] + [end for _, end in spans],
                                                                       [start for start, _ in spans] + [len(y) / sr])
                    if b0 - a0 >= INSTRUMENTAL_GAP]
            stretches += list(voice.voiced_shares(v, gaps, hop=hop))
        classical, pop = (float(np.mean(voice.voice_activity(y, sr) > voice.VOICED)) for y, sr in heard[len(songs):])
        name = "whole song" if piece > 10 ** 6 else f"{piece * hop:.1f} s"
        print(f"  {name:10s}: {', '.join(cells)}; instrumental stretches {max(stretches):.3f}; "
              f"classical {classical:.3f}, pop {pop:.3f}" + (" (in use)" if piece == chosen else ""))
    voice.VAD_PIECE = chosen


def clips() -> None:
    import librosa

    from binarydream.analysis import voice

    found = sorted((DEVDATA / "beats").glob("*.flac"))
    if not found:
        print(f"clips: skipped ({DEVDATA / 'beats'} is absent)")
        return
    print("clips (30 s; truth from Whisper base transcripts, see CLIPS): voiced share, decision")
    for path in found:
        y, sr = librosa.load(path, sr=None)
        share = float(np.mean(voice.voice_activity(y, sr) > voice.VOICED))
        truth = {True: "sung", False: "instrumental", None: "unknown"}[CLIPS.get(path.stem)]
        print(f"  {path.stem:26s} {share:.3f} -> {'sung' if share >= voice.SUNG_SHARE else 'not sung'} "
              f"(truth: {truth})")


def synthetic() -> None:
    from song_forms import SR, song_form
    from voice_songs import lead_melody, speech, with_voice

    from binarydream.analysis import Section, analyze_signal, voice
    from binarydream.analysis.form import function_of

    print("synthetic: band (ABABCB, AABCABDB) with a synth lead melody (gain of the band's peak), whole analysis")
    for form, bpm in (("ABABCB", 112.0), ("AABCABDB", 96.0)):
        y, _ = song_form(form, bars=8, bpm=bpm)
        for gain in (0.0, 0.3, 0.6, 1.0):
            for seed in (0, 1, 2):
                mix = (y + gain * np.abs(y).max() * lead_melody(len(y) / SR, bpm=bpm, sr=SR, seed=seed))
                share = float(np.mean(voice.voice_activity(mix, SR) > voice.VOICED))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    functions = sorted({function_of(s.label) for s in analyze_signal(mix, SR, beats="librosa").sections})
                print(f"  {form} lead {gain:.1f} seed {seed}: voiced share {share:.3f}; functions {', '.join(functions)}")
                if gain == 0.0:
                    break
    print("synthetic: espeak-ng speech fixtures over the band (ABABCB, 112 BPM) at 8 s, voice peak re band's peak")
    y, _ = song_form("ABABCB", bars=8, bpm=112.0)
    for lead in (0.0, 0.3, 0.6):
        band = y + lead * np.abs(y).max() * lead_melody(len(y) / SR, bpm=112.0, sr=SR, seed=2)
        for name in ("en_chorus", "fr_verse", "es_verse", "de_verse"):
            v = speech(name, SR)
            cells = []
            for db in (0.0, -6.0, -12.0):
                mix = with_voice(band, v, 8.0, sr=SR, db=db)
                sections = [Section(0.0, 8.0, "A"), Section(8.0, 8.0 + len(v) / SR, "B"),
                            Section(8.0 + len(v) / SR, len(mix) / SR, "C")]
                p = voice.voice_activity(mix, SR)
                shares = voice.voiced_shares(p > voice.VOICED, sections, hop=voice.VAD_WINDOW / voice.VAD_SR)
                cells.append(f"{db:+.0f} dB: in {shares[1]:.2f}, out {max(shares[0], shares[2]):.3f}")
            print(f"  lead {lead:.1f} {name:9s} " + "; ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("real", "pieces", "clips", "synthetic"))
    args = parser.parse_args()
    from binarydream.analysis.voice import voice_detector

    if voice_detector() is None:
        print("skipped: no voice detector here (pip install faster-whisper onnxruntime)")
        return
    print(f"CPUs available {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}; "
          f"detector {voice_detector()}")
    for part, run in (("real", real), ("pieces", pieces), ("clips", clips), ("synthetic", synthetic)):
        if args.only in (None, part):
            run()


if __name__ == "__main__":
    sys.exit(main())
