"""Repeated lyrics (choruses) placed on repeated audio: synthetic songs whose chorus comes back at a known time."""

from __future__ import annotations

import numpy as np
import pytest

from alignment import Word
from alignment.repeats import best_match, keep_pace, place_repeats, repeat_of, sound_features

SR = 16000


def notes(pitches: list[float], seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Harmonic tones, one after another, each ``seconds`` long, with a little noise."""
    t = np.arange(int(seconds * SR)) / SR
    parts = [sum(np.sin(2 * np.pi * f * h * t) / h for h in (1, 2, 3)) * np.hanning(len(t)) for f in pitches]
    y = np.concatenate(parts)
    return (0.2 * y / np.abs(y).max() + 0.01 * rng.standard_normal(len(y))).astype(np.float32)


@pytest.fixture(scope="module")
def song():
    """Verse 0-4 s, chorus 4-8 s, verse 8-12 s, bridge 12-20 s, chorus again 20-24 s, outro 24-28 s."""
    rng = np.random.default_rng(0)
    verse = [220.0, 247.0, 262.0, 294.0, 330.0, 294.0, 262.0, 247.0]
    chorus = [392.0, 440.0, 349.0, 392.0, 523.0, 494.0, 440.0, 392.0]
    bridge = [185.0, 208.0, 233.0, 277.0] * 4
    parts = [notes(verse, 0.5, rng), notes(chorus, 0.5, rng), notes(verse[::-1], 0.5, rng), notes(bridge, 0.5, rng),
             notes(chorus, 0.5, rng), notes([165.0, 175.0] * 4, 0.5, rng)]
    return np.concatenate(parts)


def words(texts: str, start: float, step: float, score: float) -> list[Word]:
    return [Word(t, round(start + k * step, 3), round(start + (k + 1) * step - 0.1, 3), score)
            for k, t in enumerate(texts.split())]


def test_repeat_of_takes_the_longest_earlier_strong_run():
    texts = ["Hold on", "let go", "verse", "hold on!", "Let go"]
    assert repeat_of(texts, [True, True, True, False, False], 3) == (0, 2)
    assert repeat_of(texts, [True, False, True, False, False], 3) == (0, 1)
    assert repeat_of(texts, [True, True, True, False, False], 2) is None


def test_the_chorus_sound_is_found_where_it_comes_back(song):
    features = sound_features(song, SR)
    start, sim = best_match(features, (4.0, 8.0), (8.0, 28.0))
    assert start == pytest.approx(20.0, abs=0.15)
    assert sim > 0.9


def test_no_place_when_the_sound_does_not_come_back(song):
    features = sound_features(song, SR)
    assert np.isnan(best_match(features, (4.0, 8.0), (8.0, 20.0))[0])
    assert np.isnan(best_match(features, (4.0, 8.0), (24.0, 26.0))[0])


def test_a_lost_chorus_moves_onto_its_sound_and_out_of_order_weak_lines_are_dropped(song):
    texts = ["la la", "shine on me", "bridge words", "shine on me", "outro words"]
    timed = [words("la la", 0.5, 1.0, 0.8), words("shine on me", 4.2, 1.2, 0.9), None, None,
             words("outro words", 13.0, 1.0, 0.2)]
    placed = place_repeats(texts, timed, sound_features(song, SR), weak=0.3, duration=len(song) / SR)
    assert [w.start for w in placed[3]] == pytest.approx([20.2, 21.4, 22.6], abs=0.15)
    assert all(0.5 < w.score <= 0.9 for w in placed[3])
    assert placed[2] is None   # repeats no line: left for the caller to fit into its gap
    assert placed[4] is None   # weak, and placed before the chorus it follows


def test_a_lost_chorus_is_not_moved_where_no_voice_sounds(song):
    texts = ["la la", "shine on me", "bridge words", "shine on me", "outro words"]
    timed = [words("la la", 0.5, 1.0, 0.8), words("shine on me", 4.2, 1.2, 0.9), None, None,
             words("outro words", 13.0, 1.0, 0.2)]
    voiced = np.ones(len(song) // 160, bool)
    voiced[1900:2500] = False     # the chorus comes back at 20 s as an instrumental: its tune, nobody singing
    placed = place_repeats(texts, timed, sound_features(song, SR), weak=0.3, duration=len(song) / SR, voiced=voiced)
    assert placed[3] is None
    assert placed == place_repeats(texts, timed, sound_features(song, SR), weak=0.3, duration=len(song) / SR,
                                   voiced=np.zeros_like(voiced))
    assert place_repeats(texts, timed, sound_features(song, SR), weak=0.3, duration=len(song) / SR,
                         voiced=np.ones_like(voiced))[3] is not None


def test_strong_lines_are_kept_as_they_are(song):
    texts = ["shine on me", "shine on me"]
    timed = [words("shine on me", 4.2, 1.2, 0.9), words("shine on me", 20.2, 1.2, 0.7)]
    assert place_repeats(texts, timed, sound_features(song, SR), weak=0.3, duration=len(song) / SR) == timed


def test_a_repeated_line_strayed_from_its_chorus_pace_is_put_back_beside_the_line_heard_better():
    texts = ["la tristeza", "se alimenta", "ooh ooh", "la tristeza", "se alimenta"]
    timed = [words("la tristeza", 70.0, 1.0, 0.8), words("se alimenta", 74.4, 1.0, 0.9),
             words("ooh ooh", 96.0, 1.0, 0.5), words("la tristeza", 125.7, 1.0, 0.42),
             words("se alimenta", 135.5, 1.0, 0.78)]
    paced = keep_pace(texts, timed)
    assert [w.start for w in paced[3]] == pytest.approx([131.1, 132.1])          # 4.4 s before its next line
    assert [w.score for w in paced[3]] == [0.42, 0.42]
    assert paced[:3] + paced[4:] == timed[:3] + timed[4:]
    voiced = np.ones(16000, bool)
    voiced[12800:13400] = False                    # nobody sings from 128 s to 134 s: the line stays
    assert keep_pace(texts, timed, voiced=voiced) == timed
    # within PACE of the chorus's pace, or the earlier pair not sure enough: unchanged
    near = timed[:3] + [words("la tristeza", 130.2, 1.0, 0.42), timed[4]]
    assert keep_pace(texts, near) == near
    unsure = [words("la tristeza", 70.0, 1.0, 0.4)] + timed[1:]
    assert keep_pace(texts, unsure) == unsure
