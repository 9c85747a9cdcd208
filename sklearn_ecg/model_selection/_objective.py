"""The Optuna objective of :class:`OptunaSearchCV` and its ``cv_results_`` table.

Everything a trial measures is stored in the trial's user attributes, so the results
live in the study's storage: trials run by other processes, or by an earlier run
that was killed, appear in ``cv_results_`` exactly like this process's trials.
"""

from __future__ import annotations

import numbers
import os
import socket
import time
import traceback
import warnings
from typing import Any

import numpy as np
import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import TrialState
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import (
    GroupKFold,
    StratifiedGroupKFold,
    check_cv,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_method_params
from skorch import NeuralNet

from ._pruning import LockstepFolds, TrialPruningCallback

_PRUNING_NAME = "optuna_pruning"


def suggest(trial: optuna.trial.Trial, name: str, dist: BaseDistribution) -> Any:
    """Draw ``name`` from ``dist`` through the public ``Trial.suggest_*`` API."""
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(
            name, dist.low, dist.high, step=dist.step, log=dist.log
        )
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(
            name, dist.low, dist.high, step=dist.step, log=dist.log
        )
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    raise TypeError(f"unsupported Optuna distribution {dist!r} for {name!r}")


def inner_cv(cv, y, groups, classifier: bool):
    """``check_cv``, but an int (or ``None``) with ``groups`` gives grouped folds.

    Grouped folds keep every group (patient) on one side of each split:
    ``StratifiedGroupKFold`` for single-label classification, the grouped
    multi-label stratifier of :mod:`._split` when it exists (else ``GroupKFold``)
    for multi-label ``y``, ``GroupKFold`` otherwise.
    """
    if groups is None or not (cv is None or isinstance(cv, numbers.Integral)):
        return check_cv(cv, y, classifier=classifier)
    n_splits = 5 if cv is None else int(cv)
    kind = type_of_target(y) if y is not None else None
    if classifier and kind in ("binary", "multiclass"):
        return StratifiedGroupKFold(n_splits=n_splits)
    if classifier and kind == "multilabel-indicator":
        try:
            from ._split import MultilabelStratifiedGroupKFold
        except ImportError:
            return GroupKFold(n_splits=n_splits)
        return MultilabelStratifiedGroupKFold(n_splits=n_splits)
    return GroupKFold(n_splits=n_splits)


def find_net(estimator, prefix: str = "") -> tuple[str, NeuralNet] | None:
    """Return ``(param_prefix, net)`` for a skorch net or a Pipeline ending in one."""
    if isinstance(estimator, NeuralNet):
        return prefix, estimator
    if isinstance(estimator, Pipeline) and estimator.steps:
        name, step = estimator.steps[-1]
        return find_net(step, f"{prefix}{name}__")
    return None


def with_pruning_callback(estimator, callback: TrialPruningCallback):
    """Set ``callback`` on the net inside ``estimator`` (already a clone)."""
    prefix, net = find_net(estimator)
    existing = net.callbacks
    if existing == "disable":
        raise ValueError(
            "OptunaSearchCV cannot prune an estimator built with callbacks='disable'; "
            "pass callbacks=None (or a list) or use pruner=None."
        )
    callbacks = [
        cb
        for cb in list(existing or [])
        if not (isinstance(cb, tuple) and cb[0] == _PRUNING_NAME)
    ]
    callbacks.append((_PRUNING_NAME, callback))
    estimator.set_params(**{f"{prefix}callbacks": callbacks})
    return estimator


def _n_epochs(estimator) -> int | None:
    found = find_net(estimator)
    if found is None or not hasattr(found[1], "history_"):
        return None
    return len(found[1].history_)


class Objective:
    """Fit and score one trial's parameters with cross-validation.

    Parameters
    ----------
    search : OptunaSearchCV
        The search (its unfitted parameters are read).
    X, y, groups, fit_params
        The data, as passed to ``fit``.
    splits : list of (train, test) index arrays
        The CV splits, computed once so every trial sees the same folds.
    scorer : callable
        ``scorer(estimator, X, y)``.
    prune : bool
        Whether to inject the pruning callback and run the folds in lock-step.
    """

    def __init__(self, search, X, y, fit_params, splits, scorer, prune) -> None:
        self.search = search
        self.X, self.y, self.fit_params = X, y, fit_params
        self.splits, self.scorer, self.prune = splits, scorer, prune
        self.first_error: BaseException | None = None

    def __call__(self, trial: optuna.trial.Trial) -> float:
        params = {
            name: suggest(trial, name, dist)
            for name, dist in self.search.param_distributions.items()
        }
        # Which process ran the trial: useful when many workers share a storage.
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        coordinator = LockstepFolds(trial, len(self.splits)) if self.prune else None
        try:
            if coordinator is None:
                folds = [
                    self._fit_fold(params, k, None) for k in range(len(self.splits))
                ]
            else:
                folds = coordinator.run(
                    lambda k: self._fit_fold(params, k, coordinator)
                )
        except optuna.TrialPruned:
            trial.set_user_attr("n_epochs", coordinator.epochs())
            raise
        except Exception as exc:
            trial.set_user_attr("error", "".join(traceback.format_exception_only(exc)))
            if self.first_error is None:
                self.first_error = exc
            warnings.warn(
                f"Trial {trial.number} failed with params {params}: {exc!r}. Its score "
                "is recorded as NaN.",
                FitFailedWarning,
                stacklevel=2,
            )
            raise
        scores = np.array([f["score"] for f in folds], dtype=float)
        for k, s in enumerate(scores):
            trial.set_user_attr(f"split{k}_test_score", float(s))
        for key in ("fit_time", "score_time"):
            trial.set_user_attr(f"{key}s", [f[key] for f in folds])
        epochs = [f["n_epochs"] for f in folds]
        if all(e is not None for e in epochs):
            trial.set_user_attr("n_epochs", int(sum(epochs)))
        return float(np.mean(scores))

    def _fit_fold(self, params, k, coordinator):
        train, test = self.splits[k]
        estimator = clone(self.search.estimator).set_params(**params)
        if coordinator is not None:
            cb = TrialPruningCallback(
                coordinator.fold_trial(k),
                monitor=self.search.monitor,
                lower_is_better=None,
            )
            with_pruning_callback(estimator, cb)
        X_train, X_test = _safe_indexing(self.X, train), _safe_indexing(self.X, test)
        y_train = None if self.y is None else _safe_indexing(self.y, train)
        y_test = None if self.y is None else _safe_indexing(self.y, test)
        fit_params = _check_method_params(self.X, self.fit_params, train)
        start = time.perf_counter()
        estimator.fit(X_train, y_train, **fit_params)
        fit_time = time.perf_counter() - start
        score = self.scorer(estimator, X_test, y_test)
        return {
            "score": float(score),
            "fit_time": fit_time,
            "score_time": time.perf_counter() - start - fit_time,
            "n_epochs": _n_epochs(estimator),
        }


def build_cv_results(trials, param_names, n_splits) -> dict[str, Any]:
    """Arrange finished trials in scikit-learn's ``cv_results_`` layout."""
    n = len(trials)
    results: dict[str, Any] = {"params": [dict(t.params) for t in trials]}
    for name in param_names:
        values = [t.params.get(name) for t in trials]
        column = np.ma.MaskedArray(np.empty(n, dtype=object), mask=True)
        for i, v in enumerate(values):
            if v is not None:
                column[i] = v
        results[f"param_{name}"] = column
    splits = np.full((n, n_splits), np.nan)
    for i, t in enumerate(trials):
        for k in range(n_splits):
            splits[i, k] = t.user_attrs.get(f"split{k}_test_score", np.nan)
    for k in range(n_splits):
        results[f"split{k}_test_score"] = splits[:, k]
    complete = np.array([t.state == TrialState.COMPLETE for t in trials], dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows of failed trials
        mean = np.where(complete, np.nanmean(splits, axis=1), np.nan)
        results["mean_test_score"] = mean
        results["std_test_score"] = np.where(
            complete, np.nanstd(splits, axis=1), np.nan
        )
        for key in ("fit_time", "score_time"):
            times = [t.user_attrs.get(f"{key}s", [np.nan]) for t in trials]
            results[f"mean_{key}"] = np.array([np.mean(v) for v in times])
            results[f"std_{key}"] = np.array([np.std(v) for v in times])
    results["rank_test_score"] = _rank(mean)
    results["state"] = np.array([t.state.name for t in trials], dtype=object)
    results["trial_number"] = np.array([t.number for t in trials])
    results["n_epochs"] = np.array(
        [t.user_attrs.get("n_epochs", np.nan) for t in trials], dtype=float
    )
    return results


def _rank(mean: np.ndarray) -> np.ndarray:
    # sklearn's convention: NaN scores (failed/pruned) share the worst rank.
    from scipy.stats import rankdata

    if not len(mean):
        return np.array([], dtype=np.int32)
    filled = np.where(
        np.isnan(mean), np.nanmin(mean) - 1 if np.any(~np.isnan(mean)) else 0.0, mean
    )
    return rankdata(-filled, method="min").astype(np.int32)
