"""Direction: prompt keyframes from known lyric line times, camera curves from known music, hand overrides."""

from types import SimpleNamespace

import numpy as np
import pytest

from alignment import Line, Lyrics
from binarydream import timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section
from binarydream.direction import PRESETS, plan
from binarydream.direction.camera import CAMERA_CURVES, step_bounds
from binarydream.direction.prompts import MOODS, PALETTES
from binarydream.errors import ScheduleError

# Parts A B A C of 10 s each: A quiet, B medium, C loud; lyrics in A, B and the second A, none in C.
PARTS = (("A", 0.0, 10.0, 0.15), ("B", 10.0, 20.0, 0.5), ("A", 20.0, 30.0, 0.15), ("C", 30.0, 40.0, 0.95))
LINE_TIMES = ((2.0, 4.5), (5.3, 8.0), (11.1, 14.0), (15.55, 18.9), (21.0, 24.0), (25.7, 28.0))


def synthetic_song(tempo=120.0, fps=30, duration=40.0, levels=None):
    n = timebase.frame_count(duration, fps)
    t = timebase.frame_times(n, fps)
    rms = np.zeros(n, np.float32)
    for (label, start, end, level), override in zip(PARTS, levels or [None] * len(PARTS)):
        rms[(t >= start) & (t < end)] = level if override is None else override
    beats = np.arange(0.25, duration, 60.0 / tempo)
    envelopes = {name: rms.copy() for name in ENVELOPE_NAMES}
    return Analysis(duration=duration, fps=fps, tempo=tempo, beats=beats, downbeats=beats[::4], beats_per_bar=4,
                    sections=[Section(start, end, label) for label, start, end, _ in PARTS], envelopes=envelopes)


def synthetic_lyrics():
    lines = [Line(text=f"line {i} of the dream", start=start, end=end, words=()) for i, (start, end) in
             enumerate(LINE_TIMES)]
    return Lyrics(lines=lines)


def prompt_at(sched, frame):
    return [text for text, _ in sched.prompts[frame]]


@pytest.mark.parametrize("fps", [24, 30, 29.97])
def test_keyframes_within_one_frame_of_line_starts(fps):
    sched = plan(synthetic_song(fps=fps), synthetic_lyrics(), style="cyberpunk", lead_beats=0)
    frames = np.array(sorted(sched.prompts))
    for i, (start, _) in enumerate(LINE_TIMES):
        nearest = frames[np.argmin(np.abs(frames / fps - start))]
        assert abs(nearest / fps - start) <= 1.0 / fps
        assert prompt_at(sched, nearest)[0].startswith(f"line {i} of the dream")
        assert "cyberpunk" in prompt_at(sched, nearest)[0]


def test_lead_beats_starts_prompts_early():
    # 2 beats at 120 BPM: one second before each line.
    sched = plan(synthetic_song(tempo=120.0), synthetic_lyrics(), lead_beats=2)
    for i, (start, _) in enumerate(LINE_TIMES):
        frame = timebase.frame_at(start - 1.0, 30)
        assert prompt_at(sched, frame)[0].startswith(f"line {i} ")


def test_default_template_has_scene_and_colour_scheme_prompts():
    sched = plan(synthetic_song(), synthetic_lyrics(), style="by greg rutkowski", lead_beats=0)
    mix = sched.prompts[timebase.frame_at(LINE_TIMES[0][0], 30)]
    assert mix == [("line 0 of the dream, sad and tired, by greg rutkowski", 1.0), ("deep blue colour scheme", 0.5)]


def test_recurring_sections_share_palette_and_others_differ():
    sched = plan(synthetic_song(), synthetic_lyrics(), lead_beats=0)
    palette = {}
    for frame, mix in sched.prompts.items():
        label = [s.label for s in synthetic_song().sections if s.start <= frame / 30 < s.end][0]
        scheme = [text for text, _ in mix if text.endswith("colour scheme")]
        palette.setdefault(label, set()).update(scheme)
    assert all(len(schemes) == 1 for schemes in palette.values()), palette
    assert len({next(iter(s)) for s in palette.values()}) == 3
    assert palette["A"] == {f"{PALETTES[0]} colour scheme"}


def test_mood_follows_energy():
    sched = plan(synthetic_song(), synthetic_lyrics(), lead_beats=0)
    quiet, medium = (prompt_at(sched, timebase.frame_at(LINE_TIMES[i][0], 30))[0] for i in (0, 2))
    loud = prompt_at(sched, 30 * 30)[0]  # part C, nobody sings: an instrumental prompt
    assert MOODS[0] in quiet and MOODS[1] in medium and MOODS[2] in loud


def test_unsung_section_gets_its_own_prompt_at_its_start():
    sched = plan(synthetic_song(), synthetic_lyrics(), lead_beats=0)
    assert 0 in sched.prompts and 900 in sched.prompts
    assert sched.prompts[900][1] == (f"{PALETTES[2]} colour scheme", 0.5)
    # A long gap after the last line of the second A (28 s to 30 s is 4 beats: too short for its own prompt).
    assert not [f for f in sched.prompts if 28 * 30 < f < 900]


def test_no_lyrics_plans_from_sections():
    sched = plan(synthetic_song(), None)
    assert sorted(sched.prompts) == [0, 300, 600, 900]


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("tempo", [60.0, 128.0, 190.0])
def test_every_camera_curve_changes_within_its_bound(preset, tempo):
    rng = np.random.default_rng(0)
    song = synthetic_song(tempo=tempo, levels=rng.uniform(0, 1, len(PARTS)).tolist())
    sched = plan(song, synthetic_lyrics(), preset=preset)
    bounds = step_bounds(PRESETS[preset], song.fps)
    for name in CAMERA_CURVES:
        steps = np.abs(np.diff(sched[name]))
        assert steps.max() <= bounds[name] * (1 + 1e-9), name
        assert steps.max() > 0, name  # the curve does move


def test_zoom_slower_for_a_slow_song_than_a_fast_one_at_the_same_energy():
    slow = plan(synthetic_song(tempo=70.0), synthetic_lyrics())
    fast = plan(synthetic_song(tempo=140.0), synthetic_lyrics())
    assert np.mean(slow["zoom"]) < np.mean(fast["zoom"])
    assert np.median(slow["zoom"][600:900]) < np.median(fast["zoom"][600:900])


def test_camera_defaults_follow_the_seed_lessons():
    # A slow song zooms about 1.01-1.02 per frame at 30 fps, never near 1.07; rotation stays gentle.
    slow = plan(synthetic_song(tempo=70.0), synthetic_lyrics())
    assert 1.002 < np.median(slow["zoom"]) <= 1.02
    for name in PRESETS:
        sched = plan(synthetic_song(tempo=190.0, levels=[1.0] * 4), None, preset=name)
        assert sched["zoom"].max() <= 1.05 and np.abs(sched["angle"]).max() < 0.2


def test_heading_turns_at_section_boundaries_and_recurs_with_its_part():
    sched = plan(synthetic_song(), synthetic_lyrics())
    heading = {at: np.arctan2(sched["translation_y"][at], sched["translation_x"][at]) for at in (150, 450, 750)}
    assert abs(heading[150] - heading[750]) < 1e-3  # A and A again
    assert abs(heading[150] - heading[450]) > 0.5   # A then B


def test_strength_peaks_at_boundaries_and_stays_low_in_between():
    sched = plan(synthetic_song(), synthetic_lyrics(), lead_beats=0)
    strength, noise = sched["strength"], sched["noise"]
    assert strength.min() >= 0 and strength.max() <= 1
    for boundary in (300, 600, 900):
        window = slice(boundary - 3, boundary + 3)
        assert strength[window].max() > 0.75 and noise[window].max() > 0.05
    line_frame = timebase.frame_at(LINE_TIMES[1][0], 30)
    assert strength[line_frame - 2:line_frame + 3].max() > 0.65
    calm = strength[timebase.frame_at(34.0, 30):timebase.frame_at(39.0, 30)]  # in C, far from any event
    assert calm.max() < 0.62 and np.ptp(calm) < 0.01


def test_blend_span_and_markers_on_the_schedule():
    song = synthetic_song(tempo=96.0, fps=24)
    sched = plan(song, synthetic_lyrics(), blend_beats=4)
    assert sched.blend_frames == round(4 * 60 / 96 * 24)
    assert sched.sections == [(0, "A"), (240, "B"), (480, "A"), (720, "C")]
    assert sched.bpm == 96.0 and np.allclose(sched.beats, song.beats)
    assert sched.n_frames == song.n_frames and sched.fps == 24


def test_hand_curves_and_prompts_survive_planning():
    song = synthetic_song()
    angle = np.linspace(-1, 1, song.n_frames)
    sched = plan(song, synthetic_lyrics(), zoom="0: (1.02)", angle=angle, strength=lambda t: 0.3 + 0 * t,
                 prompts={0: [("a red door", 1.0)]})
    assert np.allclose(sched["zoom"], 1.02)
    assert np.allclose(sched["angle"], angle)
    assert np.allclose(sched["strength"], 0.3)
    assert list(sched.prompts) == [0] and sched.prompts[0][0][0] == "a red door"
    assert sched["translation_x"].std() > 0  # the curves not given by hand are still planned


def test_preset_numbers_are_plan_keywords():
    base = plan(synthetic_song(), None)
    faster = plan(synthetic_song(), None, zoom_rate=PRESETS["default"].zoom_rate * 1.5)
    assert faster["zoom"].mean() > base["zoom"].mean()
    assert np.allclose(plan(synthetic_song(), None, preset="calm")["zoom"],
                       plan(synthetic_song(), None, preset=PRESETS["calm"])["zoom"])


def test_unknown_option_lists_the_valid_names():
    with pytest.raises(ScheduleError, match="unknown option.*zoom_speed.*valid options.*zoom.*zoom_rate"):
        plan(synthetic_song(), None, zoom_speed=2)
    with pytest.raises(ScheduleError, match="unknown preset 'wild'"):
        plan(synthetic_song(), None, preset="wild")
    with pytest.raises(ScheduleError, match="unknown field 'lyric'"):
        plan(synthetic_song(), None, template="{lyric}")


def test_custom_template_fields():
    sched = plan(synthetic_song(), synthetic_lyrics(), lead_beats=0, style="oil painting",
                 template=[("{section}: {line} ({mood}) in {palette}, {style}", 1.0)])
    assert sched.prompts[timebase.frame_at(LINE_TIMES[2][0], 30)] == [
        (f"B: line 2 of the dream (uplifting) in {PALETTES[1]}, oil painting", 1.0)]


def test_song_without_beats_still_gets_a_plan():
    song = synthetic_song()
    silent = Analysis(duration=song.duration, fps=song.fps, tempo=0.0, beats=np.array([]), downbeats=np.array([]),
                      beats_per_bar=4, sections=song.sections,
                      envelopes={name: np.zeros(song.n_frames, np.float32) for name in ENVELOPE_NAMES})
    with pytest.warns(UserWarning, match="no tempo"):
        sched = plan(silent, synthetic_lyrics())
    assert np.all(sched["zoom"] > 1.0) and len(sched.prompts) >= len(LINE_TIMES)


def test_no_preset_number_shadows_a_curve_name():
    from binarydream.direction.planner import HAND_CURVES, HAND_PROMPTS
    from binarydream.direction.presets import PRESET_FIELDS

    assert not set(PRESET_FIELDS) & set(HAND_CURVES + HAND_PROMPTS)


def test_preset_numbers_given_as_text_as_from_a_command_line():
    as_text = plan(synthetic_song(), None, zoom_rate="0.3", mood_thresholds="0.2,0.8")
    assert np.allclose(as_text["zoom"], plan(synthetic_song(), None, zoom_rate=0.3)["zoom"])
    with pytest.raises(ScheduleError, match="zoom_rate must be a number like 0.45, got 'fast'"):
        plan(synthetic_song(), None, zoom_rate="fast")


def test_planned_schedule_round_trips_through_its_file(tmp_path):
    from binarydream import Schedule

    song = SimpleNamespace(analysis=synthetic_song(), lyrics=synthetic_lyrics())
    sched = plan(song.analysis, song.lyrics, style="ink", zoom="0: (1.02)")
    path = sched.save(tmp_path / "schedule.yaml")
    back = Schedule.load(path, song=song)
    assert path.stat().st_size < 10_000
    assert back.prompts == sched.prompts and back.sections == sched.sections
    assert back.blend_frames == sched.blend_frames
    for name in CAMERA_CURVES + ("strength", "noise"):
        assert np.allclose(back[name], sched[name]), name


def test_empty_lyric_lines_count_as_unsung():
    lyrics = synthetic_lyrics()
    lyrics.lines.append(Line(text="  ", start=32.0, end=36.0, words=()))
    sched = plan(synthetic_song(), lyrics, lead_beats=0)
    assert timebase.frame_at(32.0, 30) not in sched.prompts and 900 in sched.prompts
