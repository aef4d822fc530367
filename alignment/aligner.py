"""Lyrics you have, timed to the audio: each written line found where it is sung, its words force-aligned there.

:func:`align` is :func:`alignment.align`. The lines are matched to the words a
recogniser hears (:mod:`alignment.textalign`), then, where the backend can,
force-aligned inside the spans found (:mod:`alignment.placement` over
:mod:`alignment.forced`); lines heard weakly are placed by their repeats and
fitted into the gaps (:mod:`alignment.repeats`, :mod:`alignment.confidence`).

Examples
--------
>>> read_lyrics("line one\\nline two")
('line one\\nline two', 'the lyrics given')
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from binarydream.errors import LyricsError

from .backends import SAMPLE_RATE, get_backend
from .formats import load
from .lyrics import Line, Lyrics, Word
from .textfile import names_a_file, read_text
from .thresholds import FIRST_WORD, LINE_PAD, LOW_SCORE, SUNG_SHARE, UNSUNG
from .transcription import audio_name, audio_samples, recognise
from .written import fit_to_song


def read_lyrics(lyrics) -> tuple[str, str]:
    """The lyrics text from text itself or from a path to a text, .lrc or .srt file, and where it came from."""
    if isinstance(lyrics, Lyrics):
        return "\n".join(line.text for line in lyrics.lines), "the lyrics given"
    if names_a_file(lyrics):
        path = Path(str(lyrics).strip() if isinstance(lyrics, str) else lyrics).expanduser()
        if not path.is_file():
            raise LyricsError(f"lyrics file not found: {path} (give an existing text, .lrc or .srt file, or the text)")
        if path.suffix.lower() in (".lrc", ".srt"):
            return "\n".join(line.text for line in load(path).lines), str(path)
        return read_text(path), str(path)
    if not isinstance(lyrics, str):
        raise LyricsError(f"lyrics must be text or a path, got {type(lyrics).__name__}")
    return lyrics, "the lyrics given"


def align(audio, lyrics, *, model=None, language: str | None = None, device: str | None = None,
          backend="faster-whisper", vocals: bool = False, snap_onsets: bool = True) -> Lyrics:
    """Find when each written word is sung: lines and words stay as written, each gets a time and a score.

    A line break makes a line and a blank line a new stanza. With the
    faster-whisper backend the written words are force-aligned over the whole
    song, each line's place chosen for all lines at once (:mod:`alignment.placement`);
    each word's score is Whisper's probability of it there, lowered where the
    words are squeezed or no voice sounds (:mod:`alignment.confidence`), each
    line's (``Line.score``) the mean of its words. Weak lines that repeat an
    earlier, well-placed chorus go where its sound comes back
    (:mod:`alignment.repeats`). A line that is still not found sung gets score 0
    and is fitted into the gap between its neighbours, or after the last placed
    line while the song has time and voice for it; only lines it has none for
    are declared not sung (one warning). Lines scoring below
    :data:`LOW_SCORE` are listed in one warning.
    A backend without forced alignment of whole songs (``"whisperx"``) matches
    heard words to written ones (:func:`alignment.textalign.place_lines`), then
    aligns each line in its span.

    Parameters
    ----------
    audio : str, Path or np.ndarray
        An audio file, or mono float32 samples at 16 kHz.
    lyrics : str or Path
        The lyrics text, or a path to a text, ``.lrc`` or ``.srt`` file.
    model, language, device, backend, vocals, snap_onsets :
        As for :func:`transcribe`.

    Returns
    -------
    Lyrics

    Raises
    ------
    LyricsError
        Empty lyrics, or none of the lines found sung with a score of
        :data:`LOW_SCORE` or more (no singing, lyrics in another language
        than the song, or another song's lyrics).

    Examples
    --------
    >>> lyr = align("song.ogg", "Hold me closer\\nnever let me go", model="path/to/whisper-base")  # doctest: +SKIP
    >>> [w.text for w in lyr.lines[1].words]  # doctest: +SKIP
    ['never', 'let', 'me', 'go']
    """
    text, source = read_lyrics(lyrics)
    y = audio_samples(audio)
    text = fit_to_song(text, len(y) / SAMPLE_RATE, source=source)  # before any model: too long, or lines too long
    written, stanzas, stanza = [], [], 0
    for raw in text.splitlines():
        if not raw.strip():
            stanza += 1 if written and stanzas[-1] == stanza else 0
            continue
        written.append(raw.split())
        stanzas.append(stanza)
    if not written:
        raise LyricsError(f"{source} holds no words: give the lyrics, one sung line per line")
    backend = get_backend(backend)
    if hasattr(backend, "force_align"):
        placed, unheard, language = _place_written(backend, y, written, model=model, language=language, device=device,
                                                   vocals=vocals, snap_onsets=snap_onsets, name=audio_name(audio))
    else:
        placed, language = _match_then_align(backend, y, written, model=model, language=language, device=device,
                                             vocals=vocals, snap_onsets=snap_onsets, name=audio_name(audio))
        unheard = set()
    lines = [Line(" ".join(words), ws[0].start, ws[-1].end, tuple(ws), s, round(sum(w.score for w in ws) / len(ws), 4))
             for words, ws, s in zip(written, placed, stanzas)]
    _warn_low_confidence([line for k, line in enumerate(lines) if k not in unheard])
    return Lyrics(lines, language=language)


def _place_written(backend, y: np.ndarray, written: list[list[str]], *, model, language, device, vocals: bool,
                   snap_onsets: bool, name: str) -> tuple[list[list[Word]], set[int], str]:
    """The path for a backend with ``force_align`` (faster-whisper): every line placed over the whole song, weak
    repeats moved onto their sound, onsets snapped, scores settled; the lines' words, the lines not sung, the
    language."""
    from .models import default_device, default_model

    device = device or default_device()
    if vocals:
        from .vocals import separate_vocals

        y = separate_vocals(y, SAMPLE_RATE, device=device)
    from .onsets import vocal_band, voiced_frames

    band = vocal_band(y, SAMPLE_RATE)
    voiced = voiced_frames(y, SAMPLE_RATE, band=band)   # where a voice sounds: placements elsewhere count less
    timed, language = backend.force_align(y, written, model=model if model is not None else default_model(device),
                                          language=language, device=device, voiced=voiced)
    # A line Whisper gives little probability is taken as not sung: it is fitted into its gap, score 0.
    # Whisper starts the first word of a line in the pause before it: it lasts FIRST_WORD at most.
    timed = [None if words is None or np.mean([w.score for w in words]) < UNSUNG else
             [replace(words[0], start=max(words[0].start, words[0].end - FIRST_WORD)), *words[1:]]
             for words in timed]
    # A chorus lost after an instrumental goes where its earlier, well-placed sound comes back, at its pace.
    from .repeats import keep_pace, place_repeats, sound_features

    texts = [" ".join(line) for line in written]
    timed = place_repeats(texts, timed, sound_features(y, SAMPLE_RATE), weak=LOW_SCORE, duration=len(y) / SAMPLE_RATE,
                          voiced=voiced)
    timed = keep_pace(texts, timed, voiced=voiced)
    # Lyrics that are not the song's, or not in its language, still get a weak line forced somewhere now and then.
    if all(words is None or np.mean([w.score for w in words]) < LOW_SCORE for words in timed):
        raise LyricsError(f"none of the {len(written)} lyric lines was found sung in {name} (language "
                          f"{language!r}): check that the song has singing and that the lyrics are its own, in its "
                          "language (pass language=), or give timed lyrics (.lrc)")
    if snap_onsets:
        from .onsets import snap_onsets as snap

        # Weak lines (a held "ooh" in the fade-out) stay as placed: they would sway the common offset.
        sung = [k for k, words in enumerate(timed) if words is not None
                and np.mean([w.score for w in words]) >= LOW_SCORE]
        snapped = iter(snap([w for k in sung for w in timed[k]], y, SAMPLE_RATE, band=band))
        for k in sung:
            timed[k] = [next(snapped) for _ in timed[k]]
    placed, unheard = _settle(written, timed, y, voiced)
    return placed, unheard, language


def _settle(written: list[list[str]], timed: list, y: np.ndarray,
            voiced: np.ndarray) -> tuple[list[list[Word]], set[int]]:
    """Scores lowered where a placement is doubtful, unplaced lines fitted or declared not sung (one warning):
    every line's words, and the lines not sung (see :mod:`alignment.confidence`)."""
    from .confidence import fit_unplaced, rescore, unsung_ends, warn_unsung
    from .placement import need, singing_rate, syllables

    duration = len(y) / SAMPLE_RATE
    counts = np.array([sum(syllables(w) for w in line) for line in written])
    starts = np.array([np.nan if words is None else words[0].start for words in timed])
    scores = np.array([0.0 if words is None else np.mean([w.score for w in words]) for words in timed])
    needs = need(counts, singing_rate(starts, counts, scores))
    timed = [None if words is None else rescore(list(words), need=n, voiced=voiced) for words, n in zip(timed, needs)]
    unsung = unsung_ends(timed, needs, voiced, duration)
    warn_unsung(written, unsung, next(k for k, words in enumerate(timed) if words is not None))
    return fit_unplaced(written, timed, unsung, duration=duration), unsung


def _warn_low_confidence(lines: list[Line]) -> None:
    """One warning listing the lines whose mean word score is below :data:`LOW_SCORE`."""
    low = [line for line in lines if line.score < LOW_SCORE]
    if not low:
        return
    from .writing import lrc_time

    shown = "; ".join(f"[{lrc_time(line.start)}] {line.text[:40]!r}" for line in low[:8])
    more = f" and {len(low) - 8} more" if len(low) > 8 else ""
    warnings.warn(f"{len(low)} of {len(lines)} lyric lines are placed with low confidence (score < {LOW_SCORE}): "
                  f"{shown}{more}; check them, and fix their times by hand in an LRC file if needed", stacklevel=3)


def _match_then_align(backend, y, written, *, model, language, device, vocals, snap_onsets, name):
    """The path for a backend without ``force_align``: recognise, match the heard words, then force-align
    each line in its span where the backend has ``align_lines``."""
    from .textalign import place_lines, sung_share

    transcript = recognise(y, model=model, language=language, device=device, backend=backend,
                            vocals=vocals, snap_onsets=snap_onsets)
    if not transcript.words:
        warnings.warn(f"no singing or speech heard in {name}: the lyrics are spread evenly, score 0", stacklevel=3)
    placed = place_lines(written, transcript.words, duration=len(y) / SAMPLE_RATE)
    if hasattr(backend, "align_lines") and transcript.words:
        placed = _force_align(backend, y, written, placed, sung_share(written, transcript.words),
                              language=transcript.language or language, device=device)
    return placed, transcript.language or language


def _force_align(backend, y: np.ndarray, written: list[list[str]], placed: list[list[Word]], shares: list[float],
                 *, language, device) -> list[list[Word]]:
    """Time the written words themselves with the backend's forced aligner, line by line, where it succeeds.

    Each line is looked for in its matched span widened by :data:`LINE_PAD`
    (not past its sung neighbours). Lines with fewer than :data:`SUNG_SHARE` of
    their words matched to heard ones (likely written but not sung) keep their
    interpolated times and low scores rather than being forced onto some sound.
    """
    from .models import default_device
    from .textalign import line_spans

    sung = [k for k, share in enumerate(shares) if share >= SUNG_SHARE]
    spans = line_spans([placed[k] for k in sung], pad=LINE_PAD, duration=len(y) / SAMPLE_RATE)
    forced = backend.align_lines(y, [(written[k], *span) for k, span in zip(sung, spans)],
                                 language=language, device=device or default_device())
    timed = {k: list(words) for k, words in zip(sung, forced) if words is not None}
    out, previous = [], 0.0
    for k, words in enumerate(placed):
        if k in timed:
            words = timed[k]
        else:   # a line the aligner did not time stays in the gap between the lines it did
            following = next((timed[j][0].start for j in range(k + 1, len(placed)) if j in timed), np.inf)
            words = [Word(w.text, min(w.start, following), min(w.end, following), w.score) for w in words]
        words = [Word(w.text, max(w.start, previous), max(w.end, w.start, previous), w.score) for w in words]
        previous = words[-1].start
        out.append(words)
    return out
