"""The user's style is said once and its mood is not contradicted (issue 25 item 10)."""

from types import SimpleNamespace as L

import numpy as np
import pytest

from binarydream.direction.prompts import MOODS, prompt_keyframes, style_mood

LINES = [L(text="I fell asleep", start=1.0, end=2.0), L(text="inside a song", start=5.0, end=6.0),
         L(text="city of light", start=9.0, end=10.0)]
SECTIONS = [L(start=0.0, end=4.0, label="A"), L(start=4.0, end=8.0, label="B"), L(start=8.0, end=12.0, label="C")]
ENERGY = np.repeat([0.0, 0.5, 1.0], 40)                     # quiet, middle, loud: all three moods


def _texts(style):
    keyframes = prompt_keyframes(LINES, SECTIONS, ENERGY, fps=10, duration=12.0, lead_seconds=0.0,
                                 instrumental_seconds=2.0, style=style)
    return [text for prompts in keyframes.values() for text, weight in prompts if weight == 1.0]


def test_a_style_that_names_a_mood_is_said_once_and_gets_no_other_mood():
    texts = _texts("sad and tired cyberpunk")
    assert texts and all(text.count("sad and tired") == 1 for text in texts)
    assert not any(mood in text for text in texts for mood in ("uplifting", "strong and empowering"))
    assert "I fell asleep, sad and tired cyberpunk" in texts and "city of light, sad and tired cyberpunk" in texts


@pytest.mark.parametrize("style", ["Euphoric, neon", "melancholic oil painting", "calm watercolour"])
def test_any_mood_word_in_the_style_keeps_the_planners_moods_out(style):
    assert not any(mood in text for text in _texts(style) for mood in MOODS)


def test_a_style_without_a_mood_keeps_the_moods_that_follow_the_music():
    texts = _texts("cyberpunk")
    assert "I fell asleep, sad and tired, cyberpunk" in texts
    assert "inside a song, uplifting, cyberpunk" in texts and "city of light, strong and empowering, cyberpunk" in texts


def test_style_mood_reads_whole_words_only():
    assert style_mood("sad and tired cyberpunk") and style_mood("UPLIFTING anime")
    assert not style_mood("cyberpunk, by greg rutkowski") and not style_mood("sadhu portrait") and not style_mood("")
