"""Windowed inference over whole records."""

import numpy as np
import pytest

from sklearn_ecg.classifiers._inference import window_starts, windowed_logits


def first_sample(w):
    return w[:, 0, :1].astype(np.float64)  # logit = the window's first value


@pytest.fixture(scope="module")
def ramp():
    return np.tile(np.arange(100, dtype=np.float32), (2, 1, 1)).reshape(2, 1, 100)


def test_window_starts_cover_the_record():
    starts = window_starts(5000, 2048, "sliding_max", 1000)
    assert starts.tolist() == [0, 1000, 2000, 2952]
    assert window_starts(100, 200, "center", 10).tolist() == [0]


def test_center(ramp):
    assert windowed_logits(first_sample, ramp, 20, "center").ravel().tolist() == [
        40.0,
        40.0,
    ]


def test_sliding_mean_and_max(ramp):
    mean = windowed_logits(first_sample, ramp, 20, "sliding_mean", 40)
    mx = windowed_logits(first_sample, ramp, 20, "sliding_max", 40)
    assert mean[0, 0] == pytest.approx(np.mean([0, 40, 80]))
    assert mx[0, 0] == 80.0


def test_padding_is_skipped():
    x = np.zeros((1, 1, 100), dtype=np.float32)
    x[0, 0, :50] = np.arange(1, 51)
    mx = windowed_logits(first_sample, x, 20, "sliding_max", 5)
    assert mx[0, 0] == 31.0  # last window starts at 30, inside the valid 50


def test_batches_do_not_change_the_result(ramp):
    a = windowed_logits(first_sample, ramp, 20, "sliding_mean", 3, batch_size=2)
    b = windowed_logits(first_sample, ramp, 20, "sliding_mean", 3, batch_size=500)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"inference": "middle"}, "inference='middle'"),
        ({"crop_length": 200}, "crop_length=200"),
        ({"inference_stride": 0}, "inference_stride=0"),
    ],
)
def test_bad_arguments(ramp, kwargs, match):
    args = {"crop_length": 20, "inference": "center", **kwargs}
    with pytest.raises(ValueError, match=match):
        windowed_logits(first_sample, ramp, **args)
