"""The faster-whisper backend: Whisper (CTranslate2) with its Silero VAD and word timestamps.

With known lyrics it times the written words themselves (:meth:`FasterWhisper.force_align`,
see :mod:`alignment.forced`): nothing is recognised, so what Whisper mishears in singing does not matter.

Examples
--------
>>> backend = FasterWhisper(beam_size=5)
>>> transcript = backend.recognise(y, model="path/to/whisper-base", language="en", device="cpu")  # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..lyrics import Word
from ..models import whisper_folder
from .transcript import Transcript


@lru_cache(maxsize=2)
def load_model(model: str, device: str, compute_type: str):
    """A ``faster_whisper.WhisperModel`` for a model name or folder, loaded once per process.

    Examples
    --------
    >>> load_model("path/to/whisper-base", "cpu", "int8")  # doctest: +SKIP
    """
    from faster_whisper import WhisperModel

    return WhisperModel(whisper_folder(model), device=device, compute_type=compute_type)


class FasterWhisper:
    """Recognise words with faster-whisper.

    Parameters
    ----------
    compute_type : str or None
        CTranslate2 precision; None: ``int8`` on a CPU, ``float16`` on a GPU.
    beam_size : int
        Beam search width.
    vad_filter : bool
        Skip stretches without voice (Silero VAD, shipped with faster-whisper):
        fewer invented words in instrumentals, better first-word times.

    Examples
    --------
    >>> FasterWhisper().name
    'faster-whisper'
    """

    name = "faster-whisper"

    def __init__(self, *, compute_type: str | None = None, beam_size: int = 5, vad_filter: bool = True):
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.vad_filter = vad_filter

    def _whisper(self, model, device: str):
        compute_type = self.compute_type or ("float16" if device == "cuda" else "int8")
        return model if hasattr(model, "transcribe") else load_model(str(model), device, compute_type)

    def force_align(self, y: np.ndarray, lines: list[list[str]], *, model, language: str | None,
                    device: str, voiced: np.ndarray | None = None) -> tuple[list[tuple[Word, ...] | None], str]:
        """Time the written ``lines`` (words as written) in ``y``; None for a line no window held; and the language.

        ``language`` None: told from the lyrics text (:func:`alignment.language.text_language`),
        else heard in the first 30 seconds of singing. ``voiced``: as for :func:`alignment.placement.place`.
        """
        from faster_whisper.tokenizer import Tokenizer

        from ..forced import FRAMES_PER_SECOND
        from ..language import text_language
        from ..placement import place, syllables
        from ..thresholds import UNSUNG

        whisper = self._whisper(model, device)
        features = whisper.feature_extractor(y)
        language = language or text_language("\n".join(" ".join(line) for line in lines))
        if language is None:
            language = whisper.detect_language(features=features[:, :30 * FRAMES_PER_SECOND])[0]
        tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe",
                              language=language)
        tokens = [[tokenizer.encode(" " + word) for word in line] for line in lines]
        timings = place(whisper, tokenizer, features, tokens,
                        np.array([sum(syllables(word) for word in line) for line in lines]), unsung=UNSUNG, voiced=voiced)
        return [None if t is None else tuple(Word(text, round(float(a), 3), round(float(max(b, a)), 3),
                                                  round(float(p), 4))
                                             for text, a, b, p in zip(line, t.starts, t.ends, t.probs))
                for line, t in zip(lines, timings)], language

    def recognise(self, y: np.ndarray, *, model, language: str | None, device: str) -> Transcript:
        """Words heard in ``y`` (mono float32 at 16 kHz); ``model`` is a name, a folder or a ``WhisperModel``."""
        whisper = self._whisper(model, device)
        segments, info = whisper.transcribe(y, language=language, word_timestamps=True, beam_size=self.beam_size,
                                            vad_filter=self.vad_filter, condition_on_previous_text=False)
        groups = []
        for segment in segments:
            # Whisper's usual tell for music it invented words over.
            if segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0:
                continue
            words = tuple(Word(w.word.strip(), float(w.start), float(max(w.end, w.start)), float(w.probability))
                          for w in segment.words or () if w.word.strip())
            if words:
                groups.append(words)
        return Transcript(groups, info.language)
