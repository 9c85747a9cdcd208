"""Data-parallel training with PyTorch's DistributedDataParallel (``torchrun``).

With ``distributed="auto"`` (the default) an estimator whose ``fit`` runs in one
of several processes started by ``torchrun`` (or with the usual ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT`` and ``LOCAL_RANK`` variables
set, or after the caller initialised ``torch.distributed`` itself) trains one
model together with the other processes:

- every process passes the same ``X`` and ``y`` to ``fit`` (checked: shapes and
  a checksum of ``y``); rank 0's seed is used everywhere, so every process draws
  the same validation split, initial weights and shuffle;
- ``batch_size`` is the GLOBAL batch size: each global batch of the
  single-process shuffle is cut into ``world_size`` nearly equal parts, one per
  process, and each part's mean loss is weighted by its share of the global
  batch, so that the gradient DistributedDataParallel averages is the gradient
  of the global batch's mean loss;
- the history holds the global batch losses and sizes (all-reduced once per
  epoch), so ``train_loss`` is the single-process value;
- every process scores the whole validation set (with the same weights and,
  after a broadcast from rank 0, the same BatchNorm statistics), and rank 0's
  validation losses are broadcast, so early stopping, the best-epoch restore and
  learning-rate schedules take the same decisions everywhere;
- only rank 0 runs the callbacks that write files or print (skorch's
  ``Checkpoint``, ``TrainEndCheckpoint``, ``PrintLog``, ``ProgressBar``, and any
  callback with a true ``rank_zero_only`` attribute);
- the DistributedDataParallel wrapper exists only during ``fit``: ``module_`` is
  the plain network, so the fitted estimator predicts, pickles and saves like
  any other.

What differs from one process: BatchNorm normalises each process's part of a
batch with that part's statistics (use ``torch.nn.SyncBatchNorm`` on GPUs for
global statistics), dropout and augmentation draw different random numbers, and
sums run in a different order.

skorch's own route to several devices, ``skorch.hf.AccelerateMixin``, replaces
the training step and data loading that this package specialises (deferred loss
sync, autocast, gradient scaler, sharded seeded batches); this module keeps them
and adds only DistributedDataParallel and a sharded batch sampler.
"""

from __future__ import annotations

import os

import numpy as np
import torch
import torch.distributed as dist
from skorch.callbacks import Checkpoint, PrintLog, ProgressBar, TrainEndCheckpoint

from ..training._seed import seed_worker
from ._data import collate_batch
from ._resume import track

#: Callbacks run on rank 0 only: they write files or print.
RANK_ZERO_CALLBACKS = (Checkpoint, TrainEndCheckpoint, PrintLog, ProgressBar)


def check_distributed(value) -> None:
    """Raise ValueError unless ``value`` is ``"auto"`` or ``False``."""
    if not (value is False or (isinstance(value, str) and value == "auto")):
        raise ValueError(
            f"distributed must be 'auto' (use DistributedDataParallel when started "
            f"by torchrun) or False (always train in this process alone); got "
            f"{value!r}."
        )


def world_from_env() -> int:
    """Return the number of processes torchrun (or the caller) declared, 1 if none."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) if "RANK" in os.environ else 1
    except ValueError:
        return 1


class DistState:
    """Rank, world size and per-epoch batch bookkeeping of one process."""

    def __init__(self, rank: int, world: int):
        self.rank, self.world = rank, world
        self.ddp = None  # the DistributedDataParallel wrapper, built lazily
        self.sampler = None  # the ShardedBatchSampler of the training loader
        self.consumed = 0  # training batches consumed in the current epoch


def setup(est, X, y, seed):
    """Join the process group if this fit is distributed.

    Returns ``(state, seed)``: ``state`` is None for a single-process fit;
    otherwise the process group is initialised (``gloo`` on the CPU, ``nccl`` on
    CUDA), ``est.device_`` is this process's GPU (``LOCAL_RANK``) and ``seed``
    is rank 0's.
    """
    if est.distributed is False or world_from_env() <= 1 or not dist.is_available():
        return None, seed
    if est.unfreeze_after is not None:
        raise ValueError(
            f"unfreeze_after={est.unfreeze_after!r} is not supported in a "
            "distributed fit (DistributedDataParallel fixes the trained "
            "parameters when it starts). Use freeze without unfreeze_after, or "
            "distributed=False."
        )
    if est.device_.type == "cuda" and est.device_.index is None:
        est.device_ = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(est.device_)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if est.device_.type == "cuda" else "gloo")
    state = DistState(dist.get_rank(), dist.get_world_size())
    mine = (tuple(np.shape(X)), np.asarray(y).shape, float(np.asarray(y).sum()))
    every = [None] * state.world
    dist.all_gather_object(every, mine)
    if any(other != mine for other in every):
        raise ValueError(
            "A distributed fit needs the same X and y in every process; got "
            f"(X shape, y shape, y sum) = {every} across ranks. Load the same "
            "data in every process (each process shards the batches itself)."
        )
    shared = [seed]
    dist.broadcast_object_list(shared, src=0)
    return state, int(shared[0])


class ShardedBatchSampler:
    """Yield one rank's part of each global batch of the single-process shuffle.

    Draws the permutation exactly as a shuffled ``DataLoader`` with the same
    generator would, cuts it into global batches of ``batch_size`` and yields
    part ``rank`` of each (``np.array_split`` into ``world`` parts). A rank whose
    part is empty (a last batch smaller than ``world``) gets the batch's first
    record, weighted 0, so that every rank takes every step.
    """

    def __init__(self, n, batch_size, state, generator, shuffle=True):
        self.n, self.batch_size, self.state = n, batch_size, state
        self.generator, self.shuffle = generator, shuffle

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)

    def global_size(self, k: int) -> int:
        return min(self.batch_size, self.n - k * self.batch_size)

    def part_size(self, k: int) -> int:
        size, world = self.global_size(k), self.state.world
        return size // world + (self.state.rank < size % world)

    def __iter__(self):
        self.state.consumed = 0  # before the epoch's first batch is consumed
        order = np.arange(self.n)
        if self.shuffle:  # the same draws as a shuffled DataLoader's sampler
            sampler = torch.utils.data.RandomSampler(order, generator=self.generator)
            order = np.array(list(sampler), dtype=np.int64)  # exhausted, as there
        for start in range(0, self.n, self.batch_size):
            batch = order[start : start + self.batch_size]
            part = np.array_split(batch, self.state.world)[self.state.rank]
            yield (part if len(part) else batch[:1]).tolist()


def make_train_loader(est, dataset, generator, state, **loader_kwargs):
    """Return a DataLoader over this rank's parts of the global training batches."""
    state.sampler = ShardedBatchSampler(len(dataset), est.batch_size_, state, generator)
    if state.ddp is None:
        state.ddp = wrap(est.module_, est.device_)
    return torch.utils.data.DataLoader(
        dataset,
        batch_sampler=state.sampler,
        num_workers=est.num_workers,
        collate_fn=collate_batch,
        generator=generator,
        worker_init_fn=seed_worker,
        **loader_kwargs,
    )


def wrap(module, device):
    """Wrap ``module`` in DistributedDataParallel (buffers broadcast from rank 0)."""
    ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(module, device_ids=ids)


def forward_module(est):
    """Return the module a forward pass calls: the DDP wrapper while training."""
    state = _state(est)
    if state is not None and state.ddp is not None and est.module_.training:
        return state.ddp
    return est.module_


def weight_loss(est, loss, training):
    """Weight a rank's part loss by its share of the global batch (training)."""
    state = _state(est)
    if state is None or not training or state.sampler is None:
        return loss
    k = state.consumed
    state.consumed += 1
    share = state.sampler.part_size(k) * state.world / state.sampler.global_size(k)
    return loss * share


def sync_epoch(est, training, prefix, batch_count):
    """Make this epoch's history rows the same on every rank.

    Training rows get the global batch losses and sizes (one all-reduce), and
    the BatchNorm statistics are broadcast from rank 0; validation rows get rank
    0's losses (one broadcast).
    """
    state = _state(est)
    if state is None or not batch_count:
        return
    rows = est.history[-1]["batches"][-batch_count:]
    losses = torch.tensor([row[prefix + "_loss"] for row in rows], dtype=torch.float64)
    if training:
        dist.all_reduce(losses)
        losses /= state.world
        for k, row in enumerate(rows):
            row[prefix + "_batch_size"] = state.sampler.global_size(k)
        for buf in est.module_.buffers():
            dist.broadcast(buf, src=0)
    else:
        dist.broadcast(losses, src=0)
    for row, value in zip(rows, losses.tolist()):
        row[prefix + "_loss"] = value


def runs_here(est, callback) -> bool:
    """Whether ``callback`` (an instance or a class) runs in this process.

    Every callback runs in a single-process fit and on rank 0; on the other
    ranks those that write files or print (:data:`RANK_ZERO_CALLBACKS`, or with
    a true ``rank_zero_only`` attribute) do not.
    """
    state = _state(est)
    if state is None or state.rank == 0:
        return True
    cls = callback if isinstance(callback, type) else type(callback)
    writer = issubclass(cls, RANK_ZERO_CALLBACKS)
    return not (writer or getattr(callback, "rank_zero_only", False))


def _state(est):
    return est.__dict__.get("_fit_state", {}).get("dist")


class DistributedMixin:
    """The estimator's hooks for a distributed fit (no-ops in a single process).

    Mixed into :class:`ECGClassifier` before the training-loop mixin.
    """

    def get_iterator(self, dataset, training=False):
        """Sharded training batches in a distributed fit; otherwise skorch's."""
        state = _state(self)
        if state is None or not training:
            return super().get_iterator(dataset, training=training)
        generator = torch.Generator()
        generator.manual_seed(self._fit_state["seed"] + 1)
        track(self, "loader", generator)
        pin = self.device_.type == "cuda"
        return make_train_loader(self, dataset, generator, state, pin_memory=pin)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the loss, weighted by this rank's share of the global batch."""
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        return weight_loss(self, loss, training)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run the epoch, then make its history rows agree across ranks."""
        super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        if iterator is not None:
            count = self.history[-1, prefix + "_batch_count"]
            sync_epoch(self, training, prefix, count)

    def _yield_callbacks(self):
        # Filtered before skorch initialises them (Checkpoint makes its folder then).
        for name, cb, named_by_user in super()._yield_callbacks():
            if runs_here(self, cb):
                yield name, cb, named_by_user
