"""compare_arms: paired differences and the Nadeau-Bengio correction by hand."""

import json

import numpy as np
import pytest
from joblib import parallel_config
from scipy.stats import t as student_t
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold

from sklearn_ecg.metrics import t_interval
from sklearn_ecg.model_selection import ArmComparison, compare_arms


class Offset(ClassifierMixin, BaseEstimator):
    """Fits nothing; its fold score is a known function of the test records."""

    def __init__(self, offset=0.0):
        self.offset = offset

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def known_score(est, X, y):
    return est.offset + 0.1 * np.sin(X.sum())


N = 23  # KFold(5): test sizes 5, 5, 5, 4, 4 -> unequal folds


@pytest.fixture
def data():
    X = np.arange(N, dtype=float)[:, None]
    y = np.arange(N) % 2
    return X, y


def hand_interval(values, ratio, confidence=0.95):
    v = np.asarray(values, dtype=float)
    se = np.sqrt(v.var(ddof=1) * (1 / v.size + ratio))
    half = student_t.ppf(0.5 + confidence / 2, v.size - 1) * se
    return v.mean(), v.mean() - half, v.mean() + half


def test_paired_difference_and_interval_by_hand(data):
    X, y = data
    cv = KFold(5)
    arms = {"a": Offset(0.0), "b": Offset(0.2), "c": Offset(0.1)}
    res = compare_arms(arms, X, y, cv=cv, scoring={"s": known_score}, baseline="a")
    splits = list(cv.split(X))
    expected = {
        name: [est.offset + 0.1 * np.sin(X[te].sum()) for _, te in splits]
        for name, est in arms.items()
    }
    for name in arms:
        np.testing.assert_allclose(res.scores[name]["s"], expected[name])
    ratio = np.mean([len(te) / len(tr) for tr, te in splits])
    assert res.test_train_ratio == pytest.approx(ratio)
    # The scores here differ by a constant per fold, so make the difference vary:
    diff = np.subtract(res.scores["b"]["s"], res.scores["a"]["s"])
    np.testing.assert_allclose(res.differences["b"]["s"]["per_fold"], diff)
    d = res.differences["b"]["s"]
    assert (d["mean"], d["ci_low"], d["ci_high"]) == pytest.approx(
        (0.2, 0.2, 0.2)
    )  # a constant shift: zero variance, a zero-width interval
    m, lo, hi = hand_interval(expected["c"], ratio)
    s = res.summary["c"]["s"]
    assert (s["mean"], s["ci_low"], s["ci_high"]) == pytest.approx((m, lo, hi))
    assert s["n"] == 5 and s["std"] == pytest.approx(np.std(expected["c"], ddof=1))
    assert set(res.differences) == {"b", "c"} and res.baselines == {"b": "a", "c": "a"}


def test_varying_difference_matches_hand_formula_not_one_over_k(data):
    X, y = data

    def score(est, X, y):  # the difference from the baseline varies per fold
        return 0.5 + est.offset * np.cos(X.sum())

    res = compare_arms(
        {"base": Offset(0.0), "arm": Offset(0.3)}, X, y, cv=KFold(5),
        scoring={"auc": score},
    )  # fmt: skip
    splits = res.splits
    diff = [0.3 * np.cos(X[te].sum()) for _, te in splits]
    ratio = np.mean([len(te) / len(tr) for tr, te in splits])
    d = res.differences["arm"]["auc"]
    m, lo, hi = hand_interval(diff, ratio)
    assert (d["mean"], d["ci_low"], d["ci_high"]) == pytest.approx((m, lo, hi))
    # Unequal folds: the actual ratio is not the fixed 1/n_splits fraction's.
    fixed = (1 / 5) / (1 - 1 / 5)
    assert ratio != pytest.approx(fixed)
    _, lo_fixed, _ = hand_interval(diff, fixed)
    assert d["ci_low"] != pytest.approx(lo_fixed, rel=1e-6, abs=1e-9)
    assert res.to_dict()["test_train_ratio"] == pytest.approx(ratio)


def test_no_correction_is_the_naive_t_interval(data):
    X, y = data
    res = compare_arms({"a": Offset(0.1)}, X, y, cv=KFold(5), correction=None,
                       scoring={"s": known_score})  # fmt: skip
    assert res.test_train_ratio is None
    s = res.summary["a"]["s"]
    expected = t_interval(res.scores["a"]["s"])
    assert (s["mean"], s["ci_low"], s["ci_high"]) == pytest.approx(expected)


def test_unit_range_metrics_are_clipped():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 20)
    X = 3 * y[:, None] + rng.normal(size=(40, 2))
    res = compare_arms({"lr": LogisticRegression()}, X, y, random_state=0)
    assert res.summary["lr"]["roc_auc"]["ci_high"] <= 1.0
    assert len(res.splits) == 10  # 5 x 2 repeated stratified by default


def test_groups_reach_the_splitter_and_predictions_and_callback(data):
    X, y = data
    groups = np.arange(N) // 3
    calls = []
    res = compare_arms(
        {"a": LogisticRegression(), "b": LogisticRegression(C=0.1)}, X, y,
        cv=GroupKFold(3), groups=groups, return_predictions=True,
        callback=lambda arm, k: calls.append((arm, k)),
    )  # fmt: skip
    for train, test in res.splits:
        assert not set(groups[train]) & set(groups[test])
    assert sorted(calls) == [(a, k) for a in "ab" for k in range(3)]
    assert [p.shape for p in res.predictions["a"]] == [
        (len(te), 2) for _, te in res.splits
    ]
    assert isinstance(res, ArmComparison)
    json.dumps(res.to_dict(), allow_nan=False)


def test_baseline_dict_and_errors(data):
    X, y = data
    arms = {"s1": Offset(0.0), "w1": Offset(0.1), "s2": Offset(0.0), "w2": Offset(0.3)}
    res = compare_arms(arms, X, y, cv=KFold(5), scoring={"s": known_score},
                       baseline={"w1": "s1", "w2": "s2"})  # fmt: skip
    assert res.differences["w2"]["s"]["mean"] == pytest.approx(0.3)
    assert set(res.differences) == {"w1", "w2"}
    with pytest.raises(ValueError, match="baseline 'x' is not an arm"):
        compare_arms(arms, X, y, cv=KFold(5), baseline="x")
    with pytest.raises(ValueError, match="must map an arm to another arm"):
        compare_arms(arms, X, y, cv=KFold(5), baseline={"w1": "w1"})
    with pytest.raises(ValueError, match="at least one"):
        compare_arms({}, X, y)
    with pytest.raises(ValueError, match="correction"):
        compare_arms(arms, X, y, correction="bonferroni")


def test_parallel_fits_give_the_same_numbers(data):
    X, y = data
    arms = {"a": LogisticRegression(), "b": LogisticRegression(C=0.01)}
    one = compare_arms(arms, X, y, cv=KFold(3))
    with parallel_config(backend="threading"):  # no process start-up in tests
        two = compare_arms(arms, X, y, cv=KFold(3), n_jobs=2)
    np.testing.assert_allclose(one.scores["b"]["roc_auc"], two.scores["b"]["roc_auc"])
