"""Opening the study of :class:`OptunaSearchCV`: storage, heartbeat and budget.

A worker killed mid-trial leaves its trial ``RUNNING``. Optuna's heartbeat
(``RDBStorage(heartbeat_interval=...)``) records a time stamp for each running
trial; the next worker that asks for a trial marks trials whose heartbeat is older
than ``grace_period`` as ``FAIL``, and Optuna's
:class:`~optuna.storages.RetryHeartbeatStaleTrialCallback` enqueues the same
parameters again. Such a retried failure does not count towards
``n_trials``, so the study still reaches its budget of finished trials.
"""

from __future__ import annotations

import numbers
import time
import warnings

import numpy as np
import optuna
import sqlalchemy.exc
from optuna.exceptions import ExperimentalWarning
from optuna.pruners import NopPruner
from optuna.samplers import TPESampler
from optuna.storages import (
    BaseStorage,
    InMemoryStorage,
    RDBStorage,
    RetryHeartbeatStaleTrialCallback,
)
from optuna.storages._heartbeat import is_heartbeat_enabled
from optuna.study import StudyDirection
from optuna.trial import TrialState
from sklearn.utils import check_random_state

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
# A trial whose worker died is re-run at most this many times (then it stays FAIL).
MAX_RETRY = 2


def check_budget(n_trials, timeout) -> None:
    """Validate ``n_trials`` and ``timeout`` of :class:`OptunaSearchCV`."""
    if n_trials is None and timeout is None:
        raise ValueError(
            "n_trials and timeout are both None, so the search would never stop; "
            "set n_trials (e.g. 20) or timeout (seconds)."
        )
    if n_trials is not None and (
        not isinstance(n_trials, numbers.Integral) or n_trials < 1
    ):
        raise ValueError(f"n_trials must be a positive int or None; got {n_trials!r}.")
    if timeout is not None and (not isinstance(timeout, numbers.Real) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number or None; got {timeout!r}.")


def check_heartbeat(heartbeat_interval, grace_period) -> None:
    """Validate the heartbeat parameters of :class:`OptunaSearchCV`."""
    for name, value in (
        ("heartbeat_interval", heartbeat_interval),
        ("grace_period", grace_period),
    ):
        if value is not None and (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 1
        ):
            raise ValueError(
                f"{name} must be a positive int (seconds) or None; got {value!r}."
            )


def build_storage(storage, heartbeat_interval, grace_period):
    """Return the storage to open: a URL gets Optuna's heartbeat, an object is kept."""
    if isinstance(storage, str):
        if heartbeat_interval is None:
            return storage
        with warnings.catch_warnings():  # the heartbeat is "experimental" in Optuna
            warnings.simplefilter("ignore", ExperimentalWarning)
            retry = RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRY)
            return _open_rdb(
                storage,
                heartbeat_interval=int(heartbeat_interval),
                grace_period=None if grace_period is None else int(grace_period),
                heartbeat_stale_trial_callback=retry,
            )
    if isinstance(storage, BaseStorage) and not isinstance(storage, InMemoryStorage):
        if not is_heartbeat_enabled(storage):
            warnings.warn(
                f"storage {type(storage).__name__} has no heartbeat, so trials of a "
                "killed worker stay RUNNING and are never re-run. Pass a URL (then "
                "OptunaSearchCV enables the heartbeat) or RDBStorage(url, "
                "heartbeat_interval=60, heartbeat_stale_trial_callback="
                "RetryHeartbeatStaleTrialCallback()). JournalStorage has no heartbeat "
                f"in Optuna {optuna.__version__}.",
                UserWarning,
                stacklevel=4,
            )
    return storage


def _open_rdb(url: str, **kwargs) -> RDBStorage:
    # Workers starting together on a new database race to create Optuna's tables
    # (optuna/optuna#1092): the loser fails with "already exists" or a duplicate
    # key, and succeeds once the winner has finished.
    for attempt in range(4):
        try:
            return RDBStorage(url, **kwargs)
        except sqlalchemy.exc.DBAPIError as exc:
            racing = isinstance(exc, sqlalchemy.exc.IntegrityError) or (
                "already exists" in str(exc)
            )
            if not racing or attempt == 3:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def open_study(search) -> optuna.study.Study:
    """Create or load the study of ``search`` (refusing a minimising one)."""
    sampler = search.sampler
    if sampler is None:
        seed = search.random_state
        if seed is not None and not isinstance(seed, numbers.Integral):
            seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        sampler = TPESampler(seed=seed)
    try:
        study = optuna.create_study(
            storage=build_storage(
                search.storage, search.heartbeat_interval, search.grace_period
            ),
            sampler=sampler,
            pruner=search.pruner if search.pruner is not None else NopPruner(),
            study_name=search.study_name,
            direction="maximize",
            load_if_exists=search.load_if_exists,
        )
    except optuna.exceptions.DuplicatedStudyError:
        raise
    except Exception as exc:
        raise ValueError(
            f"storage={search.storage!r} could not be opened: {exc}. Pass an Optuna "
            "storage object or a valid URL such as 'sqlite:///study.db'."
        ) from exc
    if study.direction != StudyDirection.MAXIMIZE:
        raise ValueError(
            f"study_name={search.study_name!r} in storage is a "
            f"'{study.direction.name}' study; OptunaSearchCV maximises. Use "
            "another study_name."
        )
    return study


def budget_trials(study: optuna.study.Study) -> list[optuna.trial.FrozenTrial]:
    """Finished trials that count towards ``n_trials``.

    A trial failed by the heartbeat and enqueued again (its number is in a later
    trial's retry history) is replaced by its retry and does not count.
    """
    trials = study.get_trials(deepcopy=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        history = RetryHeartbeatStaleTrialCallback.retry_history
        retried = {n for t in trials for n in history(t)}
    return [t for t in trials if t.state in FINISHED and t.number not in retried]


class StopAtBudget:
    """Stop ``study.optimize`` once the study holds ``n_trials`` counted trials.

    Other workers fill the same study, so the count is read from the storage.
    """

    def __init__(self, n_trials: int) -> None:
        self.n_trials = n_trials

    def __call__(self, study, trial) -> None:
        if len(budget_trials(study)) >= self.n_trials:
            study.stop()
