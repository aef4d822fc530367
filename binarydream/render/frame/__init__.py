"""Frame operations: what the render loop does to one frame's pixels between two paintings, no model needed.

The 2D camera (:mod:`.warp`: zoom, angle, translation as one affine matrix),
the 3D camera (:mod:`.warp3d`, which moves pixels by a depth map from
:mod:`.depth`), colour coherence against a reference frame (:mod:`.colour`)
and cadence, the choice of frames the model paints and the tweens between
them (:mod:`.cadence`). Each is a pure function of arrays and the schedule's
per-frame values, so each is tested and timed alone.
"""
