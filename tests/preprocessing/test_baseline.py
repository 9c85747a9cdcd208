"""Baseline-wander removal recovers a known drift and copes with flat leads."""

import sys

import numpy as np
import pytest

from sklearn_ecg.preprocessing import BaselineWanderRemover

SFREQ = 500.0


@pytest.fixture(scope="module")
def ecg_with_drift():
    """Synthetic 20 s ECG-like pulse train (QRS + T) plus a known slow drift."""
    t = np.arange(int(20 * SFREQ)) / SFREQ
    beats = np.arange(0.4, 20, 0.8)
    ecg = sum(
        np.exp(-0.5 * ((t - b) / 0.012) ** 2)
        + 0.3 * np.exp(-0.5 * ((t - b - 0.25) / 0.04) ** 2)
        for b in beats
    )
    drift = 0.5 * np.sin(2 * np.pi * 0.15 * t) + 0.2 * np.sin(2 * np.pi * 0.35 * t + 1)
    X = np.stack([ecg + drift, 0.5 * ecg - drift])[None]  # 1 record, 2 leads
    return X, np.stack([drift, -drift])[None]


@pytest.mark.parametrize("method", ["median", "highpass", "wavelet"])
def test_recovers_known_drift(ecg_with_drift, method):
    X, drift = ecg_with_drift
    estimated = X - BaselineWanderRemover(method=method).fit_transform(X)
    for lead in range(2):
        corr = np.corrcoef(estimated[0, lead], drift[0, lead])[0, 1]
        assert corr > 0.95, (method, lead, corr)


@pytest.mark.parametrize("method", ["median", "highpass", "wavelet"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_flat_and_zero_leads_terminate_without_nan(method, dtype):
    X = np.zeros((2, 3, 1000), dtype=dtype)
    X[:, 1] = 2.5  # constant lead
    out = BaselineWanderRemover(method=method).fit_transform(X)
    assert out.dtype == dtype and out.shape == X.shape
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out[:, 0], 0.0)
    if method != "highpass":  # the high-pass edge padding keeps tiny transients
        np.testing.assert_allclose(out[:, 1], 0.0, atol=1e-4)


def test_wavelet_short_records_and_2d(rng):
    X = rng.normal(size=(4, 9))
    out = BaselineWanderRemover(method="wavelet").fit_transform(X)
    assert out.shape == (4, 9) and np.isfinite(out).all()


def test_wavelet_vectorised_equals_per_lead(ecg_with_drift, rng):
    X, _ = ecg_with_drift
    X = np.concatenate([X, X[:, ::-1] * 0.3, rng.normal(size=X.shape)], axis=1)
    whole = BaselineWanderRemover(method="wavelet").fit_transform(X)
    for lead in range(X.shape[1]):
        single = BaselineWanderRemover(method="wavelet").fit_transform(X[:, lead])
        np.testing.assert_allclose(whole[:, lead], single, atol=1e-12)


def test_wavelet_without_pywavelets_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pywt", None)  # makes `import pywt` fail
    with pytest.raises(ImportError, match=r"sklearn-ecg\[wavelet\]"):
        BaselineWanderRemover(method="wavelet").fit(np.zeros((1, 100)))
    # The other methods do not need it.
    BaselineWanderRemover(method="median").fit_transform(np.zeros((1, 100)))


def test_unknown_method_lists_choices():
    with pytest.raises(ValueError, match=r"Unknown method='mean'.*'median'"):
        BaselineWanderRemover(method="mean").fit(np.zeros((1, 100)))


def test_running_median_equals_ndimage_per_signal(rng):
    from scipy import ndimage

    from sklearn_ecg.preprocessing._baseline import _running_median

    for n_times, size in [(500, 101), (7, 11), (1, 3)]:
        X = rng.normal(size=(3, 2, n_times)).astype(np.float32)
        expected = ndimage.median_filter(X, size=size, axes=(-1,))
        np.testing.assert_array_equal(_running_median(X, size), expected)


def _paper_wavelet_baseline(x):
    """Literal per-lead reading of the paper's db4 baseline, as an independent check.

    Marques & Oliveira 2025, arXiv:2503.08960 (see also the ``wavelet`` method in
    docs/user_guide/preprocessing.rst).
    """
    import pywt

    approx, energy = [x], [None]  # 1-based levels
    level = 0
    while level < 100:
        a, d = pywt.dwt(approx[-1], "db4", mode="symmetric")
        approx.append(a)
        energy.append(float(np.sum(d.astype(np.float64) ** 2)))
        level += 1
        if level >= 3 and energy[level - 2] > energy[level - 1] < energy[level]:
            stop = level - 1
            b = approx[stop]
            for k in range(stop, 0, -1):
                b = pywt.idwt(b, None, "db4", mode="symmetric")[: len(approx[k - 1])]
            return b
    return np.zeros_like(x)


def test_wavelet_matches_literal_paper_algorithm(ecg_with_drift, rng):
    X, _ = ecg_with_drift
    X = np.concatenate([X, rng.normal(size=(1, 2, X.shape[-1]))], axis=1)
    out = BaselineWanderRemover(method="wavelet").fit_transform(X)
    for lead in range(X.shape[1]):
        expected = X[0, lead] - _paper_wavelet_baseline(X[0, lead])
        np.testing.assert_allclose(out[0, lead], expected, atol=1e-10)
