"""A stored study holds one search; grouped inner CV keeps a patient on one side."""

import warnings

import numpy as np
import optuna
import pytest
from optuna.distributions import FloatDistribution, IntDistribution
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.model_selection import KFold, StratifiedGroupKFold

from sklearn_ecg.model_selection import OptunaSearchCV
from sklearn_ecg.model_selection._fingerprint import FINGERPRINT_KEY, content_hash
from sklearn_ecg.model_selection._objective import inner_cv

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(int)


def _kw(tmp_path, **over):
    kw = dict(
        estimator=LogisticRegression(),
        param_distributions={"C": FloatDistribution(0.1, 10.0, log=True)},
        cv=2,
        n_trials=2,
        storage=f"sqlite:///{tmp_path / 'fp.db'}",
        study_name="fp",
        random_state=0,
    )
    kw.update(over)
    return kw


def test_same_search_resumes_without_warning(tmp_path):
    X, y = _data()
    OptunaSearchCV(**_kw(tmp_path)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        second = OptunaSearchCV(**_kw(tmp_path, n_trials=3)).fit(X, y)
    assert second.n_trials_ == 3
    stored = second.study_.user_attrs[FINGERPRINT_KEY]
    assert stored["X"]["shape"] == [40, 3] and stored["direction"] == "maximize"
    assert stored["estimator"] == "sklearn.linear_model._logistic.LogisticRegression"


X0, Y0 = _data()


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("stored")
    OptunaSearchCV(**_kw(tmp_path)).fit(X0, Y0)
    return tmp_path


X_OTHER = X0.copy()
X_OTHER[7, 1] += 1.0  # same shape and dtype, other content
Y_OTHER = Y0.copy()
Y_OTHER[:2] = 1 - Y_OTHER[:2]


@pytest.mark.parametrize(
    "over, data, field",
    [
        ({"estimator": RidgeClassifier(), "param_distributions": {
            "alpha": FloatDistribution(0.1, 10.0)}}, None, "estimator"),
        ({"param_distributions": {"C": FloatDistribution(0.1, 5.0)}}, None,
         "param_distributions"),
        ({}, (X_OTHER, Y0, None), "X"),
        ({}, (X0[:30], Y0[:30], None), "X"),
        ({}, (X0.astype(np.float32), Y0, None), "X"),
        ({}, (X0, Y_OTHER, None), "y"),
        ({"cv": KFold(2)}, (X0, Y0, np.arange(40) % 4), "groups"),
        ({"scoring": "roc_auc"}, None, "scoring"),
        ({"cv": 3}, None, "cv"),
        ({"cv": KFold(2, shuffle=True, random_state=1)}, None, "cv"),
        ({"cv": [(np.arange(20), np.arange(20, 40))]}, None, "cv"),
    ],
)  # fmt: skip
@pytest.mark.filterwarnings("ignore:The groups parameter is ignored by KFold")
def test_another_search_on_a_stored_study_is_refused(stored, over, data, field):
    # Each case leaves the shared stored study as it was (checked below).
    tmp_path = stored
    X, y, groups = data if data is not None else (X0, Y0, None)
    other = OptunaSearchCV(**_kw(tmp_path, **over))
    with pytest.raises(ValueError, match="holds another search") as info:
        other.fit(X, y, groups=groups)
    msg = str(info.value)
    assert f"differing fields: {field}" in msg
    assert "Use a new study_name" in msg and "load_if_exists=False" in msg
    # Nothing was added to the stored study, and nothing was refitted.
    study = optuna.load_study(study_name="fp", storage=_kw(tmp_path)["storage"])
    assert len(study.trials) == 2 and not hasattr(other, "best_params_")


def test_all_differing_fields_are_named(tmp_path):
    OptunaSearchCV(**_kw(tmp_path)).fit(X0, Y0)
    other = OptunaSearchCV(
        **_kw(tmp_path, param_distributions={"max_iter": IntDistribution(50, 100)})
    )
    with pytest.raises(ValueError, match="differing fields: param_distributions, X, y"):
        other.fit(*_data(seed=1, n=50))


def test_stored_direction_is_compared(tmp_path):
    search = OptunaSearchCV(**_kw(tmp_path)).fit(X0, Y0)
    fp = dict(search.study_.user_attrs[FINGERPRINT_KEY], direction="minimize")
    search.study_.set_user_attr(FINGERPRINT_KEY, fp)
    with pytest.raises(ValueError, match="differing fields: direction"):
        OptunaSearchCV(**_kw(tmp_path)).fit(X0, Y0)


def test_study_without_fingerprint_warns_and_adopts(tmp_path):
    url = _kw(tmp_path)["storage"]
    study = optuna.create_study(study_name="fp", storage=url, direction="maximize")
    study.optimize(lambda t: t.suggest_float("C", 0.1, 10.0, log=True), n_trials=1)
    with pytest.warns(UserWarning, match="holds 1 trials but no search fingerprint"):
        search = OptunaSearchCV(**_kw(tmp_path, n_trials=2)).fit(X0, Y0)
    assert FINGERPRINT_KEY in search.study_.user_attrs


def test_content_hash_reads_a_sample_of_large_arrays(tmp_path):
    big = np.lib.format.open_memmap(
        tmp_path / "x.npy", mode="w+", dtype=np.float32, shape=(300, 12, 500)
    )
    big[:] = 1.0
    h1 = content_hash(big)
    big[299, 11, 499] = 2.0  # the last value is always sampled
    assert content_hash(big)["hash"] != h1["hash"]
    assert h1["shape"] == [300, 12, 500] and h1["dtype"] == "float32"
    assert content_hash(np.ones((300, 12, 500), np.float32)) == h1
    assert content_hash(None) is None


# ------------------------------------------------------------ grouped inner CV ---
def _no_group_on_both_sides(splits, groups):
    for train, test in splits:
        assert not set(groups[train]) & set(groups[test])


def test_groups_with_int_cv_keep_each_patient_on_one_side():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(30), 3)  # 30 patients with 3 records each
    X = rng.normal(size=(90, 4))
    y = rng.integers(0, 2, size=90)
    search = OptunaSearchCV(
        LogisticRegression(), {"C": FloatDistribution(0.1, 1.0)}, cv=3, n_trials=1
    ).fit(X, y, groups=groups)
    cv = search.study_.user_attrs[FINGERPRINT_KEY]["cv"]
    assert cv.startswith("StratifiedGroupKFold(n_splits=3")
    splitter = inner_cv(3, y, groups, classifier=True)
    assert isinstance(splitter, StratifiedGroupKFold)
    _no_group_on_both_sides(list(splitter.split(X, y, groups)), groups)


@pytest.mark.parametrize("cv", [None, 4])
def test_grouped_inner_cv_for_multilabel_and_regression(cv):
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(20), 2)
    Y = rng.integers(0, 2, size=(40, 3))
    n = 5 if cv is None else cv
    for y, clf in ((Y, True), (rng.normal(size=40), False)):
        splitter = inner_cv(cv, y, groups, classifier=clf)
        splits = list(splitter.split(np.zeros((40, 1)), y, groups))
        assert len(splits) == n
        _no_group_on_both_sides(splits, groups)
    # Without groups, or with a splitter object, check_cv's choice is kept.
    assert type(inner_cv(cv, Y[:, 0], None, classifier=True)).__name__ == (
        "StratifiedKFold"
    )
    assert isinstance(inner_cv(KFold(3), Y[:, 0], groups, classifier=True), KFold)
