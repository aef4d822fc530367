"""Which language a lyrics text is in, from its most common small words (no model, no dependency).

Lyrics are short and repetitive, but their function words (articles,
pronouns, prepositions) give the language away: each language below has a
list of such words that rarely occur in the others; the language whose words
make up the largest share of the text wins, if that share is at least
:data:`MIN_SHARE`. Scripts other than Latin decide by their characters alone.

Examples
--------
>>> text_language("Hold me closer, never let me go\\nDancing slowly in the afterglow")
'en'
>>> text_language("la tristeza es muy extraña, se alimenta de la belleza")
'es'
>>> text_language("la la la") is None
True
"""

from __future__ import annotations

import re
import unicodedata

from .textalign import normalise

MIN_SHARE = 0.12
"""Least share of a text's words that must be one language's function words for the text to count as that language."""

FUNCTION_WORDS = {
    "en": "the you and to it my me of in that is your on we be for with this what all so can just don't i'm when",
    "es": "el que y de en los se por las con una su para como mi es pero más tu yo te lo del muy sin",
    "fr": "le les et des est je tu il une dans pas qui sur au avec pour ce mes moi toi ne nous vous j'",
    "de": "der die und das ist ich nicht ein zu den mit sich auf dem du wir auch eine mein dich mich",
    "it": "il che di non per una sono gli della io sei mi ti ma come questo anche nel con",
    "pt": "que não uma os do da em para com eu você meu minha é se mais ao das dos",
    "nl": "de het een en van ik je niet dat is op te zijn met voor maar wat",
}
SCRIPTS = {"CYRILLIC": "ru", "GREEK": "el", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh",
           "ARABIC": "ar", "HEBREW": "he", "DEVANAGARI": "hi", "THAI": "th"}
"""Unicode script name (first word of a character's name) -> the language taken for text mostly in it."""
_WORDS = {lang: {normalise(w) for w in words.split()} for lang, words in FUNCTION_WORDS.items()}


def text_language(text: str) -> str | None:
    """The ISO code of the language ``text`` is written in, or None when it cannot tell (see the module notes)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    scripts: dict[str, int] = {}
    for c in letters:
        script = unicodedata.name(c, "").split(" ")[0]
        scripts[script] = scripts.get(script, 0) + 1
    script, count = max(scripts.items(), key=lambda item: item[1])
    if script in SCRIPTS and count >= len(letters) / 2:
        return SCRIPTS[script]
    tokens = [normalise(w) for w in re.split(r"[\s'’]+", text) if normalise(w)]
    if not tokens:
        return None
    shares = {lang: sum(t in words for t in tokens) / len(tokens) for lang, words in _WORDS.items()}
    best = max(shares, key=shares.get)
    return best if shares[best] >= MIN_SHARE else None
