"""Every splitter the package uses keeps a patient on one side; nested CV works."""

import numpy as np
import pytest
from optuna.distributions import FloatDistribution
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, cross_validate

from sklearn_ecg._cli._compare import ModelSpec, StudyPlan
from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.classifiers._data import train_valid_split
from sklearn_ecg.model_selection import (
    MultilabelStratifiedGroupKFold,
    OptunaSearchCV,
    RepeatedMultilabelStratifiedGroupKFold,
    RepeatedStratifiedGroupKFold,
    compare_arms,
)
from sklearn_ecg.model_selection._objective import inner_cv

SEEDS = range(40)


def _cohort(seed, n=60):
    rng = np.random.default_rng(seed)
    n_patients = int(rng.integers(12, 30))
    patients = rng.integers(0, n_patients, size=n)
    patients[:n_patients] = np.arange(n_patients)  # every patient has a record
    labels = np.array([f"p{p}" for p in patients], dtype=object)  # string ids
    y = (rng.random(n) < 0.35).astype(int)
    y[:4] = [0, 1, 0, 1]
    Y = (rng.random((n, 3)) < 0.3).astype(int)
    Y[:3] = np.eye(3, dtype=int)
    return labels, y, Y


def _assert_disjoint(train, test, groups):
    assert set(groups[train]).isdisjoint(groups[test])
    assert len(train) and len(test)


def _splitters(seed):
    plan = StudyPlan(models=[ModelSpec("resnet1d")], n_splits=3, n_repeats=2,
                     random_state=seed)  # fmt: skip
    return {
        "study/evaluate": (plan.splitter(groups=True), False),
        "RepeatedStratifiedGroupKFold": (
            RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=seed),
            False,
        ),
        "MultilabelStratifiedGroupKFold": (
            MultilabelStratifiedGroupKFold(3, shuffle=True, random_state=seed), True
        ),
        "RepeatedMultilabelStratifiedGroupKFold": (
            RepeatedMultilabelStratifiedGroupKFold(
                n_splits=3, n_repeats=2, random_state=seed
            ),
            True,
        ),
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_every_splitter_keeps_patients_on_one_side(seed):
    groups, y, Y = _cohort(seed)
    X = np.zeros((len(y), 1))
    for name, (cv, multilabel) in _splitters(seed).items():
        target = Y if multilabel else y
        splits = list(cv.split(X, target, groups))
        assert splits, name
        for train, test in splits:
            _assert_disjoint(train, test, groups)
    # OptunaSearchCV's inner CV with groups (an int cv), binary and multi-label.
    for target in (y, Y):
        for train, test in inner_cv(3, target, groups, True).split(X, target, groups):
            _assert_disjoint(train, test, groups)
    # The estimator's internal validation split with groups.
    for task, target in (("binary", y), ("multilabel", Y)):
        train, valid = train_valid_split(target, task, 0.2, seed, groups=groups)
        _assert_disjoint(train, valid, groups)
        assert len(train) + len(valid) == len(y)


def test_grouped_validation_split_stratifies_and_sizes():
    groups = np.repeat(np.arange(50), 2)
    y = np.tile([0, 0, 0, 1], 25)
    train, valid = train_valid_split(y, "binary", 0.2, 0, groups=groups)
    assert 16 <= len(valid) <= 24
    assert 0.15 <= y[valid].mean() <= 0.35  # about the overall 0.25
    with pytest.raises(ValueError, match="1 patient"):
        train_valid_split(y, "binary", 0.2, 0, groups=np.zeros(100))


def test_fit_with_groups_uses_the_grouped_split():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2, 64)).astype(np.float32)
    y = np.tile([0, 1], 20)
    groups = np.repeat([f"p{i}" for i in range(10)], 4)
    est = ECGResNetClassifier(base_width=4, max_epochs=1, batch_size=16,
                              random_state=0, device="cpu", validation_fraction=0.25)
    est.fit(X, y, groups=groups, record_ids=[f"r{i}" for i in range(40)])
    fp = est.training_fingerprint_
    assert fp.patient_ids == tuple(sorted(set(groups)))
    assert fp.record_ids[:2] == ("r0", "r1") and fp.n_records == 40
    with pytest.raises(ValueError, match="groups has 3 entries but X has 40"):
        est.fit(X, y, groups=groups[:3])


class _RecordingGroupKFold(GroupKFold):
    """GroupKFold that remembers the groups of every split it makes."""

    seen = []

    def split(self, X, y=None, groups=None):
        type(self).seen.append(None if groups is None else np.asarray(groups))
        return super().split(X, y, groups)


def test_nested_cv_routes_groups_to_the_inner_cv():
    rng = np.random.default_rng(0)
    groups = np.repeat([f"p{i}" for i in range(20)], 3)
    y = np.tile([0, 1, 1, 0, 1, 0], 10)
    X = y[:, None] + rng.normal(size=(60, 4))
    search = OptunaSearchCV(
        LogisticRegression(), {"C": FloatDistribution(1e-3, 10.0, log=True)},
        cv=_RecordingGroupKFold(3), n_trials=3, random_state=0,
    )  # fmt: skip
    outer = StratifiedGroupKFold(3, shuffle=True, random_state=0)
    _RecordingGroupKFold.seen.clear()
    res = cross_validate(
        search, X, y, cv=outer, groups=groups, params={"groups": groups},
        return_estimator=True, return_indices=True,
    )  # fmt: skip
    assert len(_RecordingGroupKFold.seen) == 3
    for inner_groups, train in zip(
        _RecordingGroupKFold.seen, res["indices"]["train"]
    ):
        assert inner_groups is not None
        np.testing.assert_array_equal(inner_groups, groups[train])
    assert all(0.5 < s <= 1.0 for s in res["test_score"])
    # compare_arms does the same routing, and keeps the fitted searches.
    _RecordingGroupKFold.seen.clear()
    cmp = compare_arms({"tuned": search}, X, y, cv=outer, groups=groups,
                       return_estimators=True)  # fmt: skip
    assert all(g is not None for g in _RecordingGroupKFold.seen)
    assert [sorted(e.best_params_) for e in cmp.estimators["tuned"]] == [["C"]] * 3
