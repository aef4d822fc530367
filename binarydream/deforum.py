"""Deforum settings both ways: a schedule to the settings Deforum reads, and a Deforum project to a schedule.

The two differ in two meanings, converted here and only here:

* ``strength``: ours is img2img's denoising strength (1 ignores the previous
  frame, 0 keeps it); Deforum's ``strength_schedule`` is how much of the
  previous frame is kept: Deforum's = 1 - ours.
* ``noise``: ours is the standard deviation of Gaussian noise in [0, 1] pixel
  units; Deforum's ``noise_schedule`` is in its [-1, 1] sample units: Deforum's = 2 * ours.

A schedule carries the 2D camera's curves (zoom, angle, translation_x/y) and the
3D camera's (translation_x/y/z, rotation_3d_x/y/z) side by side; a render uses
the 3D camera only with a depth model. The settings say the mode that render
uses, and both ways every curve the mode reads is kept, and zoom and angle always.

Curves go out as compact keyframe strings: keys only where the value turns,
every frame within ``TOLERANCE`` of the curve's range (its largest minus its
smallest value) of the schedule's values; a straight or constant curve comes
back exactly.

Examples
--------
>>> from binarydream import Schedule
>>> d = to_deforum(Schedule(10, curves={"strength": 0.6, "noise": 0.02}))
>>> d["strength_schedule"], d["noise_schedule"]
('0: (0.4), 9: (0.4)', '0: (0.04), 9: (0.04)')
>>> back = from_deforum(d, Schedule)
>>> round(float(back["strength"][0]), 6), round(float(back["noise"][0]), 6)
(0.6, 0.02)
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np

from .curves import reads
from .errors import KeyframeError, ScheduleError
from .keyframes import parse
from .keyframes.emit import format_number, keyframe_string
from .keyframes.prompts import deforum_prompt, mix_prompts, parse_prompt
from .nesting import check_nesting, read_json

TOLERANCE = 0.01
"""Largest difference between a schedule's curve and its Deforum string, as a share of the curve's range."""

MOTION = ("zoom", "angle", "translation_x", "translation_y", "translation_z", "rotation_3d_x", "rotation_3d_y",
          "rotation_3d_z")
_2D = ("zoom", "angle", "translation_x", "translation_y")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)"
_PLAIN = re.compile(rf"\s*(?:\d+\s*:\s*\(\s*{_NUMBER}\s*\)\s*,?\s*)+")
_COHERENCE = {"None": 0.0, "Match Frame 0 LAB": 1.0, "Match Frame 0 HSV": 1.0, "Match Frame 0 RGB": 1.0}
_BORDERS = {"replicate": "replicate", "wrap": "wrap", "reflect": "reflect", "smart": "replicate"}
_DEFAULTS = {"contrast_schedule": 1.0, "cfg_scale_schedule": 7.0, "near_schedule": 200.0, "far_schedule": 10000.0,
             "noise_multiplier_schedule": 1.0, "kernel_schedule": 5.0, "sigma_schedule": 1.0, "amount_schedule": 0.2,
             "threshold_schedule": 0.0, "perspective_flip_fv": 53.0, "midas_weight": 0.2, "padding_mode": "border",
             "sampling_mode": "bicubic", "use_depth_warping": True, "color_coherence_video_every_N_frames": 1}
"""Deforum's own defaults: a setting left at one of these needs no warning."""
_SWITCHED = {"enable_perspective_flip": ("perspective_flip_theta", "perspective_flip_phi", "perspective_flip_gamma",
                                         "perspective_flip_fv"),
             "enable_steps_scheduling": ("steps_schedule",), "enable_sampler_scheduling": ("sampler_schedule",),
             "enable_checkpoint_scheduling": ("checkpoint_schedule",),
             "enable_clipskip_scheduling": ("clipskip_schedule",),
             "use_mask": ("mask_file", "invert_mask", "mask_brightness_adjust", "mask_contrast_adjust",
                          "mask_overlay_blur", "overlay_mask", "mask_fill", "full_res_mask", "full_res_mask_padding"),
             "use_mask_video": ("video_mask_path",), "use_noise_mask": ("noise_mask_schedule",)}
"""Settings that only act while their switch is on."""
_VIDEO_INPUT = ("video_init_path", "extract_nth_frame", "extract_from_frame", "extract_to_frame",
                "overwrite_extracted_frames")
_HOUSEKEEPING = {
    "steps", "scale",
    "batch_name", "outdir", "filename_format", "make_grid", "grid_rows", "save_samples", "save_settings",
    "display_samples", "save_sample_per_step", "show_sample_per_step", "n_batch", "n_samples", "timestring",
    "resume_from_timestring", "resume_timestring", "sd_model_name", "sd_model_hash", "deforum_git_commit_id",
    "skip_video_creation", "skip_video_for_run_all", "ffmpeg_location", "ffmpeg_crf", "ffmpeg_preset", "make_gif",
    "store_frames_in_ram", "add_soundtrack", "soundtrack_path", "render_steps", "path_name_modifier", "image_path",
    "mp4_path", "use_manual_settings", "delete_imgs", "max_video_frames", "output_format", "bitdepth_extension",
    "seed_enable_extras", "save_depth_maps", "show_info_on_ui", "motion_preview_mode", "prompts_path",
    "animation_prompts", "positive_prompts", "negative_prompts", "animation_prompts_positive",
    "animation_prompts_negative", "seed_iter_N", "seed_behavior", "seed", "seed_schedule", "max_frames", "fps",
    "animation_mode", "prompts", "diffusion_cadence", "color_coherence", "border", "W", "H", "fov_schedule",
    "strength_schedule", "noise_schedule", "use_init", "init_image", "strength", "strength_0_no_init",
    "restore_faces", "tiling", "enable_hr", "override_settings_with_file", "custom_settings_file",
} | set(MOTION)


def _curve(values) -> str:
    spread = float(np.ptp(values)) if len(values) else 0.0
    return keyframe_string(values, tolerance=TOLERANCE * spread) if spread > 0 else keyframe_string(values)


def to_deforum(schedule, path=None, *, depth: bool = False, overwrite: bool = False):
    """Deforum settings of ``schedule``: prompts by frame, every standard curve compact, render settings.

    Prompts join with ``AND`` and ``text :weight``; negative prompts follow
    ``--neg``; prompt fades (``blend_frames``) are not carried over. Strength and
    noise are converted to Deforum's meanings (see the module docstring).

    Parameters
    ----------
    schedule : Schedule
    path : str or Path, optional
        Write the settings there as the JSON file Deforum loads (atomically) and return the path.
    depth : bool
        Whether the render has a depth model (``render(depth=...)``): then a schedule that moves in
        depth or turns in 3D is ``animation_mode`` 3D, as that render uses the 3D camera; else 2D.
    overwrite : bool
        Replace an existing file at ``path``; without it an existing file is an error.

    Returns
    -------
    dict or Path
        The settings; the path written when ``path`` is given.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> d = to_deforum(Schedule(10, prompts={0: "a cat"}, curves={"zoom": "0:(1), 9:(1.09)"}))
    >>> d["prompts"], d["zoom"], d["max_frames"], d["seed_behavior"], d["animation_mode"]
    ({'0': 'a cat'}, '0: (1), 9: (1.09)', 10, 'schedule', '2D')
    """
    options = schedule.render_options
    moves_3d = any(np.any(schedule[name] != 0) for name in MOTION[4:])
    settings = {"max_frames": schedule.n_frames, "fps": schedule.fps,
                "animation_mode": "3D" if depth and moves_3d else "2D", "seed_behavior": "schedule", "prompts": {}}
    for frame in sorted(set(schedule.prompts) | set(schedule.negative_prompts)):
        negatives = mix_prompts(schedule.negative_prompts, frame, hold_first=False)
        settings["prompts"][str(frame)] = deforum_prompt(mix_prompts(schedule.prompts, frame), negatives)
    for name in MOTION:
        settings[name] = _curve(schedule[name])
    settings["strength_schedule"] = _curve(1.0 - schedule["strength"])
    settings["noise_schedule"] = _curve(2.0 * schedule["noise"])
    settings["seed_schedule"] = keyframe_string(schedule["seed"] + int(options.get("seed", 0)))
    settings["diffusion_cadence"] = int(options.get("cadence", 1))
    settings["color_coherence"] = "Match Frame 0 LAB" if options.get("colour_coherence", 1.0) > 0 else "None"
    for ours, theirs in (("border", "border"), ("width", "W"), ("height", "H"), ("steps", "steps"),
                         ("guidance_scale", "scale")):
        if ours in options:
            settings[theirs] = options[ours]
    if "fov" in options:
        settings["fov_schedule"] = f"0: ({format_number(options['fov'])})"
    if path is None:
        return settings
    from .files import write_text_atomic

    return write_text_atomic(path, json.dumps(settings, indent=4, ensure_ascii=False) + "\n", overwrite=overwrite)


def _read(settings) -> dict:
    if isinstance(settings, dict):
        return settings
    path = Path(settings)
    data = read_json(path, "Deforum settings")
    if not isinstance(data, dict):
        raise ScheduleError(f"{path} is not Deforum settings: expected a JSON object of settings")
    check_nesting(data, str(path))
    return data


def _prompt_pairs(text: str) -> tuple[list, list]:
    """Positive and negative ``(text, weight)`` pairs of one Deforum prompt (``a :2 AND b --neg c``)."""
    positive, _, negative = text.partition("--neg")

    def pairs(part):
        return [parse_prompt(item) for item in part.split(" AND ") if item.strip()]

    return pairs(positive), pairs(negative)


def _prompts(data) -> tuple[dict, dict]:
    prompts = data.get("prompts", data.get("animation_prompts", {}))
    if isinstance(prompts, str):
        try:
            prompts = json.loads(prompts)
        except (ValueError, RecursionError):
            raise ScheduleError("Deforum's prompts are not a JSON object of frame: prompt") from None
    if not isinstance(prompts, dict):
        raise ScheduleError(f"Deforum's prompts must map frames to prompts, got {type(prompts).__name__}")
    always = str(data.get("animation_prompts_positive", data.get("positive_prompts", "")) or "").strip()
    never = str(data.get("animation_prompts_negative", data.get("negative_prompts", "")) or "").strip()
    positives, negatives = {}, {}
    for key, text in prompts.items():
        key = int(key) if str(key).strip().isdigit() else str(key)
        pos, neg = _prompt_pairs(str(text))
        if always:
            pos = [(f"{item}, {always}", weight) for item, weight in pos] or [(always, 1.0)]
        if never:
            neg = neg + [(never, 1.0)]
        if pos:
            positives[key] = pos
        if neg:
            negatives[key] = neg
    return positives, negatives


def _rescale(text, scale: float, offset: float, n_frames: int, fps: float) -> str:
    """``offset + scale * value`` of a Deforum keyframe string: number by number when all are plain, else evaluated."""
    if _PLAIN.fullmatch(str(text)):
        return re.sub(rf"\(\s*({_NUMBER})\s*\)",
                      lambda m: f"({format_number(offset + scale * float(m.group(1)))})", str(text))
    return keyframe_string(offset + scale * parse(text, n_frames, fps))


def _active(name, value, n_frames, fps) -> bool:
    """Whether a setting without an equivalent here acts in Deforum: on, and not at Deforum's default."""
    if value in (None, False, "", "None", "none") or name in _SWITCHED or name.startswith("enable_"):
        return False
    if name in _DEFAULTS:
        default = _DEFAULTS[name]
        if not isinstance(default, float):
            return value != default
        try:
            values = parse(value, n_frames, fps) if isinstance(value, str) else np.array([float(value)])
        except (KeyframeError, TypeError, ValueError):
            return True
        return not np.allclose(values, default)
    return True


def _ignored(data, mode, n_frames, fps) -> list:
    """Names of the settings that act in Deforum and have no equivalent here."""
    off = {name for switch, names in _SWITCHED.items() if not data.get(switch) for name in names}
    if mode != "Video Input":
        off |= set(_VIDEO_INPUT)
    return sorted(name for name, value in data.items() if name not in _HOUSEKEEPING and name not in off
                  and _active(name, value, n_frames, fps))


def from_deforum(settings, schedule_type):
    """A :class:`~binarydream.schedule.Schedule` from Deforum settings: a dict, or the JSON file Deforum saves.

    Reads the notebook's and the A1111 extension's keys: ``max_frames``, ``fps``,
    ``prompts`` (or ``animation_prompts``, with ``--neg`` and ``AND``/``:weight``),
    ``animation_prompts_positive/negative`` (or ``positive_prompts``/``negative_prompts``),
    the motion curves of the ``animation_mode`` (2D: zoom, angle, translation_x/y;
    3D: translation_x/y/z, rotation_3d_x/y/z, and zoom and angle for a render
    without a depth model), ``strength_schedule``, ``noise_schedule``, ``seed``,
    ``seed_behavior`` (iter, fixed, schedule), ``seed_iter_N``, ``seed_schedule``
    (``s`` in it is ``seed``), ``diffusion_cadence``, ``color_coherence``,
    ``border``, ``W``, ``H``, ``steps``, ``scale`` (as ``guidance_scale``) and a
    constant ``fov_schedule``. Each other setting that would change a Deforum
    render gets one warning naming it.

    ``schedule_type`` is the class to build, :class:`binarydream.Schedule`:
    :meth:`binarydream.Schedule.from_deforum` passes itself, so that this module,
    which the schedule uses, need not import it back.

    Examples
    --------
    >>> from binarydream import Schedule
    >>> sched = from_deforum({"max_frames": 20, "fps": 10, "animation_mode": "2D", "zoom": "0: (1.02)",
    ...                       "strength_schedule": "0: (0.65)", "diffusion_cadence": 2,
    ...                       "prompts": {"0": "a cat :2 AND a dog --neg blurry"}}, Schedule)
    >>> sched.prompts, sched.negative_prompts, sched.render_options["cadence"]
    ({0: [('a cat', 2.0), ('a dog', 1.0)]}, {0: [('blurry', 1.0)]}, 2)
    >>> round(float(sched["strength"][0]), 6), float(sched["zoom"][5])
    (0.35, 1.02)
    """
    data = _read(settings)
    if "max_frames" not in data:
        raise ScheduleError("Deforum settings need max_frames: is this a Deforum settings file?")
    n_frames = data["max_frames"]
    if "fps" not in data:
        warnings.warn("the Deforum settings give no fps: 30 assumed", stacklevel=2)
    fps = data.get("fps", 30)
    positives, negatives = _prompts(data)
    sched = schedule_type(n_frames, fps, prompts=positives, negative_prompts=negatives)
    sched.render_options.update(_render(data, sched.n_frames, sched.fps))
    mode = str(data.get("animation_mode", "2D"))
    if mode not in ("2D", "3D"):
        warnings.warn(f"animation_mode {mode!r} has no equivalent here: its motion is read as 2D", stacklevel=2)
    curves = MOTION if mode == "3D" else _2D
    if mode == "3D":
        warnings.warn("animation_mode 3D: binarydream's 3D camera needs a depth model (render(depth=...), "
                      "binarydream render --depth MODEL); without one the render moves by zoom, angle and "
                      "translation_x/y", stacklevel=2)
    for name in MOTION:
        if name in data and name in curves:
            _set(sched, name, data[name])
    if "strength_schedule" in data:
        _set(sched, "strength", _rescale(data["strength_schedule"], -1.0, 1.0, sched.n_frames, sched.fps))
    if "noise_schedule" in data:
        _set(sched, "noise", _rescale(data["noise_schedule"], 0.5, 0.0, sched.n_frames, sched.fps))
    _seed(sched, data)
    for name in _ignored(data, mode, sched.n_frames, sched.fps):
        warnings.warn(f"Deforum setting {name} has no equivalent in binarydream: not imported", stacklevel=2)
    return sched


def _set(sched, name, text):
    try:
        sched[name] = text if isinstance(text, str) else float(text)
    except (KeyframeError, ScheduleError, TypeError, ValueError) as error:
        raise ScheduleError(f"Deforum's {name} cannot be read: {str(error).splitlines()[0]}") from None


def _seed(sched, data):
    behaviour = str(data.get("seed_behavior", "iter"))
    if behaviour == "schedule" and "seed_schedule" in data:
        seed = sched.render_options.pop("seed", 0)
        text = data["seed_schedule"]
        try:
            # Deforum's s is the seed setting; a schedule's s is its seed curve, which this one is.
            values = parse(text if isinstance(text, str) else float(text), sched.n_frames, sched.fps,
                           variables={"s": float(seed)})
        except (KeyframeError, TypeError, ValueError) as error:
            raise ScheduleError(f"Deforum's seed cannot be read: {str(error).splitlines()[0]}") from None
        _set(sched, "seed", text if "s" not in reads(text) else keyframe_string(values))
    elif behaviour == "fixed":
        sched["seed"] = 0.0
    elif behaviour == "iter" and int(data.get("seed_iter_N", 1) or 1) > 1:
        sched["seed"] = f"0: (floor(t/{int(data['seed_iter_N'])}))"
    elif behaviour not in ("iter", "schedule"):
        warnings.warn(f"seed_behavior {behaviour!r} has no equivalent here: seeds go up by one a frame",
                      stacklevel=3)


def _render(data, n_frames, fps) -> dict:
    options = {}
    seed = data.get("seed", 0)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        seed = -1
    if seed < 0:
        warnings.warn(f"the Deforum seed {data.get('seed')!r} is random: seed 0 is used, so renders repeat",
                      stacklevel=3)
    options["seed"] = max(seed, 0)
    if "diffusion_cadence" in data:
        options["cadence"] = max(int(data["diffusion_cadence"]), 1)
    coherence = data.get("color_coherence")
    if coherence is not None:
        if coherence not in _COHERENCE:
            warnings.warn(f"color_coherence {coherence!r} has no equivalent here: frames match frame 0's LAB "
                          "colours", stacklevel=3)
        elif coherence not in ("None", "Match Frame 0 LAB"):
            warnings.warn(f"color_coherence {coherence!r}: binarydream matches colours in LAB", stacklevel=3)
        options["colour_coherence"] = _COHERENCE.get(coherence, 1.0)
    if "border" in data:
        options["border"] = _BORDERS.get(str(data["border"]), "replicate")
    for theirs, ours, kind in (("W", "width", int), ("H", "height", int), ("steps", "steps", int),
                               ("scale", "guidance_scale", float)):
        if theirs in data:
            try:
                options[ours] = kind(data[theirs])
            except (TypeError, ValueError):
                raise ScheduleError(f"Deforum's {theirs} must be a number, got {data[theirs]!r}") from None
    fov = data.get("fov_schedule")
    if fov is not None:
        values = parse(fov if isinstance(fov, str) else float(fov), n_frames, fps)
        if np.ptp(values) > 0:
            warnings.warn("fov_schedule changes over time: binarydream renders at one fov, its first value",
                          stacklevel=3)
        options["fov"] = float(values[0])
    return options
