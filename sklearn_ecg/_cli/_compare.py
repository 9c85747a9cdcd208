"""The study engine: pretrain each architecture, then compare arms by repeated CV.

An *arm* is one (architecture, condition) pair, where the condition is
``scratch`` (random initialisation) or ``warm`` (fine-tuned from the
architecture's pretrained checkpoint). Every arm sees exactly the same
repeated stratified folds, so arms are compared fold by fold (paired).
Nothing is selected on the test folds: early stopping and thresholds use the
estimator's internal validation split of each training fold.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold

from ._build import build_pipeline
from ._data import ECGData
from ._errors import CLIError
from ._progress import progress

CONDITIONS = ("scratch", "warm")


@dataclass
class ModelSpec:
    """One architecture of the comparison and its estimator parameters."""

    name: str
    params: dict = field(default_factory=dict)
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass
class StudyPlan:
    """Everything the engine needs, from the demo or a config file."""

    models: list[ModelSpec]
    conditions: tuple[str, ...] = CONDITIONS
    n_splits: int = 5
    n_repeats: int = 2
    training: dict = field(default_factory=dict)
    pretraining: dict = field(default_factory=dict)
    finetuning: dict = field(default_factory=dict)
    device: str = "auto"
    random_state: int = 0
    preprocess: str = "default"


def pretrain(source: ECGData, plan: StudyPlan, out_dir: Path) -> dict:
    """Fit each architecture on the source data and save its checkpoint.

    Returns ``{model title: {"checkpoint": path, "history": ..., "seconds": s}}``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for spec in progress(plan.models, desc="pretraining", unit="model"):
        params = {**plan.training, **spec.params, **plan.pretraining}
        pipe = build_pipeline(
            spec.name,
            sfreq=source.sfreq,
            lead_names=source.lead_names,
            device=plan.device,
            random_state=plan.random_state,
            params=params,
            preprocess=plan.preprocess,
        )
        start = time.perf_counter()
        pipe.fit(source.X, source.y)
        path = out_dir / f"{_slug(spec.title)}_pretrained.pt"
        save_checkpoint(pipe, path)
        clf = pipe[-1]
        results[spec.title] = {
            "checkpoint": str(path),
            "seconds": time.perf_counter() - start,
            "history": _history_table(clf),
            "n_epochs": int(getattr(clf, "n_epochs_", len(clf.history_))),
        }
    return results


def save_checkpoint(pipe, path: Path) -> None:
    """Save the pipeline's classifier with the pipeline described in the file."""
    from sklearn_ecg._cli._errors import require

    save = require("sklearn_ecg.classifiers", "save_pretrained", feature="pretraining")
    save(pipe, path)


def compare(target: ECGData, plan: StudyPlan, checkpoints: dict) -> dict:
    """Run every arm over the same repeated stratified folds.

    Returns a JSON-ready dict with, per arm, the per-fold scores, their summary
    and the out-of-fold probabilities of the first repetition (for ROC curves).
    """
    y = np.asarray(target.y)
    if y.ndim != 1 or len(np.unique(y)) != 2:
        raise CLIError(
            "the comparison needs a binary target (like PE vs no PE); use "
            "--target-column to pick one label of a multi-label dataset."
        )
    n_min = np.bincount(np.unique(y, return_inverse=True)[1]).min()
    if n_min < plan.n_splits:
        raise CLIError(
            f"the minority class has {n_min} records, fewer than n_splits="
            f"{plan.n_splits}; lower cv.n_splits or add records."
        )
    cv = RepeatedStratifiedKFold(
        n_splits=plan.n_splits, n_repeats=plan.n_repeats, random_state=plan.random_state
    )
    splits = list(cv.split(target.X, y))
    arms = [(m, c) for m in plan.models for c in plan.conditions]
    for model, cond in arms:
        if cond == "warm" and model.title not in checkpoints:
            raise CLIError(f"no pretrained checkpoint for {model.title!r}.")
    results = {}
    bar = progress(total=len(arms) * len(splits), desc="cross-validation", unit="fit")
    for model, cond in arms:
        pipe = build_pipeline(
            model.name,
            sfreq=target.sfreq,
            lead_names=target.lead_names,
            pretrained=checkpoints[model.title] if cond == "warm" else None,
            device=plan.device,
            random_state=plan.random_state,
            params={
                **plan.training,
                **model.params,
                **(plan.finetuning if cond == "warm" else {}),
            },
            preprocess=plan.preprocess,
        )
        bar.set_postfix_str(f"{model.title}/{cond}")
        results[f"{model.title} / {cond}"] = _run_arm(
            pipe, target.X, y, splits, plan.n_splits, bar
        )
    bar.close()
    _add_paired_differences(results, plan)
    return results


def _run_arm(pipe, X, y, splits, n_splits, bar) -> dict:
    scores = {
        "roc_auc": [],
        "average_precision": [],
        "sensitivity": [],
        "specificity": [],
        "gmean": [],
        "fit_seconds": [],
    }
    oof = np.full(len(y), np.nan)
    for i, (train, test) in enumerate(splits):
        est = clone(pipe)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            est.fit(X[train], y[train])
        scores["fit_seconds"].append(time.perf_counter() - start)
        proba = est.predict_proba(X[test])[:, 1]
        pred = est.predict(X[test])
        for name, value in fold_scores(y[test], proba, pred, est.classes_).items():
            scores[name].append(value)
        if i < n_splits:  # the first repetition covers every record once
            oof[test] = proba
        bar.update(1)
    return {"scores": scores, "oof_proba": oof.tolist(), "y_true": y.tolist()}


def fold_scores(y_true, proba, pred, classes) -> dict:
    """Score one test fold.

    AUROC and AP use the probabilities; sensitivity, specificity and G-mean use
    ``predict``, i.e. the estimator's own (fixed or validation-tuned) threshold.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    from sklearn_ecg.metrics import gmean_score, sensitivity_score, specificity_score

    y_bin = (np.asarray(y_true) == classes[1]).astype(int)
    p_bin = (np.asarray(pred) == classes[1]).astype(int)
    return {
        "roc_auc": float(roc_auc_score(y_bin, proba)),
        "average_precision": float(average_precision_score(y_bin, proba)),
        "sensitivity": float(sensitivity_score(y_bin, p_bin)),
        "specificity": float(specificity_score(y_bin, p_bin)),
        "gmean": float(gmean_score(y_bin, p_bin)),
    }


def summarize(
    scores: dict, *, confidence: float = 0.95, test_fraction=None, bounds=(0.0, 1.0)
) -> dict:
    """Mean, SD and a t-interval over folds for each score.

    With ``test_fraction`` given, the variance is inflated by Nadeau and
    Bengio's correction ``1/J + n_test/n_train``
    (:func:`sklearn_ecg.metrics.t_interval`), since overlapping training sets
    make fold scores positively correlated. Interval bounds are clipped to
    ``bounds``, the range of the metric (a t-interval knows nothing of it).
    """
    from sklearn_ecg.metrics import t_interval

    ratio = None if test_fraction is None else test_fraction / (1.0 - test_fraction)
    out = {}
    for name, values in scores.items():
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        mean, low, high = t_interval(
            v, confidence, test_train_ratio=ratio, bounds=bounds
        )
        sd = float(v.std(ddof=1)) if v.size > 1 else float("nan")
        out[name] = {
            "mean": mean,
            "sd": sd,
            "ci_low": low,
            "ci_high": high,
            "n": int(v.size),
        }
    return out


def _add_paired_differences(results: dict, plan: StudyPlan) -> None:
    # warm - scratch per fold: the same folds, so the paired difference has a
    # much tighter interval than comparing two marginal intervals.
    frac = 1.0 / plan.n_splits
    for model in plan.models:
        warm = results.get(f"{model.title} / warm")
        scratch = results.get(f"{model.title} / scratch")
        if warm is None or scratch is None:
            continue
        diff = np.subtract(warm["scores"]["roc_auc"], scratch["scores"]["roc_auc"])
        summary = summarize({"roc_auc": diff}, test_fraction=frac, bounds=(-1, 1))
        summary = summary["roc_auc"]
        warm["warm_minus_scratch_auroc"] = {**summary, "per_fold": diff.tolist()}
    for arm in results.values():
        arm["summary"] = summarize(arm["scores"], test_fraction=frac)


def _history_table(clf) -> dict:
    history = getattr(clf, "history_", None) or getattr(clf, "history", None)
    table = {}
    for key in ("train_loss", "valid_loss", "valid_auroc"):
        try:
            table[key] = [float(v) for v in history[:, key]]
        except (KeyError, TypeError, IndexError):
            continue
    return table


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_").lower()
