"""What every recogniser hands back (a :class:`Transcript`) and the sample rate it is given.

Examples
--------
>>> from alignment import Word
>>> Transcript([(Word("a", 0.0, 0.2, 0.9), Word("b", 0.2, 0.4, 0.8))], None).words[1].text
'b'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lyrics import Word

SAMPLE_RATE = 16000
"""Sample rate, in Hz, of the audio every backend receives."""


@dataclass(frozen=True)
class Transcript:
    """What a recogniser heard: word groups (its segments, in time order) and the language it heard.

    Examples
    --------
    >>> Transcript([(Word("hi", 1.0, 1.2, 0.9),)], "en").words[0].text
    'hi'
    """

    segments: list[tuple[Word, ...]]
    language: str | None

    @property
    def words(self) -> list[Word]:
        """Every recognised word, in order."""
        return [w for segment in self.segments for w in segment]
