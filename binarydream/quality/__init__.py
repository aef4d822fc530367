"""Judge a render in a minute: CLIP prompt adherence, drift, flicker and collapse, frame by frame.

* :func:`load_clip` loads an open_clip model once (pretrained tag or local checkpoint)
  into a :class:`ClipScorer`; ``scorer.adherence`` is the callable for
  ``render(adherence=...)``, so the collapse guard can see an image that stopped
  following its prompts.
* :func:`score_render` reads a render folder and returns a :class:`QualityReport`;
  :func:`plot_quality` and :func:`write_html` draw it; :func:`report_command` is
  ``binarydream report``.
* :func:`clip_guidance` makes an optional diffusers ``callback_on_step_end`` that
  steers each frame towards its prompts (Disco Diffusion's look), off by default.

Examples
--------
>>> from binarydream.quality import load_clip, score_render
>>> scorer = load_clip()  # doctest: +SKIP
>>> print(score_render("video.frames", scorer).table())  # doctest: +SKIP
"""

from .chart import plot_quality, write_html
from .clip import ClipScorer, load_clip, mix_similarity
from .command import report_command
from .guidance import ClipGuidance, clip_guidance
from .report import QualityReport, SectionSummary, flicker_spikes, score_render

__all__ = ["ClipScorer", "load_clip", "mix_similarity", "QualityReport", "SectionSummary", "score_render",
           "flicker_spikes", "plot_quality", "write_html", "report_command", "ClipGuidance", "clip_guidance"]
