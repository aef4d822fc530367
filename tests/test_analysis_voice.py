"""Vocal presence: an instrumental gets no verse or chorus, a voice over a band is heard, the vocal stem decides."""

import sys
import warnings

from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from binarydream import Song
from binarydream.analysis import Section, analyze_signal
from binarydream.analysis.form import form_from_audio, function_of
from binarydream.analysis.voice import (SUNG_SHARE, VAD_SR, VAD_WINDOW, VOICED, sung_from_stems, sung_sections,
                                        voice_activity, voice_detector, voiced_shares)

from song_forms import SR, song_form
from stem_song import leaky
from voice_songs import lead_melody, speech, with_voice

BPM = 112.0
SUNG = {"verse", "prechorus", "chorus", "bridge"}


def with_lead(gain: float, seed: int = 2):
    """ABABCB, 4 bars a part, with a synth lead melody over all of it (a melody, not a voice), ``gain`` of the band's peak."""
    y, parts = song_form("ABABCB", bars=4, bpm=BPM)
    lead = lead_melody(len(y) / SR, bpm=BPM, sr=SR, seed=seed)
    return (y + gain * np.abs(y).max() * lead).astype(np.float32), parts


@pytest.fixture(scope="module")
def band():
    return with_lead(0.6)


@pytest.fixture
def detector():
    pytest.importorskip("faster_whisper")
    pytest.importorskip("onnxruntime")


@pytest.mark.parametrize("gain", [0.3, 0.6])
def test_an_instrumental_with_a_synth_lead_gets_no_verse_or_chorus(detector, gain):
    y, _ = with_lead(gain)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze_signal(y, SR, fps=10, beats="librosa")
    functions = {function_of(s.label) for s in a.sections}
    assert functions <= {"intro", "instrumental", "outro"}, [s.label for s in a.sections]
    assert "instrumental" in functions
    # the same song read as sung (the detector absent) had verses and a chorus: the voice decided
    assert {function_of(s.label) for s in form_from_audio(a.sections)} & SUNG


@pytest.mark.parametrize("name", ["en_chorus", "fr_verse", "es_verse", "de_verse"])
@pytest.mark.parametrize(("lead", "db"), [(0.0, 0.0), (0.0, -6.0), (0.0, -12.0), (0.3, 0.0)])
def test_speech_over_a_band_is_voiced_only_where_it_is(detector, name, lead, db):
    """A voice at ``db`` of the band's peak, over the band with a synth lead at ``lead`` of it (a lead as loud
    as the voice, or a voice 6 dB under a loud lead, is missed: see benchmarks/voice.py)."""
    y, _ = with_lead(lead)
    voice = speech(name, SR)
    at, end = 8.0, 8.0 + len(voice) / SR
    mix = with_voice(y, voice, at, sr=SR, db=db)
    sections = [Section(0.0, at, "A"), Section(at, end, "B"), Section(end, len(y) / SR, "C")]
    assert sung_sections(mix, SR, sections) == [False, True, False]
    p = voice_activity(mix, SR)
    middles = (np.arange(p.size) + 0.5) * VAD_WINDOW / VAD_SR
    inside = (middles >= at) & (middles < end)
    assert (p[inside] > VOICED).mean() > 0.3
    assert (p[~inside] > VOICED).mean() < SUNG_SHARE / 4


def test_one_sung_part_of_four_is_the_only_one_with_a_sung_function_but_its_cluster_is_sung(detector):
    y, parts = with_lead(0.3)
    voice = speech("es_verse", SR)[: int(parts[1][1] - parts[1][0]) * SR]
    mix = with_voice(y, voice, parts[1][0], sr=SR, db=-3.0)
    sections = [Section(start, end, letter, energy=0.5 if letter == "A" else 0.9)
                for start, end, letter in parts[:4]]
    assert [s.group or s.label for s in sections] == ["A", "B", "A", "B"]
    # The fourth part is the second's music: the detector, which misses soft singing, takes it as sung too.
    sung = sung_sections(mix, SR, sections)
    assert sung == [False, True, False, True]
    labels = [s.label for s in form_from_audio(sections, sung=sung)]
    assert [function_of(label) in SUNG for label in labels] == [False, True, False, True], labels
    # Told apart by the audio (another cluster), the unsung part keeps no sung function.
    sections[3] = replace(sections[3], label="C")
    sung = sung_sections(mix, SR, sections)
    assert sung == [False, True, False, False]
    labels = [s.label for s in form_from_audio(sections, sung=sung)]
    assert [function_of(label) in SUNG for label in labels] == [False, True, False, False], labels


def test_voiced_shares_take_the_frames_whose_middle_lies_in_the_section():
    voiced = np.array([True, True, False, False, True, False])
    sections = [Section(0.0, 1.0, "A"), Section(1.0, 2.5, "B"), Section(2.5, 3.0, "C"), Section(3.0, 3.1, "D")]
    assert voiced_shares(voiced, sections, hop=0.5).tolist() == [1.0, 1 / 3, 0.0, 0.0]


def test_without_faster_whisper_singing_is_unknown_and_the_form_as_before(band, monkeypatch):
    y, _ = band
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    monkeypatch.setitem(sys.modules, "faster_whisper.vad", None)
    sections = [Section(0.0, 10.0, "A"), Section(10.0, 20.0, "B")]
    assert voice_activity(y, SR) is None
    assert sung_sections(y, SR, sections) is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze_signal(y, SR, fps=10, beats="librosa")
    assert [s.label for s in a.sections] == [s.label for s in form_from_audio(a.sections)]
    assert {function_of(s.label) for s in a.sections} & SUNG


def test_without_onnxruntime_singing_is_unknown(band, detector, monkeypatch):
    import faster_whisper.vad

    def missing():
        raise RuntimeError("Applying the VAD filter requires the onnxruntime package")

    monkeypatch.setattr(faster_whisper.vad, "get_vad_model", missing)
    assert voice_activity(band[0], SR) is None


def test_the_detector_in_use_is_named_for_the_cache_key(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name))
    assert voice_detector() is None


def test_the_vocal_stem_decides_and_its_leak_is_no_voice():
    sr = 8000
    rng = np.random.default_rng(0)
    band = (0.3 * rng.standard_normal(12 * sr)).astype(np.float32)
    voice = np.zeros(12 * sr, np.float32)
    voice[4 * sr:8 * sr] = 0.1 * np.sin(2 * np.pi * 300 * np.arange(4 * sr) / sr)   # 12 dB below the band
    stems = leaky({"vocals": voice, "other": band}, db=-26.0)
    sections = [Section(0.0, 4.0, "A"), Section(4.0, 8.0, "B"), Section(8.0, 12.0, "A")]
    assert sung_from_stems(stems, sr, sections) == [False, True, False]
    # a voice in a fifth of a section is enough; in less (an edge placed a little late), not
    assert sung_from_stems(stems, sr, [Section(0.0, 4.6, "A"), Section(6.8, 12.0, "A")]) == [False, True]
    assert sung_from_stems(stems, sr, [Section(0.0, 4.5, "A"), Section(7.5, 12.0, "A")]) == [False, False]


def test_a_song_with_stems_takes_its_singing_from_the_vocal_stem(tmp_path, band):
    y, parts = band
    # the "voice" is a synth line that the mix's detector does not take for a voice: only the stem can say it sings
    vocals = np.zeros_like(y)
    for start, end, letter in parts:
        if letter == "B":
            i0, i1 = int(start * SR), int(end * SR)
            vocals[i0:i1] = 0.5 * np.abs(y).max() * lead_melody((i1 - i0) / SR, bpm=BPM, sr=SR, seed=5)
    stems = leaky({"drums": np.zeros_like(y), "bass": np.zeros_like(y), "other": y, "vocals": vocals}, db=-26.0)
    path = tmp_path / "song.wav"
    sf.write(path, sum(stems.values()), SR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        song = Song(path, separator=lambda mix, sr: stems, cache_dir=False, beats="librosa", fps=10)
        sections = song.analysis.sections
    checked = 0
    for s in sections:   # each section that lies mostly in one part: sung exactly where that part is B
        overlap, letter = max((min(s.end, end) - max(s.start, start), x) for start, end, x in parts)
        if overlap >= 0.8 * (s.end - s.start):
            checked += 1
            assert (function_of(s.label) in SUNG) == (letter == "B"), [(x.label, round(x.start)) for x in sections]
    assert checked >= 5
    assert any(function_of(s.label) == "chorus" for s in sections)


def test_the_analysis_cache_tells_apart_songs_analysed_with_and_without_the_detector(tmp_path, monkeypatch):
    from binarydream.analysis import analyze, core

    y, _ = song_form("AB", bars=2, bpm=BPM)
    path = tmp_path / "song.wav"
    sf.write(path, y, SR)
    cache = tmp_path / "cache"
    for detector in ("silero_vad_v6 (faster-whisper 1.2.1)", None):
        monkeypatch.setattr(core, "voice_detector", lambda: detector)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze(path, fps=10, cache_dir=cache, beats="librosa")
    assert len(list(cache.glob("analysis-*.npz"))) == 2
