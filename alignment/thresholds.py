"""The numbers lyric timing decides by: stanza gaps, search padding, how much of a line must be heard, scores.

They are shared by transcription, alignment, the backends and the timeline
plot, so they live apart from all of them. :data:`LOW_SCORE` is public
(``alignment.LOW_SCORE``).

Examples
--------
>>> 0 < UNSUNG < LOW_SCORE < SUNG_SHARE
True
"""

STANZA_GAP = 2.0
"""Seconds of silence between recognised segments that start a new stanza in :func:`transcribe`."""
LINE_PAD = 0.5
"""Seconds either side of a line's matched span that a forced aligner may look in for its words."""
SUNG_SHARE = 0.5
"""Share of a line's words matched to heard words above which :func:`align` force-aligns the line."""
LOW_SCORE = 0.3
"""Line score (mean of its word scores) below which :func:`align` lists the line in its low-confidence warning
(and the timeline plot draws it in another colour)."""
UNSUNG = 0.15
"""Mean word probability of a force-aligned line below which it is taken as not sung: fitted into its gap, score 0."""
FIRST_WORD = 0.5
"""Longest, in seconds, a line's first word is taken to last: Whisper starts it in the pause before it."""
