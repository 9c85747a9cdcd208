"""Per-epoch Optuna pruning for skorch estimators, also across CV folds.

Why not ``optuna_integration.SkorchPruningCallback`` alone? It reports the monitored
value at ``step = epoch`` of *one* ``fit``. Under cross-validation every fold restarts
at epoch 0, Optuna ignores a second report for a step that already has a value, and so
the pruner only ever sees the first fold. Numbering steps
``fold_index * max_epochs + epoch`` avoids the collision but breaks the pruners: the
median/percentile pruners compare the trial's *best* value over all its steps with the
other trials' values at the current step, so after the first fold a trial is compared
with everyone's early-epoch values and is practically never pruned, and Hyperband
reads the step as a training budget.

The design used here keeps ``step = epoch`` and makes each step carry the mean over the
folds: :class:`LockstepFolds` trains the folds of one trial in lock-step, one epoch at
a time. Each fold's ``fit`` runs in its own thread, but a turn token lets exactly one
fold run at any moment (fold 0 epoch 0, fold 1 epoch 0, ..., fold 0 epoch 1, ...), so
the run is as reproducible as sequential CV. When every fold has finished epoch ``e``
the mean of their monitored values is reported at step ``e``; a fold that stopped early
contributes its best value. The global random generators (Python, NumPy, torch and
CUDA) are swapped with the turn, so every fold sees the random stream it would see in
sequential CV: pruning never changes a trial's result, only whether it finishes. The
price is that all fold models live in memory at once.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import optuna
import torch
from skorch.callbacks import Callback

__all__ = ["TrialPruningCallback"]


def _infer_lower_is_better(monitor: str, lower_is_better: bool | None) -> bool:
    if lower_is_better is not None:
        return bool(lower_is_better)
    # skorch's own convention: losses go down, every other score goes up.
    return "loss" in monitor


class TrialPruningCallback(Callback):
    """Report a per-epoch validation score to an Optuna trial and prune.

    At the end of every epoch the value ``net.history[-1, monitor]`` is reported to
    the trial at ``step = epoch`` (0-based). Values of a metric where lower is better
    (losses) are negated, because :class:`OptunaSearchCV` studies always maximise.
    When the trial's pruner says so, :class:`optuna.TrialPruned` is raised, which ends
    ``fit``.

    :class:`OptunaSearchCV` injects this callback itself (into a clone, never into
    your estimator); use it directly only in a hand-written objective.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial to report to. Anything with ``report(value, step)`` and
        ``should_prune()`` works.
    monitor : str, default="valid_loss"
        The history key to report, for example ``"valid_loss"`` or
        ``"valid_auroc"``. It must be written every epoch, which needs a
        validation split (``train_split``) on the net.
    lower_is_better : bool or None, default=None
        Whether smaller values of ``monitor`` are better. ``None`` infers it from the
        name: keys containing ``"loss"`` are minimised, others maximised.

    See Also
    --------
    OptunaSearchCV : Hyper-parameter search that prunes across CV folds.

    Examples
    --------
    >>> import optuna
    >>> from sklearn_ecg.model_selection import TrialPruningCallback
    >>> study = optuna.create_study(direction="maximize")
    >>> trial = study.ask()
    >>> cb = TrialPruningCallback(trial, monitor="valid_auroc")
    >>> cb.monitor
    'valid_auroc'
    """

    def __init__(
        self,
        trial: Any,
        monitor: str = "valid_loss",
        lower_is_better: bool | None = None,
    ) -> None:
        self.trial = trial
        self.monitor = monitor
        self.lower_is_better = lower_is_better

    def on_epoch_end(self, net, **kwargs) -> None:
        """Report the epoch's value and raise ``TrialPruned`` when told to."""
        row = net.history[-1]
        if self.monitor not in row:
            raise ValueError(
                f"TrialPruningCallback: monitor={self.monitor!r} is not in the net's "
                f"history; this epoch has {sorted(row)}. Pass a key that is written "
                "every epoch: a 'valid_*' key needs a validation split, so set the "
                "estimator's validation_fraction (e.g. 0.2; 'auto' holds out none "
                "on small training sets) or prune on monitor='train_loss'."
            )
        value = float(row[self.monitor])
        if _infer_lower_is_better(self.monitor, self.lower_is_better):
            value = -value
        step = len(net.history) - 1
        self.trial.report(value, step)
        if self.trial.should_prune():
            raise optuna.TrialPruned(
                f"trial pruned at epoch {step} ({self.monitor}={row[self.monitor]:.4g})"
            )


class _RandomState:
    """Snapshot of the global generators a training loop may draw from."""

    def __init__(self) -> None:
        self.python = random.getstate()
        self.numpy = np.random.get_state()  # noqa: NPY002 - the global one on purpose
        self.torch = torch.get_rng_state()
        init = torch.cuda.is_available() and torch.cuda.is_initialized()
        self.cuda = torch.cuda.get_rng_state_all() if init else None

    def restore(self) -> None:
        random.setstate(self.python)
        np.random.set_state(self.numpy)  # noqa: NPY002
        torch.set_rng_state(self.torch)
        if self.cuda is not None:
            torch.cuda.set_rng_state_all(self.cuda)


class _Aborted(Exception):
    """Raised inside a fold thread when another fold pruned or failed the trial."""


class LockstepFolds:
    """Coordinate the folds of one trial so that they train one epoch in turn.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial that receives the fold-mean value of every epoch.
    n_folds : int
        Number of folds.
    """

    def __init__(self, trial: Any, n_folds: int) -> None:
        self.trial = trial
        self.n_folds = n_folds
        self._cond = threading.Condition()
        self._alive = list(range(n_folds))
        self._turn = 0
        self._values: dict[int, list[float]] = {f: [] for f in range(n_folds)}
        self._next_step = 0
        self.pruned_step: int | None = None
        self.failed = False
        self._rng: dict[int, _RandomState] = {}

    # --- the trial-like interface handed to each fold's TrialPruningCallback ---
    def fold_trial(self, fold: int) -> _FoldTrial:
        """Return the trial-like object for ``fold``."""
        return _FoldTrial(self, fold)

    def epochs(self) -> int:
        """Total number of epochs trained over all folds."""
        return sum(len(v) for v in self._values.values())

    def run(self, fit_fold: Callable[[int], Any]) -> list[Any]:
        """Run ``fit_fold(k)`` for every fold in lock-step; return the results.

        Raises the first fold error, or :class:`optuna.TrialPruned` when pruned.
        """
        results: list[Any] = [None] * self.n_folds
        errors: list[BaseException | None] = [None] * self.n_folds

        start_rng = _RandomState()
        # Every fold starts from the generators' state at the start of the trial.
        self._rng = {f: start_rng for f in range(self.n_folds)}

        def body(fold: int) -> None:
            self._wait_turn(fold)
            try:
                self._raise_if_stopped()
                results[fold] = fit_fold(fold)
            except (optuna.TrialPruned, _Aborted):
                pass
            except BaseException as exc:  # reported to the caller below
                errors[fold] = exc
                self.failed = True
            finally:
                self._finish(fold)

        threads = [
            threading.Thread(target=body, args=(f,), daemon=True, name=f"fold-{f}")
            for f in range(self.n_folds)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        start_rng.restore()
        first_error = next((e for e in errors if e is not None), None)
        if first_error is not None:
            raise first_error
        if self.pruned_step is not None:
            raise optuna.TrialPruned(
                f"trial pruned at epoch {self.pruned_step} (mean over folds)"
            )
        return results

    # --- internals -----------------------------------------------------------
    def _raise_if_stopped(self) -> None:
        if self.failed or self.pruned_step is not None:
            raise _Aborted

    def _wait_turn(self, fold: int) -> None:
        with self._cond:
            while self._turn != fold:
                self._cond.wait()
            self._rng[fold].restore()

    def _pass_turn(self, fold: int) -> None:
        # Caller holds the condition. The next fold after `fold` in round order.
        if not self._alive:
            self._turn = -1
        else:
            later = [f for f in self._alive if f > fold]
            self._turn = later[0] if later else self._alive[0]
        self._cond.notify_all()

    def _report(self, fold: int, value: float, step: int) -> None:
        with self._cond:
            self._rng[fold] = _RandomState()
            self._values[fold].append(value)
            self._aggregate_ready_steps()
            self._pass_turn(fold)
        self._wait_turn(fold)
        self._raise_if_stopped()

    def _finish(self, fold: int) -> None:
        with self._cond:
            if fold in self._alive:
                self._alive.remove(fold)
            if not self.failed:
                self._aggregate_ready_steps()
            self._pass_turn(fold)

    def _aggregate_ready_steps(self) -> None:
        # A step is complete once every fold still training has reported it.
        while self.pruned_step is None:
            step = self._next_step
            if any(len(self._values[f]) <= step for f in self._alive):
                return
            if all(len(v) <= step for v in self._values.values()):
                return  # every fold has finished before this epoch
            per_fold = [self._fold_value(f, step) for f in range(self.n_folds)]
            if any(v is None for v in per_fold):
                return
            self._next_step += 1
            self.trial.report(float(np.mean(per_fold)), step)
            if self.trial.should_prune():
                self.pruned_step = step

    def _fold_value(self, fold: int, step: int) -> float | None:
        vals = self._values[fold]
        if step < len(vals):
            return vals[step]
        if not vals:
            return None
        # The fold stopped early (early stopping): carry its best value forward.
        finite = [v for v in vals if not math.isnan(v)]
        return max(finite) if finite else math.nan


class _FoldTrial:
    """The trial as seen by one fold: reports go through the coordinator."""

    def __init__(self, coordinator: LockstepFolds, fold: int) -> None:
        self._coordinator = coordinator
        self._fold = fold

    def report(self, value: float, step: int) -> None:
        self._coordinator._report(self._fold, value, step)

    def should_prune(self) -> bool:
        # Pruning is decided on the fold mean; _report raises _Aborted instead.
        return False
