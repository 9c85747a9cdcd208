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


# --- Patient-grouped splitters: properties over many seeds and group layouts ---
from sklearn_ecg.model_selection import (  # noqa: E402
    MultilabelStratifiedGroupKFold,
    RepeatedMultilabelStratifiedGroupKFold,
    RepeatedStratifiedGroupKFold,
    check_groups,
)

N_SEEDS = 25


def grouped_data(seed, n_groups=None, n_labels=3, multiclass=False):
    """Records of patients ("p<k>", shuffled), 1-5 records each, patient labels."""
    rng = np.random.default_rng(seed)
    n_groups = n_groups or int(rng.integers(12, 50))
    sizes = np.minimum(rng.geometric(0.5, n_groups), 5)
    patient = np.repeat(np.arange(n_groups), sizes)
    order = rng.permutation(patient.size)
    patient = patient[order]
    groups = np.array([f"p{k}" for k in patient], dtype=object)
    prevalence = np.array([0.4, 0.25, 0.15, 0.1][:n_labels])
    Y_patient = (rng.random((n_groups, n_labels)) < prevalence).astype(int)
    Y = Y_patient[patient]
    if multiclass:
        y = rng.integers(0, 3, n_groups)[patient]
    else:
        y = Y[:, 0]
    return groups, y, Y


def assert_grouped_partitions(splits, groups, n_splits, n_repeats):
    n = len(groups)
    assert len(splits) == n_splits * n_repeats
    for r in range(n_repeats):
        tests = [test for _, test in splits[r * n_splits : (r + 1) * n_splits]]
        # Every record is tested exactly once per repeat.
        np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(n))
    for train, test in splits:
        assert len(test) > 0 and len(train) > 0
        assert not np.intersect1d(train, test).size
        assert train.size + test.size == n
        # No patient on both sides.
        assert not set(groups[train]) & set(groups[test])


def _splits(cv, y, groups):
    return list(cv.split(np.zeros(len(groups)), y, groups))


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
@pytest.mark.parametrize("multiclass", [False, True])
def test_repeated_stratified_group_kfold_properties(multiclass):
    for seed in range(N_SEEDS):
        groups, y, _ = grouped_data(seed, multiclass=multiclass)
        cv = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=seed)
        splits = _splits(cv, y, groups)
        assert cv.get_n_splits() == 6
        assert_grouped_partitions(splits, groups, 3, 2)


@pytest.mark.parametrize(
    "make_cv",
    [
        lambda s: MultilabelStratifiedGroupKFold(4),
        lambda s: MultilabelStratifiedGroupKFold(4, shuffle=True, random_state=s),
        lambda s: RepeatedMultilabelStratifiedGroupKFold(
            n_splits=4, n_repeats=3, random_state=s
        ),
    ],
    ids=["plain", "shuffled", "repeated"],
)
def test_multilabel_group_kfold_properties(make_cv):
    for seed in range(N_SEEDS):
        groups, _, Y = grouped_data(seed)
        cv = make_cv(seed)
        n_repeats = getattr(cv, "n_repeats", 1)
        splits = _splits(cv, Y, groups)
        assert cv.get_n_splits() == 4 * n_repeats
        assert_grouped_partitions(splits, groups, 4, n_repeats)


def test_multilabel_stratified_kfold_honours_groups():
    for seed in range(N_SEEDS):
        groups, _, Y = grouped_data(seed)
        cv = MultilabelStratifiedKFold(3, shuffle=True, random_state=seed)
        assert_grouped_partitions(_splits(cv, Y, groups), groups, 3, 1)
    # Without groups it still splits records (a patient's records may separate).
    groups, _, Y = grouped_data(0, n_groups=40)
    split = list(MultilabelStratifiedKFold(3).split(Y, Y))
    assert any(set(groups[tr]) & set(groups[te]) for tr, te in split)


def test_grouped_stratification_quality():
    # Many small patients: each fold's class/label proportions stay close to the
    # overall ones, far closer than the worst of a plain GroupKFold.
    from sklearn.model_selection import GroupKFold

    worst_binary, worst_multi = [], []
    for seed in range(10):
        groups, y, Y = grouped_data(seed, n_groups=150)
        cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=2, random_state=seed)
        for _, test in cv.split(y, y, groups):
            worst_binary.append(abs(y[test].mean() - y.mean()))
        cv = RepeatedMultilabelStratifiedGroupKFold(
            n_splits=5, n_repeats=2, random_state=seed
        )
        for _, test in cv.split(Y, Y, groups):
            worst_multi.append(np.abs(Y[test].mean(axis=0) - Y.mean(axis=0)).max())
    assert max(worst_binary) < 0.03
    assert max(worst_multi) < 0.03
    # Plain GroupKFold on the same data is visibly less even.
    plain = [
        np.abs(Y[te].mean(axis=0) - Y.mean(axis=0)).max()
        for seed in range(10)
        for groups, _, Y in [grouped_data(seed, n_groups=150)]
        for _, te in GroupKFold(5).split(Y, Y, groups)
    ]
    assert max(plain) > max(worst_multi)


@pytest.mark.parametrize(
    "make_cv",
    [
        lambda r: RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=3, random_state=r),
        lambda r: RepeatedMultilabelStratifiedGroupKFold(
            n_splits=3, n_repeats=3, random_state=r
        ),
    ],
    ids=["binary", "multilabel"],
)
def test_repeated_group_splitters_deterministic_and_repeats_differ(make_cv):
    groups, y, Y = grouped_data(3, n_groups=60)
    target = Y if "Multilabel" in type(make_cv(0)).__name__ else y

    def folds(cv):
        return [tuple(test) for _, test in cv.split(target, target, groups)]

    a, b = folds(make_cv(7)), folds(make_cv(7))
    assert a == b
    assert folds(make_cv(8)) != a
    # Each repeat is a different partition of the records.
    repeats = [frozenset(a[r * 3 : (r + 1) * 3]) for r in range(3)]
    assert len(set(repeats)) == 3
    # A RandomState instance works too (and is consumed, like scikit-learn's).
    cv = make_cv(np.random.RandomState(0))
    assert folds(cv) != folds(cv)


def test_check_groups_encodes_any_hashable_and_refuses_bad_groups():
    np.testing.assert_array_equal(
        check_groups(["p0", "p1", "p0", 7, 7]), [0, 1, 0, 2, 2]
    )
    np.testing.assert_array_equal(check_groups(np.array([5, 3, 5])), [0, 1, 0])
    with pytest.raises(ValueError, match="needs groups"):
        check_groups(None)
    with pytest.raises(ValueError, match="groups has 2 entries but there are 3"):
        check_groups(["a", "b"], 3)
    with pytest.raises(ValueError, match="1 missing value"):
        check_groups(["a", None, "b"])
    with pytest.raises(ValueError, match="missing value"):
        check_groups([1.0, np.nan])
    with pytest.raises(ValueError, match="1-D"):
        check_groups([["a", "b"]])


def test_grouped_splitters_bad_input():
    groups, y, Y = grouped_data(0, n_groups=10)
    X = np.zeros(len(groups))
    for cv, target in [
        (RepeatedStratifiedGroupKFold(n_splits=2, n_repeats=2), y),
        (MultilabelStratifiedGroupKFold(2), Y),
        (RepeatedMultilabelStratifiedGroupKFold(n_splits=2, n_repeats=2), Y),
    ]:
        with pytest.raises(ValueError, match="needs groups"):
            next(cv.split(X, target))
        with pytest.raises(ValueError, match="entries but there are"):
            next(cv.split(X, target, groups[:-1]))
        with pytest.raises(ValueError, match="needs y"):
            next(cv.split(X, None, groups))
    with pytest.raises(ValueError, match="greater than the number of groups"):
        next(MultilabelStratifiedGroupKFold(11).split(X, Y, groups))
    with pytest.raises(ValueError, match="n_repeats"):
        next(RepeatedStratifiedGroupKFold(n_repeats=0).split(X, y, groups))


def test_grouped_splitters_in_cross_val_score_with_string_patient_ids():
    # The case: patient ids "p0", "p1", ... (str) as groups.
    groups, y, Y = grouped_data(1, n_groups=40)
    X = y[:, None] + np.random.default_rng(0).normal(0, 0.3, (len(y), 1))
    cv = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=0)
    scores = cross_val_score(LogisticRegression(), X, y, groups=groups, cv=cv)
    assert scores.shape == (6,) and scores.min() > 0.7
    from sklearn import config_context

    with config_context(enable_metadata_routing=True):
        routed = cross_val_score(
            LogisticRegression(), X, y, params={"groups": groups}, cv=cv
        )
    np.testing.assert_allclose(routed, scores)
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.1, 1.0]},
        cv=RepeatedMultilabelStratifiedGroupKFold(n_splits=3, n_repeats=1),
    )  # fmt: skip
    search.fit(X, y, groups=groups)
    assert search.n_splits_ == 3
