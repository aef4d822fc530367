import numpy as np
import pytest

from binarydream.measures import CollapseThresholds, FrameMeasures, collapse_reason, measure_frame


def _gradient(h=72, w=128):
    x = np.linspace(0, 255, w, dtype=np.float32)
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
    return np.stack([np.broadcast_to(x, (h, w)), np.broadcast_to(y, (h, w)), np.full((h, w), 128.0)], -1).astype(np.uint8)


def test_flat_frame_has_no_contrast_and_no_entropy():
    m = measure_frame(np.full((40, 40, 3), 200, np.uint8), stride=1)
    assert m.contrast == 0.0 and m.entropy == 0.0 and m.colourfulness == 0.0
    assert collapse_reason(m) == "flat"


def test_gradient_is_alive_and_its_measures_match_a_direct_computation():
    frame = _gradient()
    m = measure_frame(frame, stride=1)
    luma = frame.astype(np.float32) / 255 @ np.array([0.299, 0.587, 0.114], np.float32)
    assert m.contrast == pytest.approx(luma.std(), rel=1e-5)
    assert 4.0 < m.entropy <= 6.0
    assert collapse_reason(m) is None


def test_change_is_mean_absolute_difference_and_a_still_frame_is_frozen():
    frame = _gradient()
    shifted = np.roll(frame, 3, axis=1)
    m = measure_frame(shifted, frame, stride=1)
    expected = np.abs(shifted.astype(np.float32) - frame.astype(np.float32)).mean() / 255
    assert m.change == pytest.approx(expected, rel=1e-5)
    assert collapse_reason(measure_frame(frame, frame.copy())) == "frozen"


def test_thresholds_are_respected():
    m = FrameMeasures(contrast=0.05, entropy=3.0, colourfulness=0.1, change=0.01)
    assert collapse_reason(m) is None
    assert collapse_reason(m, CollapseThresholds(min_contrast=0.1)) == "flat"


def test_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="height, width, 3"):
        measure_frame(np.zeros((8, 8), np.uint8))
