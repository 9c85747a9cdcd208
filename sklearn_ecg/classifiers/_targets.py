"""Targets: task detection, label encoding, class weights and thresholds."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

NAMED_THRESHOLDS = ("f1", "youden", "gmean")


def encode_targets(y):
    """Detect the task from ``y`` and encode it for training.

    Parameters
    ----------
    y : array-like of shape (n_records,) or (n_records, n_labels)
        Class labels, or a 0/1 indicator matrix for multi-label tasks (a
        DataFrame's column names become the classes).

    Returns
    -------
    y_enc : ndarray
        float32 ``(n,)`` for binary, int64 ``(n,)`` for multiclass, float32
        ``(n, k)`` for multi-label.
    task : {"binary", "multiclass", "multilabel"}
    classes : ndarray
        The real labels (label indices or column names for multi-label).
    n_outputs : int
        Number of logits: 1 for binary, the number of classes or labels otherwise.
    """
    columns = getattr(y, "columns", None)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if y.ndim == 2:
        if type_of_target(y) != "multilabel-indicator":
            raise ValueError(
                f"A 2-D y must be a 0/1 multi-label indicator matrix, got an array "
                f"of shape {y.shape} with values {np.unique(y)[:5]}. Pass 1-D class "
                "labels for binary or multiclass tasks."
            )
        classes = np.asarray(columns) if columns is not None else np.arange(y.shape[1])
        return y.astype(np.float32), "multilabel", classes, y.shape[1]
    check_classification_targets(y)
    encoder = LabelEncoder().fit(y)
    classes = encoder.classes_
    if len(classes) < 2:
        raise ValueError(
            f"y contains only one class ({classes[0]!r}); a classifier needs at "
            "least 2 classes. In cross-validation, use a stratified splitter "
            "(StratifiedKFold) so that every training fold holds both classes."
        )
    y_enc = encoder.transform(y)
    if len(classes) == 2:
        return y_enc.astype(np.float32), "binary", classes, 1
    return y_enc.astype(np.int64), "multiclass", classes, len(classes)


def encode_like(y, task, classes):
    """Encode ``y`` with the classes of an earlier fit (for ``partial_fit``)."""
    y = np.asarray(y)
    if task == "multilabel":
        if y.ndim != 2 or y.shape[1] != len(classes):
            raise ValueError(
                f"y must be a 0/1 matrix with {len(classes)} columns, got shape "
                f"{y.shape}."
            )
        return y.astype(np.float32)
    y = column_or_1d(y, warn=True)
    unseen = np.setdiff1d(y, classes)
    if len(unseen):
        raise ValueError(
            f"y contains classes {unseen[:5]} not seen in the first fit "
            f"(classes_={classes}); refit from scratch with fit()."
        )
    y_enc = np.searchsorted(classes, y)
    return y_enc.astype(np.float32 if task == "binary" else np.int64)


def indicator(y_enc: np.ndarray, task: str, n_outputs: int) -> np.ndarray:
    """Return encoded targets as an ``(n, n_outputs)`` 0/1 matrix (logit-aligned)."""
    if task == "multiclass":
        return np.eye(n_outputs, dtype=np.float32)[y_enc]
    return y_enc.reshape(len(y_enc), -1)


def resolve_pos_weight(pos_weight, y_enc, task, n_outputs):
    """Turn the ``pos_weight`` parameter into per-output weights (or None).

    For binary and multi-label tasks these weight the positive BCE/focal terms
    (``"balanced"`` = ``n_neg / n_pos`` of the ``y`` given to ``fit``); for
    multiclass tasks they are cross-entropy class weights (``"balanced"`` =
    scikit-learn's ``compute_class_weight``).
    """
    if pos_weight is None:
        return None
    if isinstance(pos_weight, str):
        if pos_weight != "balanced":
            raise ValueError(
                f"pos_weight must be None, 'balanced' or an array, got {pos_weight!r}."
            )
        if task == "multiclass":
            return compute_class_weight(
                "balanced", classes=np.arange(n_outputs), y=y_enc
            ).astype(np.float32)
        y2 = indicator(y_enc, task, n_outputs)
        n_pos = y2.sum(axis=0)
        if np.any(n_pos == 0):
            warnings.warn(
                "pos_weight='balanced': some labels have no positive example in "
                "y; their weight is set to 1.",
                UserWarning,
                stacklevel=3,
            )
        return np.where(n_pos > 0, (len(y2) - n_pos) / np.maximum(n_pos, 1), 1.0)
    weights = np.atleast_1d(np.asarray(pos_weight, dtype=np.float64))
    if weights.shape != (n_outputs,) or not np.all(
        np.isfinite(weights) & (weights > 0)
    ):
        raise ValueError(
            f"pos_weight must hold {n_outputs} positive finite value(s) for this "
            f"{task} task, got {pos_weight!r}."
        )
    return weights.astype(np.float32)


def check_threshold(threshold, task: str, n_outputs: int):
    """Validate ``threshold`` against the task; return it or its array form."""
    if isinstance(threshold, str):
        if threshold not in NAMED_THRESHOLDS:
            raise ValueError(
                f"threshold must be a float in (0, 1), an array or one of "
                f"{NAMED_THRESHOLDS}, got {threshold!r}."
            )
        if task == "multiclass":
            raise ValueError(
                f"threshold={threshold!r} only applies to binary and multi-label "
                "tasks; multiclass predictions use the most probable class."
            )
        return threshold
    if isinstance(threshold, numbers.Real) and not isinstance(threshold, bool):
        values = np.full(n_outputs, float(threshold))
    else:
        values = np.atleast_1d(np.asarray(threshold, dtype=np.float64))
    if task == "multiclass":
        if values.shape == (n_outputs,) and np.allclose(values, 0.5):
            return None
        raise ValueError(
            f"threshold={threshold!r} is not used by multiclass tasks; leave it at "
            "its default 0.5."
        )
    if values.shape != (n_outputs,) or not np.all((values > 0) & (values < 1)):
        raise ValueError(
            f"threshold must be a float in (0, 1) or {n_outputs} such values for "
            f"this {task} task, got {threshold!r}."
        )
    return values
