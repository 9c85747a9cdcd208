import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.multioutput import MultiOutputClassifier

from sklearn_ecg.metrics import (
    get_scorer,
    get_scorer_names,
    gmean_scorer,
    make_ecg_scorers,
    make_fbeta_scorer,
)


class FixedThreshold(LogisticRegression):
    """Logistic regression with a decision threshold other than 0.5."""

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.9).astype(int)


@pytest.fixture(scope="module")
def binary_data():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    X = y[:, None] * 1.5 + rng.normal(size=(80, 2))
    return X, y


def test_threshold_scorers_use_the_estimators_predict(binary_data):
    X, y = binary_data
    clf = FixedThreshold().fit(X, y)
    pred = clf.predict(X)
    tp = np.sum((pred == 1) & (y == 1))
    tn = np.sum((pred == 0) & (y == 0))
    assert get_scorer("sensitivity")(clf, X, y) == pytest.approx(tp / 40)
    assert get_scorer("specificity")(clf, X, y) == pytest.approx(tn / 40)
    assert gmean_scorer(clf, X, y) == pytest.approx(np.sqrt(tp / 40 * tn / 40))
    # The high threshold must differ from the default one, or the test is void.
    assert tp < np.sum(LogisticRegression().fit(X, y).predict(X) == 1)


def test_ranking_scorers_use_probabilities(binary_data):
    X, y = binary_data
    clf = LogisticRegression().fit(X, y)
    from sklearn.metrics import average_precision_score, roc_auc_score

    p = clf.predict_proba(X)[:, 1]
    assert get_scorer("roc_auc_macro")(clf, X, y) == pytest.approx(roc_auc_score(y, p))
    assert get_scorer("average_precision_macro")(clf, X, y) == pytest.approx(
        average_precision_score(y, p)
    )


def test_fbeta_hand_value():
    # Dummy predicts all positive: precision 0.5, recall 1.
    X, y = np.zeros((4, 1)), np.array([0, 0, 1, 1])
    clf = DummyClassifier(strategy="constant", constant=1).fit(X, y)
    f2 = 5 * 0.5 * 1 / (4 * 0.5 + 1)
    assert make_fbeta_scorer(2)(clf, X, y) == pytest.approx(f2)
    assert get_scorer("f1")(clf, X, y) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="beta"):
        make_fbeta_scorer(0)


def test_cross_validate_with_every_default_scorer(binary_data):
    X, y = binary_data
    res = cross_validate(LogisticRegression(), X, y, cv=4, scoring=make_ecg_scorers())
    for name in ("roc_auc_macro", "sensitivity", "specificity", "gmean", "f1"):
        assert 0.6 < res[f"test_{name}"].mean() <= 1.0


def test_multilabel_scorers():
    rng = np.random.default_rng(1)
    Y = rng.integers(0, 2, size=(60, 3))
    X = Y * 2.0 + rng.normal(size=(60, 3))
    clf = MultiOutputClassifier(LogisticRegression()).fit(X, Y)
    scores = {n: s(clf, X, Y) for n, s in make_ecg_scorers().items()}
    assert scores["roc_auc_macro"] > 0.8
    assert 0.6 < scores["gmean"] <= 1.0
    assert 0 < get_scorer("study_gmean")(clf, X, Y) <= 1.0


def test_names_and_errors():
    assert {"gmean", "study_gmean", "f2", "accuracy"} <= set(get_scorer_names())
    assert get_scorer("accuracy") is not None
    with pytest.raises(ValueError, match="not a known scorer name"):
        get_scorer("gmeen")
    with pytest.raises(TypeError, match=r"\['gmean'\]"):
        make_ecg_scorers("gmean")
    X, y = np.zeros((4, 1)), np.array([0, 0, 1, 1])
    clf = DummyClassifier(strategy="constant", constant=0).fit(X, y)
    # With 0 as positive class, the all-0 classifier has sensitivity 1.
    assert make_ecg_scorers(["sensitivity"], pos_label=0)["sensitivity"](
        clf, X, y
    ) == pytest.approx(1.0)
