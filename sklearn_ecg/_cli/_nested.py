"""``sklearn-ecg evaluate --tune``: nested cross-validation of one small cohort.

Each outer training fold runs its own Optuna search (``OptunaSearchCV``, inner
folds grouped by patient when patient ids are known); the refitted best model
is scored once on the outer test fold. The outer scores, their intervals and
the parameters chosen in every outer fold are reported: an honest estimate of
"tune, then train" on this cohort, since no test fold selects anything.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._build import pipeline_from_args
from ._compare import ModelSpec, StudyPlan, fold_scores, results_dict
from ._overlap import patient_ids, record_ids
from ._tune import build_search, plain

ARM = "tuned (nested CV)"


def nested_cv(args, data) -> tuple[dict, list[dict], dict]:
    """Return ``(results, chosen parameters per outer fold, checks)``."""
    from sklearn_ecg.model_selection import compare_arms

    pipe = pipeline_from_args(args, data, verbose=0)
    search = build_search(args, pipe, data)
    plan = StudyPlan(
        models=[ModelSpec(args.model)], n_splits=args.n_splits,
        n_repeats=args.n_repeats, random_state=args.seed,
    )  # fmt: skip
    groups = patient_ids(data)
    cv = plan.splitter(groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = compare_arms(
            {ARM: search}, data.X, np.asarray(data.y), cv=cv, groups=groups,
            scoring=fold_scores, return_predictions=True, return_estimators=True,
            pretrained_overlap=args.pretrained_overlap or "raise",
            record_ids=record_ids(data),
        )  # fmt: skip
    chosen = [
        {"fold": k, "inner_cv_score": float(est.best_score_),
         "params": {p: plain(v) for p, v in est.best_params_.items()}}
        for k, est in enumerate(result.estimators[ARM])
    ]  # fmt: skip
    y = np.asarray(data.y) if result.kept is None else np.asarray(data.y)[result.kept]
    checks = {
        "splitter": type(cv).__name__, "pretrained_overlap": result.overlap,
        "inner_cv": int(args.inner_cv), "n_trials": int(args.n_trials),
    }  # fmt: skip
    return results_dict(result, y, args.n_splits), chosen, checks


def chosen_table(chosen: list[dict]) -> list[list[str]]:
    """Rows ``fold | inner CV score | parameters`` for the report."""
    rows = [["outer fold", "inner CV score", "chosen parameters"]]
    for c in chosen:
        params = ", ".join(f"{k}={_fmt(v)}" for k, v in sorted(c["params"].items()))
        rows.append([str(c["fold"]), f"{c['inner_cv_score']:.3f}", params])
    return rows


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
