"""Training and prediction on memory-mapped records, without loading them whole.

A memory-mapped ``X`` (``np.memmap``, ``np.load(path, mmap_mode="r")``, the
``load_ptbxl(mmap_mode="r")`` cache, or a view of one) is validated as a view in
its own dtype and read batch by batch: each batch is gathered and cast to
float32 on its own, so the estimator's memory stays near one batch whatever the
file's size (the operating system's page cache holds what was read recently and
gives it back under pressure). In-memory arrays are cast to float32 once, as
before. An explicit validation set is kept apart from the training records
(:class:`RecordStack`) instead of being concatenated into one new array.
"""

from __future__ import annotations

import mmap

import numpy as np

from ..utils import validate_ecg


def is_memory_mapped(X) -> bool:
    """Return whether ``X`` is, or is a view of, a memory-mapped file."""
    while X is not None:
        if isinstance(X, (np.memmap, mmap.mmap)):
            return True
        X = getattr(X, "base", None)
    return False


def validate_records(est, X, *, reset):
    """Validate ``X`` like ``validate_ecg``; a memory map stays a view.

    In-memory input is cast to float32 once. Memory-mapped input keeps its
    dtype (float or integer) and is cast one batch at a time by
    :func:`as_batch`; it is still checked for NaN and inf, which reads it once.
    """
    if not is_memory_mapped(X) or X.dtype == np.float32:
        return validate_ecg(est, X, reset=reset, dtype=np.float32)
    if X.dtype.kind not in "fiu":
        raise TypeError(
            f"A memory-mapped X must hold real numbers; got dtype {X.dtype}. "
            "Write the records as float32 (or integers) before mapping them."
        )
    return validate_ecg(est, X, reset=reset, dtype=None)


def as_batch(xb) -> np.ndarray:
    """Return a batch of records as a contiguous float32 array."""
    return np.array(xb, dtype=np.float32, order="C")  # a writable copy


class RecordStack:
    """Two record arrays seen as one, without copying either.

    Rows ``0..len(first)-1`` are ``first``'s and the next are ``second``'s;
    indexing with an integer array gathers from both (the only indexing the
    training datasets use) and returns float32 records.

    Parameters
    ----------
    first, second : ndarray of shape (n, n_leads, n_times)
        Records with the same leads and length (e.g. ``X`` and ``X_val``).
    """

    def __init__(self, first, second):
        self.first, self.second = first, second
        self.shape = (len(first) + len(second), *first.shape[1:])
        self.dtype = np.dtype(np.float32)
        self.ndim = len(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx):
        idx = np.arange(len(self))[idx]
        if np.ndim(idx) == 0:
            return self[np.array([idx])][0]
        out = np.empty((len(idx), *self.shape[1:]), dtype=np.float32)
        n = len(self.first)
        low = idx < n
        out[low] = self.first[idx[low]]
        out[~low] = self.second[idx[~low] - n]
        return out

    def __array__(self, dtype=None, copy=None):
        return self[np.arange(len(self))].astype(dtype or np.float32, copy=False)
