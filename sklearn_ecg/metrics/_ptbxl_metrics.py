"""The PTB-XL benchmark's threshold metrics and its threshold search.

Strodthoff et al. (2021) report, next to the macro AUROC, the PhysioNet/CinC
2020-style F_beta and G_beta (beta = 2) in which every record counts once in
total: each of its labels is weighted by ``1 / (its number of labels)``. They
turn probabilities into labels with per-class thresholds (Youden's J on the ROC
curve, or a grid search maximising G_beta) and a fallback: a record with no
probability above its threshold gets its most probable class.

These functions reproduce the reference code (``code/utils/utils.py`` of
github.com/helme/ecg_ptbxl_benchmarking: ``challenge_metrics``,
``find_optimal_cutoff_thresholds``, ``find_optimal_cutoff_thresholds_for_Gbeta``
and ``apply_thresholds``), vectorised; the tests compare them with numbers
computed by that code.

References
----------
.. [1] Strodthoff, N., Wagner, P., Schaeffter, T., Samek, W. (2021). Deep
   learning for ECG analysis: benchmarks and insights from PTB-XL. IEEE Journal
   of Biomedical and Health Informatics 25(5), 1519-1528.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_curve

from ..utils import check_choice
from ..utils._checks import check_label_matrix
from ..utils._docs import fill_doc
from ._classification import _safe_ratio

_TUNE_METHODS = ("youden", "gbeta")


def _check_pair(y_true, y_pred):
    y_true = check_label_matrix(y_true, "y_true")
    y_pred = check_label_matrix(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape "
            f"{y_pred.shape}; pass one column per class for the same records."
        )
    return y_true, y_pred


def _check_beta(beta) -> float:
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta <= 0:
        raise ValueError(f"beta must be a positive number, got beta={beta!r}.")
    return float(beta)


def _weighted_counts(y_true, y_pred):
    """Per-class TP, FP, FN with each record weighted by 1 / its label count."""
    n_labels = y_true.sum(axis=1)
    if (n_labels == 0).any():
        empty = np.flatnonzero(n_labels == 0)
        raise ValueError(
            f"{empty.size} record(s) of y_true have no label (rows "
            f"{empty[:10].tolist()}); the PTB-XL metrics weight each record by "
            "1 / its number of labels, so drop unlabelled records first."
        )
    w = 1.0 / n_labels
    tp = w @ (y_true & y_pred)
    fp = w @ (~y_true & y_pred)
    fn = w @ (y_true & ~y_pred)
    return tp, fp, fn


def _check_average(average):
    if average not in ("macro", None):
        raise ValueError(f"average must be 'macro' or None, got average={average!r}.")


def _average(per_class, average):
    return per_class if average is None else float(per_class.mean())


#: Docstring entries the two weighted scores share.
_LABELS_DOC = """\
    y_true : array-like of shape (n_records, n_classes)
        0/1 labels; every record needs at least one label.
    y_pred : array-like of shape (n_records, n_classes)
        0/1 predictions, e.g. from :func:`ptbxl_apply_thresholds`.
""".rstrip()
_TAIL_DOC = """\
    average : {"macro", None}, default="macro"
        Mean over classes, or the per-class values.
    zero_division : "warn", 0.0 or 1.0, default="warn"
        Value for a class with no positives that is never predicted ("warn":
        0.0 with a warning; the reference code raises ``ZeroDivisionError``).

    Returns
    -------
    score : float or ndarray of shape (n_classes,)

    Examples
    --------
    >>> y_true = [[1, 1], [1, 0], [0, 1]]
    >>> y_pred = [[1, 0], [1, 0], [0, 1]]
""".rstrip()


def _weighted_score(y_true, y_pred, beta, average, zero_division, name):
    """``name`` ("F_beta" or "G_beta") of the 1 / label-count weighted counts."""
    beta = _check_beta(beta)
    _check_average(average)
    tp, fp, fn = _weighted_counts(*_check_pair(y_true, y_pred))
    if name == "F_beta":
        tp, fn = (1 + beta**2) * tp, beta**2 * fn
    else:
        fn = beta * fn
    return _average(_safe_ratio(tp, tp + fp + fn, zero_division, name), average)


@fill_doc(labels=_LABELS_DOC, tail=_TAIL_DOC)
def ptbxl_fbeta_score(
    y_true, y_pred, *, beta: float = 2.0, average: str | None = "macro",
    zero_division="warn",
):  # fmt: skip
    """F_beta of the PTB-XL benchmark: records weighted by 1 / their label count.

    Per class, ``F = (1 + beta^2) TP / ((1 + beta^2) TP + FP + beta^2 FN)``,
    where a record with ``k`` labels adds ``1 / k`` (not 1) to each count.

    Parameters
    ----------
    %(labels)s
    beta : float, default=2.0
        Weight of recall; the benchmark uses 2.
    %(tail)s

    >>> from sklearn_ecg.metrics import ptbxl_fbeta_score
    >>> round(ptbxl_fbeta_score(y_true, y_pred), 4)
    0.8571
    """
    return _weighted_score(y_true, y_pred, beta, average, zero_division, "F_beta")


@fill_doc(labels=_LABELS_DOC, tail=_TAIL_DOC)
def ptbxl_gbeta_score(
    y_true, y_pred, *, beta: float = 2.0, average: str | None = "macro",
    zero_division="warn",
):  # fmt: skip
    """G_beta of the PTB-XL benchmark: records weighted by 1 / their label count.

    Per class, ``G = TP / (TP + FP + beta FN)`` (``beta``, not its square, as in
    the PhysioNet/CinC 2020 definition), where a record with ``k`` labels adds
    ``1 / k`` to each count.

    Parameters
    ----------
    %(labels)s
    beta : float, default=2.0
        Weight of false negatives; the benchmark uses 2.
    %(tail)s

    >>> from sklearn_ecg.metrics import ptbxl_gbeta_score
    >>> round(ptbxl_gbeta_score(y_true, y_pred), 4)
    0.75
    """
    return _weighted_score(y_true, y_pred, beta, average, zero_division, "G_beta")


def _check_proba(proba, name="proba") -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or not np.isfinite(proba).all():
        raise ValueError(
            f"{name} must be a finite array of shape (n_records, n_classes), got "
            f"shape {proba.shape}; pass the output of predict_proba."
        )
    return proba


def _youden(y, p):
    # The reference keeps roc_curve's defaults (drop_intermediate=True).
    fpr, tpr, thr = roc_curve(y, p)
    return thr[int(np.argmax(tpr - fpr))]


def _gbeta_grid(y, p, grid, beta):
    """Threshold of ``grid`` maximising the unweighted G_beta of ``p > t``."""
    pos, neg = np.sort(p[y]), np.sort(p[~y])
    tp = pos.size - np.searchsorted(pos, grid, side="right")
    fp = neg.size - np.searchsorted(neg, grid, side="right")
    fn = pos.size - tp
    den = (tp + fp + beta * fn).astype(float)
    g = np.divide(tp, den, out=np.zeros_like(den), where=den > 0)
    return grid[int(np.argmax(g))]


def ptbxl_tune_thresholds(
    y_true, proba, *, method: str = "youden", beta: float = 2.0,
    n_thresholds: int = 100,
) -> np.ndarray:  # fmt: skip
    """Per-class thresholds chosen as in the PTB-XL benchmark.

    Use validation data (the benchmark uses fold 9), never the test fold.

    Parameters
    ----------
    y_true : array-like of shape (n_records, n_classes)
        0/1 validation labels.
    proba : array-like of shape (n_records, n_classes)
        Predicted probabilities of the same records.
    method : {"youden", "gbeta"}, default="youden"
        ``"youden"``: the ROC threshold maximising TPR - FPR
        (``find_optimal_cutoff_thresholds``); ``"gbeta"``: the value of
        ``linspace(0, 1, n_thresholds)`` maximising the class's unweighted G_beta
        of ``proba > t`` (``find_optimal_cutoff_thresholds_for_Gbeta``). Ties go
        to the first (lowest-index) candidate, as in the reference.
    beta : float, default=2.0
        ``beta`` of G_beta for ``method="gbeta"``.
    n_thresholds : int, default=100
        Grid size for ``method="gbeta"``.

    Returns
    -------
    thresholds : ndarray of shape (n_classes,)
        To be used with :func:`ptbxl_apply_thresholds` (``proba > t``). A class
        whose ``y_true`` column holds a single value gets what the reference
        gives: ``inf`` with ``"youden"`` (scikit-learn warns that the ROC curve
        is undefined) and, without positives, 0.0 with ``"gbeta"``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import ptbxl_tune_thresholds
    >>> y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> p = [[0.9, 0.2], [0.3, 0.8], [0.7, 0.6], [0.1, 0.4]]
    >>> ptbxl_tune_thresholds(y, p).tolist()
    [0.7, 0.6]
    """
    check_choice(method, "method", _TUNE_METHODS)
    y = check_label_matrix(y_true, "y_true")
    p = _check_proba(proba)
    if y.shape != p.shape:
        raise ValueError(
            f"proba has shape {p.shape} but y_true has shape {y.shape}; pass one "
            "probability column per class."
        )
    if method == "youden":
        return np.array([_youden(y[:, c], p[:, c]) for c in range(y.shape[1])])
    beta = _check_beta(beta)
    if (
        isinstance(n_thresholds, bool)
        or not isinstance(n_thresholds, int)
        or (n_thresholds < 2)
    ):
        raise ValueError(
            f"n_thresholds must be an int >= 2, got n_thresholds={n_thresholds!r}."
        )
    grid = np.linspace(0.0, 1.0, n_thresholds)
    return np.array(
        [_gbeta_grid(y[:, c], p[:, c], grid, beta) for c in range(y.shape[1])]
    )


def ptbxl_apply_thresholds(proba, thresholds) -> np.ndarray:
    """Labels from probabilities as in the PTB-XL benchmark.

    A class is positive when ``proba > threshold`` (strictly); a record with no
    positive class gets its most probable class, so every record has a label.
    (:func:`apply_thresholds` uses ``>=`` and has no fallback.)

    Parameters
    ----------
    proba : array-like of shape (n_records, n_classes)
        Predicted probabilities.
    thresholds : float or array-like of shape (n_classes,)
        One threshold per class, e.g. from :func:`ptbxl_tune_thresholds`.

    Returns
    -------
    y_pred : ndarray of int of shape (n_records, n_classes)

    Examples
    --------
    >>> from sklearn_ecg.metrics import ptbxl_apply_thresholds
    >>> ptbxl_apply_thresholds([[0.2, 0.4], [0.9, 0.1]], [0.5, 0.5]).tolist()
    [[0, 1], [1, 0]]
    """
    proba = _check_proba(proba)
    thresholds = np.asarray(thresholds, dtype=float)
    if thresholds.ndim > 1 or thresholds.size not in (1, proba.shape[1]):
        raise ValueError(
            f"thresholds has shape {thresholds.shape} but proba has "
            f"{proba.shape[1]} class columns; pass one threshold per class."
        )
    out = (proba > thresholds).astype(int)
    empty = ~out.any(axis=1)
    out[np.flatnonzero(empty), np.argmax(proba[empty], axis=1)] = 1
    return out
