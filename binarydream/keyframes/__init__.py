"""Keyframe strings: Disco Diffusion's and Deforum's, plus seconds, beats and safe expressions.

``parse`` turns a keyframe string into one value per video frame; the
interpolation registry says how gaps between keys are filled.

Examples
--------
>>> from binarydream.keyframes import parse
>>> parse("0: (1.02), 10: (0.45)", n_frames=300, fps=30).shape
(300,)
>>> parse("0:(1.0025+0.002*sin(1.25*3.14*t/30))", n_frames=3)[:2].round(6).tolist()
[1.0025, 1.002761]
"""

from .curve import parse
from .interpolation import get_interpolation, interpolation_methods, register_interpolation_method

__all__ = ["parse", "register_interpolation_method", "interpolation_methods", "get_interpolation"]
