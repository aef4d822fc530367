"""Song analysis at a video frame rate: tempo, beats, downbeats, meter, sections and envelopes.

One module per musical idea: :mod:`.trackers` (the beat trackers, one module
each, all returning a :class:`~.grid.BeatGrid`), :mod:`.features` (the
block-wise spectral pass), :mod:`.beats` and :mod:`.meter` (librosa's
tracker), :mod:`.sections` and :mod:`.form` (the parts and what each is for;
:mod:`.lyric_form` names them from timed lyrics), :mod:`.envelopes`, and :mod:`.cache`;
:mod:`.core` runs them in order.

Examples
--------
>>> import numpy as np, librosa
>>> from binarydream.analysis import analyze_signal
>>> y = librosa.clicks(times=np.arange(0.5, 8, 0.5), sr=22050, length=8 * 22050)
>>> a = analyze_signal(y, 22050, fps=30, beats="librosa")
>>> round(a.tempo), a.envelope("onset").shape, a.sections[0].group
(120, (240,), 'A')
"""

from .core import DEFAULT_PARAMS, analyze, analyze_signal
from .result import ENVELOPE_NAMES, Analysis, Section

__all__ = ["Analysis", "Section", "ENVELOPE_NAMES", "DEFAULT_PARAMS", "analyze", "analyze_signal"]
