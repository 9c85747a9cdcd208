"""skorch's epoch loop without a host-device synchronisation per batch.

skorch's ``NeuralNet.run_single_epoch`` records ``loss.item()`` after every batch.
On a GPU that makes the host wait for each step to finish before it prepares
(indexes, augments, pins and copies) the next batch, so the host and the device
take turns instead of working at the same time. Here the batch losses stay on the
device during the epoch and reach the history in one transfer when its batches
are done, before any ``on_epoch_end`` callback reads them: the history holds the
same values in the same places.

After each training epoch the loop also checks that the weights are still
finite, and every prediction path checks the outputs. A diverged network (too
high a learning rate, extreme inputs, fp16 overflow) stops ``fit`` with a
:class:`TrainingDivergedError` that says so, instead of surfacing later as a NaN
inside a metric.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.dataset import get_len


class TrainingDivergedError(FloatingPointError):
    """Raised when a network's weights or outputs are no longer finite.

    ``fit`` raises it after a training epoch that left a weight NaN or infinite,
    or when validation records get non-finite outputs; ``predict``,
    ``predict_proba`` and ``decision_function`` raise it rather than return NaN.
    The estimator is left as the failed epoch made it and should be refitted with
    a lower learning rate, clipped or rescaled inputs, or ``precision="32"``. In a
    hyper-parameter search the trial fails with this message (scikit-learn's
    ``error_score``), rather than scoring a broken network.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, FloatingPointError)
    True
    """


def run_epoch_deferred(net, iterator, training, prefix, step_fn, **fit_params):
    """Run one train or validation epoch of ``net`` like skorch, syncing once.

    Parameters
    ----------
    net : skorch.NeuralNet
        The network being fitted.
    iterator : torch.utils.data.DataLoader or None
        The batches; None skips the epoch (no validation split), as in skorch.
    training : bool
        Whether the batches train the network.
    prefix : {"train", "valid"}
        Prefix of the history keys (``"train_loss"``, ``"train_batch_size"``).
    step_fn : callable
        ``net.train_step`` or ``net.validation_step``.
    **fit_params : dict
        Passed to ``step_fn``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier
    >>> X = np.random.default_rng(0).normal(size=(16, 2, 64)).astype("float32")
    >>> clf = ECGResNetClassifier(base_width=4, max_epochs=1, batch_size=8,
    ...                           validation_fraction=None, random_state=0)
    >>> clf = clf.fit(X, np.arange(16) % 2)  # each fit's epochs run through here
    >>> [isinstance(b["train_loss"], float) for b in clf.history_[-1, "batches"]]
    [True, True]
    """
    if iterator is None:
        return
    losses, batch_count = [], 0
    for batch in iterator:
        net.notify("on_batch_begin", batch=batch, training=training)
        step = step_fn(batch, **fit_params)
        losses.append(step["loss"].detach().float().reshape(()))
        batch_size = (
            get_len(batch[0]) if isinstance(batch, (tuple, list)) else get_len(batch)
        )
        net.history.record_batch(prefix + "_batch_size", batch_size)
        net.notify("on_batch_end", batch=batch, training=training, **step)
        batch_count += 1
    if batch_count:
        values = torch.stack(losses).cpu().tolist()  # the epoch's one sync
        rows = net.history[-1]["batches"][-batch_count:]
        for row, value in zip(rows, values):
            row[prefix + "_loss"] = value
    net.history.record(prefix + "_batch_count", batch_count)
    if training and batch_count:
        _check_finite_weights(net, values)


def _check_finite_weights(net, losses):
    """Raise :class:`TrainingDivergedError` if a parameter is no longer finite.

    A non-finite batch loss alone is not an error: under ``precision="fp16"`` the
    gradient scaler skips such steps and the weights stay finite.
    """
    params = [p.detach() for p in net.module_.parameters()]
    if not params or torch.stack([torch.isfinite(p).all() for p in params]).all():
        return
    raise diverged_error(
        net,
        "the network's weights are no longer finite (batch losses of the last "
        f"epoch: first {losses[0]:.4g}, last {losses[-1]:.4g})",
    )


def check_finite_logits(net, logits):
    """Raise :class:`TrainingDivergedError` if the network output NaN or inf.

    The inputs were checked for NaN and inf before they reached the network, so
    non-finite logits mean the network itself is broken.
    """
    bad = ~np.isfinite(logits).all(axis=tuple(range(1, logits.ndim)))
    if bad.any():
        raise diverged_error(
            net,
            f"the network's outputs are NaN or infinite for {int(bad.sum())} of "
            f"{len(logits)} records",
        )


def diverged_error(net, what: str) -> TrainingDivergedError:
    """Build the error for a broken network: what was seen and how to fix it."""
    lr = getattr(net, "lr", None)
    return TrainingDivergedError(
        f"Training diverged: {what} after {len(net.history)} epoch(s). Refit with a "
        f"lower learning rate (lr={lr!r} now), check X for extreme or unscaled "
        "values (add a LeadNormalizer), or use precision='32' if you trained in "
        "fp16."
    )
