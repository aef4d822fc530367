"""Meter and downbeats: which beats start a bar, found from what changes at bar lines.

Each beat gets descriptors (:func:`beat_descriptors`): the low accent (the
kick, the lowest drum, and the bass on it, and the snare off it: in most real
music the kick marks beats 1 and 3, the snare 2 and 4; the loudness of the
whole mix, on real recordings, peaks on the snare), the chord change on it
(chords change on bar lines, which tells 1 from 3), and the sound of the beat
(which repeats bar after bar). The meter whose one position in the bar stands
out most over the song, and whose sound repeats bar by bar, wins
(:func:`find_downbeats`; 4 is favoured unless 3 shows clearly); the bar
position of every beat is then decoded by Viterbi over the whole song
(:func:`bar_positions`), so an extra or dropped beat moves only the bars
around it.
:func:`downbeat_confidence` says how far the bars of the song agree on the
phase found: on music where nothing marks the bar it is low, and the
analysis says so rather than claim a phase.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> d = {"accent": np.tile([3.0, 0.0, 0.0], 8), "harmony_change": np.zeros(24), "spectrum": rng.random((8, 24))}
>>> meter, downbeats = find_downbeats(d)                  # strong-weak-weak: a waltz
>>> meter, downbeats[:3].tolist()
(3, [0, 3, 6])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tempo import OctaveRules

METERS = (3, 4)
"""Beats per bar that :func:`find_downbeats` chooses from.

Two beats per bar is left out on purpose: accents cannot tell 2/4 from a 4/4
groove with equal beats 1 and 3 (most pop: kick on 1 and 3, snare on 2 and 4),
and a bar of 4 serves both for cutting a video."""


def beat_accents(beat_frames: np.ndarray, curves, *, width: int = 3) -> np.ndarray:
    """Accent of each beat: the sum over ``curves`` of each curve's level around the beat relative to its mean.

    A curve's level at a beat is its mean over ``width`` hops either side; a
    mean over a window, unlike the peak, does not depend on where the beat falls
    within a hop. A value of 0.5 means the beat is on average 50 % above the
    typical beat; a steady pulse without accents gives values near 0.

    Parameters
    ----------
    beat_frames : np.ndarray of int
        Beat positions in hops.
    curves : sequence of np.ndarray, each shape (n_hops,)
        Per-hop curves that mark accents (onset strength, bass amplitude, ...).
    width : int
        Hops either side of a beat.

    Examples
    --------
    >>> onset = np.zeros(40); onset[[5, 15, 25, 35]] = [2.0, 1.0, 2.0, 1.0]
    >>> beat_accents(np.array([5, 15, 25, 35]), [onset], width=1).round(2).tolist()
    [0.33, -0.33, 0.33, -0.33]
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    accents = np.zeros(len(beat_frames))
    for curve in curves:
        curve = np.asarray(curve, dtype=np.float64)
        levels = np.mean([curve[np.clip(beat_frames + d, 0, len(curve) - 1)] for d in range(-width, width + 1)],
                         axis=0)
        mean = levels.mean()
        if mean > 0:
            accents += (levels - mean) / mean
    return accents


def _between_beats(curves: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """Mean of each row of ``curves`` from each beat to the next (the last beat: one typical beat on)."""
    n_hops = curves.shape[1]
    period = int(np.median(np.diff(beat_frames))) if len(beat_frames) > 1 else 1
    starts = np.clip(beat_frames, 0, n_hops - 1)
    stops = np.clip(np.r_[beat_frames[1:], beat_frames[-1] + period], starts + 1, n_hops)
    totals = np.cumsum(np.pad(curves, ((0, 0), (1, 0))), axis=1, dtype=np.float64)
    return (totals[:, stops] - totals[:, starts]) / (stops - starts)


def _standard(x) -> np.ndarray:
    """``x`` less its mean over its standard deviation (zeros when it is constant)."""
    x = np.asarray(x, dtype=np.float64)
    spread = x.std() if x.size else 0.0
    return (x - x.mean()) / spread if spread > 1e-9 else np.zeros_like(x)


KICK_HZ = OctaveRules.kick_hz
"""The kick drum's band lies below this (the tempo octave's, :class:`~.tempo.OctaveRules`)."""

BACKBEAT_HZ = (1000.0, 5000.0)
"""The band of the backbeat's crack (snare, clap, rim): above the bass and the chords' body, below the hats' hiss."""


def band_onset(mel_db: np.ndarray, *, sr: int, hop_length: int, low: float, high: float) -> np.ndarray:
    """Onset strength of the mel bands whose centres lie in ``[low, high)`` Hz (their mean).

    Examples
    --------
    >>> import librosa
    >>> y = librosa.clicks(times=[0.5, 1.0], sr=22050, click_freq=100.0, length=22050 * 2)
    >>> mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=22050))
    >>> low, high = (band_onset(mel_db, sr=22050, hop_length=512, low=a, high=b) for a, b in ((0, 150), (1000, 5000)))
    >>> bool(low.max() > 5 * high.max())
    True
    """
    import librosa

    centres = librosa.mel_frequencies(len(mel_db) + 2, fmax=sr / 2.0)[1:-1]
    rows = (centres >= low) & (centres < high)
    return librosa.onset.onset_strength(S=mel_db[rows], sr=sr, hop_length=hop_length)


def beat_descriptors(beat_frames: np.ndarray, features: dict, *,
                     sr: int = 22050, hop_length: int = 512, mel_db: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """What each beat sounds like, for telling downbeats from other beats.

    Parameters
    ----------
    beat_frames : np.ndarray of int
        Beat positions in hops.
    features : dict
        :func:`~.features.spectral_features` of the song (``"mel"``, ``"bands"``, ``"chroma"``).
    sr, hop_length : int
        The rate and hop of ``features``.
    mel_db : np.ndarray or None
        ``librosa.power_to_db(features["mel"])`` where the caller has it; None: computed here.

    Returns
    -------
    dict of np.ndarray
        ``"accent"`` (n_beats,): the accent on the beat (:func:`beat_accents`) of the
        kick's band (:data:`KICK_HZ`) less that of the backbeat's (:data:`BACKBEAT_HZ`),
        plus that of the bass amplitude: the kick lands on 1 (and 3), the snare on 2
        and 4, the bass sounds its note on the bar line;
        ``"harmony_change"`` (n_beats,): how far the chroma of the two beats from this
        one is from that of the two before it (chords change on downbeats);
        ``"spectrum"`` (n_mels, n_beats): the mean log-mel spectrum from each beat to the
        next, which repeats bar after bar.

    Examples
    --------
    >>> import librosa
    >>> from binarydream.analysis.features import spectral_features
    >>> y = librosa.clicks(times=np.arange(0.5, 8, 0.5), sr=22050, length=8 * 22050)
    >>> features = spectral_features(y, sr=22050)
    >>> d = beat_descriptors(librosa.time_to_frames(np.arange(0.5, 8, 0.5)), features)
    >>> d["accent"].shape, d["harmony_change"].shape, d["spectrum"].shape
    ((15,), (15,), (128, 15))
    """
    import librosa

    beat_frames = np.asarray(beat_frames, dtype=int)
    mel = features["mel"]
    mel_db = librosa.power_to_db(mel) if mel_db is None else mel_db
    kick, backbeat = (band_onset(mel_db, sr=sr, hop_length=hop_length, low=low, high=high)
                      for low, high in ((0.0, KICK_HZ), BACKBEAT_HZ))
    spectrum = _between_beats(np.log1p(mel / max(float(mel.mean()), 1e-12)), beat_frames)
    chroma = _between_beats(features["chroma"], beat_frames)
    # the chords of the two beats before each beat against those of the two from it: a window of two
    # beats is steadier than one and still shorter than a bar
    n = chroma.shape[1]
    totals = np.cumsum(np.pad(np.pad(chroma, ((0, 0), (2, 2)), mode="edge"), ((0, 0), (1, 0))), axis=1)
    before = totals[:, 2:n + 2] - totals[:, :n]
    after = totals[:, 4:n + 4] - totals[:, 2:n + 2]
    before /= np.maximum(np.linalg.norm(before, axis=0), 1e-12)
    after /= np.maximum(np.linalg.norm(after, axis=0), 1e-12)
    change = 1.0 - np.sum(before * after, axis=0)
    # each accent is relative to its band's mean, so a band where nothing plays (a click track's) adds next to nothing
    accent = (beat_accents(beat_frames, [kick]) - beat_accents(beat_frames, [backbeat])
              + beat_accents(beat_frames, [features["bands"][0]]))
    return {"accent": accent,
            "harmony_change": change, "spectrum": spectrum}


@dataclass(frozen=True)
class MeterRules:
    """How :func:`find_downbeats` weighs the evidence for a meter and a downbeat.

    Parameters
    ----------
    harmony_weight : float
        Weight of the chord change against the accent in a beat's downbeat salience.
    similarity_weight : float
        Weight of the bar-to-bar repetition of the sound (:func:`bar_similarity`)
        against the downbeat contrast in a meter's score.
    four_bonus : float
        Added to the score of 4 beats a bar: most music is in 4, and a waltz
        has to show its 3 clearly.
    resync_cost : float
        Log-odds against an extra or a dropped beat between two bars; lower
        re-syncs the bar sooner after a tracking error, higher trusts the
        regular count longer.
    """

    harmony_weight: float = 1.0
    similarity_weight: float = 2.0
    four_bonus: float = 0.3
    resync_cost: float = 6.0


def downbeat_salience(descriptors: dict, *, harmony_weight: float = 1.0) -> np.ndarray:
    """How much each beat sounds like a downbeat: its accent plus the chord change on it, each standardised.

    Examples
    --------
    >>> d = {"accent": np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]), "harmony_change": np.zeros(6)}
    >>> downbeat_salience(d).round(2).tolist()
    [1.41, -0.71, -0.71, 1.41, -0.71, -0.71]
    """
    return _standard(descriptors["accent"]) + harmony_weight * _standard(descriptors["harmony_change"])


def bar_similarity(spectrum: np.ndarray, beats_per_bar: int) -> float:
    """Mean cosine similarity of each beat's sound to that of the beat a bar later (sound centred on its mean).

    Music repeats bar by bar: a groove in 4 makes beats 4 apart sound alike and
    beats 3 apart less so, a waltz the other way round.

    Examples
    --------
    >>> spectrum = np.tile(np.eye(3), 6)                   # three different beats, repeated
    >>> round(bar_similarity(spectrum, 3), 2), round(bar_similarity(spectrum, 4), 2)
    (1.0, -0.5)
    """
    spectrum = np.asarray(spectrum, dtype=np.float64)
    if spectrum.shape[1] <= beats_per_bar:
        return 0.0
    centred = spectrum - spectrum.mean(axis=1, keepdims=True)
    centred /= np.maximum(np.linalg.norm(centred, axis=0), 1e-12)
    return float(np.mean(np.sum(centred[:, beats_per_bar:] * centred[:, :-beats_per_bar], axis=0)))


def bar_positions(salience: np.ndarray, beats_per_bar: int, *, resync_cost: float = 6.0) -> np.ndarray:
    """Position of each beat in its bar (0 the downbeat) by Viterbi decoding of the downbeat salience.

    Each beat moves the count on by one; the count may also stay (an extra
    beat was tracked) or jump by two (a beat was dropped) at a cost of
    ``resync_cost``, so one tracking error shifts the bars only until the
    accents show the new phase, not to the end of the song.

    Examples
    --------
    >>> salience = np.tile([2.0, -1.0, -1.0, -1.0], 6)
    >>> salience = np.r_[salience[:10], -1.0, salience[10:]]     # an extra beat after the tenth
    >>> bar_positions(salience, 4).tolist()
    [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]
    """
    n, m = len(salience), beats_per_bar
    step = np.full((m, m), -np.inf)        # step[i, j]: log-score of position i followed by j
    for i in range(m):
        step[i, (i + 1) % m] = 0.0
        step[i, i] = step[i, (i + 2) % m] = -resync_cost
    score = np.where(np.arange(m) == 0, salience[0], 0.0)
    back = np.zeros((n, m), dtype=int)
    for k in range(1, n):
        total = score[:, None] + step
        back[k] = np.argmax(total, axis=0)
        score = total[back[k], np.arange(m)] + np.where(np.arange(m) == 0, salience[k], 0.0)
    positions = np.zeros(n, dtype=int)
    positions[-1] = int(np.argmax(score))
    for k in range(n - 1, 0, -1):
        positions[k - 1] = back[k, positions[k]]
    return positions


def find_downbeats(descriptors: dict, *, beats_per_bar: int | None = None, meters=METERS,
                   rules: MeterRules = MeterRules()) -> tuple[int, np.ndarray]:
    """The meter and the indices of the beats that start a bar.

    Each candidate meter's score is how far one position in its bar stands
    out over the song (:func:`phase_contrast` of the downbeat salience), plus
    how much the sound repeats bar by bar (:func:`bar_similarity`); the bar
    positions of the chosen one are decoded over the whole song
    (:func:`bar_positions`).

    Parameters
    ----------
    descriptors : dict
        :func:`beat_descriptors` of the song's beats.
    beats_per_bar : int or None
        A meter to use instead of finding one.
    meters : tuple of int
        Meters to choose from.
    rules : MeterRules

    Returns
    -------
    beats_per_bar : int
    downbeats : np.ndarray of int
        Indices into the beats.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> accent = np.tile([1.0, 0.0, 0.0], 10) + 0.1 * rng.random(30)
    >>> d = {"accent": accent, "harmony_change": np.zeros(30), "spectrum": rng.random((8, 30))}
    >>> meter, downbeats = find_downbeats(d)
    >>> meter, downbeats[:4].tolist()
    (3, [0, 3, 6, 9])
    """
    salience = downbeat_salience(descriptors, harmony_weight=rules.harmony_weight)
    if len(salience) == 0:
        return beats_per_bar or 4, np.zeros(0, dtype=int)
    best = None
    for m in ([beats_per_bar] if beats_per_bar else meters):
        score = (phase_contrast(salience, m) + rules.similarity_weight * bar_similarity(descriptors["spectrum"], m)
                 + (rules.four_bonus if m == 4 else 0.0))
        if best is None or score > best[0]:
            best = (score, m)
    downbeat = bar_positions(salience, best[1], resync_cost=rules.resync_cost) == 0
    return best[1], np.flatnonzero(downbeat)


def phase_contrast(salience: np.ndarray, beats_per_bar: int) -> float:
    """How far the beats of one position in a bar of ``beats_per_bar`` stand out: the best position over the song.

    The mean salience of every ``beats_per_bar``-th beat less that of the
    others, for the position where it is highest. One phase for the whole
    song, not the decoded bars (:func:`bar_positions`): the decoder's freedom
    to re-sync after a tracking error lets it follow noise as well, and on
    real recordings that made the contrast of 3 beats a bar beat that of 4 in
    music in 4.

    Examples
    --------
    >>> waltz = np.tile([2.0, 0.0, 0.0], 4)
    >>> round(phase_contrast(waltz, 3), 2), round(phase_contrast(waltz, 4), 2)
    (2.0, 0.0)
    """
    salience = np.asarray(salience, dtype=np.float64)
    if len(salience) <= beats_per_bar:
        return 0.0
    position = np.arange(len(salience)) % beats_per_bar
    return float(max(salience[position == k].mean() - salience[position != k].mean() for k in range(beats_per_bar)))


def downbeat_confidence(descriptors: dict, downbeats: np.ndarray, beats_per_bar: int, *, window: int = 4) -> float:
    """How far the song's bars, and the cues in them, agree on the downbeats found: 0 chance, 1 all of them.

    Each cue (the low accent and the chord change of :func:`beat_descriptors`)
    is read on its own: for every ``window`` bars in a row (a phrase) its
    values are summed at each position of the bar, and the stretch backs the
    position that sums highest (a tie backs none). A cue's backing is the
    share of stretches that back the downbeats found, rescaled so that chance
    is 0 (and a cue that backs another position steadily backs nothing). The
    low accent is read twice in an even meter, for the bar and for the
    half-bar (the kick plays 1 and 3: it tells the strong beats from the weak
    ones better than 1 from 3). The confidence is the mean backing, each
    reading weighed by how steadily its cue backs any one position (a cue that
    marks nothing weighs little). Music whose bars nothing marks scores near
    0; so does music whose drums and chords steadily put the bar in different
    places (the chords of latin music anticipate the bar line), where the
    phase found is a guess.

    Parameters
    ----------
    descriptors : dict
        ``"accent"`` and ``"harmony_change"`` of the song's beats (:func:`beat_descriptors`).
    downbeats : np.ndarray of int
        Indices into the beats of those that start a bar (:func:`find_downbeats`).
    beats_per_bar : int
    window : int
        Bars summed before the positions are compared.

    Returns
    -------
    float in [0, 1]; 0.0 with less than one whole bar or nothing that varies.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> accent = np.tile([2.0, 0.0, 0.0, 0.0], 16) + rng.random(64)
    >>> downbeat_confidence({"accent": accent, "harmony_change": np.zeros(64)}, np.arange(0, 64, 4), 4)
    1.0
    >>> chords = np.tile([0.0, 0.0, 1.0, 0.0], 16)                       # the chords change on beat 3
    >>> round(downbeat_confidence({"accent": accent, "harmony_change": chords}, np.arange(0, 64, 4), 4), 2)
    0.5
    >>> downbeat_confidence({"accent": rng.random(64), "harmony_change": np.zeros(64)}, np.arange(0, 64, 4), 4) < 0.5
    True
    """
    downbeats = np.asarray(downbeats, dtype=int)
    n_beats = len(descriptors["accent"])
    starts = downbeats[downbeats + beats_per_bar <= n_beats]
    if starts.size == 0 or beats_per_bar < 2:
        return 0.0
    # the low accent marks the strong beats, 1 and 3 of a bar of 4 (the kick plays both): it backs the downbeats
    # as much for putting them on a strong beat as for putting them on 1; the chords change on 1
    levels = {"accent": (1, 2) if beats_per_bar % 2 == 0 else (1,), "harmony_change": (1,)}
    values, weights = [], []
    for name, groups in levels.items():
        cue = _standard(descriptors[name])
        if not cue.any():
            continue
        share = _stretch_shares(cue[starts[:, None] + np.arange(beats_per_bar)], window)
        for group in groups:
            classes = share.reshape(group, -1).sum(axis=0) if group > 1 else share   # positions a half-bar apart
            chance = 1.0 / len(classes)
            values.append(max(0.0, (classes[0] - chance) / (1.0 - chance)))
            weights.append(classes.max() / len(groups))
    if sum(weights) == 0:
        return 0.0
    return float(np.clip(np.average(values, weights=weights), 0.0, 1.0))


def _stretch_shares(bars: np.ndarray, window: int) -> np.ndarray:
    """Of the runs of ``window`` bars in a row, the share whose sum is highest, alone, at each position of the bar."""
    span = min(window, len(bars))
    totals = np.cumsum(np.pad(bars, ((1, 0), (0, 0))), axis=0)
    stretches = totals[span:] - totals[:-span]
    highest = stretches == stretches.max(axis=1, keepdims=True)
    return np.mean(highest & (highest.sum(axis=1, keepdims=True) == 1), axis=0)
