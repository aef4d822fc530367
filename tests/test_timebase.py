import numpy as np
import pytest

from binarydream.timebase import frame_at, frame_count, frame_times


@pytest.mark.parametrize("fps", [24, 25, 29.97, 30, 60])
def test_no_drift_over_ten_minutes(fps):
    n = frame_count(600.0, fps)
    times = frame_times(n, fps)
    assert n == round(600.0 * fps)
    assert times[-1] == pytest.approx((n - 1) / fps, abs=1e-12)
    assert np.array_equal(frame_at(times, fps), np.arange(n))


def test_frame_at_rounds_to_the_nearest_frame():
    assert frame_at(1.0 / 30 * 0.49, 30) == 0
    assert frame_at(1.0 / 30 * 0.51, 30) == 1
    assert frame_at(2.5, 24) == 60
