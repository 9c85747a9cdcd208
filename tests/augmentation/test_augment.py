"""Train-time augmentation, random crops and the training transform."""

import numpy as np
import pytest
import torch

from sklearn_ecg.augmentation import (
    AmplitudeScale,
    BaselineWander,
    GaussianNoise,
    LeadDropout,
    PolarityFlip,
    RandomCrop,
    SineNoise,
    SquarePulse,
    TimeDropout,
    TimeShift,
    paper_augmentation,
)
from sklearn_ecg.augmentation._crop import valid_length
from sklearn_ecg.augmentation._recipes import resolve_augment
from sklearn_ecg.classifiers._train_transform import make_train_transform

SFREQ = 500.0
ALL = [
    GaussianNoise(p=1.0),
    AmplitudeScale(per_lead=True, p=1.0),
    BaselineWander(p=1.0),
    TimeShift(p=1.0),
    PolarityFlip(p=1.0),
    TimeDropout(p=1.0),
    LeadDropout(p=1.0),
    SineNoise(p=1.0),
    SquarePulse(p=1.0),
]


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(0).standard_normal((12, 2000)).astype(np.float32)


@pytest.mark.parametrize("aug", ALL, ids=lambda a: type(a).__name__)
def test_seeded_shape_dtype_no_mutation(aug, sample):
    before = sample.copy()
    a = aug(sample, np.random.default_rng(1), SFREQ)
    b = aug(sample, np.random.default_rng(1), SFREQ)
    np.testing.assert_array_equal(sample, before)
    assert a.shape == sample.shape and a.dtype == sample.dtype
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sample)


@pytest.mark.parametrize("aug", ALL, ids=lambda a: type(a).__name__)
def test_torch_input_matches_numpy(aug, sample):
    out_np = aug(sample, np.random.default_rng(3), SFREQ)
    out_t = aug(torch.from_numpy(sample.copy()), np.random.default_rng(3), SFREQ)
    assert isinstance(out_t, torch.Tensor)
    np.testing.assert_allclose(out_t.numpy(), out_np, rtol=1e-6, atol=1e-6)


def test_single_lead_input_works():
    x = np.ones((1, 500), dtype=np.float32)
    for aug in ALL:
        assert aug(x, np.random.default_rng(0), SFREQ).shape == (1, 500)


def test_probability_zero_is_identity(sample):
    out = GaussianNoise(p=0.0)(sample, np.random.default_rng(0), SFREQ)
    assert out is sample


def test_probability_is_respected(sample):
    rng = np.random.default_rng(0)
    flip = PolarityFlip(p=0.3)
    x = sample[:, :3]
    flipped = [flip(x, rng, SFREQ)[0, 0] != x[0, 0] for _ in range(2000)]
    assert 0.26 < np.mean(flipped) < 0.34


def test_sine_frequency_is_in_hz():
    # 2 Hz at 250 Hz: exactly 2 cycles per second whatever the sampling rate.
    aug = SineNoise(amplitude=(1, 1), freq=(2, 2), p=1.0)
    out = aug(np.zeros((1, 250)), np.random.default_rng(0), 250.0)[0]
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) == 2  # bin k = k Hz for a 1 s window


def test_square_pulse_amplitude_and_duty():
    aug = SquarePulse(amplitude=(0.01, 0.01), freq=(5, 5), p=1.0)
    out = aug(np.zeros((2, 1000)), np.random.default_rng(0), SFREQ)
    assert np.allclose(np.abs(out), 0.01)
    assert abs((out > 0).mean() - 0.5) < 0.02
    np.testing.assert_array_equal(out[0], out[1])


def test_time_dropout_zeroes_same_points_in_all_leads():
    out = TimeDropout(0.1, p=1.0)(np.ones((12, 5000)), np.random.default_rng(0), SFREQ)
    zero = out == 0
    assert np.all(zero == zero[0])
    assert 0.08 < zero[0].mean() < 0.12
    assert set(np.unique(out)) == {0.0, 1.0}  # kept points are not rescaled


def test_lead_dropout_rate():
    rng = np.random.default_rng(0)
    aug = LeadDropout(0.2, p=1.0)
    dropped = [
        (aug(np.ones((12, 10)), rng, SFREQ).sum(1) == 0).mean() for _ in range(500)
    ]
    assert 0.17 < np.mean(dropped) < 0.23


def test_paper_recipe_outcome_frequencies(sample):
    # One of 7 equally likely outcomes; 2/7 leave the sample unchanged.
    rng = np.random.default_rng(0)
    aug = paper_augmentation()
    x = sample[:, :200]
    same = [np.array_equal(aug(x, rng, SFREQ), x) for _ in range(3500)]
    assert abs(np.mean(same) - 2 / 7) < 0.03


def test_resolve_augment_options():
    assert resolve_augment(None) is None
    composed = resolve_augment([GaussianNoise(), PolarityFlip()])
    assert len(composed.transforms) == 2
    with pytest.raises(ValueError, match="augment='papr'"):
        resolve_augment("papr")
    with pytest.raises(TypeError, match="augment=3"):
        resolve_augment(3)


def test_valid_length_detects_zscored_padding():
    x = np.zeros((2, 100))
    x[:, :60] = np.random.default_rng(0).standard_normal((2, 60))
    x[:, 60:] = -0.7  # a z-scored zero tail is a constant, not zero
    assert valid_length(x) == 60
    assert valid_length(np.random.default_rng(1).standard_normal((2, 100))) == 100


def test_random_crop_stays_in_valid_region_and_covers_it():
    x = np.zeros((1, 1000), dtype=np.float32)
    x[0, :600] = np.arange(1, 601)
    crop, rng = RandomCrop(200), np.random.default_rng(0)
    starts = [int(crop(x, rng)[0, 0]) - 1 for _ in range(2000)]
    assert min(starts) == 0 and max(starts) == 400


def test_random_crop_too_long_raises():
    with pytest.raises(ValueError, match="crop_length=20"):
        RandomCrop(20)(np.zeros((1, 10)), np.random.default_rng(0))


def test_make_train_transform_seeded_and_none():
    assert make_train_transform(None, None, SFREQ, 0) is None
    x = np.random.default_rng(0).standard_normal((12, 1000)).astype(np.float32)
    a = make_train_transform("paper", 250, SFREQ, 7)
    b = make_train_transform("paper", 250, SFREQ, 7)
    runs_a, runs_b = [a(x) for _ in range(5)], [b(x) for _ in range(5)]
    for u, v in zip(runs_a, runs_b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(runs_a[0], runs_a[1])  # redrawn per call
