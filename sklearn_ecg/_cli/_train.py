"""``sklearn-ecg train``: fit a model and save it."""

from __future__ import annotations

import time

from . import _figures, _model_io
from ._args import add_command
from ._build import checked_data, pipeline_from_args
from ._compare import history_table
from ._overlap import fit_params
from ._report import prepare_out_dir, write_json
from ._resume import (
    add_resume_arg,
    finish,
    resume_errors,
    resume_root,
    with_checkpoint,
)


def add_parser(subparsers):
    """Add the ``train`` sub-parser."""
    p = add_command(
        subparsers, "train", "fit a model and save it", data=True, model=True
    )
    p.add_argument("--out", required=True, help="folder for model.pt and results")
    add_resume_arg(p)
    return p


@resume_errors()
def run(args) -> int:
    """Fit ``--model`` on ``--data`` and save ``model.pt`` (+ ``model.joblib``)."""
    out = prepare_out_dir(args.out)
    data = checked_data(args, default_split="train")
    pipe = pipeline_from_args(args, data)
    root = resume_root(out, args.resume)
    with_checkpoint(pipe, root, required=args.resume)
    start = time.perf_counter()
    pipe.fit(data.X, data.y, **fit_params(data))
    seconds = time.perf_counter() - start
    paths = _model_io.save_model(pipe, out, training_X=data.X)
    clf = pipe[-1]
    history = history_table(clf)
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
    finish(root)
    if history:
        _figures.pretraining_curves(
            {args.model: {"history": history}}, out / "learning_curves.png"
        )
    print(
        f"trained {args.model} on {data.X.shape[0]} records in {seconds:.1f} s; "
        f"saved {', '.join(str(p) for p in paths)}"
    )
    return 0
