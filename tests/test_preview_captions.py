"""Preview captions draw accented letters and wrap long lines (issue 25 item 11)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from binarydream.render.preview import _overlay, caption_font, caption_lines


def _glyph(font, text):
    image = Image.new("L", (60, 40))
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=255)
    return np.asarray(image)


@pytest.mark.parametrize("letter", ["é", "ñ", "ü", "ß", "ø", "ł", "ж"])
def test_accented_letters_are_drawn_not_the_missing_glyph_box(letter):
    font = caption_font(270)
    missing = _glyph(font, "\ue000")                       # a private-use code point: no font draws it
    assert not np.array_equal(_glyph(font, letter), missing)
    assert not np.array_equal(_glyph(font, letter), _glyph(font, letter.upper() if letter != "ß" else "s"))


def test_a_long_caption_wraps_inside_the_frame():
    font = caption_font(120)
    text = "je suis blessée, ñandú, über alles: a line far too long for a small preview frame"
    lines = caption_lines(text, font, 200)
    assert len(lines) >= 3 and " ".join(lines) == text
    assert all(font.getlength(line) <= 200 - 8 for line in lines)
    frame = _overlay(np.zeros((120, 200, 3), np.uint8), text, "", (0, 0, 0), font, 4)
    lit = np.argwhere(frame[..., 0] > 200)
    rows = lit[:, 0].max() - lit[:, 0].min()
    assert rows > 2 * font.size                            # several lines, stacked upwards from the bottom
    assert lit[:, 1].min() > 0 and lit[:, 1].max() < 199 and lit[:, 0].max() < 119   # none cut at an edge


def test_a_single_word_longer_than_the_frame_stays_one_line():
    font = caption_font(120)
    assert caption_lines("Supercalifragilisticexpialidocious", font, 60) == ["Supercalifragilisticexpialidocious"]
