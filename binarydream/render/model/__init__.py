"""The diffusion model side of a render: loading a model, its family's defaults, painting a frame with it.

A model given by hub id, folder, single file or ready pipeline is loaded once
(:mod:`.models`), recognised as a family whose steps, guidance and sizes are
the defaults (:mod:`.profiles`), and fingerprinted so a resume uses the same
weights (:mod:`.weights`). :mod:`.painter` paints a frame with img2img from
blended prompt embeddings, at timesteps chosen by :mod:`.denoise`;
:mod:`.upscale` brings a painted frame to the video's size.
"""
