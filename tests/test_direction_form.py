"""Direction by song form: the chorus keeps its look, verses share one, the bridge is new, intro and outro calmer."""

import numpy as np

from alignment import Line, Lyrics
from binarydream import timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section
from binarydream.direction import plan

FORM = [("intro", "A"), ("verse 1", "B"), ("chorus", "C"), ("verse 2", "B"), ("chorus", "C"), ("bridge", "D"),
        ("chorus", "C"), ("outro", "A")]
FPS = 10


def form_song():
    """80 s, a section every 10 s, every one as loud as the others (so only the form can tell them apart)."""
    n = timebase.frame_count(80.0, FPS)
    beats = np.arange(0.0, 80.0, 0.5)
    sections = [Section(10.0 * k, 10.0 * (k + 1), label, 0.8, group) for k, (label, group) in enumerate(FORM)]
    rms = (0.5 + 0.4 * np.sin(2 * np.pi * timebase.frame_times(n, FPS) / 2.0)).astype(np.float32)   # bar by bar
    return Analysis(80.0, FPS, 120.0, beats, beats[::4], 4, sections, {name: rms for name in ENVELOPE_NAMES})


def test_chorus_keeps_its_palette_verses_share_one_and_the_bridge_gets_a_new_scene():
    lines = [Line(f"words of part {k}", 10.0 * k + 2.0, 10.0 * k + 6.0, ()) for k in range(1, 7)]
    sched = plan(form_song(), Lyrics(lines), lead_beats=0)

    def palette(k):   # the colour-scheme prompt of the line sung in section k
        return sched.prompts[timebase.frame_at(10.0 * k + 2.0, FPS)][1][0]

    assert palette(2) == palette(4) == palette(6)             # the chorus, each time it returns
    assert palette(1) == palette(3) != palette(2)             # verse 1 and verse 2 look alike
    assert palette(5) not in (palette(1), palette(2))         # the bridge: a scene of its own
    heading = sched["heading_x"]
    assert heading[timebase.frame_at(19.0, FPS)] == heading[timebase.frame_at(39.0, FPS)]   # verses move alike


def test_intro_and_outro_are_calmer_than_the_same_loudness_inside():
    sched = plan(form_song(), None)
    level = sched["section_level"]
    at = {k: level[timebase.frame_at(10.0 * k + 8.0, FPS)] for k in range(8)}
    assert at[0] < at[1] and at[7] < at[6]
    assert at[0] == at[7] and at[1] == at[2] == at[6]
    energy = sched["energy"]   # which the camera's speed, the mood and the strength follow
    assert energy[timebase.frame_at(8.0, FPS)] < energy[timebase.frame_at(18.0, FPS)]
    calm = plan(form_song(), None, ends_energy=1.0)["section_level"]
    assert calm[timebase.frame_at(8.0, FPS)] == at[1]                       # ends_energy=1: no calmer ends
