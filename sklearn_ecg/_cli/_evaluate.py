"""``sklearn-ecg evaluate``: repeated CV of ``--model``, or score a trained model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import _figures, _model_io
from ._args import add_command
from ._build import checked_data, parse_assignments
from ._compare import ModelSpec, StudyPlan, compare
from ._errors import CLIError
from ._overlap import add_overlap_arg, checks_text
from ._report import (
    Report,
    comparison_table,
    fmt_ci,
    prepare_out_dir,
    render_text_table,
    write_json,
)


def add_parser(subparsers):
    """Add the ``evaluate`` sub-parser."""
    p = add_command(
        subparsers,
        "evaluate",
        "repeated CV, or score a trained model",
        data=True,
        model=True,
    )
    p.add_argument(
        "--model-file",
        metavar="CKPT",
        help="score this trained model instead of cross-validating --model",
    )
    _model_io.add_model_file_args(p)
    p.add_argument("--n-splits", type=int, default=5)
    p.add_argument("--n-repeats", type=int, default=2)
    p.add_argument("--n-bootstrap", type=int, default=1000)
    p.add_argument("--out", required=True, help="report folder")
    add_overlap_arg(p)
    g = p.add_argument_group("nested CV")
    g.add_argument(
        "--tune", action="store_true",
        help="nested CV: an Optuna search (OptunaSearchCV) in every outer "
        "training fold, scored once on its test fold; reports the outer scores "
        "and the parameters chosen per fold",
    )  # fmt: skip
    g.add_argument("--n-trials", type=int, default=10, help="trials per outer fold")
    g.add_argument("--inner-cv", type=int, default=3, help="inner CV folds")
    return p


def run(args) -> int:
    """Score a trained model (bootstrap CIs) or cross-validate ``--model``."""
    out = prepare_out_dir(args.out)
    if args.model_file:
        return _evaluate_trained(args, out)
    # A PTB-XL checkpoint from `train` saw folds 1-9: evaluate a warm start on 10.
    data = checked_data(args, default_split="test" if args.pretrained else "train")
    if args.tune:
        return _evaluate_nested(args, data, out)
    plan = StudyPlan(
        models=[ModelSpec(args.model, parse_assignments(args.params))],
        conditions=("warm",) if args.pretrained else ("scratch",),
        n_splits=args.n_splits,
        n_repeats=args.n_repeats,
        device=args.device,
        random_state=args.seed,
        preprocess=args.preprocess,
        pretrained_overlap=args.pretrained_overlap or "raise",
    )
    checks = {}
    results = compare(data, plan, {args.model: args.pretrained}, checks)
    rows = comparison_table(results)
    print(render_text_table(rows))
    report = Report(f"sklearn-ecg evaluate: {args.model} on {data.description}")
    report.text(
        f"{args.n_repeats}x{args.n_splits} repeated stratified CV"
        + (", grouped by patient" if data.groups is not None else "")
        + "; mean and 95% CI over test folds (Nadeau-Bengio corrected t-interval)."
    )
    if args.pretrained:
        report.text(checks_text(checks))
    report.table(rows)
    _figures.add_arm_figures(
        report, results, out, scores_file="auroc_by_fold.png",
        scores_caption="AUROC per test fold", roc_caption="Out-of-fold ROC curves",
    )  # fmt: skip
    report.write(out)
    write_json(
        out / "results.json",
        {"command": "evaluate", "checks": checks, "results": results},
    )
    return 0


def _evaluate_nested(args, data, out: Path) -> int:
    from ._nested import chosen_table, nested_cv

    results, chosen, checks = nested_cv(args, data)
    rows = comparison_table(results)
    print(render_text_table(rows))
    print(render_text_table(chosen_table(chosen)))
    report = Report(f"sklearn-ecg evaluate --tune: {args.model} on {data.description}")
    report.text(
        f"Nested CV: {args.n_repeats}x{args.n_splits} repeated stratified outer CV "
        f"({checks['splitter']}); in each outer training fold an Optuna search "
        f"of {args.n_trials} trials with {args.inner_cv}-fold inner CV (grouped "
        "by patient when patient ids are known) picks the parameters, and the "
        "refitted best model is scored once on the outer test fold. Mean and 95% "
        "CI over outer test folds (Nadeau-Bengio corrected t-interval)."
    )
    report.table(rows)
    report.heading("Parameters chosen in each outer fold")
    report.table(chosen_table(chosen))
    if args.pretrained:
        report.text(checks_text(checks))
    report.write(out)
    write_json(out / "results.json", {"command": "evaluate", "nested": True,
               "checks": checks, "chosen": chosen, "results": results})  # fmt: skip
    return 0


def _evaluate_trained(args, out: Path) -> int:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from sklearn_ecg.metrics import bootstrap_ci

    from ._compare import fold_scores

    pipe = _model_io.load_model(args.model_file, allow_pickle=args.allow_pickle)
    data = _model_io.match_model(
        pipe, checked_data(args, default_split="test"), resample=args.resample
    )
    if data.y.ndim != 1:
        raise CLIError(
            "evaluate --model-file scores binary targets; use "
            "--target-column for a multi-label dataset."
        )
    proba = pipe.predict_proba(data.X)[:, 1]
    point = fold_scores(pipe, data.X, data.y)
    y_bin = (np.asarray(data.y) == pipe.classes_[1]).astype(int)
    cis = {}
    for name, metric in (
        ("roc_auc", roc_auc_score),
        ("average_precision", average_precision_score),
    ):
        ci = bootstrap_ci(
            y_bin, proba, metric, n_resamples=args.n_bootstrap, random_state=args.seed
        )
        cis[name] = {"mean": point[name], "ci_low": ci.low, "ci_high": ci.high}
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
