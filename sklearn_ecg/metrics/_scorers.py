"""Scorers for ``cross_validate``, ``GridSearchCV`` and the Optuna search.

scikit-learn has no public way to register new scorer names, so the package
offers three equivalent routes:

- ``scoring=make_ecg_scorers()`` (a dict of every ECG scorer, or a chosen few);
- ``scoring=get_scorer("gmean")``, which also resolves every scikit-learn name;
- the module-level objects, e.g. ``scoring=gmean_scorer``.

The field's own metrics are here too: ``"ptbxl_fbeta"`` and ``"ptbxl_gbeta"``
(the PTB-XL benchmark's F_2 and G_2, records weighted by 1 / their label
count) and :func:`make_cinc2021_scorer` (the CinC 2021 challenge metric, which
needs the SNOMED-CT code of each column).

Threshold metrics (sensitivity, specificity, G-mean, F-beta) score the output
of the estimator's ``predict``, i.e. **at the estimator's own threshold**;
ranking metrics (AUROC, AP) score ``predict_proba`` (or ``decision_function``).
"""

from __future__ import annotations

from sklearn.metrics import fbeta_score, make_scorer
from sklearn.metrics import get_scorer as _sk_get_scorer
from sklearn.metrics import get_scorer_names as _sk_get_scorer_names
from sklearn.utils.multiclass import type_of_target

from ..utils._docs import fill_doc
from . import _classification as _cls
from ._ptbxl_metrics import ptbxl_fbeta_score, ptbxl_gbeta_score

#: The Returns entry of every scorer factory and the start of its Examples.
_RETURNS_SCORER_DOC = """\
    Returns
    -------
    scorer : callable
        A scikit-learn scorer ``scorer(estimator, X, y)``.

    Examples
    --------
""".rstrip()
_RETURNS_LR_DOC = _RETURNS_SCORER_DOC + (
    "\n    >>> from sklearn.linear_model import LogisticRegression"
)

_PROBA = ("predict_proba", "decision_function")


def _auto_fbeta(y_true, y_pred, *, beta, pos_label=1):
    """F-beta of the positive class (binary) or macro over classes otherwise."""
    kind = type_of_target(y_true, input_name="y_true")
    average = "binary" if kind == "binary" else "macro"
    return fbeta_score(
        y_true, y_pred, beta=beta, average=average, pos_label=pos_label,
        zero_division=0,
    )  # fmt: skip


@fill_doc(returns_lr=_RETURNS_LR_DOC)
def make_fbeta_scorer(beta: float = 1.0, *, pos_label=1):
    """Scorer for F-beta at the estimator's threshold.

    Positive-class F-beta for binary targets, macro F-beta for multi-label
    targets; undefined values count as 0.

    Parameters
    ----------
    beta : float, default=1.0
        Weight of recall relative to precision (``beta=2`` favours sensitivity).
    pos_label : int or str, default=1
        The positive class of binary targets.

    %(returns_lr)s
    >>> from sklearn_ecg.metrics import make_fbeta_scorer
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> make_fbeta_scorer(2.0)(LogisticRegression().fit(X, y), X, y)
    1.0
    """
    if not isinstance(beta, (int, float)) or beta <= 0:
        raise ValueError(f"beta must be a positive number, got beta={beta!r}.")
    return make_scorer(
        _auto_fbeta, response_method="predict", beta=float(beta), pos_label=pos_label
    )


def _threshold_scorer(func, pos_label):
    return make_scorer(
        func, response_method="predict", average="auto", pos_label=pos_label
    )


def _build_scorers(pos_label=1) -> dict:
    return {
        "roc_auc_macro": make_scorer(_cls.macro_roc_auc_score, response_method=_PROBA),
        "average_precision_macro": make_scorer(
            _cls.macro_average_precision_score, response_method=_PROBA
        ),
        "sensitivity": _threshold_scorer(_cls.sensitivity_score, pos_label),
        "specificity": _threshold_scorer(_cls.specificity_score, pos_label),
        "gmean": _threshold_scorer(_cls.gmean_score, pos_label),
        "study_gmean": make_scorer(_cls.study_gmean_score, response_method="predict"),
        "study_f1": make_scorer(_cls.study_f1_score, response_method="predict"),
        "f1": make_fbeta_scorer(1.0, pos_label=pos_label),
        "f2": make_fbeta_scorer(2.0, pos_label=pos_label),
        "ptbxl_fbeta": make_scorer(ptbxl_fbeta_score, response_method="predict"),
        "ptbxl_gbeta": make_scorer(ptbxl_gbeta_score, response_method="predict"),
    }


_SCORERS = _build_scorers()

#: AUROC of ``predict_proba``, macro over classes, NaN-safe.
roc_auc_macro_scorer = _SCORERS["roc_auc_macro"]
#: Average precision of ``predict_proba``, macro over classes, NaN-safe.
average_precision_macro_scorer = _SCORERS["average_precision_macro"]
#: Sensitivity of ``predict`` (positive class, or macro for multi-label).
sensitivity_scorer = _SCORERS["sensitivity"]
#: Specificity of ``predict`` (positive class, or macro for multi-label).
specificity_scorer = _SCORERS["specificity"]
#: G-mean of ``predict``: sqrt(sens*spec), or mean_c sqrt(sens_c*spec_c).
gmean_scorer = _SCORERS["gmean"]
#: The seed study's mixed G-mean (for comparison with its numbers only).
study_gmean_scorer = _SCORERS["study_gmean"]
#: PTB-XL benchmark F_2 of ``predict`` (multi-label, records weighted 1/n_labels).
ptbxl_fbeta_scorer = _SCORERS["ptbxl_fbeta"]
#: PTB-XL benchmark G_2 of ``predict`` (multi-label, records weighted 1/n_labels).
ptbxl_gbeta_scorer = _SCORERS["ptbxl_gbeta"]


def get_scorer_names() -> list[str]:
    """Names accepted by :func:`get_scorer`: the package's and scikit-learn's.

    Returns
    -------
    names : list of str
        The package's scorer names first, then scikit-learn's.

    Examples
    --------
    >>> from sklearn_ecg.metrics import get_scorer_names
    >>> "gmean" in get_scorer_names() and "accuracy" in get_scorer_names()
    True
    """
    return list(_SCORERS) + [n for n in _sk_get_scorer_names() if n not in _SCORERS]


@fill_doc(returns_lr=_RETURNS_LR_DOC)
def get_scorer(name):
    """Scorer from a name: the package's ECG scorers first, then scikit-learn's.

    Parameters
    ----------
    name : str or callable
        A name from :func:`get_scorer_names`; a callable is returned as is.

    %(returns_lr)s
    >>> from sklearn_ecg.metrics import get_scorer
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> get_scorer("specificity")(LogisticRegression().fit(X, y), X, y)
    1.0
    """
    if callable(name):
        return name
    if name in _SCORERS:
        return _SCORERS[name]
    try:
        return _sk_get_scorer(name)
    except ValueError:
        raise ValueError(
            f"{name!r} is not a known scorer name; choose one of "
            f"{list(_SCORERS)} or a scikit-learn name from get_scorer_names()."
        ) from None


def make_ecg_scorers(names=None, *, pos_label=1) -> dict:
    """Build a dict of ECG scorers to pass as ``scoring=`` to ``cross_validate``.

    Parameters
    ----------
    names : list of str or None, default=None
        Which scorers to include (any name of :func:`get_scorer_names`); ``None``
        gives AUROC, AP, sensitivity, specificity, G-mean and F1.
    pos_label : int or str, default=1
        The positive class of binary targets for the threshold metrics.

    Returns
    -------
    scoring : dict of str to callable
        Scorer per name.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from sklearn_ecg.metrics import make_ecg_scorers
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]] * 2, [0, 0, 1, 1] * 2
    >>> scoring = make_ecg_scorers(["gmean", "roc_auc_macro"])
    >>> res = cross_validate(LogisticRegression(), X, y, cv=2, scoring=scoring)
    >>> sorted(k for k in res if k.startswith("test_"))
    ['test_gmean', 'test_roc_auc_macro']
    """
    table = _SCORERS if pos_label == 1 else _build_scorers(pos_label)
    if names is None:
        names = [
            "roc_auc_macro", "average_precision_macro", "sensitivity",
            "specificity", "gmean", "f1",
        ]  # fmt: skip
    if isinstance(names, str):
        raise TypeError(
            f"names must be a list of scorer names, got the string {names!r}; "
            f"pass [{names!r}]."
        )
    return {n: table[n] if n in table else get_scorer(n) for n in names}
