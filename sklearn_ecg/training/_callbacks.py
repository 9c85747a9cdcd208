"""skorch callbacks used by the estimators: validation AUROC, early stopping, LR."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.exceptions import UndefinedMetricWarning
from skorch.callbacks import Callback, EarlyStopping, LRScheduler

from ..metrics import macro_roc_auc_score
from ._heads import logits_to_proba

LR_SCHEDULES = (None, "onecycle", "cosine", "plateau")


def _indicator(y: np.ndarray, n_outputs: int, task: str) -> np.ndarray:
    # Bring every task to an (n, n_outputs) 0/1 matrix matching the logits.
    if task == "multiclass":
        return np.eye(n_outputs, dtype=np.int8)[y.astype(int)]
    return y.reshape(len(y), -1)


class ValidAUROC(Callback):
    """Record the macro AUROC on the validation split as ``valid_auroc``.

    The validation logits that skorch computes for ``valid_loss`` are collected
    batch by batch, so no extra forward pass is needed. Binary tasks score the
    single logit, multiclass tasks use one-vs-rest on the softmax, multi-label
    tasks average the per-label AUROCs; computed by
    :func:`sklearn_ecg.metrics.macro_roc_auc_score`, so labels with one value
    in the split are left out (NaN when none is defined).
    ``valid_auroc_best`` marks improvements.

    Parameters
    ----------
    task : {"binary", "multiclass", "multilabel"}
        The estimator's task.

    Examples
    --------
    >>> from sklearn_ecg.training import ValidAUROC
    >>> ValidAUROC("binary").task
    'binary'
    """

    def __init__(self, task: str):
        self.task = task

    def on_train_begin(self, net, **kwargs):
        """Reset the best value."""
        self.best_ = -np.inf

    def on_epoch_begin(self, net, **kwargs):
        """Start collecting a new epoch's validation outputs."""
        self._scores, self._targets = [], []

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        """Keep the validation logits and targets of one batch."""
        if training or y_pred is None:
            return
        self._scores.append(y_pred.detach().float().cpu())
        self._targets.append(torch.as_tensor(batch[1]).cpu())

    def on_epoch_end(self, net, **kwargs):
        """Compute and record ``valid_auroc`` (only when a validation split ran)."""
        if not self._scores:
            return
        head = "softmax" if self.task == "multiclass" else "identity"
        scores = logits_to_proba(torch.cat(self._scores), head).numpy()
        y = _indicator(torch.cat(self._targets).numpy(), scores.shape[1], self.task)
        with warnings.catch_warnings():
            # A small split often lacks a label; its AUROC is left out (NaN if
            # no label is defined), as metrics.macro_roc_auc_score documents.
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            value = macro_roc_auc_score(y, scores)
        net.history.record("valid_auroc", value)
        is_best = bool(value > self.best_)
        if is_best:
            self.best_ = value
        net.history.record("valid_auroc_best", is_best)
        self._scores, self._targets = [], []


def make_early_stopping(patience: int | None, max_epochs: int) -> EarlyStopping:
    """Early stopping on ``valid_loss`` that restores the best epoch's weights.

    Parameters
    ----------
    patience : int or None
        Epochs without improvement before stopping; ``None`` never stops early
        but still restores the best weights at the end.
    max_epochs : int
        Training length (used when ``patience`` is None).

    Returns
    -------
    callback : skorch.callbacks.EarlyStopping
        Configured with ``load_best=True``.

    Examples
    --------
    >>> from sklearn_ecg.training import make_early_stopping
    >>> make_early_stopping(5, 30).load_best
    True
    """
    return EarlyStopping(
        monitor="valid_loss",
        patience=max_epochs + 1 if patience is None else patience,
        threshold=1e-4,
        load_best=True,
    )


def make_lr_scheduler(
    name: str | None,
    *,
    lr: float,
    max_epochs: int,
    steps_per_epoch: int,
    monitor: str = "valid_loss",
    done_steps: int | None = 0,
) -> LRScheduler | None:
    """Build the skorch ``LRScheduler`` for a named schedule.

    Parameters
    ----------
    name : {None, "onecycle", "cosine", "plateau"}
        ``"onecycle"``: one-cycle policy peaking at ``lr``, stepped per batch;
        ``"cosine"``: cosine annealing to 0 over ``max_epochs``, per epoch;
        ``"plateau"``: divide the rate by 10 after 2 epochs without improvement
        of ``monitor``. ``None`` keeps the rate constant.
    lr : float
        Peak (one-cycle) or initial learning rate.
    max_epochs : int
        Planned number of epochs.
    steps_per_epoch : int
        Optimiser steps per epoch (batches per epoch).
    monitor : str, default="valid_loss"
        History key watched by ``"plateau"``.
    done_steps : int or None, default=0
        Optimiser steps already in the history: skorch resumes the schedule
        there (``partial_fit``), so one-cycle covers them too. None starts a
        new schedule whatever the history holds (an optimizer built afresh,
        e.g. for a model loaded from a folder, has no schedule to resume).

    Returns
    -------
    callback : skorch.callbacks.LRScheduler or None
        None when ``name`` is None.

    Examples
    --------
    >>> from sklearn_ecg.training import make_lr_scheduler
    >>> make_lr_scheduler("cosine", lr=1e-3, max_epochs=10, steps_per_epoch=5).T_max
    10
    """
    if name is None:
        return None
    restart = {"last_epoch": -1} if done_steps is None else {}
    if name == "onecycle":
        return LRScheduler(
            policy=torch.optim.lr_scheduler.OneCycleLR,
            max_lr=lr,
            total_steps=max(1, max_epochs * steps_per_epoch + (done_steps or 0)),
            step_every="batch",
            **restart,
        )
    if name == "cosine":
        return LRScheduler(
            policy=torch.optim.lr_scheduler.CosineAnnealingLR, T_max=max_epochs,
            **restart,
        )  # fmt: skip
    if name == "plateau":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return LRScheduler(
                policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                monitor=monitor,
                factor=0.1,
                patience=2,
            )
    raise ValueError(
        f"lr_schedule must be one of {LR_SCHEDULES}, got {name!r}. Pass e.g. "
        "lr_schedule='onecycle', or a skorch LRScheduler through callbacks."
    )
