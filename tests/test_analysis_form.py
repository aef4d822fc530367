"""Song form: functional labels (intro, verse, chorus, bridge, outro) from the lyrics and from the audio."""

import warnings

import mir_eval
import numpy as np
import pytest
from song_forms import SR, WORDS, form_lyrics
from test_analysis_sections import _merged
from voice_songs import sung_form

from alignment import Line, Lyrics
from binarydream.analysis import ENVELOPE_NAMES, Analysis, Section, analyze_signal, cache
from binarydream.analysis.form import form_from_audio, function_of, section_matches
from binarydream.analysis.lyric_form import MAX_SECONDS, MIN_SECTIONS, form_from_lyrics, repeated_lines, with_lyrics
from binarydream.keyframes import parse
from binarydream.keyframes.signals import song_signals

TRUE = {"ABABCB": ["verse 1", "chorus", "verse 2", "chorus", "bridge", "chorus"],
        "AABCABDB": ["verse 1", "chorus", "instrumental", "verse 2", "chorus", "bridge", "chorus"]}


@pytest.fixture(scope="module", params=[("ABABCB", 112.0), ("AABCABDB", 96.0)], ids=["ABABCB", "AABCABDB"])
def form_song(request):
    form, bpm = request.param
    # a voice over the sung parts (C is an instrumental break in AABCABDB): without one the song is an instrumental
    y, parts = sung_form(form, bars=8, bpm=bpm, unsung="" if form == "ABABCB" else "C")
    return form, bpm, parts, analyze_signal(y, SR)


def test_the_audio_alone_names_a_form_by_repetition_and_energy(form_song):
    form, _, _, a = form_song
    assert [s.label for s in a.sections] == TRUE[form]
    assert [s.group for s in a.sections] == [g for k, g in enumerate(form) if k == 0 or g != form[k - 1]]


def test_lyrics_name_a_form_and_keep_its_boundaries(form_song):
    form, bpm, parts, a = form_song
    lines = form_lyrics(form, bars=8, bpm=bpm, unsung="" if form == "ABABCB" else "C")
    sections = form_from_lyrics(a.sections, lines, downbeats=a.downbeats, duration=a.duration)
    assert [s.label for s in sections] == TRUE[form]
    estimate = np.array([[s.start, s.end] for s in sections])
    reference = np.array([[start, end] for start, end, _ in _merged(parts)])
    assert mir_eval.segment.detection(reference, estimate, window=4 * 60.0 / bpm, trim=True)[2] == 1.0
    bridge = next(s for s in sections if s.label == "bridge")
    assert bridge.group == next(s.group for s in a.sections if s.label == "bridge") and bridge.energy is not None


def test_a_song_without_singing_gets_no_verse_or_chorus(form_song):
    form, _, _, a = form_song
    instrumental = with_lyrics(a, Lyrics([]))   # lyrics known, and nothing is sung
    functions = {function_of(s.label) for s in instrumental.sections}
    assert functions <= {"intro", "instrumental", "outro"} and "instrumental" in functions
    assert [s.group for s in instrumental.sections] == [s.group for s in a.sections]
    # the same part comes back as the same instrumental, another part as another
    labels = {s.group: s.label for s in instrumental.sections}
    assert len(set(labels.values())) == len(labels) and all(s.label == labels[s.group] for s in instrumental.sections)


def test_lines_that_recur_as_a_run_and_lines_that_do_not():
    texts = ["Hold me now", "under the stars", "a new line", "hold me now!", "under the stars tonight", "Hold me now",
             "alone again"]
    # a single line sung again ("Hold me now" last) is no run; a small change of words still matches
    assert repeated_lines(texts).tolist() == [True, True, False, True, True, False, False]
    assert repeated_lines([]).tolist() == []


def _lines(spec):
    return [Line(text, start, end, (), stanza) for text, start, end, stanza in spec]


def test_intro_outro_and_an_instrumental_break_come_from_where_nobody_sings():
    audio = [Section(0.0, 120.0, "verse", energy=0.5, group="A")]
    chorus = [("oh the light", 0.0, 3.0), ("oh the night", 4.0, 7.0)]
    spec = [("we walked down", 16.1, 19.0, 0), ("to the river", 20.1, 23.0, 0)] \
        + [(text, 24.1 + a, 24.1 + b, 1) for text, a, b in chorus] \
        + [("then came winter", 56.1, 59.0, 2), ("and the snow", 60.1, 63.0, 2)] \
        + [(text, 64.1 + a, 64.1 + b, 3) for text, a, b in chorus]
    sections = form_from_lyrics(audio, _lines(spec), downbeats=np.arange(0.0, 120.0, 2.0), duration=120.0)
    assert [(s.label, s.start) for s in sections] == [
        ("intro", 0.0), ("verse 1", 16.0), ("chorus", 24.0), ("instrumental", 32.0), ("verse 2", 56.0),
        ("chorus", 64.0), ("outro", 72.0)]
    assert sections[-1].end == 120.0 and all(s.group == "A" and s.energy == 0.5 for s in sections)


def test_long_stretches_split_at_a_pause_and_a_sung_song_gets_four_sections():
    # 32 lines of new text, one every 4 s, with a pause of 7 s before the 15th
    texts = [" ".join(WORDS[(3 * k + j) % len(WORDS)] for j in range(3)) for k in range(32)]
    lines = _lines([(text, 4.0 * k + 6.0 * (k >= 14), 4.0 * k + 3.0 + 6.0 * (k >= 14), 0) for k, text in enumerate(texts)])
    audio = [Section(0.0, 140.0, "verse", energy=0.5, group="A")]
    sections = form_from_lyrics(audio, lines, downbeats=np.arange(0.0, 140.0, 2.0), duration=140.0)
    assert len(sections) >= MIN_SECTIONS and max(s.end - s.start for s in sections) <= MAX_SECONDS
    # cut first at the widest pause (55 s to 62 s: on the downbeat where the singing resumes), then near the middles
    assert [(s.label, s.start) for s in sections] == [("verse", 0.0), ("verse", 32.0), ("verse", 62.0),
                                                      ("verse", 98.0), ("outro", 134.0)]


def test_audio_functions_recurring_parts_and_prechorus():
    parts = [Section(10.0 * k, 10.0 * (k + 1), g, energy=e) for k, (g, e) in enumerate(
        [("A", 0.2), ("B", 0.5), ("C", 0.6), ("D", 0.9), ("B", 0.5), ("C", 0.6), ("D", 0.9), ("E", 0.3)])]
    labels = [s.label for s in form_from_audio(parts)]
    assert labels == ["intro", "verse 1", "prechorus", "chorus", "verse 2", "prechorus", "chorus", "outro"]
    vocals = [False, True, True, True, False, True, True, False]   # a part with no singing is instrumental
    assert [s.label for s in form_from_audio(parts, sung=vocals)][4] == "instrumental"


def test_a_quiet_part_heard_once_is_an_instrumental_only_where_singing_is_not_known():
    parts = [Section(10.0 * k, 10.0 * (k + 1), g, energy=e) for k, (g, e) in enumerate(
        [("A", 0.1), ("B", 0.2), ("C", 0.9), ("D", 0.5), ("C", 0.9), ("E", 0.1)])]
    assert [s.label for s in form_from_audio(parts)][1] == "instrumental"        # quiet, once: a guess
    sung = [False, True, True, True, True, False]                                 # a voice heard over it
    assert [s.label for s in form_from_audio(parts, sung=sung)] == ["intro", "verse 1", "chorus", "verse 2",
                                                                     "chorus", "outro"]


def test_is_section_matches_functions_numbers_and_groups_and_a_missing_one_reads_zero():
    signals = song_signals(40, 4, sections=[(0.0, "verse 1", "A"), (2.5, "chorus", "B"), (5.0, "verse 2", "A"),
                                            (7.5, "chorus", "B")])

    def curve(text):
        return parse(text, 40, fps=4, signals=signals)[[0, 10, 20, 30]].tolist()

    assert curve('0: (is_section("verse"))') == [1.0, 0.0, 1.0, 0.0]
    assert curve('0: (is_section("verse 2"))') == [0.0, 0.0, 1.0, 0.0]
    assert curve('0: (is_section("B"))') == [0.0, 1.0, 0.0, 1.0]   # strings written for lettered sections
    with pytest.warns(UserWarning, match="is_section\\('bridge'\\) reads 0"):
        assert curve('0: (1 + is_section("bridge", "chorus"))') == [1.0, 2.0, 1.0, 2.0]
    assert section_matches("Chorus", "chorus") and not section_matches("verse 12", "verse 1")


def test_a_song_with_no_chorus_plans_saves_loads_and_previews_is_section_chorus_as_zero(tmp_path):
    from binarydream import Schedule, Song
    from render_support import write_song

    song = Song(write_song(tmp_path / "track.wav", 2.0), fps=8, cache_dir=False)
    n = song.n_frames
    song._analysis = Analysis(song.duration, 8, 120.0, np.array([0.25, 0.75, 1.25, 1.75]), np.array([0.25, 1.25]),
                              2, [Section(0.0, 1.0, "verse 1", 0.5, "A"), Section(1.0, song.duration, "verse 2", 0.5,
                                                                                    "A")],
                              {name: np.full(n, 0.5, np.float32) for name in ENVELOPE_NAMES})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        sched = song.plan(angle='0: (0.5*is_section("chorus") + is_section("verse 2"))')
        loaded = Schedule.load(sched.save(tmp_path / "schedule.yaml"), song=song)
        song.preview(tmp_path / "preview.mp4", schedule=loaded, width=64, height=36)
    assert np.array_equal(loaded["angle"], np.where(np.arange(n) >= 8, 1.0, 0.0))
    assert len([w for w in caught if "is_section('chorus') reads 0" in str(w.message)]) == 1
    assert (tmp_path / "preview.mp4").stat().st_size > 0


def test_song_sections_are_labelled_by_its_lyrics_on_top_of_the_cached_audio_analysis(tmp_path):
    audio = [Section(0.0, 20.0, "verse 1", 0.4, "A"), Section(20.0, 40.0, "chorus", 0.9, "B")]
    a = Analysis(40.0, 10, 120.0, np.arange(0.0, 40.0, 0.5), np.arange(0.0, 40.0, 2.0), 4, audio,
                 {n: np.zeros(400, np.float32) for n in ENVELOPE_NAMES})
    lyrics = Lyrics(_lines([("here we go", 2.1, 5.0, 0), ("and again", 6.1, 9.0, 0), ("here we go", 22.1, 25.0, 1),
                            ("and again", 26.1, 29.0, 1)]))
    labelled = with_lyrics(a, lyrics)
    assert [(s.label, s.start, s.group, s.energy) for s in labelled.sections] == [
        ("chorus", 0.0, "A", 0.4), ("instrumental", 10.0, "A", 0.4), ("chorus", 20.0, "B", 0.9),
        ("outro", 30.0, "B", 0.9)]
    assert a.sections == audio   # the audio's analysis (what the cache holds) is left as it was
    cache.save(labelled, tmp_path, "cd" * 32)
    assert cache.load(tmp_path, "cd" * 32).sections == labelled.sections   # labels and groups survive the cache


def test_a_cache_file_from_before_groups_still_loads(tmp_path):
    import io
    import json

    a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4, [Section(0.0, 2.0, "A", 0.5, "A")],
                 {n: np.zeros(20, np.float32) for n in ENVELOPE_NAMES})
    path = cache.save(a, tmp_path, "ef" * 32)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays["meta"]))
    meta["sections"] = [s[:4] for s in meta["sections"]]   # the old layout: no group
    buffer = io.BytesIO()
    np.savez(buffer, **dict(arrays, meta=np.array(json.dumps(meta))))
    path.write_bytes(buffer.getvalue())
    assert cache.load(tmp_path, "ef" * 32).sections == [Section(0.0, 2.0, "A", 0.5)]


def test_a_short_call_opens_the_song_and_new_text_after_the_last_chorus_is_an_outro_only_when_short():
    chorus = [("sing it out", 0.0, 3.0), ("sing it loud", 4.0, 7.0)]

    def song(tail_lines):
        spec = [("hey", 0.1, 1.5, 0), ("we walked down", 8.1, 11.0, 1), ("to the river", 12.1, 15.0, 1)] \
            + [(text, 16.1 + a, 16.1 + b, 2) for text, a, b in chorus] \
            + [("then came winter", 24.1, 27.0, 3), ("and the snow", 28.1, 31.0, 3)] \
            + [(text, 32.1 + a, 32.1 + b, 4) for text, a, b in chorus] \
            + [(" ".join(WORDS[(3 * k + j) % len(WORDS)] for j in range(3)), 40.1 + 4 * k, 43.0 + 4 * k, 5)
               for k in range(tail_lines)]
        duration = 42.0 + 4 * tail_lines
        audio = [Section(0.0, duration, "verse", 0.5, "A")]
        return [s.label for s in form_from_lyrics(audio, _lines(spec), downbeats=np.arange(0.0, duration, 2.0),
                                                  duration=duration)]

    assert song(3) == ["intro", "verse 1", "chorus", "verse 2", "chorus", "outro"]
    assert song(12) == ["intro", "verse 1", "chorus", "verse 2", "chorus", "verse 3"]
