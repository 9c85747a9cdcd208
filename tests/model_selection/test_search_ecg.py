"""OptunaSearchCV on the package's own ECGResNetClassifier (tiny settings)."""

import numpy as np
import optuna
import pandas as pd
import pytest
import torch
from optuna.distributions import FloatDistribution
from optuna.pruners import MedianPruner, ThresholdPruner
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.model_selection import OptunaSearchCV, search_space
from sklearn_ecg.preprocessing import LeadNormalizer

optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.fixture(scope="module")
def ecg():
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    y = np.arange(72) % 2
    X = rng.normal(size=(72, 2, 64)).astype(np.float32)
    X[y == 1, 0, 20:40] += 3.0
    return X, y


def _pipe(**kw):
    clf = ECGResNetClassifier(
        base_width=4,
        max_epochs=4,
        patience=None,
        validation_fraction=0.25,
        random_state=0,
        device="cpu",
        **kw,
    )
    return Pipeline([("norm", LeadNormalizer()), ("clf", clf)])


def test_prunes_diverging_lr_on_ecg_resnet(ecg):
    X, y = ecg
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(storage=storage, study_name="e", direction="maximize")
    for lr in (3e-3, 1e-2, 0.5, 1.0):  # the last two diverge
        study.enqueue_trial({"clf__lr": lr})
    search = OptunaSearchCV(
        _pipe(),
        {"clf__lr": FloatDistribution(1e-7, 1e-1, log=True)},
        cv=2,
        n_trials=4,
        scoring="roc_auc",
        pruner=MedianPruner(n_startup_trials=2, n_warmup_steps=1),
        storage=storage,
        study_name="e",
        monitor="valid_loss",
    ).fit(X, y)
    res = pd.DataFrame(search.cv_results_)
    assert list(res["state"]) == ["COMPLETE", "COMPLETE", "PRUNED", "PRUNED"]
    assert list(res["n_epochs"]) == [8, 8, 4, 4]  # 2 folds x (4 or 2 epochs)
    assert search.best_params_["clf__lr"] in (3e-3, 1e-2)
    assert search.best_score_ > 0.55  # above chance after 4 epochs of a tiny net
    best = search.best_estimator_[-1]
    assert best.lr == search.best_params_["clf__lr"] and len(best.history_) == 4
    assert search.predict_proba(X).shape == (72, 2)


def test_lockstep_with_dropout_equals_sequential_cv(ecg):
    """Swapping RNG state per fold keeps pruned-mode results identical."""
    X, y = ecg
    kw = dict(cv=2, n_trials=1, random_state=0, scoring="roc_auc")
    dist = {"clf__lr": FloatDistribution(1e-3, 1e-2, log=True)}
    plain = OptunaSearchCV(_pipe(drop_prob=0.3), dist, **kw).fit(X, y)
    lock = OptunaSearchCV(
        _pipe(drop_prob=0.3),
        dist,
        pruner=ThresholdPruner(lower=-np.inf),
        monitor="valid_auroc",
        **kw,
    ).fit(X, y)
    for k in range(2):
        key = f"split{k}_test_score"
        assert plain.cv_results_[key][0] == lock.cv_results_[key][0]
    steps = lock.study_.trials[0].intermediate_values
    assert sorted(steps) == [0, 1, 2, 3]
    assert all(0.0 <= v <= 1.0 for v in steps.values())


def test_search_space_runs_on_the_resnet_pipeline(ecg):
    X, y = ecg
    space = search_space("resnet", norm="norm")
    # CPU-sized architecture choices still make trials of a few seconds here.
    space = {k: v for k, v in space.items() if k not in ("clf__base_width",)}
    search = OptunaSearchCV(
        _pipe(), space, cv=2, n_trials=2, random_state=0, refit=False
    ).fit(X, y)
    assert set(search.cv_results_["state"]) <= {"COMPLETE", "FAIL"}
    assert "COMPLETE" in search.cv_results_["state"]
