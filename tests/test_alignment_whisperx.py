"""The WhisperX backend, for real: Whisper base ASR offline, a tiny random-weight wav2vec2 for the alignment step.

Runs in .venv-whisperx (``make test-whisperx``); skips elsewhere. The random
aligner gives meaningless word times, so the tests check the backend's code
path and the shape of its output, not accuracy.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

whisperx = pytest.importorskip("whisperx", reason="WhisperX is not installed here (make test-whisperx)")

import alignment  # noqa: E402
from alignment.backends.whisperx import WhisperX, load_aligner  # noqa: E402
from alignment.transcription import audio_samples  # noqa: E402
from binarydream.errors import ModelNotFoundError  # noqa: E402

from alignment_support import FIXTURES, fixtures, whisper_base_folder  # noqa: E402

pytestmark = pytest.mark.whisperx
TRUTH = fixtures()["en_chorus"]


@pytest.fixture(scope="module")
def tiny_wav2vec2(tmp_path_factory):
    """A seeded random-weight Wav2Vec2ForCTC with a character vocabulary and processor built locally."""
    import torch
    from transformers import (Wav2Vec2Config, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC,
                              Wav2Vec2Processor)

    folder = tmp_path_factory.mktemp("wav2vec2")
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4}
    vocab.update({c: 5 + k for k, c in enumerate("abcdefghijklmnopqrstuvwxyz'")})
    (folder / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = Wav2Vec2CTCTokenizer(str(folder / "vocab.json"), word_delimiter_token="|")
    extractor = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, do_normalize=True,
                                         return_attention_mask=False)
    Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    torch.manual_seed(0)
    config = Wav2Vec2Config(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=64, conv_dim=(16,) * 7, num_conv_pos_embeddings=16,
                            num_conv_pos_embedding_groups=2, pad_token_id=0)
    Wav2Vec2ForCTC(config).eval().save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def backend(tiny_wav2vec2):
    return WhisperX(align_model=tiny_wav2vec2, batch_size=4)


def test_whisperx_transcribe_runs_asr_and_alignment(backend):
    lyr = alignment.transcribe(FIXTURES / TRUTH["audio"], model=str(whisper_base_folder()), language="en",
                               device="cpu", backend=backend)
    heard = [w.text.strip(".,!?").lower() for w in lyr.words]
    expected = [w["text"].lower() for w in TRUTH["words"]]
    assert len(set(heard) & set(expected)) >= 0.6 * len(set(expected))
    starts = np.array([w.start for w in lyr.words])
    assert np.all(np.diff(starts) >= 0) and 0 <= starts[0] and lyr.words[-1].end <= TRUTH["duration"] + 0.5
    assert all(0.0 <= w.score <= 1.0 and w.end >= w.start for w in lyr.words)


def test_whisperx_align_places_every_written_word(backend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lyr = alignment.align(FIXTURES / TRUTH["audio"], TRUTH["lyrics"], model=str(whisper_base_folder()),
                              language="en", device="cpu", backend=backend)
    assert [w.text for w in lyr.words] == TRUTH["lyrics"].split()
    assert all(0.0 <= w.start <= TRUTH["duration"] for w in lyr.words)


def test_whisperx_missing_align_model_is_one_line():
    with pytest.raises(ModelNotFoundError, match="wav2vec2 alignment model") as error:
        load_aligner("en", "cpu", "binarydream-test/no-such-wav2vec2")
    assert "\n" not in str(error.value)


def test_whisperx_align_lines_times_the_words_as_written_inside_their_spans(backend):
    y = audio_samples(FIXTURES / TRUTH["audio"])
    lines = [(["Hold", "me,", "closer"], 8.4, 10.8), (["never", "let", "me", "go", "2night!"], 10.8, 12.6)]
    forced = backend.align_lines(y, lines, language="en", device="cpu")
    assert [[w.text for w in words] for words in forced] == [words for words, _, _ in lines]
    for words, (_, start, end) in zip(forced, lines):
        starts = [w.start for w in words]
        assert starts == sorted(starts) and start <= starts[0] and words[-1].end <= end + 1e-6
        assert all(0.0 <= w.score <= 1.0 and w.end >= w.start for w in words)


def test_whisperx_align_force_aligns_each_sung_line_and_keeps_the_unsung_one(tiny_wav2vec2):
    class Recording(WhisperX):
        def align_lines(self, y, lines, *, language, device):
            self.calls = lines
            self.forced = super().align_lines(y, lines, language=language, device=device)
            return self.forced

    backend = Recording(align_model=tiny_wav2vec2, batch_size=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lyr = alignment.align(FIXTURES / TRUTH["audio"], TRUTH["lyrics"], model=str(whisper_base_folder()),
                              language="en", device="cpu", backend=backend)
    written = [line for line in TRUTH["lyrics"].splitlines() if line.strip()]
    assert [line.text for line in lyr.lines] == written
    assert [" ".join(words) for words, _, _ in backend.calls] == written[:4] + written[5:]   # not the unsung line
    spans = [(start, end) for _, start, end in backend.calls]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))                             # spans never overlap
    assert max(w.score for w in lyr.lines[4].words) < 0.5          # only weak, unlike matches: not forced
    sung = lyr.lines[:4] + lyr.lines[5:]
    assert all(forced is None or [w.start for w in line.words] == [w.start for w in forced]
               for line, forced in zip(sung, backend.forced))
    assert sum(forced is not None for forced in backend.forced) >= 5
    starts = np.array([w.start for w in lyr.words])
    assert np.all(np.diff(starts) >= 0) and lyr.words[-1].end <= TRUTH["duration"]
