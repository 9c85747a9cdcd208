import numpy as np
import pytest

from sklearn_ecg.metrics import apply_thresholds, tune_thresholds


def test_methods_pick_hand_computed_thresholds():
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.8])
    # Youden: t=0.6 -> TPR 3/4, FPR 0 (J=.75); t=.35 -> TPR 1, FPR 1/4 (J=.75).
    # argmax keeps the first (highest) threshold: 0.6.
    assert tune_thresholds(y, p, "youden") == pytest.approx(0.6)
    # F1: t=.35 -> P=4/5, R=1, F1=.889; t=.6 -> P=1, R=.75, F1=.857.
    assert tune_thresholds(y, p, "f1") == pytest.approx(0.35)
    # Sensitivity >= 0.9 first reached at t=0.35.
    assert tune_thresholds(y, p, "sensitivity", target_sensitivity=0.9) == 0.35
    assert tune_thresholds(y, p, "sensitivity", target_sensitivity=0.5) == 0.7
    # G-mean: t=.6 -> sqrt(.75) = .866; t=.35 -> sqrt(.75) too; first wins.
    assert tune_thresholds(y, p, "gmean") == pytest.approx(0.6)


def test_multilabel_per_class_and_apply():
    y = np.array([[0, 1], [1, 1], [0, 0], [1, 0], [0, 0]])
    p = np.array([[0.2, 0.9], [0.4, 0.8], [0.1, 0.3], [0.35, 0.2], [0.0, 0.0]])
    t = tune_thresholds(y, p, method="youden")
    assert t.tolist() == [0.35, 0.8]
    assert apply_thresholds(p, t).tolist() == y.tolist()


def test_single_valued_class_keeps_default():
    y = np.array([[0, 1], [0, 0], [0, 1]])
    p = np.array([[0.9, 0.8], [0.1, 0.1], [0.2, 0.7]])
    with pytest.warns(UserWarning, match="class 0 has a single value"):
        assert tune_thresholds(y, p)[0] == 0.5


def test_binary_predict_proba_and_errors():
    y = np.array([0, 1, 0, 1])
    p = np.array([0.1, 0.7, 0.3, 0.9])
    assert tune_thresholds(y, np.c_[1 - p, p], "youden") == pytest.approx(0.7)
    with pytest.raises(ValueError, match="Unknown method="):
        tune_thresholds(y, p, method="accuracy")
    with pytest.raises(ValueError, match="0/1 labels"):
        tune_thresholds(y * 2, p)
    with pytest.raises(ValueError, match="one threshold per class"):
        apply_thresholds(np.ones((2, 3)), [0.5, 0.5])


def test_package_scorers_drive_tuned_threshold_classifier_cv():
    # The documented binary route: sklearn tunes the threshold on training folds.
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV

    from sklearn_ecg.metrics import gmean_score, gmean_scorer

    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(270, int), np.ones(30, int)]  # 10 % prevalence
    X = y[:, None] + rng.normal(size=(300, 2))
    tuned = TunedThresholdClassifierCV(LogisticRegression(), scoring=gmean_scorer)
    tuned.fit(X, y)
    plain = LogisticRegression().fit(X, y)
    # At 10 % prevalence, 0.5 is far too high a threshold for the G-mean.
    assert tuned.best_threshold_ < 0.3
    assert gmean_score(y, tuned.predict(X)) > gmean_score(y, plain.predict(X)) + 0.2
