"""Threshold metrics (sensitivity, specificity, G-mean) and ranking metrics.

Every function takes ``y_true`` first, like :mod:`sklearn.metrics`. Targets are
either binary 1-D labels or a multi-label indicator matrix of shape
``(n_records, n_classes)``. The ``average`` argument follows scikit-learn, with one
addition: ``"auto"`` means ``"binary"`` for binary targets and ``"macro"``
otherwise, which is what the package's scorers use.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import rankdata
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    multilabel_confusion_matrix,
    recall_score,
)
from sklearn.utils.multiclass import type_of_target

from ..utils._docs import fill_doc

_AVERAGES = ("auto", "binary", "macro", "micro", None)


def _resolve_average(y_true, average):
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of {_AVERAGES}, got average={average!r}; use "
            "'binary' for one positive class or 'macro' for multi-label targets."
        )
    kind = type_of_target(y_true, input_name="y_true")
    if average == "auto":
        return "binary" if kind == "binary" else "macro"
    if average == "binary" and kind != "binary":
        raise ValueError(
            f"average='binary' needs binary targets, but y_true is {kind!r}; pass "
            "average='macro' (or 'auto') for multi-label or multiclass targets."
        )
    return average


def _confusion_counts(y_true, y_pred, average, pos_label):
    """Per-class (tn, fp, fn, tp) rows; one row for ``average='binary'``."""
    labels = [pos_label] if average == "binary" else None
    mcm = multilabel_confusion_matrix(y_true, y_pred, labels=labels)
    return mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]


def _safe_ratio(num, den, zero_division, what):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    empty = den == 0
    if np.any(empty) and zero_division == "warn":
        warnings.warn(
            f"{what} is ill-defined for a class with no {what} denominator "
            "(no true positives and negatives of that kind); it is set to 0.0. "
            "Use zero_division to control this.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    fill = 0.0 if zero_division == "warn" else float(zero_division)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(empty, fill, num / np.where(empty, 1.0, den))


def _rates(y_true, y_pred, average, pos_label, zero_division):
    """Sensitivity and specificity per class, or pooled for ``'micro'``."""
    tn, fp, fn, tp = _confusion_counts(y_true, y_pred, average, pos_label)
    if average == "micro":
        tn, fp, fn, tp = (np.atleast_1d(a.sum()) for a in (tn, fp, fn, tp))
    sens = _safe_ratio(tp, tp + fn, zero_division, "sensitivity")
    spec = _safe_ratio(tn, tn + fp, zero_division, "specificity")
    return sens, spec


def _reduce(values, average):
    if average is None:
        return values
    return float(np.mean(values))


#: Docstring entries the threshold metrics share.
_Y_TRUE_DOC = """\
    y_true : array-like of shape (n_records,) or (n_records, n_classes)
        True binary labels or a multi-label indicator matrix.
""".rstrip()
_Y_PRED_DOC = """\
    y_pred : array-like of the same shape as ``y_true``
        Predicted labels, e.g. from an estimator's ``predict``.
""".rstrip()
_DOCS = {
    "y_true": _Y_TRUE_DOC,
    "labels": _Y_TRUE_DOC + "\n" + _Y_PRED_DOC,
    "pos_label": """\
    pos_label : int or str, default=1
        The positive class when ``average="binary"``.
""".rstrip(),
}


@fill_doc(**_DOCS)
def sensitivity_score(
    y_true, y_pred, *, average="binary", pos_label=1, zero_division="warn"
) -> float | np.ndarray:
    """Sensitivity (recall, true-positive rate) TP / (TP + FN).

    Parameters
    ----------
    %(labels)s
    average : {"binary", "macro", "micro", "auto"} or None, default="binary"
        ``"binary"``: the positive class only; ``"macro"``: unweighted mean over
        classes; ``"micro"``: pooled counts; ``"auto"``: binary for binary targets,
        macro otherwise; ``None``: one value per class.
    %(pos_label)s
    zero_division : "warn", 0.0, 1.0 or np.nan, default="warn"
        Value for a class without positives; ``"warn"`` gives 0.0 and an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Returns
    -------
    score : float or ndarray of shape (n_classes,)
        The sensitivity.

    See Also
    --------
    specificity_score : The true-negative rate.
    gmean_score : Geometric mean of both.

    Examples
    --------
    >>> from sklearn_ecg.metrics import sensitivity_score
    >>> sensitivity_score([0, 1, 1, 1], [0, 1, 0, 1])
    0.666...
    """
    average = _resolve_average(y_true, average)
    sens, _ = _rates(y_true, y_pred, average, pos_label, zero_division)
    return _reduce(sens, average)


@fill_doc(**_DOCS)
def specificity_score(
    y_true, y_pred, *, average="binary", pos_label=1, zero_division="warn"
) -> float | np.ndarray:
    """Specificity (true-negative rate) TN / (TN + FP).

    Parameters
    ----------
    %(labels)s
    average : {"binary", "macro", "micro", "auto"} or None, default="binary"
        How classes are combined, as in :func:`sensitivity_score`. ``"micro"``
        on a multi-label matrix is the study's "overall specificity" on the
        flattened label matrix.
    %(pos_label)s
    zero_division : "warn", 0.0, 1.0 or np.nan, default="warn"
        Value for a class without negatives.

    Returns
    -------
    score : float or ndarray of shape (n_classes,)
        The specificity.

    Examples
    --------
    >>> from sklearn_ecg.metrics import specificity_score
    >>> specificity_score([0, 0, 0, 1], [0, 1, 0, 1])
    0.666...
    """
    average = _resolve_average(y_true, average)
    _, spec = _rates(y_true, y_pred, average, pos_label, zero_division)
    return _reduce(spec, average)


@fill_doc(**_DOCS)
def gmean_score(
    y_true, y_pred, *, average="binary", pos_label=1, zero_division="warn"
) -> float | np.ndarray:
    """Geometric mean of sensitivity and specificity.

    Binary: ``sqrt(sens * spec)`` of the positive class. Macro (multi-label):
    ``mean_c sqrt(sens_c * spec_c)``, the mean of the per-class G-means. Micro:
    ``sqrt(sens * spec)`` of pooled counts. The seed study's own mixed definition
    is :func:`study_gmean_score`.

    Parameters
    ----------
    %(y_true)s
    y_pred : array-like of the same shape as ``y_true``
        Predicted labels.
    average : {"binary", "macro", "micro", "auto"} or None, default="binary"
        How classes are combined, as in :func:`sensitivity_score`.
    %(pos_label)s
    zero_division : "warn", 0.0, 1.0 or np.nan, default="warn"
        Value of an undefined sensitivity or specificity.

    Returns
    -------
    score : float or ndarray of shape (n_classes,)
        The G-mean.

    Examples
    --------
    >>> from sklearn_ecg.metrics import gmean_score
    >>> round(gmean_score([0, 0, 1, 1], [0, 1, 1, 1]), 4)  # sqrt(1.0 * 0.5)
    0.7071
    """
    average = _resolve_average(y_true, average)
    sens, spec = _rates(y_true, y_pred, average, pos_label, zero_division)
    return _reduce(np.sqrt(sens * spec), average)


def study_gmean_score(y_true, y_pred) -> float:
    """G-mean exactly as the seed study computed it (kept for comparison only).

    ``sqrt(macro recall * overall specificity)``, where the macro recall averages
    over the columns of the label matrix and the specificity pools the flattened
    matrix (micro). For binary 1-D targets the study's "macro" recall averages the
    positive **and** the negative class (the balanced accuracy), while the
    specificity is that of the positive class. Prefer :func:`gmean_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_records,) or (n_records, n_classes)
        True binary labels or a multi-label indicator matrix (labels 0/1).
    y_pred : array-like of the same shape as ``y_true``
        Predicted labels.

    Returns
    -------
    score : float
        The study's G-mean.

    Examples
    --------
    >>> from sklearn_ecg.metrics import study_gmean_score
    >>> round(study_gmean_score([0, 0, 1, 1], [0, 1, 1, 1]), 4)  # sqrt(.75 * .5)
    0.6124
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    recall = recall_score(y_true, y_pred, average="macro", zero_division=0)
    flat_true, flat_pred = y_true.ravel(), y_pred.ravel()
    negatives = flat_true == 0
    spec = np.mean(flat_pred[negatives] == 0) if negatives.any() else 0.0
    return float(np.sqrt(recall * spec))


def study_f1_score(y_true, y_pred) -> float:
    """Macro F1 as the seed study computed it (kept for comparison only).

    For binary targets this averages the F1 of the positive and the negative
    class, so it over-states the positive-class F1 (0.5 becomes 0.625 in the
    study's example). Prefer ``f1_score(..., average="binary")``.

    Parameters
    ----------
    y_true : array-like of shape (n_records,) or (n_records, n_classes)
        True labels.
    y_pred : array-like of the same shape as ``y_true``
        Predicted labels.

    Returns
    -------
    score : float
        The macro F1 with ``zero_division=0``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import study_f1_score
    >>> study_f1_score([0, 0, 1, 1], [0, 1, 1, 1])
    0.733...
    """
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


def _rank_auc(y_true, y_score):
    """AUROC as the Mann-Whitney U statistic (ties count one half).

    Equals :func:`sklearn.metrics.roc_auc_score` on binary labels (the larger
    label is positive) but skips its input checks, which dominate the cost of
    1000 bootstrap resamples.
    """
    positive = y_true == np.unique(y_true)[-1]
    n_pos = np.count_nonzero(positive)
    n_neg = positive.size - n_pos
    ranks = rankdata(y_score)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _per_class_ranking(metric, y_true, y_score, name):
    """Apply a ranking metric per column, NaN (with a warning) where undefined."""
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if not np.isfinite(y_score).all():
        raise ValueError(
            "y_score contains NaN or infinite values; check the model's "
            "predictions before scoring them."
        )
    if y_true.ndim == 1:
        if y_score.ndim == 2 and y_score.shape[1] == 2:
            y_score = y_score[:, 1]  # binary predict_proba: keep the positive class
        y_true, y_score = y_true[:, None], y_score.reshape(-1, 1)
    if y_true.shape != y_score.shape:
        raise ValueError(
            f"y_score has shape {y_score.shape} but y_true has shape "
            f"{y_true.shape}; pass one score column per class."
        )
    scores = np.full(y_true.shape[1], np.nan)
    for c in range(y_true.shape[1]):
        if _warn_if_one_value(y_true[:, c], _UNDEFINED.format(name=name, c=c)):
            continue
        scores[c] = metric(y_true[:, c], y_score[:, c])
    return scores


_UNDEFINED = (
    "{name} is undefined for class {c}: y_true holds only one value there; it is "
    "NaN and left out of the macro average."
)


def _warn_if_one_value(
    column, message, category=UndefinedMetricWarning, stacklevel=4
) -> bool:
    """Warn, and return True, if ``column`` holds one value only."""
    if np.unique(column).size >= 2:
        return False
    warnings.warn(message, category, stacklevel=stacklevel)
    return True


def _macro(scores):
    if np.all(np.isnan(scores)):
        return float("nan")
    return float(np.nanmean(scores))


def macro_roc_auc_score(y_true, y_score, *, average="macro") -> float | np.ndarray:
    """AUROC, macro-averaged over classes, NaN where a class has one value only.

    Unlike :func:`sklearn.metrics.roc_auc_score`, a class without positives (or
    without negatives) does not raise: its AUROC is NaN with an
    :class:`~sklearn.exceptions.UndefinedMetricWarning`, and the macro mean is
    taken over the defined classes (NaN if none is defined).

    Parameters
    ----------
    y_true : array-like of shape (n_records,) or (n_records, n_classes)
        True binary labels or a multi-label indicator matrix.
    y_score : array-like of shape (n_records,), (n_records, 2) or (n_records, n_classes)
        Probabilities or decision values; a binary ``(n, 2)`` ``predict_proba``
        output uses its second column.
    average : {"macro"} or None, default="macro"
        ``None`` returns the per-class values.

    Returns
    -------
    score : float or ndarray of shape (n_classes,)
        The AUROC.

    Examples
    --------
    >>> from sklearn_ecg.metrics import macro_roc_auc_score
    >>> macro_roc_auc_score([[0, 1], [1, 0], [1, 1]], [[.1, .9], [.8, .2], [.7, .6]])
    1.0
    """
    scores = _per_class_ranking(_rank_auc, y_true, y_score, "AUROC")
    return scores if average is None else _macro(scores)


def macro_average_precision_score(
    y_true, y_score, *, average="macro"
) -> float | np.ndarray:
    """Average precision (area under the PR curve), macro-averaged over classes.

    Classes with only one value in ``y_true`` give NaN with a warning and are left
    out of the mean, as in :func:`macro_roc_auc_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_records,) or (n_records, n_classes)
        True binary labels or a multi-label indicator matrix.
    y_score : array-like of shape (n_records,), (n_records, 2) or (n_records, n_classes)
        Probabilities or decision values.
    average : {"macro"} or None, default="macro"
        ``None`` returns the per-class values.

    Returns
    -------
    score : float or ndarray of shape (n_classes,)
        The average precision.

    Examples
    --------
    >>> from sklearn_ecg.metrics import macro_average_precision_score
    >>> macro_average_precision_score([0, 1, 1, 0], [0.1, 0.9, 0.4, 0.5])
    0.833...
    """
    scores = _per_class_ranking(
        average_precision_score, y_true, y_score, "average precision"
    )
    return scores if average is None else _macro(scores)
