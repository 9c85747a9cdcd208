"""The estimator's knowledge of its training data, and the warm-start overlap guard.

``fit(X, y, groups=..., record_ids=...)`` stores ``training_fingerprint_`` (the
hashes of what the estimator saw, plus the ids it was given); checkpoints carry
it. When a warm start loads weights whose fingerprint contains records or
patients of the current training data, the estimator refuses by default
(``pretrained_overlap="raise"``): its training data and the pretraining source
overlap, so its evaluation data very probably does too.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..transfer import TrainingFingerprint
from ..transfer._fingerprint import overlap_error


def record_training_data(est, X, *, groups=None, record_ids=None, extra_X=None):
    """Set ``training_fingerprint_`` (and keep the ids for the overlap guard).

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted.
    X : ndarray of shape (n_records, n_leads, n_times)
        Its validated training records.
    groups, record_ids : array-like of shape (n_records,), default=None
        Patient ids and record ids of ``X``.
    extra_X : ndarray, default=None
        Validation records (``X_val``), which select the kept epoch and are
        fingerprinted with the training records.
    """
    n = len(X)
    for name, values in (("groups", groups), ("record_ids", record_ids)):
        if values is not None and len(values) != n:
            raise ValueError(
                f"{name} has {len(values)} entries but X has {n} records; pass one "
                "id per record, in the order of X."
            )
    # Hashed record by record (a memory-mapped X and X_val are never joined
    # into one in-memory copy).
    hashes = TrainingFingerprint.from_data(X).signal_hashes
    n_seen = n
    if extra_X is not None:
        extra = TrainingFingerprint.from_data(extra_X).signal_hashes
        hashes, n_seen = np.union1d(hashes, extra), n + len(extra_X)
    est.training_fingerprint_ = TrainingFingerprint(
        hashes, None, record_ids, groups, n_seen
    )
    # The ids describe X only; with X_val the guard compares signals alone.
    ids = {"record_ids": record_ids, "groups": groups} if extra_X is None else {}
    est._training_ids = ids


def merge_training_data(est, X) -> None:
    """Add ``partial_fit``'s records to ``training_fingerprint_``."""
    old = getattr(est, "training_fingerprint_", None)
    new = TrainingFingerprint.from_data(X).signal_hashes
    if old is None:
        est.training_fingerprint_ = TrainingFingerprint(new, n_records=len(X))
        return
    est.training_fingerprint_ = TrainingFingerprint(
        np.union1d(old.signal_hashes, new), old.raw_signal_hashes,
        None, old.patient_ids, old.n_records + len(X),
    )  # fmt: skip


def check_pretrained_overlap(est, checkpoint, X) -> None:
    """Compare the training records ``X`` with the checkpoint's training data.

    Called by the warm start, once the checkpoint is loaded. Raises
    :class:`~sklearn_ecg.transfer.TrainingOverlapError` (``"raise"``), warns
    (``"warn"``) or does nothing (``"ignore"``, or no fingerprint in the file).
    Sets ``pretrained_overlap_`` to the report's dict (or None).
    """
    est.pretrained_overlap_ = None
    fp = checkpoint.training_data
    if fp is None or est.pretrained_overlap == "ignore" or X is None:
        return
    ids = getattr(est, "_training_ids", None) or {}
    report = fp.overlap(X, record_ids=ids.get("record_ids"), groups=ids.get("groups"))
    report.action = "none" if not report.n_overlap else est.pretrained_overlap
    est.pretrained_overlap_ = report.to_dict()
    if not report.n_overlap:
        return
    if est.pretrained_overlap == "raise":
        raise overlap_error(report, "the training data of this fit (warm_start_from)")
    warnings.warn(report.message("the training data"), UserWarning, stacklevel=4)
