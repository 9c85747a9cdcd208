import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedGroupKFold,
    cross_val_score,
)

from sklearn_ecg.model_selection import MultilabelStratifiedKFold, PTBXLFoldSplit


@pytest.fixture(scope="module")
def folds():
    return np.repeat(np.arange(1, 11), 10)  # 100 records, 10 per fold


def test_ptbxl_default_is_train_1_8_vs_valid_9(folds):
    cv = PTBXLFoldSplit()
    assert cv.get_n_splits() == 1
    ((train, test),) = list(cv.split(folds, groups=folds))
    assert set(folds[train]) == set(range(1, 9)) and set(folds[test]) == {9}
    # Fold 10 stays untouched during model selection.
    assert not np.isin(np.flatnonzero(folds == 10), np.r_[train, test]).any()


def test_ptbxl_any_fold_set(folds):
    cv = PTBXLFoldSplit(train_folds=range(1, 10), test_folds=[10])
    train, test = next(cv.split(folds, groups=folds))
    assert len(train) == 90 and len(test) == 10


def test_ptbxl_works_in_cross_val_score_and_search(folds):
    rng = np.random.default_rng(0)
    y = (rng.random(100) < 0.5).astype(int)
    X = y[:, None] + rng.normal(0, 0.1, (100, 3))
    scores = cross_val_score(
        LogisticRegression(), X, y, groups=folds, cv=PTBXLFoldSplit(test_folds=10)
    )
    assert scores.shape == (1,) and scores[0] == 1.0
    search = GridSearchCV(
        DummyClassifier(), {"strategy": ["prior"]}, cv=PTBXLFoldSplit()
    )
    search.fit(X, y, groups=folds)
    assert search.n_splits_ == 1


def test_ptbxl_with_metadata_routing(folds):
    from sklearn import config_context

    y = np.tile([0, 1], 50)
    X = y[:, None] + 0.01 * np.arange(100)[:, None]
    with config_context(enable_metadata_routing=True):
        scores = cross_val_score(
            LogisticRegression(), X, y, params={"groups": folds},
            cv=PTBXLFoldSplit(test_folds=10),
        )  # fmt: skip
    assert scores.shape == (1,)


def test_ptbxl_bad_input(folds):
    with pytest.raises(ValueError, match="groups=ds.strat_fold"):
        next(PTBXLFoldSplit().split(folds))
    with pytest.raises(ValueError, match="disjoint"):
        next(PTBXLFoldSplit(train_folds=[1, 9]).split(folds, groups=folds))
    with pytest.raises(ValueError, match="No record falls in the test folds"):
        next(PTBXLFoldSplit(test_folds=11).split(folds, groups=folds))
    with pytest.raises(ValueError, match="groups has 3 entries"):
        next(PTBXLFoldSplit().split(folds, groups=[1, 2, 3]))


def multilabel_data(n=600, n_labels=6, seed=0):
    rng = np.random.default_rng(seed)
    prevalence = np.array([0.5, 0.3, 0.15, 0.05, 0.02, 0.01])[:n_labels]
    return (rng.random((n, n_labels)) < prevalence).astype(int)


def test_iterative_stratification_balances_rare_labels():
    Y = multilabel_data()
    cv = MultilabelStratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    tests = [test for _, test in cv.split(Y, Y)]
    # A partition: every record is tested exactly once.
    np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(600))
    per_fold = np.array([Y[t].sum(axis=0) for t in tests])
    expected = Y.sum(axis=0) / 5
    # Each label's count per fold is within one record of the ideal share.
    assert np.abs(per_fold - expected).max() <= 1.0
    sizes = [len(t) for t in tests]
    assert max(sizes) - min(sizes) <= 2
    # Plain KFold on the same data is far less even for the rare labels.
    from sklearn.model_selection import KFold

    plain = np.array([Y[t].sum(axis=0) for _, t in KFold(5).split(Y)])
    assert np.abs(plain - expected).max() > np.abs(per_fold - expected).max()


def test_iterative_stratification_reproducible_and_1d():
    Y = multilabel_data(200)
    a = [t.tolist() for _, t in MultilabelStratifiedKFold(3).split(Y, Y)]
    b = [t.tolist() for _, t in MultilabelStratifiedKFold(3).split(Y, Y)]
    assert a == b
    y = np.repeat([0, 1, 2], [50, 30, 20])
    counts = [np.bincount(y[t]) for _, t in MultilabelStratifiedKFold(5).split(y, y)]
    np.testing.assert_array_equal(counts, [[10, 6, 4]] * 5)


def test_iterative_stratification_in_cross_val_score():
    Y = multilabel_data(300, n_labels=3)
    X = Y + np.random.default_rng(1).normal(0, 0.1, Y.shape)
    from sklearn.multioutput import MultiOutputClassifier

    scores = cross_val_score(
        MultiOutputClassifier(LogisticRegression()),
        X,
        Y,
        cv=MultilabelStratifiedKFold(3, shuffle=True, random_state=0),
    )
    assert scores.shape == (3,) and scores.min() > 0.9


def test_iterative_stratification_bad_y():
    with pytest.raises(ValueError, match="multi-hot"):
        next(MultilabelStratifiedKFold(2).split(np.zeros(4), np.full((4, 2), 3)))
    with pytest.raises(ValueError, match="needs y"):
        next(MultilabelStratifiedKFold(2).split(np.zeros(4), None))


def test_stratified_group_kfold_with_patient_ids_keeps_patients_apart():
    # The documented recipe for patient-grouped CV: sklearn's StratifiedGroupKFold.
    rng = np.random.default_rng(0)
    patient = np.repeat(np.arange(40), 3)
    y = np.repeat(rng.random(40) < 0.4, 3).astype(int)
    for train, test in StratifiedGroupKFold(4).split(patient, y, groups=patient):
        assert not set(patient[train]) & set(patient[test])
