"""The WhisperX backend: faster-whisper ASR over VAD chunks, then wav2vec2 CTC forced alignment per word.

With known lyrics (:func:`alignment.align`) it goes one step further: each
written line, placed in time by matching the heard words, is force-aligned
itself (:meth:`WhisperX.align_lines`), so wav2vec2 times the words as written,
not the words Whisper thought it heard.

WhisperX pins torch~=2.8 and huggingface_hub<1.0, so it lives in its own
environment (``pip install "binarydream[whisperx]"``, see the README). Its
wav2vec2 alignment model is chosen per language and downloaded on first use;
``align_model=`` takes a local folder (a ``Wav2Vec2ForCTC`` with its processor)
or a Hub id instead.

Examples
--------
>>> backend = WhisperX(align_model="path/to/wav2vec2-folder")
>>> transcript = backend.recognise(y, model="path/to/whisper-base", language="en", device="cpu")  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from binarydream.errors import MissingDependencyError, ModelNotFoundError

from ..lyrics import Word
from ..models import whisper_folder
from .transcript import Transcript


def _import_whisperx():
    try:
        import whisperx
    except ImportError:
        raise MissingDependencyError('the whisperx backend needs WhisperX in its own environment: '
                                     'pip install "binarydream[whisperx]" (see README, "WhisperX")') from None
    return whisperx


@lru_cache(maxsize=2)
def load_pipeline(model: str, device: str, compute_type: str, vad_method: str = "pyannote"):
    """A WhisperX ASR pipeline for a Whisper model name or folder, loaded once per process.

    Examples
    --------
    >>> load_pipeline("path/to/whisper-base", "cpu", "int8")  # doctest: +SKIP
    """
    whisperx = _import_whisperx()
    return whisperx.load_model(whisper_folder(model), device, compute_type=compute_type, vad_method=vad_method)


@lru_cache(maxsize=4)
def load_aligner(language: str, device: str, align_model: str | None = None):
    """WhisperX's wav2vec2 alignment model and its metadata for ``language``, loaded once per process.

    Examples
    --------
    >>> load_aligner("en", "cpu", "path/to/wav2vec2-folder")  # doctest: +SKIP
    """
    whisperx = _import_whisperx()
    try:
        return whisperx.load_align_model(language, device, model_name=align_model)
    except Exception as error:  # noqa: BLE001 - torchaudio and transformers fail in different types
        which = align_model or f"WhisperX's default for {language!r}"
        raise ModelNotFoundError(f"wav2vec2 alignment model ({which}) could not be loaded or downloaded "
                                 f"({type(error).__name__}); connect once to fetch it, or pass "
                                 "WhisperX(align_model=<local wav2vec2 folder>)") from None


def _ensure_punkt(language: str) -> None:
    """Give WhisperX's sentence splitter a Punkt model when nltk's cannot be found or downloaded.

    WhisperX splits each segment into sentences with nltk's ``punkt_tab`` and
    downloads it on first use; binarydream uses only word times, so offline an
    empty Punkt model (split at full stops, no abbreviation list) serves.
    """
    import nltk
    from whisperx.utils import PUNKT_LANGUAGES

    name = PUNKT_LANGUAGES.get(language, "english")
    try:
        nltk.data.find(f"tokenizers/punkt_tab/{name}/")
        return
    except LookupError:
        if nltk.download("punkt_tab", quiet=True, raise_on_error=False):
            return
    root = Path(tempfile.mkdtemp(prefix="binarydream-punkt-"))
    folder = root / "tokenizers" / "punkt_tab" / name
    folder.mkdir(parents=True)
    for file in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt", "ortho_context.tab"):
        (folder / file).write_text("", encoding="utf-8")
    nltk.data.path.append(str(root))


def _words(segment: dict) -> tuple[Word, ...]:
    """Words of one aligned segment; a word wav2vec2 could not place (digits, symbols) sits between its neighbours."""
    raw = [w for w in segment.get("words", []) if w.get("word", "").strip()]
    words, cursor = [], float(segment["start"])
    for k, w in enumerate(raw):
        if "start" in w:
            start, end, score = float(w["start"]), float(w["end"]), float(w.get("score", 0.0))
        else:
            following = next((float(v["start"]) for v in raw[k + 1:] if "start" in v), float(segment["end"]))
            start, end, score = cursor, max(cursor, following), 0.0
        words.append(Word(w["word"].strip(), start, max(end, start), min(max(score, 0.0), 1.0)))
        cursor = max(end, start)
    return tuple(words)


class WhisperX:
    """Recognise words with WhisperX.

    Parameters
    ----------
    align_model : str or None
        wav2vec2 alignment model: a local folder or Hub id; None for WhisperX's
        default for the language (downloaded on first use).
    compute_type : str or None
        CTranslate2 precision; None: ``int8`` on a CPU, ``float16`` on a GPU.
    batch_size : int
        VAD chunks transcribed together.
    vad_method : str
        ``"pyannote"`` (weights ship with WhisperX: works offline) or ``"silero"``.

    Examples
    --------
    >>> WhisperX().name
    'whisperx'
    """

    name = "whisperx"

    def __init__(self, *, align_model: str | None = None, compute_type: str | None = None, batch_size: int = 8,
                 vad_method: str = "pyannote"):
        self.align_model = None if align_model is None else str(align_model)
        self.compute_type = compute_type
        self.batch_size = batch_size
        self.vad_method = vad_method

    def recognise(self, y: np.ndarray, *, model, language: str | None, device: str) -> Transcript:
        """Words heard in ``y`` (mono float32 at 16 kHz); ``model`` is a name, a folder or a WhisperX pipeline."""
        whisperx = _import_whisperx()
        compute_type = self.compute_type or ("float16" if device == "cuda" else "int8")
        pipeline = model if hasattr(model, "transcribe") else load_pipeline(str(model), device, compute_type,
                                                                             self.vad_method)
        result = pipeline.transcribe(y, batch_size=self.batch_size, language=language)
        heard_language = result.get("language") or language
        segments = [s for s in result["segments"] if s.get("text", "").strip()]
        if not segments:
            return Transcript([], heard_language)
        aligner, metadata = load_aligner(heard_language, device, self.align_model)
        _ensure_punkt(heard_language)
        aligned = whisperx.align(segments, aligner, metadata, y, device, return_char_alignments=False)
        groups = [words for words in (_words(s) for s in aligned["segments"]) if words]
        return Transcript(groups, heard_language)

    def align_lines(self, y: np.ndarray, lines: list[tuple[list[str], float, float]], *, language: str,
                    device: str) -> list[tuple[Word, ...] | None]:
        """Force-align written lines, each inside its own time span, with wav2vec2.

        Parameters
        ----------
        y : np.ndarray
            Mono float32 audio at 16 kHz.
        lines : list of (words, start, end)
            The written words of each line and the seconds to look for them in.
        language, device : str
            Language of the lyrics (chooses the aligner) and torch device.

        Returns
        -------
        list, one entry per line: its words as written with wav2vec2's times and
        scores, or None where the aligner could not place the line.
        """
        whisperx = _import_whisperx()
        aligner, metadata = load_aligner(language, device, self.align_model)
        _ensure_punkt(language)
        out = []
        for words, start, end in lines:
            # One call per line: WhisperX may split or merge segments, and each line's words must come back as its own.
            segment = {"text": " ".join(words), "start": float(start), "end": float(end)}
            aligned = whisperx.align([segment], aligner, metadata, y, device, return_char_alignments=False)
            timed = tuple(w for s in aligned["segments"] for w in _words(s))
            out.append(tuple(Word(text, w.start, w.end, w.score) for text, w in zip(words, timed))
                       if [w.text for w in timed] == list(words) else None)
        return out
