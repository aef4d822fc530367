"""A render split into segments painted in parallel: the plan, the segments' work, and Ray over a cluster's GPUs.

:mod:`.segments` cuts a song into pieces that start on downbeats and overlap
so each warms up before it counts, and orders them longest first;
:mod:`.segmented` paints one segment with the render loop and assembles the
segments into one video with crossfades; :mod:`.distributed` sends the
segments to Ray workers (one model each) and gathers them. It sits above the
loop and is imported only when a render asks for Ray.
"""
