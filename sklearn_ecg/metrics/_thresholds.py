"""Per-class decision thresholds tuned on validation data.

For a **binary** classifier, prefer scikit-learn's
:class:`~sklearn.model_selection.TunedThresholdClassifierCV`, which tunes the
threshold by internal cross-validation on the training data only::

    from sklearn.model_selection import TunedThresholdClassifierCV
    from sklearn_ecg.metrics import gmean_scorer
    clf = TunedThresholdClassifierCV(estimator, scoring=gmean_scorer, cv=5)
    clf.fit(X_train, y_train)  # the test set is never seen
    clf.best_threshold_

For **multi-label** targets, use :func:`tune_thresholds` on the predicted
probabilities of a held-out *validation* split (never the test split), then
:func:`apply_thresholds` to the test probabilities.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_curve

from ..utils import check_choice
from ._classification import _warn_if_one_value

_METHODS = ("f1", "youden", "gmean", "sensitivity")
_UNTUNABLE = (
    "class {c} has a single value in y_val, so no threshold can be tuned; keeping "
    "0.5. Use a larger or stratified validation split."
)


def _best_f1(y, p):
    precision, recall, thr = precision_recall_curve(y, p)
    # The last PR point has no threshold; drop it before matching lengths.
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(
            precision + recall > 0, 2 * precision * recall / (precision + recall), 0
        )[:-1]
    return thr[int(np.argmax(f1))]


def _best_roc(y, p, method, target):
    fpr, tpr, thr = roc_curve(y, p, drop_intermediate=False)
    # roc_curve prepends an infinite threshold (predict nothing); skip it.
    fpr, tpr, thr = fpr[1:], tpr[1:], thr[1:]
    if method == "youden":
        return thr[int(np.argmax(tpr - fpr))]
    if method == "gmean":
        return thr[int(np.argmax(np.sqrt(tpr * (1 - fpr))))]
    # Highest threshold reaching the target sensitivity keeps specificity highest.
    return thr[int(np.argmax(tpr >= target))]


def _check_inputs(y_val, proba_val):
    y = np.asarray(y_val)
    p = np.asarray(proba_val, dtype=float)
    if y.ndim == 1 and p.ndim == 2 and p.shape[1] == 2:
        p = p[:, 1]  # binary predict_proba
    squeeze = y.ndim == 1
    y, p = np.atleast_2d(y.T).T, np.atleast_2d(p.T).T
    if y.shape != p.shape:
        raise ValueError(
            f"proba_val has shape {np.shape(proba_val)} but y_val has shape "
            f"{np.shape(y_val)}; pass one probability column per class."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError(
            "y_val must hold 0/1 labels (binary or a multi-label indicator "
            "matrix); encode the classes first, e.g. with MultiLabelBinarizer."
        )
    return y, p, squeeze


def tune_thresholds(
    y_val, proba_val, method: str = "f1", *, target_sensitivity: float = 0.9
) -> np.ndarray | float:
    """Choose one decision threshold per class from validation predictions.

    Use a validation split (or out-of-fold predictions on the training data),
    never the test split: a threshold chosen on test data inflates every
    threshold metric reported on it.

    Parameters
    ----------
    y_val : array-like of shape (n_records,) or (n_records, n_classes)
        Validation labels, 0/1 (binary or multi-label indicator).
    proba_val : array-like of the same shape (or (n_records, 2) if binary)
        Predicted probabilities of the positive class(es) on the same records.
    method : {"f1", "youden", "gmean", "sensitivity"}, default="f1"
        ``"f1"``: maximise F1; ``"youden"``: maximise TPR - FPR;
        ``"gmean"``: maximise sqrt(TPR * (1 - FPR)); ``"sensitivity"``: the
        highest threshold whose sensitivity reaches ``target_sensitivity``.
    target_sensitivity : float, default=0.9
        Used by ``method="sensitivity"``.

    Returns
    -------
    thresholds : ndarray of shape (n_classes,) or float
        A record is positive for class ``c`` when ``proba >= thresholds[c]``.
        A float for 1-D ``y_val``. A class with a single value in ``y_val``
        keeps 0.5, with a warning.

    See Also
    --------
    apply_thresholds : Turn probabilities into labels with these thresholds.
    sklearn.model_selection.TunedThresholdClassifierCV : The binary case.

    Notes
    -----
    For a binary estimator, wrap it instead in
    ``TunedThresholdClassifierCV(clf, scoring=gmean_scorer, cv=5)`` (any
    threshold scorer of this package works): the threshold is then tuned by
    internal CV on the training data and applied by ``predict``, so it travels
    with the model through ``cross_validate`` without touching test folds.

    Examples
    --------
    >>> from sklearn_ecg.metrics import tune_thresholds
    >>> y = [[0, 1], [1, 1], [0, 0], [1, 0]]
    >>> p = [[0.2, 0.9], [0.4, 0.8], [0.1, 0.3], [0.35, 0.2]]
    >>> tune_thresholds(y, p, method="youden").tolist()
    [0.35, 0.8]
    """
    check_choice(method, "method", _METHODS)
    if not 0 < target_sensitivity <= 1:
        raise ValueError(
            f"target_sensitivity must be in (0, 1], got {target_sensitivity!r}."
        )
    y, p, squeeze = _check_inputs(y_val, proba_val)
    thresholds = np.full(y.shape[1], 0.5)
    for c in range(y.shape[1]):
        if _warn_if_one_value(y[:, c], _UNTUNABLE.format(c=c), UserWarning, 3):
            continue
        if method == "f1":
            thresholds[c] = _best_f1(y[:, c], p[:, c])
        else:
            thresholds[c] = _best_roc(y[:, c], p[:, c], method, target_sensitivity)
    return float(thresholds[0]) if squeeze else thresholds


def apply_thresholds(proba, thresholds) -> np.ndarray:
    """Labels from probabilities and per-class thresholds (``proba >= t``).

    Parameters
    ----------
    proba : array-like of shape (n_records,) or (n_records, n_classes)
        Probabilities of the positive class(es).
    thresholds : float or array-like of shape (n_classes,)
        One threshold per class, e.g. from :func:`tune_thresholds`.

    Returns
    -------
    y_pred : ndarray of int, same shape as ``proba``
        0/1 labels.

    Examples
    --------
    >>> from sklearn_ecg.metrics import apply_thresholds
    >>> apply_thresholds([[0.2, 0.9], [0.6, 0.1]], [0.5, 0.05]).tolist()
    [[0, 1], [1, 1]]
    """
    proba = np.asarray(proba, dtype=float)
    thresholds = np.asarray(thresholds, dtype=float)
    n_classes = 1 if proba.ndim == 1 else proba.shape[1]
    if thresholds.ndim > 1 or (thresholds.ndim == 1 and thresholds.size != n_classes):
        raise ValueError(
            f"thresholds has shape {thresholds.shape} but proba has {n_classes} "
            "class column(s); pass one threshold per class."
        )
    return (proba >= thresholds).astype(int)
