"""Training data plumbing: the dataset and the internal validation split."""

from __future__ import annotations

import warnings

import numpy as np
import skorch.dataset
import torch
from sklearn.model_selection import train_test_split


class ECGDataset(skorch.dataset.Dataset):
    """Records ``X[indices]`` with targets, and an optional train-time transform.

    Batches are gathered with one fancy-indexing call (``__getitems__``), which
    keeps the per-batch overhead of the DataLoader negligible. It is a skorch
    ``Dataset`` whose ``X`` and ``y`` attributes are this split's raw records
    (never augmented) and labels in the user's encoding, so skorch's scoring
    callbacks (``EpochScoring``) can score it with the estimator's ``predict``.

    Parameters
    ----------
    X : ndarray of shape (n_records, n_leads, n_times)
        float32 records (not copied).
    y : ndarray of shape (n_records, ...)
        Encoded targets.
    indices : ndarray of int
        The records belonging to this dataset.
    transform : callable, default=None
        ``transform(x, rng) -> x`` applied to each ``(n_leads, n_times)`` record.
    seed : int, default=0
        Seed of the generator passed to ``transform`` (reseeded per worker).
    labels : ndarray of shape (n_records, ...), default=None
        The targets as the user gave them (``y`` when None), for ``self.y``.
    """

    def __init__(self, X, y, indices, transform=None, seed=0, labels=None):
        # skorch's Dataset.__init__ is not called: X and y are properties here.
        self._X, self._y, self.indices = X, y, np.asarray(indices)
        self._labels = y if labels is None else labels
        self.transform = transform
        self.reseed(seed)

    @property
    def X(self):
        """ndarray: the raw (unaugmented) records of this split."""
        return self._X[self.indices]

    @property
    def y(self):
        """ndarray: the labels of this split, in the user's encoding."""
        return self._labels[self.indices]

    def reseed(self, seed) -> None:
        """Reset the transform's generator (called in each DataLoader worker)."""
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i):
        return self.__getitems__([i])

    def __getitems__(self, batch):
        idx = self.indices[np.asarray(batch)]
        xb = self._X[idx]
        if self.transform is not None:
            xb = np.stack([self.transform(x, self.rng) for x in xb]).astype(
                np.float32, copy=False
            )
        yb = torch.from_numpy(self._y[idx])
        return torch.from_numpy(np.ascontiguousarray(xb)), yb


def collate_batch(batch):
    """``collate_fn`` for :class:`ECGDataset`, whose batches arrive collated."""
    return batch


def _stratification_labels(y_enc, task):
    if task != "multilabel":
        return y_enc
    # Stratify multi-label data on each record's rarest positive label.
    freq = y_enc.sum(axis=0)
    ranked = np.where(y_enc > 0, freq[None, :], np.inf)
    return np.where(np.isinf(ranked.min(axis=1)), -1, ranked.argmin(axis=1))


def train_valid_split(y_enc, task, fraction, seed):
    """Split record indices into the internal training and validation sets.

    Stratified on the class (binary/multiclass) or on each record's rarest
    positive label (multi-label); falls back to a plain random split, with a
    warning, when some class has fewer than 2 records.

    Returns
    -------
    train_idx : ndarray of int
    valid_idx : ndarray of int or None
        None when ``fraction`` is 0 or None.
    """
    n = len(y_enc)
    indices = np.arange(n)
    if not fraction:
        return indices, None
    n_valid = int(np.ceil(fraction * n))
    if n < 2 or n_valid >= n:
        raise ValueError(
            f"validation_fraction={fraction} leaves no training records out of "
            f"{n}. Use more records or set validation_fraction=0."
        )
    strata = _stratification_labels(y_enc, task)
    _, counts = np.unique(strata, return_counts=True)
    stratify = strata
    if counts.min() < 2 or n_valid < len(counts) or n - n_valid < len(counts):
        warnings.warn(
            f"Too few records per class ({counts.min()}) for a stratified "
            f"validation split of {n_valid} records; using a random split.",
            UserWarning,
            stacklevel=3,
        )
        stratify = None
    train_idx, valid_idx = train_test_split(
        indices, test_size=n_valid, random_state=seed, stratify=stratify
    )
    return np.sort(train_idx), np.sort(valid_idx)
