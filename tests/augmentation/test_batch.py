"""The batch transforms draw the same distributions as the per-record ones.

The random streams differ, so each test draws many records through both paths
and compares a statistic of every output record with a two-sample test
(Kolmogorov-Smirnov, or chi-square on counts), accepting p > 0.001.
"""

import numpy as np
import pytest
import torch
from scipy import stats

from sklearn_ecg import augmentation as A
from sklearn_ecg.augmentation._batch import (
    batch_augment,
    batch_crop,
    is_batchable,
    valid_lengths,
)
from sklearn_ecg.augmentation._crop import valid_length

N = 3000
SFREQ = 100.0


def _host(aug, x0, n=N, seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([aug(x0.copy(), rng, SFREQ) for _ in range(n)])


def _batch(aug, x0, n=N, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(np.repeat(x0[None], n, axis=0))
    return batch_augment(aug, x, gen, SFREQ).numpy()


def _amp(out):
    return np.abs(out).max(axis=(1, 2))


def _freq(out):
    spec = np.abs(np.fft.rfft(out[:, 0] - out[:, 0].mean(axis=1, keepdims=True)))
    return spec.argmax(axis=1)


ONES = np.ones((3, 400), dtype=np.float32)
ZEROS = np.zeros((3, 400), dtype=np.float32)
CASES = {
    "gaussian_std": (A.GaussianNoise(0.3, p=0.5), ZEROS, lambda o: o.std(axis=(1, 2))),
    "gain": (A.AmplitudeScale(per_lead=True, p=0.5), ONES, lambda o: o[:, :, 0].ravel()),  # noqa: E501
    "wander_amp": (A.BaselineWander(p=0.5), ZEROS, lambda o: np.ptp(o[:, 1, :], axis=1)),  # noqa: E501
    "sine_amp": (A.SineNoise(p=1.0), ZEROS, _amp),
    "sine_freq": (A.SineNoise(p=1.0), ZEROS, _freq),
    "square_amp": (A.SquarePulse(p=1.0), ZEROS, _amp),
    "square_freq": (A.SquarePulse(p=1.0), ZEROS, _freq),
    "shift": (
        A.TimeShift(0.5, p=0.5), ONES,
        lambda o: (o[:, 0] == 0).sum(axis=1) * np.sign(0.5 - o[:, 0, 0]),
    ),
    "time_dropout": (A.TimeDropout(0.1, p=0.5), ONES, lambda o: (o[:, 0] == 0).mean(1)),
    "lead_dropout": (A.LeadDropout(0.3, p=1.0), ONES, lambda o: (o[:, :, 0] == 0).sum(1)),  # noqa: E501
    "flip": (A.PolarityFlip(p=0.3), ONES, lambda o: o[:, 0, 0]),
    "one_of_choice": (
        A.OneOf([A.Identity(), A.PolarityFlip(p=1.0), A.AmplitudeScale((2, 2), p=1.0)],
                weights=[1, 2, 3]),
        ONES, lambda o: o[:, 0, 0],
    ),
    "paper_recipe": (A.paper_augmentation(), ONES, lambda o: o.sum(axis=(1, 2))),
    "basic_recipe": (A.basic_augmentation(), ONES, lambda o: o.mean(axis=(1, 2))),
}  # fmt: skip
DISCRETE = {"flip", "one_of_choice", "lead_dropout"}


@pytest.mark.parametrize("name", list(CASES))
def test_batch_and_host_paths_agree_in_distribution(name):
    aug, x0, stat = CASES[name]
    host, batch = stat(_host(aug, x0)), stat(_batch(aug, x0))
    if name in DISCRETE:
        values = np.union1d(host, batch)
        table = [[np.sum(s == v) for v in values] for s in (host, batch)]
        p = stats.chi2_contingency(table).pvalue
    else:
        p = stats.ks_2samp(host, batch).pvalue
    assert p > 1e-3, f"{name}: p={p:.2g}"
    assert np.std(batch) > 0 or name == "flip"  # the statistic really varies


def test_a_different_distribution_is_detected():
    # The test has power: flip rates 0.3 and 0.4 are told apart.
    host = _host(A.PolarityFlip(p=0.3), ONES)[:, 0, 0]
    batch = _batch(A.PolarityFlip(p=0.4), ONES)[:, 0, 0]
    table = [[np.sum(s == v) for v in (-1, 1)] for s in (host, batch)]
    assert stats.chi2_contingency(table).pvalue < 1e-3


def test_crop_starts_agree_with_random_crop():
    x0 = np.arange(300, dtype=np.float32)[None].repeat(2, 0)
    x0[:, 250:] = 0.0  # padded tail: starts uniform in [0, 250 - 100]
    rng = np.random.default_rng(0)
    host = np.array([A.RandomCrop(100)(x0, rng)[0, 0] for _ in range(N)])
    X = torch.from_numpy(np.repeat(x0[None], N, axis=0))
    gen = torch.Generator().manual_seed(0)
    batch = batch_crop(X, valid_lengths(X), 100, gen)[:, 0, 0].numpy()
    assert host.min() == batch.min() == 0 and host.max() == batch.max() == 150
    counts = [np.bincount(s.astype(int), minlength=160) for s in (host, batch)]
    table = np.array(counts).reshape(2, 16, 10).sum(axis=2)  # 10-sample bins
    assert stats.chi2_contingency(table).pvalue > 1e-3
    assert stats.ks_2samp(host, batch).pvalue > 1e-3


def test_valid_lengths_match_valid_length():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 3, 50)).astype(np.float32)
    for i, n in enumerate(rng.integers(1, 51, 20)):
        X[i, :, n:] = 0.0
    X[0] = 0.0  # constant record
    expected = [valid_length(x) for x in X]
    assert valid_lengths(torch.from_numpy(X)).tolist() == expected


def test_batch_augment_is_reproducible_and_does_not_modify_input():
    x = torch.randn(64, 3, 200)
    before = x.clone()
    outs = [
        batch_augment(
            A.paper_augmentation(), x, torch.Generator().manual_seed(5), 100.0
        )
        for _ in range(2)
    ]
    assert torch.equal(outs[0], outs[1]) and torch.equal(x, before)
    assert not torch.equal(outs[0], x)


def test_custom_transforms_are_not_batchable():
    class Mine(A.Augmentation):
        def apply(self, x, rng, sfreq):
            return x

    assert not is_batchable(Mine())
    assert not is_batchable(A.Compose([A.PolarityFlip(), Mine()]))
    assert is_batchable(A.Compose([A.basic_augmentation(), A.paper_augmentation()]))


@pytest.mark.gpu
def test_batch_transforms_run_on_cuda():
    x = torch.randn(32, 12, 500, device="cuda")
    gen = torch.Generator(device="cuda").manual_seed(0)
    aug = A.Compose([A.basic_augmentation(), A.paper_augmentation()])
    out = batch_augment(aug, batch_crop(x, valid_lengths(x), 250, gen), gen, 500.0)
    assert out.device.type == "cuda" and out.shape == (32, 12, 250)
