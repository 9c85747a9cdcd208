"""Compare estimators ("arms") fold by fold over the same repeated CV splits.

Scratch against warm start is two arms: the same estimator without and with
``warm_start_from``. Every arm is fitted on exactly the same training folds and
scored on the same test folds, so the per-fold differences against a baseline
arm are paired, and their interval is much tighter than two marginal ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import check_cv

from ..metrics import nadeau_bengio_ratio, t_interval
from ..metrics._report import _default_cv, _in_unit_range, _scoring_dict
from ..utils import to_json_safe
from ._dask import active_dask_client, broadcast_arm_weights
from ._overlap import fit_groups, guard_target

__all__ = ["ArmComparison", "compare_arms"]


@dataclass
class ArmComparison:
    """Result of :func:`compare_arms`.

    Attributes
    ----------
    arms : list of str
        Arm names, in the order given.
    baselines : dict of str to str
        For each compared arm, the arm it is compared against.
    splits : list of (ndarray, ndarray)
        The ``(train, test)`` indices of every fold, shared by all arms.
    scores : dict of str to dict of str to ndarray
        ``scores[arm][metric]``: one score per fold.
    fit_time : dict of str to ndarray
        Seconds spent in ``fit`` per fold, per arm.
    summary : dict of str to dict of str to dict
        ``summary[arm][metric]``: ``mean``, ``std``, ``ci_low``, ``ci_high``
        and ``n`` (finite folds).
    differences : dict of str to dict of str to dict
        ``differences[arm][metric]``: the same keys for ``arm - baseline``
        per fold, plus ``per_fold``.
    test_train_ratio : float or None
        The Nadeau-Bengio ``n_test / n_train`` term (from the actual fold
        sizes), or ``None`` without correction.
    confidence : float
        Confidence level of the intervals.
    predictions : dict of str to list of ndarray or None
        ``predictions[arm][k]``: ``predict_proba`` on the test records of fold
        ``k`` when asked for with ``return_predictions=True``.
    overlap : dict or None
        What the pretrained-overlap guard checked and found: ``mode``,
        per warm arm the counts of target records seen by its weights (by record
        id, patient id, signal), and ``n_excluded``.
    kept : ndarray of int or None
        With ``pretrained_overlap="exclude"`` and an overlap: the indices (in
        the given ``X``) of the records evaluated; ``splits`` index into them.
    estimators : dict of str to list or None
        ``estimators[arm][k]``: the estimator fitted on fold ``k``, with
        ``return_estimators=True``.
    """

    arms: list[str]
    baselines: dict[str, str]
    splits: list[tuple[np.ndarray, np.ndarray]]
    scores: dict[str, dict[str, np.ndarray]]
    fit_time: dict[str, np.ndarray]
    summary: dict[str, dict[str, dict]]
    differences: dict[str, dict[str, dict]]
    test_train_ratio: float | None
    confidence: float
    predictions: dict[str, list[np.ndarray]] | None = field(default=None, repr=False)
    overlap: dict | None = None
    kept: np.ndarray | None = field(default=None, repr=False)
    estimators: dict[str, list] | None = field(default=None, repr=False)

    @property
    def n_train(self) -> np.ndarray:
        """Training set size of each fold."""
        return np.array([len(tr) for tr, _ in self.splits])

    @property
    def n_test(self) -> np.ndarray:
        """Test set size of each fold."""
        return np.array([len(te) for _, te in self.splits])

    def to_dict(self) -> dict:
        """JSON-ready dict of everything but the indices and the predictions."""
        return to_json_safe(
            {
                "arms": self.arms,
                "baselines": self.baselines,
                "confidence": self.confidence,
                "correction": None
                if self.test_train_ratio is None
                else "nadeau-bengio",
                "test_train_ratio": self.test_train_ratio,
                "n_train": self.n_train,
                "n_test": self.n_test,
                "scores": self.scores,
                "fit_time": self.fit_time,
                "summary": self.summary,
                "differences": self.differences,
                "pretrained_overlap": self.overlap,
            }
        )


def _baselines(arms, baseline) -> dict[str, str]:
    if baseline is None:
        baseline = arms[0]
    if isinstance(baseline, str):
        if baseline not in arms:
            raise ValueError(f"baseline {baseline!r} is not an arm; arms: {arms}.")
        return {a: baseline for a in arms if a != baseline}
    if not isinstance(baseline, Mapping):
        raise TypeError(
            "baseline must be None, an arm name or a dict {arm: baseline arm}, "
            f"got {type(baseline).__name__}."
        )
    for arm, base in baseline.items():
        if arm not in arms or base not in arms or arm == base:
            raise ValueError(
                f"baseline {{{arm!r}: {base!r}}} must map an arm to another arm; "
                f"arms: {arms}."
            )
    return dict(baseline)


def _fit_and_score(estimator, X, y, groups, train, test, scorers, keep, params):
    est = clone(estimator).set_params(**params)
    start = time.perf_counter()
    est.fit(X[train], y[train], **fit_groups(est, groups, train))
    seconds = time.perf_counter() - start
    scores = {}
    for name, scorer in scorers.items():
        value = scorer(est, X[test], y[test])
        scores.update(value if isinstance(value, Mapping) else {name: value})
    proba = est.predict_proba(X[test]) if keep[0] else None
    return {k: float(v) for k, v in scores.items()}, seconds, proba, (
        est if keep[1] else None
    )


def _interval(values, confidence, ratio, bounds) -> dict:
    v = np.asarray(values, dtype=float)
    mean, low, high = t_interval(v, confidence, test_train_ratio=ratio, bounds=bounds)
    finite = v[np.isfinite(v)]
    sd = float(finite.std(ddof=1)) if finite.size > 1 else float("nan")
    return {
        "mean": mean,
        "std": sd,
        "ci_low": low,
        "ci_high": high,
        "n": int(finite.size),
    }


def _summaries(scores, baselines, confidence, ratio):
    summary, differences = {}, {}
    for arm, per_metric in scores.items():
        summary[arm] = {
            m: _interval(
                v, confidence, ratio, (0.0, 1.0) if _in_unit_range(m) else None
            )
            for m, v in per_metric.items()
        }
    for arm, base in baselines.items():
        differences[arm] = {}
        for m, v in scores[arm].items():
            diff = np.asarray(v) - np.asarray(scores[base][m])
            bounds = (-1.0, 1.0) if _in_unit_range(m) else None
            differences[arm][m] = {
                **_interval(diff, confidence, ratio, bounds),
                "per_fold": diff,
            }
    return summary, differences


def compare_arms(
    arms: Mapping[str, object],
    X,
    y,
    *,
    cv=None,
    groups=None,
    scoring="roc_auc",
    baseline: str | Mapping[str, str] | None = None,
    confidence: float = 0.95,
    correction: str | None = "nadeau-bengio",
    n_jobs: int | None = None,
    random_state=None,
    return_predictions: bool = False,
    return_estimators: bool = False,
    callback: Callable[[str, int], None] | None = None,
    pretrained_overlap: str = "raise",
    record_ids=None,
    fold_params: Callable[[str, int], dict] | None = None,
) -> ArmComparison:
    """Cross-validate several estimators on the same folds and compare them.

    Every arm is cloned and fitted on each training fold of one list of splits
    (arms x repeated CV), scored on the matching test fold, and summarised by
    its mean and a t-interval over folds. Each non-baseline arm also gets the
    per-fold paired difference ``arm - baseline`` with its interval. With the
    default ``correction="nadeau-bengio"`` the variance of every mean is
    ``(1/J + n_test/n_train) * s**2`` with the ratio taken from the actual fold
    sizes (:func:`sklearn_ecg.metrics.nadeau_bengio_ratio`), because
    overlapping training sets make fold scores correlated. Intervals of
    metrics in [0, 1] (AUROC, AP, G-mean, ...) are clipped to [0, 1], those of
    their differences to [-1, 1].

    Parameters
    ----------
    arms : dict of str to estimator
        Arm name to unfitted estimator (any scikit-learn estimator), e.g.
        ``{"scratch": clf, "warm": clone(clf).set_params(warm_start_from=ckpt)}``.
    X : array-like of shape (n_records, ...)
        Inputs (indexable by integer arrays).
    y : array-like of shape (n_records,) or (n_records, n_classes)
        Targets.
    cv : int, cross-validation generator or iterable, default=None
        Splitter; ``None`` uses 5-fold stratified CV repeated twice.
    groups : array-like of shape (n_records,), default=None
        Group (patient) ids, passed to the splitter's ``split`` (use a grouped
        splitter such as ``RepeatedStratifiedGroupKFold`` to keep a patient on
        one side) and, for the training records, to each arm's ``fit`` when it
        takes ``groups`` (an sklearn-ecg classifier, as ``clf__groups`` in a
        Pipeline ending in one, or ``OptunaSearchCV``, whose inner CV is then
        grouped: nested CV).
    scoring : str, callable, list or dict, default="roc_auc"
        Names from :func:`sklearn_ecg.metrics.get_scorer_names` or scorers
        ``scorer(estimator, X, y)``; a callable may return a dict of scores.
    baseline : str, dict or None, default=None
        The arm every other arm is compared with (``None``: the first arm), or
        a dict ``{arm: its baseline arm}`` for several pairs.
    confidence : float, default=0.95
        Confidence level of the intervals.
    correction : {"nadeau-bengio"} or None, default="nadeau-bengio"
        Variance correction for overlapping training sets.
    n_jobs : int, default=None
        Parallel fits (joblib), over arms and folds. Under
        ``joblib.parallel_config(backend="dask")`` the fits run on the Dask
        cluster (``n_jobs=-1``: all its workers) and the checkpoint of every
        warm arm is sent to each worker once
        (:func:`~sklearn_ecg.model_selection.broadcast_pretrained`).
    random_state : int or None, default=None
        Seed of the default splitter.
    return_predictions : bool, default=False
        Keep each fold's ``predict_proba`` on its test records.
    return_estimators : bool, default=False
        Keep each fold's fitted estimator (``estimators[arm][k]``), e.g. the
        parameters an ``OptunaSearchCV`` arm chose in each outer fold.
    callback : callable, default=None
        Called as ``callback(arm, fold)`` after each fit (progress bars).
    pretrained_overlap : {"raise", "exclude", "ignore"}, default="raise"
        Before splitting, the whole target is compared with the training-data
        fingerprint of every checkpoint an arm warm-starts from (record ids,
        patient ids from ``groups``, signal hashes). ``"raise"`` refuses any
        overlap with :class:`~sklearn_ecg.transfer.TrainingOverlapError`;
        ``"exclude"`` drops the overlapping records from the target (for every
        arm, with a warning; ``kept`` lists the rest); ``"ignore"`` keeps them
        and also sets each arm's ``pretrained_overlap="ignore"``.
    record_ids : array-like of shape (n_records,), default=None
        Record ids of ``X``, compared with the checkpoints' record ids.
    fold_params : callable, default=None
        ``fold_params(arm, fold) -> dict`` of parameters set on the arm's clone
        before it is fitted on that fold, e.g. a per-fold ``checkpoint_dir``
        (``{"clf__checkpoint_dir": f"ckpt/{arm}/{fold}"}``) so that a killed
        comparison run again resumes its interrupted fit and returns the
        finished ones at once.

    Returns
    -------
    result : ArmComparison
        Fold scores, summaries, paired differences; ``to_dict()`` for JSON.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ecg.model_selection import compare_arms
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 20)
    >>> X = y[:, None] + rng.normal(size=(40, 3))
    >>> arms = {"chance": DummyClassifier(), "logreg": LogisticRegression()}
    >>> res = compare_arms(arms, X, y, random_state=0)
    >>> len(res.scores["logreg"]["roc_auc"]), res.summary["chance"]["roc_auc"]["mean"]
    (10, 0.5)
    >>> d = res.differences["logreg"]["roc_auc"]
    >>> bool(d["ci_low"] > 0)
    True
    """
    names = list(arms)
    if not names:
        raise ValueError("arms must hold at least one {name: estimator} pair.")
    if correction not in ("nadeau-bengio", None):
        raise ValueError(
            f"correction must be 'nadeau-bengio' or None, got {correction!r}."
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}.")
    baselines = _baselines(names, baseline)
    X, y = np.asarray(X), np.asarray(y)
    arms, X, y, groups, kept, overlap = guard_target(
        arms, X, y, groups, record_ids, pretrained_overlap
    )
    cv = check_cv(
        _default_cv(y, random_state) if cv is None else cv, y, classifier=True
    )
    splits = list(cv.split(X, y, groups))
    scorers = _scoring_dict(scoring)
    client = active_dask_client()
    if client is not None:  # every checkpoint travels to each worker once
        arms = {a: broadcast_arm_weights(arms[a], client) for a in names}
    jobs = [(a, k) for a in names for k in range(len(splits))]
    keep = (return_predictions, return_estimators)
    estimators = {a: [None] * len(splits) for a in names}
    extra = [{} if fold_params is None else fold_params(a, k) for a, k in jobs]
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_score)(arms[a], X, y, groups, *splits[k], scorers, keep, p)
        for (a, k), p in zip(jobs, extra)
    )
    scores = {a: {} for a in names}
    fit_time = {a: np.zeros(len(splits)) for a in names}
    predictions = {a: [None] * len(splits) for a in names}
    for (a, k), (fold, seconds, proba, fitted) in zip(jobs, outputs):
        estimators[a][k] = fitted
        for m, v in fold.items():
            scores[a].setdefault(m, np.full(len(splits), np.nan))[k] = v
        fit_time[a][k], predictions[a][k] = seconds, proba
        if callback is not None:
            callback(a, k)
    ratio = None
    if correction == "nadeau-bengio":
        ratio = nadeau_bengio_ratio(
            [len(t) for t, _ in splits], [len(t) for _, t in splits]
        )
    summary, differences = _summaries(scores, baselines, confidence, ratio)
    return ArmComparison(
        arms=names,
        baselines=baselines,
        splits=splits,
        scores=scores,
        fit_time=fit_time,
        summary=summary,
        differences=differences,
        test_train_ratio=ratio,
        confidence=confidence,
        predictions=predictions if return_predictions else None,
        overlap=overlap,
        kept=kept,
        estimators=estimators if return_estimators else None,
    )
