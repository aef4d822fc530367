"""Curves that hear the song, through plan, save, load, preview and render, on a song whose envelopes are known."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from alignment import Line, Lyrics, Word
from binarydream import Schedule, Song, timebase
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section
from binarydream.direction import plan
from binarydream.errors import ScheduleError
from render_support import stream_durations, tiny_pipeline, write_song

FPS = 8
HAND = {"zoom": "0: (1 + 0.03*bass)", "translation_x": "0: (1 + 0.02*pulse(beat, 0.25))",
        "angle": '0: (0.5*is_section("chorus"))'}


def known_song(tmp_path):
    """A 2-second song (16 frames) whose analysis is given: bass rises 0 to 1, beats every 0.5 s, verse then chorus."""
    song = Song(write_song(tmp_path / "track.wav", 2.0), fps=FPS, cache_dir=False)
    n = song.n_frames
    envelopes = {name: np.full(n, 0.5, np.float32) for name in ENVELOPE_NAMES}
    envelopes["bass"] = np.linspace(0.0, 1.0, n, dtype=np.float32)
    beats = np.array([0.25, 0.75, 1.25, 1.75])
    song._analysis = Analysis(duration=song.duration, fps=FPS, tempo=120.0, beats=beats, downbeats=beats[::2],
                              beats_per_bar=2, sections=[Section(0.0, 1.0, "verse"),
                                                         Section(1.0, song.duration, "chorus")],
                              envelopes=envelopes)
    return song


def expected_curves(song):
    bass = song.analysis.envelopes["bass"].astype(np.float64)
    times = timebase.frame_times(song.n_frames, FPS)
    since = times - song.analysis.beats[np.maximum(np.searchsorted(song.analysis.beats, times, "right") - 1, 0)]
    pulse = np.where(times >= 0.25, np.exp(-np.maximum(since, 0) / 0.25), 0.0)
    return {"zoom": 1 + 0.03 * bass, "translation_x": 1 + 0.02 * pulse, "angle": np.where(times >= 1.0, 0.5, 0.0)}


def test_hand_curves_of_signals_through_plan_save_load_preview_and_render(tmp_path):
    song = known_song(tmp_path)
    sched = song.plan(style="a dream", **HAND)
    expected = expected_curves(song)
    for name, values in expected.items():
        assert np.allclose(sched[name], values, rtol=0, atol=1e-12), name
    assert sched["translation_x"][2] == 1.02                       # frame 2 is the first beat, 0.25 s

    path = sched.save(tmp_path / "schedule.yaml")
    text = path.read_text()
    assert all(source in text for source in ("1 + 0.03*bass", "pulse(beat, 0.25)", 'is_section("chorus")'))
    unbound = Schedule.load(path)
    assert unbound.prompts == sched.prompts
    with pytest.raises(ScheduleError, match=r"zoom reads the song's signals \(bass\).*song=song"):
        unbound["zoom"]
    loaded = Schedule.load(path, song=song)
    for name in sched.curve_names:
        assert np.array_equal(loaded[name], sched[name]), name

    song.preview(tmp_path / "preview.mp4", schedule=unbound)     # the song binds what it is given
    song.render(tmp_path / "video.mp4", schedule=loaded, model=tiny_pipeline(tmp_path / "tokenizer"),
                width=64, height=64, steps=2, progress=False)
    for video in ("preview.mp4", "video.mp4"):
        assert stream_durations(tmp_path / video)["frames"] == song.n_frames


def four_minute_song(fps=30):
    """A 4-minute song: 8 sections, 120 BPM, 48 sung lines of 6 words, envelopes that move."""
    duration = 240.0
    n = timebase.frame_count(duration, fps)
    t = timebase.frame_times(n, fps)
    rng = np.random.default_rng(0)
    envelopes = {name: np.clip(0.5 + 0.3 * np.sin(t / 7 + i) + 0.1 * rng.standard_normal(n), 0, 1).astype(np.float32)
                 for i, name in enumerate(ENVELOPE_NAMES)}
    beats = np.arange(0.3, duration, 0.5)
    labels = ["intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"]
    sections = [Section(30.0 * i, 30.0 * (i + 1), label) for i, label in enumerate(labels)]
    analysis = Analysis(duration=duration, fps=fps, tempo=120.0, beats=beats, downbeats=beats[::4],
                        beats_per_bar=4, sections=sections, envelopes=envelopes)
    lines = []
    for i, start in enumerate(np.arange(32.0, 224.0, 4.0)):
        words = [Word(text=f"word{j}", start=start + 0.5 * j, end=start + 0.5 * j + 0.4, score=1.0) for j in range(6)]
        lines.append(Line(text=f"line {i} of the song that goes on", start=start, end=start + 3.0, words=words))
    return SimpleNamespace(analysis=analysis, lyrics=Lyrics(lines=lines))


def test_a_four_minute_songs_schedule_is_small_readable_text_that_reloads_to_the_plan(tmp_path):
    song = four_minute_song()
    sched = plan(song.analysis, song.lyrics, style="dreamlike synthwave city at night, by greg rutkowski")
    path = sched.save(tmp_path / "schedule.yaml")
    text = path.read_text()
    assert len(text.encode()) < 10_000
    curves = text[text.index("curves:"):].splitlines()[1:]
    assert len(curves) == len(sched.curve_names) - 1                  # one line per curve (the seed is unset)
    loaded = Schedule.load(path, song=song)
    for name in sched.curve_names:
        assert np.abs(loaded[name] - sched[name]).max() <= 1e-4, name


def test_comments_and_prompt_keys_survive_load_and_save(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text("""# my video
n_frames: 300
fps: 30
bpm: 120
prompts:
  0: a lighthouse   # the opening
  16b: a storm
  2.5s: [a calm sea:0.5]
curves:
  zoom: '0: (1.02), 5s: (1)'   # slow down at five seconds
""")
    sched = Schedule.load(path)
    sched["angle"] = "0: (0.1)"
    out = sched.save(tmp_path / "again.yaml")
    text = out.read_text()
    for kept in ("# my video", "# the opening", "# slow down at five seconds", "16b:", "2.5s:", "angle: '0: (0.1)'"):
        assert kept in text, kept
    assert Schedule.load(out).prompts == sched.prompts == {0: [("a lighthouse", 1.0)], 75: [("a calm sea", 0.5)],
                                                           240: [("a storm", 1.0)]}


def test_misspelled_curves_are_refused_with_the_nearest_name():
    sched = Schedule(10)
    for wrong, right in (("zooom", "zoom"), ("strenght", "strength"), ("rotation_3d_X", "rotation_3d_x")):
        with pytest.raises(ScheduleError, match=f"did you mean '{right}'"):
            sched[wrong] = "0: (1)"
    with pytest.raises(ScheduleError, match="did you mean 'zoom'"):
        Schedule.from_dict({"n_frames": 3, "curves": {"zooom": 1.0}})
    sched["blur"] = 0.5                                              # a name unlike the standard ones is a user curve
    with pytest.raises(ScheduleError, match="signal of the song"):
        sched["bass"] = 1.0


def test_curves_read_other_curves_and_follow_them():
    sched = Schedule(4, curves={"pace": "0: (1), 3: (4)", "zoom": "0: (1 + 0.01*pace)"})
    assert sched["zoom"].tolist() == pytest.approx([1.01, 1.02, 1.03, 1.04])
    sched["pace"] = 0.0
    assert sched["zoom"].tolist() == [1.0] * 4
    with pytest.raises(ScheduleError, match="read itself"):
        sched["pace"] = "0: (zoom)"
    with pytest.raises(ScheduleError, match="zoom read"):
        del sched["pace"]


def test_numpy_scalars_are_accepted_everywhere(tmp_path):
    sched = Schedule(np.int64(40), fps=np.int64(30), bpm=np.float32(120), blend_frames=np.int32(2),
                     prompts={np.int64(0): [(np.str_("a cat"), np.float64(2.0))], "1s": np.str_("a dog")},
                     sections=[(np.int64(0), np.str_("A"))], render={"cadence": np.int64(2)})
    sched["zoom"] = np.float32(1.5)
    sched["angle"] = [np.float64(0.5)] * 40
    for suffix in (".yaml", ".json"):
        back = Schedule.load(sched.save(tmp_path / f"s{suffix}"))
        assert back.to_dict() == sched.to_dict() and back.prompts == {0: [("a cat", 2.0)], 30: [("a dog", 1.0)]}
        assert type(back.fps) is int and back.render_options == {"cadence": 2}


def test_a_deforum_settings_file_imports_with_its_values(tmp_path):
    path = tmp_path / "deforum_settings.txt"
    path.write_text(DEFORUM_SETTINGS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched = Schedule.from_deforum(path)
    named = sorted(str(w.message).split()[2] for w in caught if "no equivalent in binarydream" in str(w.message))
    assert named == ["contrast_schedule", "sampler"]
    assert sched.n_frames == 120 and sched.fps == 15
    assert sched.prompts == {0: [("a beautiful lake by Asher Brown Durand, trending on Artstation", 1.0),
                                 ("mist", 0.5)],
                             60: [("a beautiful portrait of a woman by Artgerm, trending on Artstation", 1.0)]}
    assert sched.negative_prompts == {0: [("nsfw, blurry", 1.0)], 60: [("nsfw, blurry", 1.0)]}
    assert sched["translation_z"][0] == 1.75 and sched["translation_z"][119] == pytest.approx(0.5 + 1.25)
    assert sched["rotation_3d_y"][30] == pytest.approx(0.5 * np.sin(2 * np.pi * 30 / 120))
    assert sched["strength"][[0, 30, 60, 119]] == pytest.approx([0.35, 0.4, 0.45, 0.45])  # Deforum keeps 1 - ours
    assert sched["noise"][0] == pytest.approx(0.01)
    assert sched["zoom"].tolist() == [1.04] * 120                      # for a render without a depth model
    assert sched["seed"][:3].tolist() == [0.0, 0.0, 1.0]               # iter every 2 frames
    assert sched.render_options == {"seed": 3_284_723_123, "cadence": 3, "colour_coherence": 1.0,
                                    "border": "replicate", "width": 768, "height": 432, "fov": 70.0,
                                    "steps": 25, "guidance_scale": 7.0}


DEFORUM_SETTINGS = """{
    "W": 768, "H": 432, "tiling": false, "restore_faces": false, "seed": 3284723123, "sampler": "euler_ancestral",
    "seed_enable_extras": false, "steps": 25, "scale": 7, "n_batch": 1, "save_settings": true,
    "save_samples": true, "batch_name": "Deforum_lake", "filename_format": "{timestring}_{index}_{prompt}.png",
    "seed_behavior": "iter", "seed_iter_N": 2, "make_grid": false, "use_init": false, "strength": 0.8,
    "strength_0_no_init": true, "init_image": "", "use_mask": false, "animation_mode": "3D", "max_frames": 120,
    "border": "replicate",
    "angle": "0:(0)", "zoom": "0:(1.04)", "translation_x": "0:(0)", "translation_y": "0:(0)",
    "translation_z": "0:(1.75), (max_f): (1.75 + 0)", "rotation_3d_x": "0:(0)",
    "rotation_3d_y": "0:(0.5*sin(2*3.14159265358979*t/120))", "rotation_3d_z": "0:(0)",
    "enable_perspective_flip": false, "perspective_flip_theta": "0:(0)", "perspective_flip_phi": "0:(t%15)",
    "perspective_flip_gamma": "0:(0)", "perspective_flip_fv": "0:(53)",
    "noise_schedule": "0: (0.02)", "strength_schedule": "0: (0.65), 60: (0.55)",
    "contrast_schedule": "0: (1.05)", "cfg_scale_schedule": "0: (7)", "enable_steps_scheduling": false,
    "steps_schedule": "0: (25)", "fov_schedule": "0: (70)", "near_schedule": "0: (200)", "far_schedule": "0: (10000)",
    "seed_schedule": "0:(s), 1:(-1), \\"max_f-2\\":(-1), \\"max_f-1\\":(s)",
    "enable_sampler_scheduling": false, "sampler_schedule": "0: (\\"euler_ancestral\\")",
    "kernel_schedule": "0: (5)", "sigma_schedule": "0: (1.0)", "amount_schedule": "0: (0.2)",
    "threshold_schedule": "0: (0.0)", "color_coherence": "Match Frame 0 LAB",
    "color_coherence_video_every_N_frames": 1, "diffusion_cadence": "3", "use_depth_warping": true,
    "midas_weight": 0.2, "padding_mode": "border", "sampling_mode": "bicubic", "save_depth_maps": false,
    "video_init_path": "", "extract_nth_frame": 1, "overwrite_extracted_frames": true, "use_mask_video": false,
    "resume_from_timestring": false, "resume_timestring": "20230129210106",
    "prompts": {
        "0": "a beautiful lake by Asher Brown Durand, trending on Artstation AND mist :0.5",
        "60": "a beautiful portrait of a woman by Artgerm, trending on Artstation"
    },
    "animation_prompts_positive": "", "animation_prompts_negative": "nsfw, blurry",
    "fps": 15, "output_format": "FFMPEG mp4", "ffmpeg_location": "ffmpeg", "ffmpeg_crf": "17",
    "ffmpeg_preset": "slow", "add_soundtrack": "None", "soundtrack_path": "", "skip_video_for_run_all": false
}"""
