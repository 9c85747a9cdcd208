import warnings

import numpy as np
import optuna
import pandas as pd
import pytest
import torch
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
)
from optuna.pruners import MedianPruner, ThresholdPruner
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut

from sklearn_ecg.model_selection import OptunaSearchCV, TrialPruningCallback

from ._tiny import tiny_ecg, tiny_net

optuna.logging.set_verbosity(optuna.logging.WARNING)

SKLEARN_KEYS = {
    "params",
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
    "mean_fit_time",
    "std_fit_time",
    "mean_score_time",
    "std_score_time",
    "split0_test_score",
    "split1_test_score",
    "split2_test_score",
}


@pytest.fixture(scope="module")
def data():
    # Module fixtures run before conftest's per-test one-thread fixture.
    torch.set_num_threads(1)
    return tiny_ecg()


@pytest.fixture(scope="module")
def lr_search(data):
    X, y = data
    search = OptunaSearchCV(
        tiny_net(),
        {"lr": FloatDistribution(1e-6, 1.0, log=True)},
        cv=3,
        n_trials=8,
        random_state=0,
        scoring="roc_auc",
    )
    return search.fit(X, y)


def test_finds_clearly_better_lr_than_a_bad_one(lr_search):
    res = pd.DataFrame(lr_search.cv_results_)
    lrs = res["param_lr"].astype(float)
    assert lr_search.best_params_["lr"] > 3e-3
    assert lr_search.best_score_ > 0.95
    # Tiny learning rates barely move the weights: near-chance AUROC.
    assert res.loc[lrs < 1e-3, "mean_test_score"].max() < lr_search.best_score_ - 0.2
    assert lr_search.best_score_ == res["mean_test_score"].max()
    assert res["rank_test_score"][lr_search.best_index_] == 1


def test_cv_results_has_sklearn_layout(lr_search):
    res = lr_search.cv_results_
    assert SKLEARN_KEYS | {"param_lr", "state", "n_epochs"} <= set(res)
    assert len(res["params"]) == lr_search.n_trials_ == 8
    assert all(len(v) == 8 for v in res.values())
    assert set(res["state"]) == {"COMPLETE"}
    # 3 folds x 6 epochs per trial, nothing pruned.
    assert (res["n_epochs"] == 18).all()
    assert pd.DataFrame(res).shape == (8, len(res))


def test_refit_gives_fitted_best_estimator(lr_search, data):
    X, y = data
    best = lr_search.best_estimator_
    assert best.lr == lr_search.best_params_["lr"]
    assert best.initialized_ and len(best.history_) == 6
    proba = lr_search.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.array_equal(lr_search.predict(X), best.predict(X))
    assert lr_search.score(X, y) > 0.9
    assert np.array_equal(lr_search.classes_, [0, 1])
    assert not hasattr(lr_search, "decision_function")


def test_user_estimator_not_mutated(data):
    X, y = data
    net = tiny_net(callbacks=[])
    OptunaSearchCV(
        net,
        {"lr": FloatDistribution(0.01, 0.1)},
        cv=2,
        n_trials=2,
        pruner=MedianPruner(n_startup_trials=1),
    ).fit(X, y)
    assert net.callbacks == [] and not net.initialized_


def _enqueued_study(lrs):
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(storage=storage, study_name="s", direction="maximize")
    for lr in lrs:
        study.enqueue_trial({"lr": lr})
    return storage


def test_pruning_prunes_bad_trials_and_saves_epochs(data):
    X, y = data
    storage = _enqueued_study([0.1, 0.2, 1e-6, 2e-6])
    search = OptunaSearchCV(
        tiny_net(max_epochs=8),
        {"lr": FloatDistribution(1e-6, 1.0, log=True)},
        cv=3,
        n_trials=4,
        pruner=MedianPruner(n_startup_trials=2, n_warmup_steps=1),
        storage=storage,
        study_name="s",
        monitor="valid_loss",
    ).fit(X, y)
    res = pd.DataFrame(search.cv_results_)
    pruned = res[res["state"] == "PRUNED"]
    assert set(pruned["param_lr"].astype(float)) == {1e-6, 2e-6}
    # Pruned after the warm-up epoch (step 1) in every fold: 2 of 8 epochs x 3 folds.
    assert (pruned["n_epochs"] == 6).all()
    assert (res.loc[res["state"] == "COMPLETE", "n_epochs"] == 24).all()
    assert pruned["mean_test_score"].isna().all()
    assert search.best_params_["lr"] >= 0.1
    # Steps are epochs (not fold * max_epochs + epoch), one fold-mean per epoch.
    for t in search.study_.trials:
        assert max(t.intermediate_values) < 8


def test_lockstep_folds_match_sequential_cv(data):
    """The lock-step machinery changes nothing but the order of work."""
    X, y = data
    kw = dict(cv=3, n_trials=2, random_state=0, scoring="roc_auc")
    dist = {"lr": FloatDistribution(0.01, 0.5, log=True)}
    plain = OptunaSearchCV(tiny_net(), dist, **kw).fit(X, y)
    never = ThresholdPruner(lower=-np.inf)
    lock = OptunaSearchCV(tiny_net(), dist, pruner=never, **kw).fit(X, y)
    for k in range(3):
        key = f"split{k}_test_score"
        np.testing.assert_allclose(plain.cv_results_[key], lock.cv_results_[key])
    # The reported fold mean at the last epoch is minus the mean valid_loss.
    trial = lock.study_.trials[0]
    assert sorted(trial.intermediate_values) == list(range(6))
    assert all(v < 0 for v in trial.intermediate_values.values())


def test_pruning_callback_alone(data):
    X, y = data

    class Recorder:
        def __init__(self):
            self.reports = []

        def report(self, value, step):
            self.reports.append((step, value))

        def should_prune(self):
            return len(self.reports) >= 3

    rec = Recorder()
    net = tiny_net(callbacks=[TrialPruningCallback(rec, monitor="valid_acc")])
    with pytest.raises(optuna.TrialPruned, match="epoch 2"):
        net.fit(X, y)
    assert [s for s, _ in rec.reports] == [0, 1, 2]
    assert rec.reports[-1][1] == net.history[-1, "valid_acc"]
    bad = tiny_net(callbacks=[TrialPruningCallback(rec, monitor="valid_auroc")])
    with pytest.raises(ValueError, match="monitor='valid_auroc'"):
        bad.fit(X, y)


def test_failing_trials_are_caught_and_recorded(data):
    X, y = data
    search = OptunaSearchCV(
        LogisticRegression(),
        {"C": CategoricalDistribution([1.0, -1.0])},
        cv=2,
        n_trials=6,
        random_state=0,
    )
    with pytest.warns(FitFailedWarning, match="C"):
        search.fit(X.reshape(len(X), -1), y)
    res = pd.DataFrame(search.cv_results_)
    failed = res[res["state"] == "FAIL"]
    assert len(failed) > 0 and (failed["param_C"] == -1.0).all()
    assert failed["mean_test_score"].isna().all()
    assert (failed["rank_test_score"] == res["rank_test_score"].max()).all()
    assert "C" in search.study_.trials[failed.index[0]].user_attrs["error"]
    assert search.best_params_ == {"C": 1.0}


def test_all_trials_failing_raises(data):
    X, y = data
    search = OptunaSearchCV(
        LogisticRegression(), {"C": CategoricalDistribution([-1.0])}, cv=2, n_trials=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(ValueError, match="C") as info:
            search.fit(X.reshape(len(X), -1), y)
    assert "none of the study's 2 finished" in str(info.value.__notes__)


def test_groups_reach_the_splitter(data):
    X, y = data
    groups = np.arange(len(X)) % 4
    search = OptunaSearchCV(
        LogisticRegression(),
        {"C": FloatDistribution(0.1, 1.0)},
        cv=LeaveOneGroupOut(),
        n_trials=2,
    ).fit(X.reshape(len(X), -1), y, groups=groups)
    assert search.n_splits_ == 4 and "split3_test_score" in search.cv_results_


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (
            {"param_distributions": {"nope": FloatDistribution(0, 1)}},
            ValueError,
            "unknown parameter path 'nope'",
        ),
        (
            {"param_distributions": {"C": [0.1, 1.0]}},
            TypeError,
            r"param_distributions\['C'\] must be an Optuna distribution",
        ),
        (
            {"storage": "sqlite:////nonexistent/dir/x.db"},
            ValueError,
            "storage='sqlite:////nonexistent/dir/x.db' could not be opened",
        ),
        ({"storage": "nosuchdb://x"}, ValueError, "storage='nosuchdb://x'"),
        (
            {"n_trials": None, "timeout": None},
            ValueError,
            "n_trials and timeout are both None",
        ),
        ({"n_trials": 0}, ValueError, "n_trials must be a positive int"),
        ({"pruner": MedianPruner()}, ValueError, "pruner=MedianPruner"),
    ],
)
def test_bad_input_names_the_parameter(data, kwargs, err, match):
    X, y = data
    params = dict(
        estimator=LogisticRegression(),
        param_distributions={"C": FloatDistribution(0.1, 1.0)},
        n_trials=2,
    )
    params.update(kwargs)
    with pytest.raises(err, match=match):
        OptunaSearchCV(**params).fit(X.reshape(len(X), -1), y)


def test_unknown_step_path_in_pipeline(data):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = Pipeline([("norm", StandardScaler()), ("clf", LogisticRegression())])
    with pytest.raises(ValueError, match="'clf__nope'"):
        OptunaSearchCV(pipe, {"clf__nope": FloatDistribution(0, 1)}).fit(
            data[0].reshape(len(data[0]), -1), data[1]
        )


def test_resume_counts_trials_already_in_storage(data, tmp_path):
    X, y = data
    X2 = X.reshape(len(X), -1)
    url = f"sqlite:///{tmp_path / 'study.db'}"
    kw = dict(
        estimator=LogisticRegression(),
        param_distributions={"C": FloatDistribution(0.01, 10.0, log=True)},
        cv=2,
        storage=url,
        study_name="resume",
        random_state=0,
    )
    first = OptunaSearchCV(n_trials=3, **kw).fit(X2, y)
    second = OptunaSearchCV(n_trials=5, **kw).fit(X2, y)
    assert first.n_trials_ == 3 and second.n_trials_ == 5
    assert second.cv_results_["params"][:3] == first.cv_results_["params"]
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        OptunaSearchCV(n_trials=5, load_if_exists=False, **kw).fit(X2, y)
