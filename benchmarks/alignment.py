"""Lyrics alignment benchmark: word-onset error, line starts and speed with Whisper base on a CPU.

Two sets: the speech fixtures (tests/fixtures/speech: espeak words over a beat,
true onsets known) and the real songs of ``../shared/devdata/lyrics``
(JamendoLyrics: sung words with onsets annotated by hand; skipped when the
folder is absent). Per item and overall, for ``align`` (and ``transcribe`` on
the fixtures): average absolute word-onset error
(AAE, seconds), share of onsets within 0.3 s (PCO), share of line starts within
1 s, real-time factor (processing time / audio duration) and CPU seconds (all threads) per second of audio,
which tells the cost on a machine that others load too. Targets for
``align``: fixtures AAE <= 0.1 s and lines within 1 s >= 95 %; songs AAE <= 0.8 s,
PCO >= 80 %, lines within 1 s >= 90 %, RTF <= 0.25 on 2 cores.

Stress rows (:data:`STRESS`, from devdata songs): a verse buried under a loud sawtooth, a verse cut from the
audio with its text kept, a chorus pasted three times in the text, two verses' lyrics swapped; each is scored
over all sung lines and from the second line after the trouble on (target: lines within 1 s there as on the song).

    nice .venv/bin/python benchmarks/alignment.py [--only fixtures|songs|stress] [--song NAME] [--backend whisperx]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np

# This script is itself named alignment.py: take its folder off the path so `import alignment` finds the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "tests")]

import alignment  # noqa: E402
from alignment_stress import bury, cut, recovery, repeat_stanza, sung, swap  # noqa: E402
from alignment_support import FIXTURES, fixtures, onset_errors, sung_written_words, whisper_base_folder  # noqa: E402

SONGS = ROOT.parent / "shared" / "devdata" / "lyrics"
LANGUAGES = {"Fantasma_-_Los_Rombos": "es", "Guayeteo_-_JhoyKing": "es", "Mes_Larmes_-_kobzx2z": "fr"}
"""The devdata songs' languages (from its README); another song there is aligned with its language told from its text."""


def errors(true_starts: np.ndarray, line_firsts: np.ndarray, words) -> tuple[np.ndarray, np.ndarray]:
    """Absolute onset errors of every word and of every line's first word."""
    error = np.abs(np.array([w.start for w in words]) - true_starts)
    return error, error[line_firsts]


def fixture_items():
    """(name, audio, lyrics, language, duration, true starts, line-first indices, words-of-lyrics function)."""
    for name, fx in fixtures().items():
        sung = [w for w in fx["words"] if w["written"]]
        starts = np.array([w["start"] for w in sung])
        firsts, k = [], 0
        texts = [w["text"] for w in sung]
        for line in (line.split() for line in fx["lyrics"].splitlines() if line.strip()):
            if texts[k:k + len(line)] == line:
                firsts.append(k)
                k += len(line)
        yield (name, FIXTURES / fx["audio"], fx["lyrics"], fx["language"], fx["duration"], starts,
               np.array(firsts), lambda lyr, fx=fx: sung_written_words(fx, lyr))


def song_items(only: str | None):
    """The devdata songs, as :func:`fixture_items`."""
    from binarydream.audio import load_audio

    for audio in sorted(SONGS.glob("*.mp3")):
        if only and only not in audio.stem:
            continue
        text = audio.with_suffix(".txt").read_text(encoding="utf-8")
        with open(audio.with_suffix(".words.csv"), newline="") as f:
            starts = np.array([float(row["word_start"]) for row in csv.DictReader(f)])
        lines = [line.split() for line in text.splitlines() if line.strip()]
        firsts = np.cumsum([0] + [len(line) for line in lines[:-1]])
        y = load_audio(audio, sr=16000)[0]
        yield (audio.stem, y, text, LANGUAGES.get(audio.stem), len(y) / 16000, starts, firsts, lambda lyr: lyr.words)


def run(title: str, items, options: dict) -> None:
    print(f"\n{title}\n{'item':<24} {'AAE s':>7} {'PCO':>6} {'lines<1s':>8} {'words':>5} {'RTF':>6} {'low':>4} "
          f"{'CPU/dur':>7}")
    word_errors, line_errors, rtfs, names = [], [], [], []
    for name, audio, text, language, duration, starts, firsts, words_of in items:
        start, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lyr = alignment.align(audio, text, language=language, **options)
        rtf = (time.perf_counter() - start) / duration
        cpu = (time.process_time() - cpu) / duration
        low = sum(line.score < alignment.LOW_SCORE for line in lyr.lines)
        word, line = errors(starts, firsts, words_of(lyr))
        word_errors.append(word)
        line_errors.append(line)
        rtfs.append(rtf)
        names.append(name)
        print(f"{name:<24} {word.mean():7.3f} {np.mean(word <= 0.3):6.1%} {np.mean(line <= 1.0):8.1%} "
              f"{len(word):5d} {rtf:6.3f} {low:4d} {cpu:7.3f}")
    if word_errors:
        word, line = np.concatenate(word_errors), np.concatenate(line_errors)
        print(f"{'overall':<24} {word.mean():7.3f} {np.mean(word <= 0.3):6.1%} {np.mean(line <= 1.0):8.1%} "
              f"{len(word):5d} {np.mean(rtfs):6.3f}")
        worst = int(np.argmax([e.mean() for e in word_errors]))
        print(f"worst: {names[worst]} (AAE {word_errors[worst].mean():.3f} s)")


STRESS = (("noise 20 s over a verse", "Mes_Larmes_-_kobzx2z", lambda s, y: bury(s, y, 16000, 6, 20.0)),
          ("verse cut from the audio", "Mes_Larmes_-_kobzx2z", lambda s, y: cut(s, y, 16000, 6)),
          ("chorus x3 in the text", "Fantasma_-_Los_Rombos", lambda s, y: repeat_stanza(s, 1, 3)),
          ("two verses swapped", "Mes_Larmes_-_kobzx2z", lambda s, y: swap(s, 6, 7)))
"""Stress rows: (case, devdata song, transform of its lyrics and audio -> lyrics, audio or None, lines in trouble)."""


def run_stress(options: dict) -> None:
    """Each stress case on its devdata song: all sung lines, and from the second line after the trouble on."""
    from binarydream.audio import load_audio

    print(f"\nstress cases (align)\n{'case':<26} {'AAE s':>7} {'lines<1s':>8} {'after: AAE':>10} {'lines<1s':>8} "
          f"{'n':>3} {'RTF':>6} {'CPU/dur':>7}")
    for case, song, transform in STRESS:
        audio = SONGS / f"{song}.mp3"
        with open(audio.with_suffix(".words.csv"), newline="") as f:
            starts = [float(row["word_start"]) for row in csv.DictReader(f)]
        y = load_audio(audio, sr=16000)[0]
        lyrics, changed, trouble = transform(sung(audio.with_suffix(".txt").read_text(encoding="utf-8"), starts), y)
        y = y if changed is None else changed
        start, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lyr = alignment.align(y, lyrics.text, language=LANGUAGES.get(song), **options)
        rtf = (time.perf_counter() - start) / (len(y) / 16000)
        cpu = (time.process_time() - cpu) / (len(y) / 16000)
        r = recovery(lyrics, lyr, trouble)
        print(f"{case:<26} {r['aae']:7.3f} {r['lines']:8.1%} {r['after_aae']:10.3f} {r['after_lines']:8.1%} "
              f"{r['n_after']:3d} {rtf:6.3f} {cpu:7.3f}")


def run_transcribe(options: dict) -> None:
    """Onset error of :func:`alignment.transcribe` on the fixtures (heard words paired with the sung ones)."""
    print(f"\nspeech fixtures (transcribe)\n{'item':<24} {'AAE s':>7} {'PCO':>6} {'words':>5} {'RTF':>6}")
    for name, fx in fixtures().items():
        start = time.perf_counter()
        lyr = alignment.transcribe(FIXTURES / fx["audio"], language=fx["language"], **options)
        rtf = (time.perf_counter() - start) / fx["duration"]
        aae, share, n = onset_errors(fx["words"], lyr.words, written_only=False)
        print(f"{name:<24} {aae:7.3f} {share:6.1%} {n:5d} {rtf:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="faster-whisper")
    parser.add_argument("--only", choices=("fixtures", "songs", "stress"))
    parser.add_argument("--song", help="only the devdata songs whose name holds this")
    parser.add_argument("--align-model", help="wav2vec2 folder for the whisperx backend")
    args = parser.parse_args()
    backend = args.backend
    if backend == "whisperx":
        from alignment.backends.whisperx import WhisperX

        backend = WhisperX(align_model=args.align_model)
    options = dict(model=str(whisper_base_folder()), device="cpu", backend=backend)
    with warnings.catch_warnings():   # load the model outside the timings
        warnings.simplefilter("ignore")
        alignment.transcribe(FIXTURES / "instrumental.ogg", language="en", **options)
    if args.only in (None, "fixtures"):
        run("speech fixtures (align)", fixture_items(), options)
        run_transcribe(options)
    if args.only in (None, "songs", "stress"):
        if not SONGS.is_dir():
            print(f"\nno real songs: {SONGS} is absent, skipped")
        elif args.only != "stress":
            run(f"real songs in {SONGS} (align)", song_items(args.song), options)
        if SONGS.is_dir() and args.only != "songs":
            run_stress(options)


if __name__ == "__main__":
    main()
