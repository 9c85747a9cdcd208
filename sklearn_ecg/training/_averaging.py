"""Weight averaging (EMA or SWA) as a skorch callback over ``AveragedModel``."""

from __future__ import annotations

import copy

from skorch.callbacks import Callback
from torch.optim.swa_utils import AveragedModel, update_bn

AVERAGING = ("ema", "swa")


def ema_avg_fn(decay: float):
    """Return an ``avg_fn`` for an EMA with TensorFlow's warm-up of the decay.

    The decay used at update ``t`` (0-based count of earlier updates) is
    ``min(decay, (1 + t) / (10 + t))``, as in
    ``tf.train.ExponentialMovingAverage(num_updates=...)``, so that a short run
    (a few hundred steps) is not dominated by the initial weights.

    Parameters
    ----------
    decay : float
        Final decay in (0, 1).

    Returns
    -------
    avg_fn : callable
        ``avg_fn(averaged, current, num_averaged) -> new average``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training._averaging import ema_avg_fn
    >>> fn = ema_avg_fn(0.999)
    >>> round(float(fn(torch.tensor(0.0), torch.tensor(1.0), torch.tensor(1))), 4)
    0.9
    """

    def avg_fn(averaged, current, num_averaged):
        t = float(num_averaged) - 1.0  # AveragedModel counts the first copy
        d = min(decay, (1.0 + t) / (10.0 + t))
        return d * averaged + (1.0 - d) * current

    return avg_fn


class WeightAveraging(Callback):
    """Keep an averaged copy of the weights; validate and finish with it.

    ``"ema"``: an exponential moving average updated after every optimiser
    step (parameters and batch-norm buffers, with :func:`ema_avg_fn`).
    ``"swa"``: stochastic weight averaging, the equal average of the weights at
    the end of every epoch from ``swa_start`` on, with the batch-norm
    statistics recomputed on the training batches by
    :func:`torch.optim.swa_utils.update_bn`. Both use
    :class:`torch.optim.swa_utils.AveragedModel`.

    Validation batches see the averaged weights (swapped in before the first
    validation batch of an epoch and out at the epoch's end), so ``valid_loss``,
    early stopping and the best-epoch restore all refer to them; it must
    therefore sit after the early-stopping callback. Without validation the
    averaged weights replace the trained ones when training ends.

    Parameters
    ----------
    kind : {"ema", "swa"}
        The average.
    decay : float, default=0.999
        EMA decay (``"ema"`` only).
    swa_start : int, default=1
        First epoch (1-based) averaged by ``"swa"``.

    Examples
    --------
    >>> from sklearn_ecg.training import WeightAveraging
    >>> WeightAveraging("ema").decay
    0.999
    """

    def __init__(self, kind: str, decay: float = 0.999, swa_start: int = 1):
        self.kind = kind
        self.decay = decay
        self.swa_start = swa_start

    def on_train_begin(self, net, **kwargs):
        if self.kind not in AVERAGING:
            raise ValueError(f"kind must be one of {AVERAGING}, got {self.kind!r}.")
        ema = self.kind == "ema"
        self.averaged_ = AveragedModel(
            net.module_,
            avg_fn=ema_avg_fn(self.decay) if ema else None,
            use_buffers=ema,
        )
        self._epoch, self._raw, self._train_data = 0, None, None
        self._validated = False

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        self._epoch += 1
        self._train_data = dataset_train
        self._epoch_done = False

    def on_batch_end(self, net, training=False, **kwargs):
        if training and self.kind == "ema":
            self.averaged_.update_parameters(net.module_)

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training and self._raw is None:
            self._validated = True
            self._end_training_epoch(net)
            if self._has_average():
                self._raw = copy.deepcopy(net.module_.state_dict())
                self._load_average(net)

    def on_epoch_end(self, net, **kwargs):
        if self._raw is not None:  # swap the trained weights back in
            net.module_.load_state_dict(self._raw)
            self._raw = None
        else:
            self._end_training_epoch(net)

    def on_train_end(self, net, **kwargs):
        # Early stopping restores the best (averaged) epoch unless it was the
        # last one; then, or without validation, load the final average.
        last_best = not self._validated or net.history[-1].get("valid_loss_best")
        self._raw = None
        if last_best and self._has_average():
            self._load_average(net)

    # ------------------------------------------------------------- helpers --
    def _end_training_epoch(self, net):
        if self._epoch_done:
            return
        self._epoch_done = True
        if self.kind == "swa" and self._epoch >= self.swa_start:
            self.averaged_.update_parameters(net.module_)

    def _has_average(self) -> bool:
        return int(self.averaged_.n_averaged) > 0

    def _load_average(self, net):
        state = self.averaged_.module.state_dict()
        net.module_.load_state_dict(state)
        if self.kind == "swa" and self._train_data is not None:
            update_bn(net.get_iterator(self._train_data, training=True), net.module_,
                      device=net.device_)  # fmt: skip
