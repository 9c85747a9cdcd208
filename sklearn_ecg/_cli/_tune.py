"""``sklearn-ecg tune``: Optuna search of hyper-parameters."""

from __future__ import annotations

import numpy as np

from . import _model_io
from ._args import add_command
from ._build import checked_data, pipeline_from_args
from ._overlap import patient_ids
from ._report import prepare_out_dir, write_json


def add_parser(subparsers):
    """Add the ``tune`` sub-parser."""
    p = add_command(
        subparsers, "tune", "Optuna search of hyper-parameters", data=True, model=True
    )
    p.add_argument("--n-trials", type=int, default=20)
    p.add_argument("--timeout", type=float, help="seconds")
    p.add_argument("--cv", type=int, default=3, help="inner CV folds")
    p.add_argument("--storage", help="Optuna storage URL (sqlite:///study.db, ...)")
    p.add_argument("--study-name", help="resume or share this study")
    p.add_argument("--out", required=True, help="folder for best_params.json etc.")
    return p


def run(args) -> int:
    """Optuna search over the architecture's search space, CV inside training."""
    out = prepare_out_dir(args.out)
    data = checked_data(args, default_split="train")
    pipe = pipeline_from_args(args, data, verbose=0)
    search = build_search(args, pipe, data, storage=args.storage,
                          study_name=args.study_name, timeout=args.timeout)  # fmt: skip
    # With patient ids the inner folds are grouped (OptunaSearchCV's grouped cv).
    groups = patient_ids(data)
    search.fit(data.X, data.y, groups=groups)
    best = {k: plain(v) for k, v in search.best_params_.items()}
    write_json(
        out / "best_params.json",
        {"best_score": search.best_score_, "best_params": best},
    )
    search.study_.trials_dataframe().to_csv(out / "trials.csv", index=False)
    paths = _model_io.save_model(search.best_estimator_, out, training_X=data.X)
    print(f"best CV score {search.best_score_:.3f} with {best}")
    print(f"wrote best_params.json, trials.csv, {', '.join(p.name for p in paths)}")
    return 0


def build_search(args, pipe, data, *, storage=None, study_name=None, timeout=None):
    """Return the OptunaSearchCV of ``--model`` over its ready search space.

    Its inner CV (``--cv``/``--inner-cv`` folds) is patient-grouped when ``fit``
    is given ``groups``.
    """
    from sklearn_ecg.model_selection import OptunaSearchCV, search_space

    steps = dict(pipe.steps)
    space = search_space(
        args.model,
        clf="clf",
        filt="filter" if "filter" in steps else None,
        norm="normalize" if "normalize" in steps else None,
        device="cuda" if str(args.device).startswith("cuda") else "cpu",
        warm_start=args.pretrained is not None,
        sfreq=data.sfreq,
    )
    return OptunaSearchCV(
        pipe,
        space,
        cv=getattr(args, "inner_cv", None) or args.cv,
        scoring="roc_auc" if data.y.ndim == 1 else "roc_auc_ovr",
        n_trials=args.n_trials,
        timeout=timeout,
        storage=storage,
        study_name=study_name,
        random_state=args.seed,
        refit=True,
        verbose=0 if args.quiet else 1,
    )


def plain(value):
    """Return a numpy scalar as the Python value (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value

