import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from sklearn_ecg.metrics import (
    bootstrap_ci,
    stratified_bootstrap_indices,
)


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(180, int), np.ones(20, int)]  # 10 % prevalence, as PE
    s = y * 1.0 + rng.normal(size=200)
    return y, s


def test_stratified_resamples_keep_class_counts(scores):
    y, _ = scores
    for idx in stratified_bootstrap_indices(y, 20, random_state=0):
        assert np.sum(y[idx]) == 20
        assert idx.size == 200


def test_mean_ci_matches_normal_theory():
    # Bootstrap of the mean of N(0,1) draws: CI half-width ~ 1.96/sqrt(n).
    rng = np.random.default_rng(1)
    x = rng.normal(size=400)
    res = bootstrap_ci(
        x, x, lambda a, b: float(np.mean(b)), 2000, random_state=0, stratify=False
    )
    assert res.estimate == pytest.approx(x.mean())
    assert res.high - res.low == pytest.approx(2 * 1.96 / np.sqrt(400), rel=0.1)
    assert res.distribution.shape == (2000,)


def test_auroc_ci_contains_estimate_and_is_reproducible(scores):
    y, s = scores
    a = bootstrap_ci(y, s, "roc_auc", 300, random_state=3)
    b = bootstrap_ci(y, s, roc_auc_score, 300, random_state=3)
    assert a.estimate == pytest.approx(roc_auc_score(y, s))
    assert a.low < a.estimate < a.high
    assert (a.low, a.high) == (b.low, b.high)
    assert 0.05 < a.high - a.low < 0.4


def test_bca_differs_but_brackets_estimate(scores):
    y, s = scores
    pct = bootstrap_ci(y, s, "roc_auc", 300, random_state=0)
    bca = bootstrap_ci(y, s, "roc_auc", 300, random_state=0, method="bca")
    assert bca.method == "bca"
    assert bca.low < bca.estimate < bca.high
    assert (bca.low, bca.high) != (pct.low, pct.high)


def test_unstratified_resamples_can_be_undefined_and_warn():
    y = np.r_[np.zeros(30, int), 1]
    s = np.linspace(0, 1, 31)
    with pytest.warns(RuntimeWarning, match="undefined"):
        res = bootstrap_ci(y, s, "roc_auc", 200, random_state=0, stratify=False)
    assert res.distribution.size < 200


def test_multilabel_stratification_keeps_patterns():
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 5)
    for idx in stratified_bootstrap_indices(Y, 5, random_state=0):
        assert Y[idx].sum(axis=0).tolist() == [10, 10]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"metric": "auc"}, "metric='auc'"),
        ({"metric": "roc_auc", "n_resamples": 1}, "n_resamples"),
        ({"metric": "roc_auc", "confidence": 95}, "confidence"),
        ({"metric": "roc_auc", "method": "basic"}, "method"),
    ],
)
def test_bad_arguments(scores, kwargs, match):
    y, s = scores
    with pytest.raises(ValueError, match=match):
        bootstrap_ci(y, s, **kwargs)
