"""The batch (device-resident) training data path.

When it applies, the training records are held as one tensor on the training
device (on the CPU: the caller's array, not copied), each epoch's order is a
``torch.randperm`` on the device, and every batch is gathered, cropped and
augmented there by the vectorised transforms of
:mod:`sklearn_ecg.augmentation._batch`: nothing goes back to the host inside an
epoch. Otherwise the per-record :class:`ECGDataset`/``DataLoader`` path runs.
"""

from __future__ import annotations

import numpy as np
import torch

from ..augmentation._batch import batch_augment, batch_crop, is_batchable, valid_lengths
from ..utils import check_choice
from ._memmap import as_batch
from ._resume import track
from ._train_transform import TrainTransform

DATA_PATHS = ("auto", "batch", "host")
#: Share of the free CUDA memory the training set may take on the batch path.
CUDA_MEMORY_SHARE = 0.5

DATA_PATH_PARAMETER = """\
    data_path : {"auto", "batch", "host"}, default="auto"
        How training batches are made. ``"host"``: the per-record path (a
        ``DataLoader`` over the records, crops and augmentation record by
        record on the host). ``"batch"``: the training set is held on the
        training device (the array itself on the CPU; a copy on CUDA), batch
        indices are sampled there and whole batches are cropped and augmented
        with vectorised tensor operations, never returning to the host inside
        an epoch; same distribution of crops and augmentations, a different
        random stream. ``"auto"``: ``"batch"`` on CUDA, or on the CPU when there
        is a crop or augmentation to vectorise, and ``"host"`` when
        ``num_workers > 0``, the augmentation is not built from the package's
        transforms, or (CUDA) the training set would take more than half of the
        free device memory. ``"batch"`` raises in those cases."""


def check_data_path(est) -> None:
    """Validate ``data_path`` (called by the one parameter check)."""
    check_choice(est.data_path, "data_path", DATA_PATHS)


def _why_not_batch(est, dataset) -> str | None:
    """Why the batch path cannot run for this dataset (None when it can)."""
    if est.num_workers:
        return f"num_workers={est.num_workers} asks for the DataLoader"
    tf = dataset.transform
    if tf is not None and (
        not isinstance(tf, TrainTransform) or not is_batchable(tf.augmentation)
    ):
        return "the training transform is not built from the package's transforms"
    if est.device_.type == "cuda":
        need = dataset._X[:1].nbytes * len(dataset.indices)
        free, _ = torch.cuda.mem_get_info(est.device_)
        if need > CUDA_MEMORY_SHARE * free:
            return f"the training set ({need / 2**30:.1f} GiB) does not fit on the GPU"
    return None


def make_batch_iterator(est, dataset):
    """Return the batch-path iterable for ``dataset``, or None for the host path.

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted (its ``_fit_state`` caches the device data
        and generator between epochs).
    dataset : ECGDataset
        The training dataset.

    Returns
    -------
    batches : DeviceBatches or None
    """
    if est.data_path == "host":
        return None
    why = _why_not_batch(est, dataset)
    if why is not None:
        if est.data_path == "batch":
            raise ValueError(
                f"data_path='batch' cannot be used: {why}. Use data_path='auto' "
                "or 'host'."
            )
        return None
    cpu_plain = est.device_.type == "cpu" and dataset.transform is None
    if est.data_path == "auto" and cpu_plain:
        return None  # nothing to vectorise: keep the DataLoader's exact stream
    state = est._fit_state
    if "batch_data" not in state:
        state["batch_data"] = DeviceBatches(
            dataset, est.batch_size_, est.device_, state["seed"] + 1
        )
        track(est, "batch", state["batch_data"].generator)
    return state["batch_data"]


class DeviceBatches:
    """Shuffled, cropped and augmented training batches made on the device.

    Parameters
    ----------
    dataset : ECGDataset
        Training records (``_X``, ``_y``, ``indices``) and the transform.
    batch_size : int
        Records per batch (the last batch may be smaller).
    device : torch.device
        Where the records live and batches are made.
    seed : int
        Seed of the generator on ``device``.
    """

    def __init__(self, dataset, batch_size: int, device, seed: int):
        idx = np.asarray(dataset.indices)
        if device.type == "cpu":  # no copy: index the caller's records per batch
            # An in-memory float32 array is indexed as a tensor; a memory map or
            # a RecordStack (X with X_val) is gathered batch by batch.
            plain = (
                type(dataset._X) is np.ndarray
                and dataset._X.dtype == np.float32
                and min(dataset._X.strides) >= 0  # torch refuses X[::-1] views
            )
            self.X = torch.from_numpy(dataset._X) if plain else dataset._X
            self.y = torch.from_numpy(dataset._y)
            self.rows = torch.from_numpy(idx)
        else:
            self.X = torch.from_numpy(dataset._X[idx]).to(device)
            self.y = torch.from_numpy(dataset._y[idx]).to(device)
            self.rows = torch.arange(len(idx), device=device)
        tf = dataset.transform
        self.crop = None if tf is None or tf.crop is None else tf.crop.crop_length
        self.augmentation = None if tf is None else tf.augmentation
        self.sfreq = 0.0 if tf is None else tf.sfreq
        self.batch_size = int(batch_size)
        self.device = device
        self.generator = torch.Generator(device=device).manual_seed(int(seed))

    def __len__(self) -> int:
        return -(-len(self.rows) // self.batch_size)

    def __iter__(self):
        gen = self.generator
        order = self.rows[
            torch.randperm(len(self.rows), generator=gen, device=self.device)
        ]
        for rows in order.split(self.batch_size):
            if isinstance(self.X, torch.Tensor):
                xb = self.X[rows].to(torch.float32)
            else:  # memory maps may be integer: cast one batch at a time
                xb = torch.from_numpy(as_batch(self.X[rows.numpy()]))
            if self.crop is not None:  # lengths per batch: never a full-size mask
                xb = batch_crop(xb, valid_lengths(xb), self.crop, gen)
            if self.augmentation is not None:
                xb = batch_augment(self.augmentation, xb, gen, self.sfreq)
            yield xb.contiguous(), self.y[rows]
