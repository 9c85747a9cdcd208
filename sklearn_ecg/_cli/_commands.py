"""The subcommands ``train``, ``evaluate``, ``predict`` and ``tune``."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np

from . import _figures, _model_io
from ._build import build_pipeline, check_model_args, parse_assignments
from ._compare import ModelSpec, StudyPlan, compare, fold_scores
from ._data import load_data
from ._errors import CLIError, require
from ._report import (
    Report,
    comparison_table,
    fmt_ci,
    prepare_out_dir,
    render_text_table,
    write_json,
)
from ._safe_text import csv_safe_cell


def _load(args, default_split: str):
    if hasattr(args, "model"):
        # Fail on a bad --model/--set/--pretrained before reading any data.
        check_model_args(
            args.model,
            parse_assignments(args.params),
            getattr(args, "pretrained", None),
        )
    split = default_split if args.split == "auto" else args.split
    data = load_data(
        args.data,
        labels=args.labels,
        split=split,
        target_column=args.target_column,
        sfreq=args.sfreq,
        skip_missing=args.skip_missing,
        random_state=args.seed,
    )
    if not args.quiet:
        print(
            f"data: {data.description}: {data.X.shape[0]} records, {data.X.shape[1]} "
            f"leads, {data.X.shape[2]} samples at {data.sfreq:g} Hz",
            file=sys.stderr,
        )
    return data


def _pipeline(args, data, pretrained=None):
    return build_pipeline(
        args.model,
        sfreq=data.sfreq,
        lead_names=data.lead_names,
        pretrained=pretrained if pretrained is not None else args.pretrained,
        device=args.device,
        random_state=args.seed,
        params=parse_assignments(args.params),
        preprocess=args.preprocess,
        verbose=0 if args.quiet else 1,
    )


def cmd_train(args) -> int:
    """Fit ``--model`` on ``--data`` and save the model folder (no pickle)."""
    out = prepare_out_dir(args.out)
    data = _load(args, default_split="train")
    pipe = _pipeline(args, data)
    start = time.perf_counter()
    pipe.fit(data.X, data.y)
    seconds = time.perf_counter() - start
    paths = _model_io.save_model(pipe, out)
    clf = pipe[-1]
    from ._compare import _history_table

    history = _history_table(clf)
    results = {
        "command": "train",
        "data": data.description,
        "model": args.model,
        "pretrained": args.pretrained,
        "n_records": int(data.X.shape[0]),
        "classes": [str(c) for c in getattr(clf, "classes_", [])],
        "n_epochs": int(getattr(clf, "n_epochs_", len(history.get("train_loss", [])))),
        "fit_seconds": seconds,
        "history": history,
        "files": [str(p) for p in paths],
    }
    write_json(out / "results.json", results)
    if history:
        _figures.pretraining_curves(
            {args.model: {"history": history}}, out / "learning_curves.png"
        )
    print(
        f"trained {args.model} on {data.X.shape[0]} records in {seconds:.1f} s; "
        f"saved {', '.join(str(p) for p in paths)}"
    )
    return 0


def cmd_evaluate(args) -> int:
    """Score a trained model (bootstrap CIs) or cross-validate ``--model``."""
    out = prepare_out_dir(args.out)
    if args.model_file:
        return _evaluate_trained(args, out)
    data = _load(args, default_split="train")
    plan = StudyPlan(
        models=[ModelSpec(args.model, parse_assignments(args.params))],
        conditions=("warm",) if args.pretrained else ("scratch",),
        n_splits=args.n_splits,
        n_repeats=args.n_repeats,
        device=args.device,
        random_state=args.seed,
        preprocess=args.preprocess,
    )
    results = compare(data, plan, {args.model: args.pretrained})
    rows = comparison_table(results)
    print(render_text_table(rows))
    report = Report(f"sklearn-ecg evaluate: {args.model} on {data.description}")
    report.text(
        f"{args.n_repeats}x{args.n_splits} repeated stratified CV; mean and "
        "95% CI over test folds (Nadeau-Bengio corrected t-interval)."
    )
    report.table(rows)
    report.figure(
        _figures.scores_by_arm(results, out / "auroc_by_fold.png").name,
        "AUROC per test fold",
    )
    report.figure(
        _figures.roc_curves(results, out / "roc_curves.png").name,
        "Out-of-fold ROC curves",
    )
    report.write(out)
    write_json(out / "results.json", {"command": "evaluate", "results": results})
    return 0


def _evaluate_trained(args, out: Path) -> int:
    pipe = _model_io.load_model(args.model_file, allow_pickle=args.allow_pickle)
    data = _load(args, default_split="test")
    if data.y.ndim != 1:
        raise CLIError(
            "evaluate --model-file scores binary targets; use "
            "--target-column for a multi-label dataset."
        )
    proba = pipe.predict_proba(data.X)[:, 1]
    point = fold_scores(data.y, proba, pipe.predict(data.X), pipe.classes_)
    bootstrap_ci = require("sklearn_ecg.metrics", "bootstrap_ci", feature="evaluate")
    from sklearn.metrics import average_precision_score, roc_auc_score

    y_bin = (np.asarray(data.y) == pipe.classes_[1]).astype(int)
    cis = {}
    for name, metric in (
        ("roc_auc", roc_auc_score),
        ("average_precision", average_precision_score),
    ):
        ci = bootstrap_ci(
            y_bin, proba, metric, n_resamples=args.n_bootstrap, random_state=args.seed
        )
        cis[name] = _ci_dict(point[name], ci)
    rows = [["metric", "value [95% bootstrap CI]"]]
    rows += [[name, fmt_ci(ci)] for name, ci in cis.items()]
    rows += [[k, f"{v:.3f}"] for k, v in point.items() if k not in cis]
    print(render_text_table(rows))
    report = Report(f"sklearn-ecg evaluate: {args.model_file} on {data.description}")
    report.table(rows)
    fig = _figures.roc_with_band(
        data.y,
        proba,
        out / "roc_curve.png",
        n_resamples=min(args.n_bootstrap, 500),
        seed=args.seed,
        name=Path(args.model_file).name,
    )
    report.figure(fig.name, "ROC curve on the evaluation data, 95% bootstrap band")
    report.write(out)
    write_json(out / "results.json", {"command": "evaluate", "point": point, "ci": cis})
    return 0


def _ci_dict(point: float, ci) -> dict:
    # bootstrap_ci returns a BootstrapResult (estimate, low, high).
    return {"mean": float(point), "ci_low": float(ci.low), "ci_high": float(ci.high)}


def cmd_predict(args) -> int:
    """Write one row of class probabilities per record."""
    pipe = _model_io.load_model(args.model_file, allow_pickle=args.allow_pickle)
    data = _load(args, default_split="test")
    proba = pipe.predict_proba(data.X)
    classes = (
        [str(c) for c in pipe.classes_]
        if proba.shape[1] == len(pipe.classes_)
        else [str(i) for i in range(proba.shape[1])]
    )
    ids = data.record_ids or [str(i) for i in range(len(proba))]
    pred = pipe.predict(data.X)
    header = ["record", *(f"proba_{c}" for c in classes), "prediction"]
    rows = [
        [csv_safe_cell(i), *(f"{p:.6f}" for p in row), csv_safe_cell(_label(lab))]
        for i, row, lab in zip(ids, proba, pred)
    ]
    if args.out:
        path = prepare_out_dir(args.out) / "predictions.csv"
        with path.open("w", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
        print(f"wrote {len(rows)} predictions to {path}")
    else:
        csv.writer(sys.stdout).writerows([header, *rows])
    return 0


def _label(value) -> str:
    arr = np.asarray(value)
    return ";".join(str(v) for v in arr.ravel()) if arr.ndim else str(value)


def cmd_tune(args) -> int:
    """Optuna search over the architecture's search space, CV inside training."""
    OptunaSearchCV = require(
        "sklearn_ecg.model_selection", "OptunaSearchCV", feature="tune"
    )
    search_space = require(
        "sklearn_ecg.model_selection", "search_space", feature="tune"
    )
    out = prepare_out_dir(args.out)
    data = _load(args, default_split="train")
    pipe = _pipeline(args, data)
    pipe[-1].set_params(verbose=0)
    steps = dict(pipe.steps)
    space = search_space(
        args.model,
        clf="clf",
        filt="filter" if "filter" in steps else None,
        norm="normalize" if "normalize" in steps else None,
        device=_device_kind(args.device),
        warm_start=args.pretrained is not None,
        sfreq=data.sfreq,
    )
    search = OptunaSearchCV(
        pipe,
        space,
        cv=args.cv,
        scoring="roc_auc" if data.y.ndim == 1 else "roc_auc_ovr",
        n_trials=args.n_trials,
        timeout=args.timeout,
        storage=args.storage,
        study_name=args.study_name,
        random_state=args.seed,
        refit=True,
        verbose=0 if args.quiet else 1,
    )
    search.fit(data.X, data.y)
    best = {k: _plain(v) for k, v in search.best_params_.items()}
    write_json(
        out / "best_params.json",
        {"best_score": search.best_score_, "best_params": best},
    )
    search.study_.trials_dataframe().to_csv(out / "trials.csv", index=False)
    paths = _model_io.save_model(search.best_estimator_, out)
    print(f"best CV score {search.best_score_:.3f} with {best}")
    print(f"wrote best_params.json, trials.csv, {', '.join(p.name for p in paths)}")
    return 0


def _device_kind(device: str) -> str:
    return "cuda" if str(device).startswith("cuda") else "cpu"


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _cmd_demo(args):
    from ._demo import run_demo

    return run_demo(args)


def _cmd_study(args):
    from ._study import run_study_command

    return run_study_command(args)


COMMANDS = {
    "demo": _cmd_demo,
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "tune": cmd_tune,
    "study": _cmd_study,
}
