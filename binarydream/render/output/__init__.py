"""What a render writes: the render folder, its frames and manifest, the video, the progress and the report.

The render folder of ``video.mp4`` is ``video.frames/`` (:mod:`.manifest`,
which also holds the atomic manifest a resume continues from); frames are
read and written as PNGs by :mod:`.images`, in background threads by
:mod:`.sink`, and streamed to H.264 with the song's audio by :mod:`.encode`.
One run at a time holds an output (:mod:`.lock`); :mod:`.progress` shows the
bar and :mod:`.report` keeps what the run did.
"""
