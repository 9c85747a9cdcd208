"""Callbacks, data loading and the training step of ECGClassifier (a mixin)."""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import EpochTimer, PassthroughScoring, PrintLog, ProgressBar
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

from ..training import ValidAUROC, make_early_stopping, make_lr_scheduler
from ..training._seed import seed_worker
from ..transfer import GradualUnfreezing
from . import _params
from ._batch_path import make_batch_iterator
from ._data import ECGDataset, collate_batch
from ._distributed import forward_module
from ._epoch import run_epoch_deferred
from ._recipe import averaging_callback
from ._resume import track


class TrainingLoopMixin:
    """skorch's callback, data and step hooks, specialised for ECG records.

    Mixed into :class:`ECGClassifier` before skorch's ``NeuralNetClassifier``:
    seeded loaders over :class:`ECGDataset`, one host-device sync per epoch,
    autocast and the fp16 gradient scaler.
    """

    def get_split_datasets(self, X, y=None, **fit_params):
        """Return the internal training and validation datasets of this fit."""
        state = self._fit_state
        transform = self._make_train_transform(np.random.default_rng(state["seed"]))
        X, y = state["X"], state["y"]
        labels = y
        if self.task_ != "multilabel":  # class indices (binary: a 0/1 column)
            labels = np.asarray(self.classes_)[y.reshape(len(y), -1)[:, 0].astype(int)]
        train = ECGDataset(
            X, y, state["train"], transform, seed=state["seed"], labels=labels
        )
        track(self, "dataset", train.rng)
        if state["valid"] is None:
            return train, None
        return train, ECGDataset(X, y, state["valid"], labels=labels)

    def get_iterator(self, dataset, training=False):
        """Return a seeded DataLoader (training batches shuffled, none dropped).

        Training batches come from the batch path instead when ``data_path``
        allows it (see :mod:`sklearn_ecg.classifiers._batch_path`).
        """
        if training:
            batches = make_batch_iterator(self, dataset)
            if batches is not None:
                return batches
        generator = torch.Generator()
        generator.manual_seed(self._fit_state["seed"] + 1)
        if training:
            track(self, "loader", generator)
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=self.batch_size_,
            shuffle=training,
            drop_last=False,
            num_workers=self.num_workers,
            collate_fn=collate_batch,
            generator=generator,
            worker_init_fn=seed_worker,
            pin_memory=self.device_.type == "cuda",
        )

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run one epoch like skorch, with one host-device sync, not one per batch."""
        run_epoch_deferred(self, iterator, training, prefix, step_fn, **fit_params)

    def _to_device(self, x):
        """Move a batch to the training device; pinned batches copy asynchronously."""
        if torch.is_tensor(x):
            return x.to(self.device_, non_blocking=x.is_pinned())
        return to_tensor(x, device=self.device_)

    def infer(self, x, **fit_params):
        """Forward pass on the training device, under autocast if requested."""
        x = self._to_device(x)
        module = forward_module(self)  # the DDP wrapper in a distributed fit
        dtype = _params.AUTOCAST_DTYPES[self.precision]
        if dtype is None:
            return module(x)
        with torch.autocast(device_type=self.device_.type, dtype=dtype):
            return module(x)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Criterion on float32 logits (autocast outputs are upcast first)."""
        return self.criterion_(y_pred.float(), self._to_device(y_true))

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward for one batch (scaled under fp16)."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        mixer = self.__dict__.get("_fit_state", {}).get("mixer")
        if mixer is None:
            y_pred = self.infer(Xi)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        else:  # mixup/CutMix: mix the inputs, combine the losses
            Xi, perm, lam = mixer.mix(self._to_device(Xi))
            y_pred = self.infer(Xi)
            loss = mixer.loss(self.get_loss, y_pred, self._to_device(yi), perm, lam)
        scaler = self.__dict__.get("_grad_scaler")
        (scaler.scale(loss) if scaler is not None else loss).backward()
        return {"loss": loss, "y_pred": y_pred}

    def _step_optimizer(self, step_fn):
        scaler = self.__dict__.get("_grad_scaler")
        if scaler is None:
            return super()._step_optimizer(step_fn)
        step_fn()
        scaler.step(self.optimizer_)
        scaler.update()

    def check_data(self, X, y=None):
        """Do nothing: the data were validated in :meth:`fit`."""

    @property
    def _default_callbacks(self):
        state = self.__dict__.get("_fit_state", {})
        has_valid = state.get("has_valid", False)
        cbs = [("epoch_timer", EpochTimer())]
        if self.verbose:
            # skorch's "auto" count divides by net.batch_size, which may be
            # "auto" here: give it the resolved number of batches instead.
            valid = state.get("valid")
            n_valid = 0 if valid is None else -(-len(valid) // self.batch_size_)
            n_batches = state.get("steps_per_epoch", 0) + n_valid
            bar = ProgressBar(batches_per_epoch=n_batches or "count")
            cbs.append(("progress_bar", bar))
        cbs += [
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_auroc", ValidAUROC(self.__dict__.get("task_", "binary"))),
        ]
        if has_valid:
            cbs.append(
                ("early_stopping", make_early_stopping(self.patience, self.max_epochs))
            )
        ratio = self.backbone_lr_ratio
        done = _batches_done(self.history_)
        opt = self.__dict__.get("optimizer_")
        groups = [] if opt is None else opt.param_groups
        if done and any("initial_lr" not in g for g in groups):
            done = None  # a fresh optimizer (a loaded model): a new schedule
        sched = make_lr_scheduler(
            self.lr_schedule,
            # One-cycle peaks per parameter group: keep the backbone's lower rate.
            lr=self.lr if ratio is None else [self.lr * ratio, self.lr],
            max_epochs=self.max_epochs,
            steps_per_epoch=state.get("steps_per_epoch", 1),
            # skorch resumes a schedule at the batches already in the history.
            done_steps=done,
            monitor="valid_loss" if has_valid else "train_loss",
        )
        if sched is not None:
            cbs.append(("lr_scheduler", sched))
        if self.unfreeze_after is not None:
            cbs.append(
                ("gradual_unfreezing", GradualUnfreezing(None, self.unfreeze_after))
            )
        cbs += averaging_callback(self)  # after early stopping (see its docs)
        # PrintLog tabulates every epoch even when silent, so add it only if needed.
        cbs += [("print_log", PrintLog())] if self.verbose else []
        resume = state.get("resume")  # last: it sees every callback's epoch end
        return cbs + ([("resume_checkpoint", resume)] if resume is not None else [])


def _batches_done(history) -> int:
    """Training batches already run (a partial_fit resumes its schedule there)."""
    return int(sum(history[:, "train_batch_count"])) if history else 0
