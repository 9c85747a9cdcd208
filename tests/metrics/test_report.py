import json

import numpy as np
import pytest
from scipy.stats import t as student_t
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from sklearn_ecg.metrics import repeated_cv_report, t_interval


def test_t_interval_hand_values():
    s = [0.7, 0.8, 0.9]
    half = student_t.ppf(0.975, 2) * 0.1 / np.sqrt(3)
    assert t_interval(s) == pytest.approx((0.8, 0.8 - half, 0.8 + half))
    # Nadeau-Bengio with n_test/n_train = 1/4: variance factor 1/3 + 1/4.
    half_nb = student_t.ppf(0.975, 2) * 0.1 * np.sqrt(1 / 3 + 1 / 4)
    assert t_interval(s, test_train_ratio=0.25)[2] == pytest.approx(0.8 + half_nb)
    assert np.isnan(t_interval([0.5])[1])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    X = y[:, None] + rng.normal(size=(60, 2))
    return X, y


def test_report_folds_summary_and_corrected_ci(data):
    X, y = data
    rep = repeated_cv_report(
        LogisticRegression(), X, y, scoring=["gmean", "roc_auc_macro"], random_state=0
    )
    assert len(rep.folds) == 10
    assert set(rep.folds["n_test"]) == {12}
    row = rep.summary.loc["gmean"]
    assert row["mean"] == pytest.approx(rep.folds["gmean"].mean())
    naive = repeated_cv_report(
        LogisticRegression(), X, y, scoring=["gmean"], random_state=0, correction=None
    ).summary.loc["gmean"]
    # The correction widens the interval by sqrt((1/10 + 12/48) / (1/10)).
    ratio = (row["ci_high"] - row["ci_low"]) / (naive["ci_high"] - naive["ci_low"])
    assert ratio == pytest.approx(np.sqrt(3.5))
    json.dumps(rep.to_dict())
    assert "gmean:" in str(rep)


def test_report_accepts_cv_and_dict_scoring(data):
    X, y = data
    rep = repeated_cv_report(
        LogisticRegression(), X, y, cv=StratifiedKFold(3), scoring={"auc": "roc_auc"}
    )
    assert list(rep.summary.index) == ["auc"]
    assert rep.summary.loc["auc", "n_folds"] == 3
    with pytest.raises(ValueError, match="correction"):
        repeated_cv_report(LogisticRegression(), X, y, correction="bonferroni")
