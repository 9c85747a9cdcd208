"""``sklearn-ecg predict``: class probabilities from a trained model."""

from __future__ import annotations

import csv
import sys

import numpy as np

from . import _model_io
from ._args import add_command
from ._data import load_from_args
from ._report import prepare_out_dir
from ._safe_text import csv_safe_cell


def add_parser(subparsers):
    """Add the ``predict`` sub-parser."""
    p = add_command(
        subparsers, "predict", "probabilities from a trained model", data=True
    )
    p.add_argument("--model-file", required=True, metavar="CKPT")
    _model_io.add_model_file_args(p)
    p.add_argument("--out", help="folder for predictions.csv (default: stdout)")
    return p


def run(args) -> int:
    """Write one row of class probabilities per record."""
    pipe = _model_io.load_model(args.model_file, allow_pickle=args.allow_pickle)
    data = _model_io.match_model(
        pipe, load_from_args(args, default_split="test"), resample=args.resample
    )
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
