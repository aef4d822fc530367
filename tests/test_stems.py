"""Stems: the signals from known stems (a separator of one's own), the Demucs path with a tiny random-weight
model, the stems cache, the errors, and the curves and the planner that read them."""

import json
import warnings

import mir_eval
import numpy as np
import pytest
import soundfile as sf

from binarydream import Schedule, Song
from binarydream.analysis import Analysis, Section, separation, stem_cache
from binarydream.analysis.stems import StemSignals
from binarydream.cli import main
from binarydream.direction import plan
from binarydream.errors import KeyframeError, MissingDependencyError, ModelNotFoundError, ParameterError

from render_support import stream_durations
from stem_song import leaky, stem_song

KICK_ZOOM = "0: (1 + 0.04*pulse(kick, 0.2))"


@pytest.fixture(scope="module")
def known():
    return stem_song(24.0, seed=3)


@pytest.fixture
def song_file(tmp_path, known):
    path = tmp_path / "song.wav"
    sf.write(path, known.mix, known.sr)
    return path


def _separator(known, calls=None):
    def separate(y, sr):
        if calls is not None:
            calls.append((y.shape, y.dtype, sr))
        return leaky(known.stems, db=-26.0)
    return separate


def test_drum_hits_and_vocal_envelope_from_known_stems(song_file, known):
    calls = []
    song = Song(song_file, separator=_separator(known, calls), cache_dir=False, beats="librosa", fps=30)
    stems = song.analysis.stems
    assert calls == [((1, len(known.mix)), np.float32, known.sr)]
    for name, truth in (("kick", known.kicks), ("snare", known.snares), ("hats", known.hats)):
        f, _, _ = mir_eval.onset.f_measure(np.sort(truth), stems.hits[name], window=0.05)
        assert f >= 0.9, (name, f)
    vocals = stems.envelopes["vocals"]
    times = np.arange(song.n_frames) / 30
    sung = np.zeros(song.n_frames, bool)
    near = np.zeros(song.n_frames, bool)
    for start, end in known.sung:
        sung |= (times >= start) & (times < end)
        near |= (times > start - 0.5) & (times < end + 0.5)
    quarter = 0.25 * vocals.max()
    assert (vocals[sung] > quarter).mean() >= 0.9
    assert (vocals[~near] < quarter).mean() >= 0.9
    drums = stems.envelopes["drums"]
    assert drums[times < known.drums_in - 0.5].max() < 0.25 < np.median(drums[times > known.drums_in + 0.5])


def test_kick_pulse_and_stem_envelope_in_api_saved_file_cli_and_preview(tmp_path, song_file, known):
    song = Song(song_file, separator=_separator(known), cache_dir=False, beats="librosa", fps=10)
    sched = song.plan()
    sched["zoom"] = KICK_ZOOM
    sched["angle"] = '0: (2*stem("vocals"))'
    kicks = song.analysis.stems.hits["kick"]
    on_kick = np.ceil(kicks * 10).astype(int)
    on_kick = on_kick[on_kick < song.n_frames]
    expected = 1 + 0.04 * np.exp(-(on_kick / 10 - kicks[:len(on_kick)]) / 0.2)
    assert np.allclose(sched["zoom"][on_kick], expected)
    assert sched["zoom"][: int(known.drums_in * 10) - 2].max() == 1.0      # no kick before the drums come in
    assert np.allclose(sched["angle"], 2 * song.analysis.stems.envelopes["vocals"])
    path = sched.save(tmp_path / "schedule.yaml")
    again = Schedule.load(path, song=song)
    assert np.array_equal(again["zoom"], sched["zoom"]) and np.array_equal(again["angle"], sched["angle"])
    out = song.preview(tmp_path / "preview.mp4", schedule=again, width=96, height=64)
    assert stream_durations(out)["frames"] == song.n_frames
    import matplotlib.image

    with_lanes = matplotlib.image.imread(song.plot(tmp_path / "stems.png", schedule=again))
    plain = Song(song_file, cache_dir=False, beats="librosa", fps=10)
    without = matplotlib.image.imread(plain.plot(tmp_path / "plain.png", schedule=plain.plan()))
    assert with_lanes.shape[0] > without.shape[0] + 150                         # the stems' two lanes


def test_cli_stems_from_the_cache_with_set(tmp_path, song_file, known, capsys):
    cache = tmp_path / "cache"
    stem_cache.save(leaky(known.stems), cache, stem_cache.stems_key(song_file, "htdemucs"))
    out = tmp_path / "plan.yaml"
    code = main(["plan", str(song_file), "--stems", "--cache-dir", str(cache), "--beats", "librosa", "--fps", "10",
                 "--set", f"zoom={KICK_ZOOM}", "--set", 'angle=0: (stem("drums"))', "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = out.read_text()
    assert "pulse(kick, 0.2)" in text and "drums_in" in text and "voice" in text
    code = main(["analyze", str(song_file), "--stems", "--cache-dir", str(cache), "--beats", "librosa",
                 "--out", str(tmp_path / "a.json")])
    hits = json.loads((tmp_path / "a.json").read_text())["drum_hits"]
    assert code == 0 and abs(len(hits["kick"]) - len(known.kicks)) <= 1
    code = main(["plan", str(song_file), "--cache-dir", str(cache), "--beats", "librosa", "--fps", "10",
                 "--set", f"zoom={KICK_ZOOM}", "--out", str(tmp_path / "nostems.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "kick is heard in the drum stem" in err and "--stems" in err


def test_curves_reading_stems_without_them_say_how_to_get_them(song_file):
    song = Song(song_file, cache_dir=False, beats="librosa", fps=10)
    sched = song.plan()
    for text, what in ((KICK_ZOOM, "kick is heard in the drum stem"), ("0: (snare)", "snare is heard"),
                       ('0: (1 + stem("bass"))', 'stem("bass") reads the song\'s stems')):
        with pytest.raises(KeyframeError) as error:
            sched["zoom"] = text
        assert str(error.value).splitlines()[0].startswith(what) and "Song(..., stems=True)" in str(error.value)
    with pytest.raises(KeyframeError, match='stem\\(\\) takes one of "drums", "bass", "vocals", "other"'):
        sched["zoom"] = '0: (stem("piano"))'


def _analysis(stems=None):
    n = 200
    return Analysis(duration=20.0, fps=10, tempo=100.0, beats=np.arange(0.3, 20, 0.6),
                    downbeats=np.arange(0.3, 20, 2.4), beats_per_bar=4,
                    sections=[Section(0.0, 9.9, "A", 0.3), Section(9.9, 20.0, "B", 0.8)],
                    envelopes={k: (0.5 + 0.5 * np.sin(np.arange(n) / 7.0 + i)).astype(np.float32)
                               for i, k in enumerate(("rms", "onset", "bass", "mid", "treble", "percussive",
                                                      "harmonic"))},
                    stems=stems)


# The plan of _analysis() on main before stems existed: without stems it must stay exactly this.
PLANNED_BEFORE_STEMS = {
    "pace": "0: (clip(tempo/120, 0.5, 1.6)*(0.4 + 0.6*energy + 0.25*pulse(beat, 0.35, 0.05) + "
            "0.5*pulse(bar, 0.35, 0.05)))",
    "steady": "0: (clip(tempo/120, 0.5, 1.6)*(0.4 + 0.6*energy))",
    "strength": "0: (clip(0.55 + 0.05*energy + 0.15*pulse(prompt, 1.2, 0.1) + 0.25*pulse(section, 1.2, 0.1), 0, 1))",
    "zoom": "0: (slew(exp(min(0.45*pace, 1.176)/fps), 0.03))",
    "noise": "0: (max(0.02 + 0.02*pulse(prompt, 1.2, 0.1) + 0.04*pulse(section, 1.2, 0.1), 0))",
}


def test_plan_without_stems_is_unchanged():
    sched = plan(_analysis(), style="x")
    curves = sched.to_dict()["curves"]
    for name, text in PLANNED_BEFORE_STEMS.items():
        assert curves[name] == text
    assert "voice" not in curves and "drums_in" not in curves
    assert round(float(sched["zoom"].sum()), 6) == round(207.20064594656708, 6)
    assert round(float(sched["strength"].sum()), 6) == round(120.31142910764166, 6)


def test_plan_with_stems_pulses_on_kicks_calms_without_voice_and_marks_the_drums_coming_in():
    drums = np.r_[np.zeros(80), np.full(120, 0.8)].astype(np.float32)          # drums from 8 s
    vocals = np.r_[np.zeros(100), np.full(100, 0.9)].astype(np.float32)        # singing from 10 s
    kicks = np.arange(8.0, 20.0, 1.2)
    stems = StemSignals({"drums": drums, "vocals": vocals, "bass": drums, "other": drums},
                        {"kick": kicks, "snare": kicks + 0.6, "hats": np.arange(8.0, 20.0, 0.3)})
    with_stems, without = plan(_analysis(stems), style="x"), plan(_analysis(), style="x")
    curves = with_stems.to_dict()["curves"]
    assert "pulse(kick, 0.35, 0.05)" in curves["pace"] and "pulse(beat" not in curves["pace"]
    assert curves["drums_in"] == "0: (0), 7.9s: (0), 8s: (1), 10s: (0)"
    strength_gain = with_stems["strength"] - without["strength"]
    assert strength_gain[80] == pytest.approx(0.2, abs=1e-6) and np.allclose(strength_gain[:78], 0)
    steady, steady_before = with_stems["steady"], without["steady"]
    assert np.allclose(steady[:90], 0.65 * steady_before[:90])                   # no voice: 35 % calmer
    assert np.allclose(steady[150:], steady_before[150:], rtol=1e-3)            # singing: as before


def test_separator_output_is_checked(song_file):
    def returning(value):
        return Song(song_file, separator=lambda y, sr: value, cache_dir=False).stems

    n = sf.info(song_file).frames
    cases = ((["drums"], "not a dict"), ({"drums": np.zeros(n)}, "returned no bass, vocals, other"),
             ({name: np.zeros(n) for name in ("drums", "bass", "vocals", "other", "piano")}, "unknown stem"),
             ({name: np.zeros(n - 5) for name in ("drums", "bass", "vocals", "other")}, f"must be \\({n},\\)"),
             ({name: np.full(n, np.nan) for name in ("drums", "bass", "vocals", "other")}, "not finite"),
             ({name: "abc" for name in ("drums", "bass", "vocals", "other")}, "not an array of numbers"))
    for value, message in cases:
        with pytest.raises(ParameterError, match=message):
            returning(value)
    with pytest.raises(ParameterError, match="separator must be a function"):
        Song(song_file, separator="htdemucs")
    with pytest.raises(ParameterError, match="stems= takes True, a Demucs model name"):
        Song(song_file, stems=3.5).stems


# Demucs -----------------------------------------------------------------------------------------------------

torch = pytest.importorskip("torch")
pytest.importorskip("demucs")


class Copies(torch.nn.Module):
    """A stand-in separator model: every source is the mix, so the chunking alone decides the output."""

    sources = ["drums", "bass", "other", "vocals"]
    samplerate = 8000
    audio_channels = 2
    segment = 1.5

    def __init__(self):
        super().__init__()
        self.gain = torch.nn.Parameter(torch.ones(4))

    def forward(self, mix):
        return self.gain[None, :, None, None] * mix[:, None]


def tiny_htdemucs():
    from demucs.htdemucs import HTDemucs

    torch.manual_seed(0)
    return HTDemucs(["drums", "bass", "other", "vocals"], channels=4, depth=2, nfft=512, t_layers=1, t_heads=1,
                    t_hidden_scale=1.0, samplerate=8000, segment=1, dconv_comp=2, norm_starts=10).eval()


def test_chunks_cross_fade_back_to_the_whole_song():
    rng = np.random.default_rng(0)
    mix = rng.standard_normal((2, 8000 * 13)).astype(np.float32) * 0.1
    stems = separation.demucs_stems(mix, Copies(), device="cpu", chunk_seconds=4.0, overlap_seconds=1.0)
    whole = separation._resampled(mix.mean(axis=0), 8000, len(stems["drums"]))
    for name in ("drums", "vocals"):
        assert np.abs(stems[name] - whole)[200:-200].max() < 1e-4


@pytest.fixture
def demucs_song(tmp_path):
    path = tmp_path / "demucs.wav"
    sf.write(path, np.random.default_rng(1).standard_normal((8000 * 3, 2)).astype(np.float32) * 0.1, 8000)
    return path


def test_demucs_stems_are_the_models_own_and_cached(tmp_path, demucs_song, monkeypatch):
    from demucs.apply import apply_model

    model = tiny_htdemucs()
    song = Song(demucs_song, stems=model, cache_dir=tmp_path / "cache", beats="librosa")
    stems = song.stems
    mix = torch.from_numpy(sf.read(demucs_song, dtype="float32")[0].T.copy())[None]
    with torch.no_grad():
        reference = apply_model(model, mix, shifts=0, split=True, overlap=0.25)[0].mean(dim=1).numpy()
    for name in ("drums", "vocals"):
        expected = separation._resampled(reference[model.sources.index(name)], 8000, len(stems[name]))
        assert np.allclose(stems[name], expected, atol=1e-5)
    assert len(list((tmp_path / "cache").glob("stems-*.npz"))) == 1

    def no_demucs(*args, **kwargs):
        raise AssertionError("Demucs ran again instead of reading the cache")

    monkeypatch.setattr("demucs.apply.apply_model", no_demucs)
    again = Song(demucs_song, stems=model, cache_dir=tmp_path / "cache").stems
    assert np.allclose(again["vocals"], stems["vocals"], atol=1e-3)             # float16 in the cache
    other = tiny_htdemucs()
    assert separation.model_id(other) == separation.model_id(model)            # same weights: same cache entry
    with torch.no_grad():
        next(other.parameters()).add_(1.0)
    assert separation.model_id(other) != separation.model_id(model)


def test_a_corrupt_stems_cache_is_a_miss_with_one_warning(tmp_path, demucs_song):
    model = tiny_htdemucs()
    cache = tmp_path / "cache"
    first = Song(demucs_song, stems=model, cache_dir=cache).stems
    (entry,) = cache.glob("stems-*.npz")
    entry.write_bytes(b"not a zip file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = Song(demucs_song, stems=model, cache_dir=cache).stems
    messages = [str(w.message) for w in caught if "cannot be read" in str(w.message)]
    assert len(messages) == 1 and str(entry) in messages[0] and "computed again" in messages[0]
    assert np.allclose(again["drums"], first["drums"], atol=1e-3)
    assert stem_cache.load(cache, stem_cache.stems_key(demucs_song, separation.model_id(model))) is not None


def test_a_demucs_file_loads_and_the_vocal_stem_serves_the_lyrics(tmp_path, demucs_song, monkeypatch):
    model = tiny_htdemucs()
    path = tmp_path / "tiny.th"
    args, kwargs = model._init_args_kwargs          # what Demucs's own packages hold
    torch.save({"klass": type(model), "args": args, "kwargs": kwargs, "state": model.state_dict()}, path)
    song = Song(demucs_song, stems=path, cache_dir=False, lyrics="la la la")
    heard = []

    def align(audio, lyrics, **options):
        heard.append((audio, options["vocals"]))
        return "aligned"

    monkeypatch.setattr("alignment.align", align)
    assert song.lyrics == "aligned"
    audio, vocals = heard[0]
    assert vocals is False and isinstance(audio, np.ndarray) and len(audio) == 3 * 16000
    import soxr

    assert np.allclose(audio, soxr.resample(song.stems["vocals"], 22050, 16000), atol=1e-6)


def test_without_the_weights_or_demucs_one_line_says_what_to_do(song_file, monkeypatch):
    def offline(name, repo=None):
        raise OSError("Name or service not known")

    monkeypatch.setattr("demucs.pretrained.get_model", offline)
    with pytest.raises(ModelNotFoundError) as error:
        Song(song_file, stems=True, cache_dir=False).stems
    message = str(error.value)
    assert "\n" not in message and "binarydream[stems]" in message and "80 MB" in message
    assert "955717e8-8726e21a.th" in message and "hub/checkpoints" in message
    monkeypatch.setitem(__import__("sys").modules, "demucs.apply", None)
    with pytest.raises(MissingDependencyError, match="pip install 'binarydream\\[stems\\]'"):
        Song(song_file, stems=True, cache_dir=False).stems
