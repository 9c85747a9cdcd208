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
        xb = np.asarray(self._X[idx], dtype=np.float32)  # one batch, cast here
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


def train_valid_split(y_enc, task, fraction, seed, groups=None):
    """Split record indices into the internal training and validation sets.

    Stratified on the class (binary/multiclass) or on each record's rarest
    positive label (multi-label); falls back to a plain random split, with a
    warning, when some class has fewer than 2 records. With ``groups`` (patient
    ids) every patient stays on one side: see :func:`grouped_valid_split`.

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
    if groups is not None:
        return grouped_valid_split(strata, groups, fraction, seed)
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


def grouped_valid_split(strata, groups, fraction, seed):
    """Patient-grouped, stratified validation split (``fit(..., groups=)``).

    One fold of ``StratifiedGroupKFold(n_splits=round(1 / fraction))``
    shuffled with ``seed``: no patient has records on both sides, and the class
    balance is kept as far as the patients allow.

    Parameters
    ----------
    strata : ndarray of shape (n_records,)
        Class (or rarest-label) of each record.
    groups : array-like of shape (n_records,)
        Patient id of each record.
    fraction : float
        Wanted share of validation records, in (0, 1).
    seed : int
        Seed of the shuffle.

    Returns
    -------
    train_idx, valid_idx : ndarray of int
        Sorted record indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers._data import grouped_valid_split
    >>> groups = np.repeat(np.arange(10), 2)
    >>> train, valid = grouped_valid_split(np.tile([0, 1], 10), groups, 0.2, 0)
    >>> len(valid), set(groups[train]) & set(groups[valid])
    (4, set())
    """
    from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

    from ..utils import check_groups

    codes = check_groups(groups, len(strata))
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    n_splits = max(2, int(round(1 / fraction)))
    if n_groups < 2:
        raise ValueError(
            f"groups holds {n_groups} patient(s); a patient-grouped validation split "
            "needs at least 2. Pass more patients or validation_fraction=0."
        )
    _, counts = np.unique(strata, return_counts=True)
    if n_groups >= n_splits and counts.min() >= n_splits:
        cv = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
        train, valid = next(cv.split(strata, strata, codes))
    else:
        cv = GroupShuffleSplit(1, test_size=fraction, random_state=seed)
        train, valid = next(cv.split(strata, strata, codes))
    return np.sort(train), np.sort(valid)
