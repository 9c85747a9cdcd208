"""Repeated cross-validation with per-fold scores and corrected confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import t as student_t
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.utils.multiclass import type_of_target

from ._scorers import get_scorer, make_ecg_scorers


@dataclass
class CVReport:
    """Result of :func:`repeated_cv_report`.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per fold: ``fold``, ``n_train``, ``n_test``, ``fit_time``,
        ``score_time`` and one column per metric.
    summary : pandas.DataFrame
        One row per metric: ``mean``, ``std``, ``ci_low``, ``ci_high``,
        ``n_folds``.
    confidence : float
        Confidence level of the intervals.
    correction : str or None
        ``"nadeau-bengio"`` or ``None`` (the naive t-interval).
    """

    folds: pd.DataFrame
    summary: pd.DataFrame
    confidence: float
    correction: str | None

    def to_dict(self) -> dict:
        """JSON-ready dict with the folds and the summary."""
        return {
            "confidence": self.confidence,
            "correction": self.correction,
            "folds": self.folds.to_dict(orient="records"),
            "summary": self.summary.reset_index().to_dict(orient="records"),
        }

    def __str__(self) -> str:
        pct = round(100 * self.confidence)
        rows = [
            f"{name}: {r['mean']:.3f} ({pct}% CI {r['ci_low']:.3f}-{r['ci_high']:.3f})"
            for name, r in self.summary.iterrows()
        ]
        return "\n".join(rows)


def t_interval(scores, confidence=0.95, *, test_train_ratio=None, bounds=None):
    """Student-t confidence interval of the mean of fold scores.

    Parameters
    ----------
    scores : array-like of shape (n_folds,)
        One score per fold; NaN scores are left out.
    confidence : float, default=0.95
        Confidence level.
    test_train_ratio : float or None, default=None
        ``n_test / n_train``. When given, the variance of the mean is
        ``(1 / J + n_test / n_train) * s**2`` (Nadeau & Bengio, 2003) instead of
        ``s**2 / J``, which accounts for the overlap between training sets.
    bounds : tuple of float or None, default=None
        Range of the metric, such as ``(0, 1)`` for AUROC. A t-interval knows
        nothing of it, so its bounds are clipped to this range when given.

    Returns
    -------
    mean, low, high : float
        The mean and the interval bounds.

    Examples
    --------
    >>> from sklearn_ecg.metrics import t_interval
    >>> [round(v, 3) for v in t_interval([0.7, 0.8, 0.9])]
    [0.8, 0.552, 1.048]
    >>> [round(v, 3) for v in t_interval([0.7, 0.8, 0.9], bounds=(0, 1))]
    [0.8, 0.552, 1.0]
    """
    s = np.asarray(scores, dtype=float)
    s = s[np.isfinite(s)]
    if s.size < 2:
        m = float(s.mean()) if s.size else float("nan")
        return m, float("nan"), float("nan")
    mean, var = s.mean(), s.var(ddof=1)
    factor = 1.0 / s.size + (test_train_ratio or 0.0)
    se = np.sqrt(var * factor)
    half = student_t.ppf(0.5 + confidence / 2, df=s.size - 1) * se
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = np.clip([low, high], *bounds)
    return float(mean), float(low), float(high)


def nadeau_bengio_ratio(n_train, n_test) -> float:
    """Return the ``n_test / n_train`` term of the Nadeau-Bengio correction.

    Fold sizes of real CV differ by a record or so (and grouped splitters by
    more), so the ratio is the mean over folds of each fold's own
    ``n_test / n_train``, computed from the actual sizes rather than from
    ``1 / n_splits``. Pass it to :func:`t_interval` as ``test_train_ratio``;
    :func:`repeated_cv_report` and
    :func:`sklearn_ecg.model_selection.compare_arms` both do.

    Parameters
    ----------
    n_train, n_test : array-like of int, shape (n_folds,)
        Training and test set sizes of each fold.

    Returns
    -------
    ratio : float
        ``mean(n_test / n_train)``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import nadeau_bengio_ratio
    >>> nadeau_bengio_ratio([8, 8, 9], [4, 4, 3])
    0.4444444444444444
    """
    n_train = np.asarray(n_train, dtype=float)
    n_test = np.asarray(n_test, dtype=float)
    if n_train.shape != n_test.shape or n_train.size == 0 or (n_train <= 0).any():
        raise ValueError(
            "n_train and n_test must be non-empty sequences of the same length "
            f"with positive training sizes; got n_train={n_train.tolist()}, "
            f"n_test={n_test.tolist()}."
        )
    return float(np.mean(n_test / n_train))


#: Scorer names (and prefixes) whose values lie in [0, 1].
_UNIT_RANGE = (
    "roc_auc", "average_precision", "accuracy", "balanced_accuracy", "top_k_accuracy",
    "f1", "precision", "recall", "jaccard", "gmean", "study_", "sensitivity",
    "specificity",
)  # fmt: skip


def _unit_range_names(scoring, scorers):
    """Names of the scorers in ``scorers`` known to score in [0, 1]."""
    if scoring is None:  # make_ecg_scorers(): AUROC, AP, G-mean, F1, ...
        return set(scorers)
    if isinstance(scoring, str):
        specs = {scoring: scoring}
    elif isinstance(scoring, dict):
        specs = scoring
    elif callable(scoring):
        specs = {}
    else:
        specs = {name: name for name in scoring}
    return {
        name
        for name, spec in specs.items()
        if isinstance(spec, str) and spec.startswith(_UNIT_RANGE)
    }


def _in_unit_range(name: str) -> bool:
    """Whether a scorer name is one of those known to score in [0, 1]."""
    return isinstance(name, str) and name.startswith(_UNIT_RANGE)


def _default_cv(y, random_state):
    kind = type_of_target(y, input_name="y")
    if kind in ("binary", "multiclass"):
        return RepeatedStratifiedKFold(
            n_splits=5, n_repeats=2, random_state=random_state
        )
    # Multi-label targets have no stratified splitter in scikit-learn.
    return RepeatedKFold(n_splits=5, n_repeats=2, random_state=random_state)


def _scoring_dict(scoring):
    if scoring is None:
        return make_ecg_scorers()
    if isinstance(scoring, str):
        return {scoring: get_scorer(scoring)}
    if isinstance(scoring, dict):
        return {k: get_scorer(v) for k, v in scoring.items()}
    if callable(scoring):
        return {"score": scoring}
    return {name: get_scorer(name) for name in scoring}


def repeated_cv_report(
    estimator,
    X,
    y,
    *,
    cv=None,
    scoring=None,
    groups=None,
    confidence: float = 0.95,
    correction: str | None = "nadeau-bengio",
    n_jobs=None,
    params=None,
    random_state=None,
) -> CVReport:
    """Cross-validate and report per-fold scores with a mean and a t-interval.

    Fold scores of (repeated) k-fold CV are **not** independent: training sets
    overlap, so the naive t-interval ``mean +/- t * s / sqrt(J)`` is too narrow.
    By default the Nadeau–Bengio corrected variance
    ``(1/J + n_test/n_train) * s**2`` is used, a conservative but still
    approximate fix; report the fold scores alongside. Intervals of scores that
    live in [0, 1] (AUROC, average precision, G-mean, F1, accuracy, sensitivity,
    specificity, ...) are clipped to that range; other scores are not.

    Parameters
    ----------
    estimator : estimator
        Unfitted estimator, cloned per fold.
    X : array-like of shape (n_records, n_leads, n_times)
        ECG records (any input the estimator accepts).
    y : array-like of shape (n_records,) or (n_records, n_classes)
        Targets.
    cv : int, cross-validation generator or iterable, default=None
        Splitter; ``None`` uses 5-fold stratified CV repeated twice
        (``RepeatedKFold`` for multi-label targets).
    scoring : str, callable, list or dict, default=None
        Names from :func:`get_scorer_names` or scorers; ``None`` uses
        :func:`make_ecg_scorers`.
    groups : array-like of shape (n_records,), default=None
        Patient ids for grouped splitters.
    confidence : float, default=0.95
        Confidence level of the intervals.
    correction : {"nadeau-bengio"} or None, default="nadeau-bengio"
        Variance correction for overlapping training sets.
    n_jobs : int, default=None
        Parallel folds (joblib). Under
        ``joblib.parallel_config(backend="dask")`` they run on a Dask cluster;
        pass a warm start's checkpoint through
        :func:`sklearn_ecg.model_selection.broadcast_pretrained` so that it
        reaches each worker once.
    params : dict, default=None
        Extra parameters routed to ``fit`` by ``cross_validate``.
    random_state : int or None, default=None
        Seed of the default splitter.

    Returns
    -------
    report : CVReport
        ``folds`` and ``summary`` data frames; ``str(report)`` is a short table.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ecg.metrics import repeated_cv_report
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 30)
    >>> X = y[:, None] + rng.normal(size=(60, 2))
    >>> rep = repeated_cv_report(LogisticRegression(), X, y, scoring=["gmean"],
    ...                          random_state=0)
    >>> rep.folds.shape[0], list(rep.summary.columns)
    (10, ['mean', 'std', 'ci_low', 'ci_high', 'n_folds'])
    """
    if correction not in ("nadeau-bengio", None):
        raise ValueError(
            f"correction must be 'nadeau-bengio' or None, got {correction!r}."
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}.")
    if cv is None:
        cv = _default_cv(y, random_state)
    cv = check_cv(cv, y, classifier=True)
    splits = list(cv.split(X, y, groups))
    scorers = _scoring_dict(scoring)
    res = cross_validate(
        estimator, X, y, groups=groups, cv=splits, scoring=scorers,
        n_jobs=n_jobs, params=params, error_score="raise",
    )  # fmt: skip
    folds = pd.DataFrame(
        {
            "fold": np.arange(len(splits)),
            "n_train": [len(tr) for tr, _ in splits],
            "n_test": [len(te) for _, te in splits],
            "fit_time": res["fit_time"],
            "score_time": res["score_time"],
            **{name: res[f"test_{name}"] for name in scorers},
        }
    )
    ratio = None
    if correction == "nadeau-bengio":
        ratio = nadeau_bengio_ratio(folds["n_train"], folds["n_test"])
    rows = {}
    unit = _unit_range_names(scoring, scorers)
    for name in scorers:
        mean, low, high = t_interval(
            folds[name], confidence, test_train_ratio=ratio,
            bounds=(0.0, 1.0) if name in unit else None,
        )  # fmt: skip
        rows[name] = {
            "mean": mean, "std": float(np.nanstd(folds[name], ddof=1)),
            "ci_low": low, "ci_high": high,
            "n_folds": int(np.isfinite(folds[name]).sum()),
        }  # fmt: skip
    summary = pd.DataFrame.from_dict(rows, orient="index")
    return CVReport(folds, summary, confidence, correction)
