"""The librosa backend's downbeats on music mixed as real music is (the backbeat loudest), their confidence, and
the octave moves a real recording does not back."""

import warnings

import mir_eval
import numpy as np
import pytest
from synth import SR, click_track, groove_song

from binarydream.analysis import Analysis, ENVELOPE_NAMES, Section, analyze_signal, cache
from binarydream.analysis.beats import track_grid
from binarydream.analysis.grid import WEAK_DOWNBEATS
from binarydream.analysis.meter import downbeat_confidence, phase_contrast
from binarydream.analysis.tempo import DrumEnvelopes, choose_tempo


@pytest.mark.parametrize("snare_db", [0, 9])
def test_the_loudest_hit_on_the_backbeat_is_not_the_downbeat(snare_db):
    """Real mixes put the snare on 2 and 4 above everything; the whole mix's loudness then peaks off the downbeat."""
    y, _, downbeats = groove_song([("rock", 110, 12)], gains_db={"snare": snare_db})
    grid = track_grid(y, SR)
    assert grid.beats_per_bar == 4
    assert mir_eval.beat.f_measure(downbeats, grid.downbeats) >= 0.9
    assert grid.downbeat_confidence >= WEAK_DOWNBEATS


def test_a_waltz_is_still_heard_in_three():
    y, _, downbeats = groove_song([("waltz", 100, 12)], gains_db={"strum": 6})
    grid = track_grid(y, SR)
    assert grid.beats_per_bar == 3 and mir_eval.beat.f_measure(downbeats, grid.downbeats) >= 0.9


def test_nothing_marks_the_bar_low_confidence_and_a_warning():
    """A pulse with every beat alike: any phase is a guess, and the analysis says so."""
    y, _ = click_track(120, 20.0)
    with pytest.warns(UserWarning, match="downbeats of the audio are uncertain"):
        a = analyze_signal(y, SR, beats="librosa")
    assert a.downbeat_confidence < WEAK_DOWNBEATS
    y, _, _ = groove_song([("rock", 110, 12)])                  # kick, bass and chords on the bar line: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = analyze_signal(y, SR, beats="librosa")
    assert a.downbeat_confidence >= WEAK_DOWNBEATS


def test_confidence_counts_the_stretches_and_cues_that_agree():
    """The kick alone tells the strong beats (1 and 3) from the weak ones, not 1 from 3; chords changing on 1 do."""
    accent = np.tile([1.0, 0.0, 0.0, 0.0], 12)
    accent[16:24] = np.tile([0.0, 0.0, 2.0, 0.0], 2)          # bars 5 and 6 put a stronger accent on beat 3
    drums = {"accent": accent, "harmony_change": np.zeros(48)}
    on_one, on_three, off = (downbeat_confidence(drums, np.arange(start, 48, 4), 4) for start in (0, 2, 1))
    assert on_one > on_three > WEAK_DOWNBEATS > off == 0.0
    # the strong beats: every stretch of 4 bars; beat 1 in 6 of its 9 stretches, beat 3 in 3 of its 8
    assert on_one == pytest.approx((1.0 / 2 + (6 / 9 - 1 / 4) / (3 / 4) * (6 / 9) / 2) / (1 / 2 + (6 / 9) / 2))
    with_chords = {**drums, "harmony_change": np.tile([1.0, 0.0, 0.0, 0.0], 12)}
    assert downbeat_confidence(with_chords, np.arange(0, 48, 4), 4) > 0.9
    assert downbeat_confidence(with_chords, np.arange(2, 48, 4), 4) < WEAK_DOWNBEATS


def test_meter_contrast_is_one_phase_for_the_song():
    rng = np.random.default_rng(3)
    noise = rng.standard_normal(400)
    assert phase_contrast(noise, 3) < 0.3 and phase_contrast(noise, 4) < 0.3
    assert phase_contrast(np.tile([1.0, 0.0, 0.0, 0.0], 50) + 0.3 * noise[:200], 4) > 0.9


def test_a_two_beat_at_86_is_not_doubled():
    """Kick on the beats, snare half-way between, at 86 BPM: how a country two-beat reads, and how drum'n'bass
    tracked at half its tempo reads. People tap the first at 86; only the kick between the beats takes it to 172."""
    n, period = 3000, 40
    kick, snare = np.zeros(n), np.zeros(n)
    kick[::period], snare[period // 2::period] = 1.0, 1.0

    def track(bpm):
        return np.arange(0, n, int(round(period * 86.0 / bpm)))

    assert choose_tempo(DrumEnvelopes(kick + snare, kick, snare), track, 86.0)[0] == 86.0
    assert choose_tempo(DrumEnvelopes(kick + snare, snare, kick), track, 86.0)[0] == 172.0
    assert choose_tempo(DrumEnvelopes(kick + 0.4 * snare, kick, snare), track, 60.0)[0] == 120.0


def test_the_confidence_survives_the_cache_and_old_entries_load(tmp_path):
    from binarydream.commands import analysis_summary

    a = Analysis(2.0, 10, 120.0, np.array([0.5, 1.0]), np.array([0.5]), 4, [Section(0.0, 2.0, "A")],
                 {n: np.zeros(20, np.float32) for n in ENVELOPE_NAMES}, tracker="librosa", downbeat_confidence=0.25)
    cache.save(a, tmp_path, "ab" * 32)
    assert cache.load(tmp_path, "ab" * 32).downbeat_confidence == 0.25
    assert analysis_summary(a)["downbeat_confidence"] == 0.25                # in `binarydream analyze`'s JSON too
    import io
    import json
    path = cache.cache_path(tmp_path, "ab" * 32)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays.pop("meta")))
    del meta["downbeat_confidence"]                                  # a file written before the confidence was
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    path.write_bytes(buffer.getvalue())
    assert cache.load(tmp_path, "ab" * 32).downbeat_confidence is None
