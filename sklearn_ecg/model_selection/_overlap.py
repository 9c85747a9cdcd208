"""The patient plumbing of :func:`compare_arms`: the overlap guard and ``groups``.

Before any split, every checkpoint that an arm warm-starts from is compared with
the whole target (record ids, patient ids, signal hashes; see
:class:`sklearn_ecg.transfer.TrainingFingerprint`). Records the weights have
seen are refused (``"raise"``), dropped from the target with a warning
(``"exclude"``: the weights are fixed, so the target is the only side that can
give way), or kept (``"ignore"``, which also switches off each arm's own
fit-time guard).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
from sklearn.base import clone

from ..transfer._fingerprint import overlap_error
from ..transfer._pretrained import as_pretrained_weights

OVERLAP_MODES = ("raise", "exclude", "ignore")


def _warm_start_params(estimator) -> dict:
    """``{parameter name: value}`` of every non-None ``warm_start_from`` inside."""
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    return {
        k: v
        for k, v in params.items()
        if v is not None
        and (k == "warm_start_from" or k.endswith("__warm_start_from"))
    }


def _silence_arm_guard(estimator):
    est = clone(estimator)
    names = [
        k for k in est.get_params(deep=True)
        if k == "pretrained_overlap" or k.endswith("__pretrained_overlap")
    ]  # fmt: skip
    return est.set_params(**dict.fromkeys(names, "ignore")) if names else est


def guard_target(arms, X, y, groups, record_ids, mode):
    """Check the target against every arm's pretrained weights.

    Parameters
    ----------
    arms : dict of str to estimator
        The arms of the comparison.
    X, y : ndarray
        The whole target.
    groups, record_ids : array-like or None
        Patient and record ids of the target records.
    mode : {"raise", "exclude", "ignore"}
        What to do with overlapping records.

    Returns
    -------
    arms, X, y, groups, kept, summary
        The arms (silenced with ``"ignore"``), the target restricted to the kept
        records, their indices in the original target (None when all are kept)
        and a JSON-ready summary of what was checked and found.
    """
    if mode not in OVERLAP_MODES:
        raise ValueError(
            f"pretrained_overlap must be one of {OVERLAP_MODES}, got {mode!r}."
        )
    summary = {"mode": mode, "checkpoints": {}, "n_excluded": 0}
    mask = np.zeros(len(X), dtype=bool)
    for arm, est in arms.items():
        for param, value in _warm_start_params(est).items():
            fp = as_pretrained_weights(value, param).load().training_data
            if fp is None:
                summary["checkpoints"][arm] = {"checked": [], "fingerprint": False}
                continue
            report = fp.overlap(X, record_ids=record_ids, groups=groups)
            report.action = mode if report.n_overlap else "none"
            summary["checkpoints"][arm] = report.to_dict()
            if report.n_overlap and mode == "raise":
                raise overlap_error(report, f"the target (arm {arm!r})")
            mask |= report.mask
    if mode == "ignore":
        arms = {a: _silence_arm_guard(e) for a, e in arms.items()}
    if mode != "exclude" or not mask.any():
        return arms, X, y, groups, None, summary
    kept = np.flatnonzero(~mask)
    if kept.size == 0:
        raise ValueError(
            f"pretrained_overlap='exclude' would drop all {len(X)} target records: "
            "the pretrained weights were trained on every one of them. Pretrain on "
            "another source."
        )
    warnings.warn(
        f"pretrained_overlap='exclude': dropped {int(mask.sum())} of {len(X)} target "
        "records that the pretrained weights were trained on (by record id, patient "
        "id or signal); every arm is evaluated on the remaining records.",
        UserWarning,
        stacklevel=3,
    )
    summary["n_excluded"] = int(mask.sum())
    groups = None if groups is None else np.asarray(groups)[kept]
    return arms, X[kept], y[kept], groups, kept, summary


def _takes_groups(method) -> bool:
    try:
        return "groups" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def fit_groups(estimator, groups, train) -> dict:
    """``fit`` keyword giving the training records' patients to the estimator.

    ``{"groups": ...}`` when ``estimator.fit`` takes ``groups`` (sklearn-ecg
    classifiers, ``OptunaSearchCV``), ``{"<last step>__groups": ...}`` for a
    Pipeline whose last step does, else nothing.
    """
    if groups is None:
        return {}
    values = np.asarray(groups)[train]
    steps = getattr(estimator, "steps", None)
    if steps:
        name, last = steps[-1]
        takes = _takes_groups(getattr(last, "fit", None))
        return {f"{name}__groups": values} if takes else {}
    return {"groups": values} if _takes_groups(estimator.fit) else {}
