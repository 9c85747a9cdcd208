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


def test_report_with_a_fitted_ecg_classifier():
    # The scorers must work with the package's estimator (predict_proba of shape
    # (n, 2), predict at its own threshold).
    from sklearn_ecg.classifiers import ECGResNetClassifier

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 16)
    X = rng.normal(size=(32, 2, 64)).astype(np.float32)
    X[y == 1, 0, 20:30] += 3.0
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=3, batch_size=8, lr=1e-2, validation_fraction=None,
        random_state=0, verbose=0, augment=None, lr_schedule=None,  # 3 quick epochs
    )  # fmt: skip
    rep = repeated_cv_report(
        clf, X, y, cv=StratifiedKFold(2, shuffle=True, random_state=0)
    )
    assert set(rep.summary.index) >= {"roc_auc_macro", "gmean", "sensitivity"}
    folds = rep.folds
    assert (folds["roc_auc_macro"] > 0.7).all()  # a 3-sigma bump is learnable
    # G-mean at the estimator's threshold agrees with its sens and spec.
    np.testing.assert_allclose(
        folds["gmean"], np.sqrt(folds["sensitivity"] * folds["specificity"])
    )
    assert rep.summary.loc["roc_auc_macro", "n_folds"] == 2


def test_t_interval_is_clipped_to_the_metrics_range():
    scores = [0.97, 0.99, 1.0, 0.93]
    mean, low, high = t_interval(scores, test_train_ratio=0.25)
    assert high > 1.0  # the raw t-interval leaves the metric's range ...
    assert t_interval(scores, test_train_ratio=0.25, bounds=(0, 1)) == (mean, low, 1.0)
    assert t_interval([-0.2, 0.1, 0.0], bounds=(0, 1))[1] == 0.0


def test_report_clips_unit_range_scores_only():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    X = 2.5 * y[:, None] + rng.normal(size=(60, 2))  # AUROC close to 1
    scoring = {"auc": "roc_auc", "loss": "neg_log_loss"}
    clf = LogisticRegression()
    rep = repeated_cv_report(clf, X, y, scoring=scoring, random_state=0)
    raw_auc = t_interval(rep.folds["auc"], test_train_ratio=12 / 48)
    assert raw_auc[2] > 1.0  # the unclipped interval would leave [0, 1]
    assert rep.summary.loc["auc", "ci_high"] == 1.0
    assert rep.summary.loc["auc", "ci_low"] <= rep.summary.loc["auc", "mean"]
    raw = t_interval(rep.folds["loss"], test_train_ratio=12 / 48)
    assert rep.summary.loc["loss", "ci_low"] == pytest.approx(raw[1])  # not clipped
    default = repeated_cv_report(LogisticRegression(), X, y, random_state=0)
    assert (default.summary["ci_high"] <= 1.0).all()
    assert (default.summary["ci_low"] >= 0.0).all()


def test_nadeau_bengio_ratio_uses_the_actual_fold_sizes():
    from sklearn.model_selection import KFold

    from sklearn_ecg.metrics import nadeau_bengio_ratio

    assert nadeau_bengio_ratio([8, 8, 9], [4, 4, 3]) == pytest.approx(
        (0.5 + 0.5 + 3 / 9) / 3
    )
    with pytest.raises(ValueError, match="n_train and n_test"):
        nadeau_bengio_ratio([8, 0], [4, 4])
    # 23 records in 5 folds: test sizes 5, 5, 5, 4, 4, not a fixed 1/5.
    X = np.arange(23.0)[:, None]
    y = np.arange(23) % 2
    rep = repeated_cv_report(LogisticRegression(), X, y, cv=KFold(5),
                             scoring=["roc_auc"])  # fmt: skip
    ratio = np.mean(rep.folds["n_test"] / rep.folds["n_train"])
    assert ratio != pytest.approx(0.25)
    expected = t_interval(rep.folds["roc_auc"], test_train_ratio=ratio, bounds=(0, 1))
    row = rep.summary.loc["roc_auc"]
    assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx(expected)
