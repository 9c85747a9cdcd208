"""The study engine: pretrain each architecture, then compare arms by repeated CV.

An *arm* is one (architecture, condition) pair, where the condition is
``scratch`` (random initialisation) or ``warm`` (fine-tuned from the
architecture's pretrained checkpoint). The arms are compared by the library's
:func:`sklearn_ecg.model_selection.compare_arms` over one set of repeated
stratified folds (patient-grouped when patient ids are known), so every warm arm
is paired fold by fold with its scratch arm. Nothing is selected on the test
folds: early stopping and thresholds use the estimator's internal validation
split of each training fold (grouped too). Before any split the target is
compared with each checkpoint's training-data fingerprint
(``plan.pretrained_overlap``).
"""

from __future__ import annotations

import contextlib
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._build import build_pipeline
from ._data import ECGData
from ._errors import CLIError
from ._overlap import fit_params, patient_ids, record_ids
from ._progress import progress
from ._resume import fold_checkpoints, with_checkpoint

CONDITIONS = ("scratch", "warm")
#: The metric whose paired warm - scratch difference the report states.
MAIN_METRIC = "roc_auc"


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
    pretrained_overlap: str = "raise"

    def splitter(self, groups=None):
        """Return the repeated stratified splitter every arm shares.

        Patient-grouped (``RepeatedStratifiedGroupKFold``) when ``groups`` (the
        patient ids) are known, so no patient is on both sides of a fold.
        """
        from sklearn.model_selection import RepeatedStratifiedKFold

        from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold as RSGK

        cls = RepeatedStratifiedKFold if groups is None else RSGK
        return cls(
            n_splits=self.n_splits,
            n_repeats=self.n_repeats,
            random_state=self.random_state,
        )


def pretrain(
    source: ECGData, plan: StudyPlan, out_dir: Path, resume_dir: Path | None = None
) -> dict:
    """Fit each architecture on the source data and save its checkpoint.

    Returns ``{model title: {"checkpoint": path, "history": ..., "seconds": s}}``.
    With ``resume_dir``, each fit keeps a resume checkpoint there.
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
        if resume_dir is not None:
            with_checkpoint(pipe, resume_dir / "pretrain" / _slug(spec.title))
        start = time.perf_counter()
        pipe.fit(source.X, source.y, **fit_params(source))
        path = out_dir / f"{_slug(spec.title)}_pretrained.pt"
        clf = pipe[-1]
        clf.save_pretrained(path, pipeline=pipe, training_X=source.X)
        results[spec.title] = {
            "checkpoint": str(path),
            "seconds": time.perf_counter() - start,
            "history": history_table(clf),
            "n_epochs": int(getattr(clf, "n_epochs_", len(clf.history_))),
        }
    return results


def fold_scores(estimator, X, y) -> dict:
    """Score one test fold (a scorer returning a dict, for ``compare_arms``).

    AUROC and AP use the probabilities; sensitivity, specificity and G-mean use
    ``predict``, i.e. the estimator's own (fixed or validation-tuned) threshold.
    The positive class is ``estimator.classes_[1]``.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    from sklearn_ecg.metrics import gmean_score, sensitivity_score, specificity_score

    pos = estimator.classes_[1]
    y_bin = (np.asarray(y) == pos).astype(int)
    p_bin = (np.asarray(estimator.predict(X)) == pos).astype(int)
    proba = estimator.predict_proba(X)[:, 1]
    return {
        "roc_auc": float(roc_auc_score(y_bin, proba)),
        "average_precision": float(average_precision_score(y_bin, proba)),
        "sensitivity": float(sensitivity_score(y_bin, p_bin)),
        "specificity": float(specificity_score(y_bin, p_bin)),
        "gmean": float(gmean_score(y_bin, p_bin)),
    }


def _check_target(y, n_splits):
    if y.ndim != 1 or len(np.unique(y)) != 2:
        raise CLIError(
            "the comparison needs a binary target (like PE vs no PE); use "
            "--target-column to pick one label of a multi-label dataset."
        )
    n_min = np.bincount(np.unique(y, return_inverse=True)[1]).min()
    if n_min < n_splits:
        raise CLIError(
            f"the minority class has {n_min} records, fewer than n_splits="
            f"{n_splits}; lower cv.n_splits (--n-splits) or add records."
        )


def build_arms(target: ECGData, plan: StudyPlan, checkpoints: dict) -> tuple:
    """Return ``(arms, baselines)``: one pipeline per (model, condition)."""
    arms, baselines = {}, {}
    for model in plan.models:
        for cond in plan.conditions:
            if cond == "warm" and model.title not in checkpoints:
                raise CLIError(f"no pretrained checkpoint for {model.title!r}.")
            arms[f"{model.title} / {cond}"] = build_pipeline(
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
        if set(CONDITIONS) <= set(plan.conditions):
            baselines[f"{model.title} / warm"] = f"{model.title} / scratch"
    return arms, baselines


def compare(
    target: ECGData, plan: StudyPlan, checkpoints: dict, checks: dict | None = None,
    *, resume_dir: Path | None = None,
) -> dict:  # fmt: skip
    """Run every arm over the same repeated stratified folds (``compare_arms``).

    Returns the JSON-ready dict the report writes: per arm, the per-fold
    scores, their summary, the paired warm - scratch AUROC difference, and the
    out-of-fold probabilities of the first repetition (for ROC curves).
    ``checks``, when given, receives what was checked: the splitter and the
    pretrained-overlap summary (``compare_arms``'s ``overlap``). With
    ``resume_dir`` each (arm, fold) fit keeps a resume checkpoint under it.
    """
    from sklearn_ecg.model_selection import compare_arms

    y = np.asarray(target.y)
    _check_target(y, plan.n_splits)
    arms, baselines = build_arms(target, plan, checkpoints)
    bar = progress(total=len(arms) * plan.n_splits * plan.n_repeats,
                   desc="cross-validation", unit="fit")  # fmt: skip
    groups = patient_ids(target)
    cv = plan.splitter(groups)
    from sklearn_ecg.transfer import TrainingOverlapError

    with warnings.catch_warnings(), _overlap_as_cli_error(TrainingOverlapError):
        warnings.simplefilter("ignore", UserWarning)
        result = compare_arms(
            arms, target.X, y, cv=cv, groups=groups,
            scoring=fold_scores, baseline=baselines or None,
            return_predictions=True, callback=lambda arm, k: bar.update(1),
            pretrained_overlap=plan.pretrained_overlap,
            record_ids=record_ids(target),
            fold_params=None if resume_dir is None
            else fold_checkpoints(resume_dir, arms),
        )  # fmt: skip
    bar.close()
    if checks is not None:
        checks["splitter"] = type(cv).__name__
        checks["pretrained_overlap"] = result.overlap
    if result.kept is not None:
        y = y[result.kept]
    return results_dict(result, y, plan.n_splits)


@contextlib.contextmanager
def _overlap_as_cli_error(error_type):
    # A refused overlap is a usage problem (exit 2), not an internal error.
    try:
        yield
    except error_type as exc:
        raise CLIError(str(exc)) from exc


def results_dict(result, y, n_splits: int) -> dict:
    """Return the report's per-arm dict from a ``compare_arms`` result."""
    from sklearn_ecg.metrics import t_interval

    out = {}
    for arm in result.arms:
        oof = np.full(len(y), np.nan)
        for (_, test), proba in zip(result.splits[:n_splits], result.predictions[arm]):
            oof[test] = proba[:, 1]  # the first repetition covers every record once
        seconds = result.fit_time[arm]
        mean, low, high = t_interval(seconds, result.confidence)
        out[arm] = {
            "scores": {**result.scores[arm], "fit_seconds": seconds},
            "summary": {
                **result.summary[arm],
                "fit_seconds": {"mean": mean, "ci_low": low, "ci_high": high},
            },
            "oof_proba": oof,
            "y_true": y,
        }
        diff = result.differences.get(arm, {}).get(MAIN_METRIC)
        if diff is not None and arm.endswith(" / warm"):
            out[arm]["warm_minus_scratch_auroc"] = diff
    return out


def history_table(clf) -> dict:
    """Per-epoch losses and validation AUROC of a fitted classifier."""
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
