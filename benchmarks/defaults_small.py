"""Small cohorts: the estimator's defaults against the alternatives (issue 15).

Target: PTB-XL atrial fibrillation/flutter vs the rest, the small real target of
``transfer.py`` (nested sets of 60/120/240/480 records at 12.5 % positives, drawn
with seed 0), trained **from scratch** on the whole 10 s, 100 Hz records. Every arm
is scored with the same repeated stratified 3-fold splits (AUROC on the held-out
fold; mean and Nadeau-Bengio corrected 95 % t interval, and the paired difference
to the old defaults).

Arms (every other argument at its default):

- ``old_default``: the defaults before issue 15 (width 16, lr 1e-3 without a
  schedule, a 10 % internal split with early stopping after 5 epochs, whole
  records, no augmentation);
- ``split10``: the new defaults with a 10 % internal split (best epoch restored)
  and batches of 64: what the old ``validation_fraction=0.1`` would give;
- ``nosplit_b64``: the new defaults without a split (the whole 30-epoch budget,
  last weights) and batches of 64;
- ``nosplit_b16``: the same with batches of 16 (four times the optimiser steps):
  what the defaults do at these sizes (``validation_fraction="auto"`` and
  ``batch_size="auto"``), so ``default`` is not run unless asked for;
- ``default``: ``ECGResNetClassifier(random_state=...)`` as it is.

Run (CPU; one process; the sizes and folds are the command line's)::

    python benchmarks/defaults_small.py --sizes 60 120 240 480 --folds 3 3 3 2

``--records FILE`` summarises saved fit records (JSON lines, one per fit) instead
of fitting; the result file ``defaults_small.json`` holds the records and the
summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import add_common_args, write_result
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from transfer import load_ptbxl_task, split_parts

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier
from sklearn_ecg.metrics import t_interval

SIZES = (60, 120, 240, 480)
ARMS = {
    "old_default": {**PLAIN_TRAINING, "base_width": 16},
    "split10": {"validation_fraction": 0.1, "batch_size": 64},
    "nosplit_b64": {"validation_fraction": None, "batch_size": 64},
    "nosplit_b16": {"validation_fraction": None, "batch_size": 16},
    "default": {},
}
#: What the defaults resolve to at every size of this benchmark.
DEFAULT_IS = "nosplit_b16"


def load_targets(sizes, prevalence=0.125, seed=0):
    """The nested AF-vs-rest PTB-XL targets of ``transfer.py`` (the same draw)."""
    task = load_ptbxl_task(None)
    y, patients = task["y_all"], task["patients"]
    target, _, _ = split_parts(y, patients, sizes, max(sizes), 0, prevalence, seed)
    return {"X": task["X_all"], "y": y, "target_idx": target}


def run(task, sizes, folds, arms, max_epochs=None, log=None):
    """Fit every arm on every fold of every size; return one record per fit."""
    records = []
    for n, n_folds in zip(sizes, folds):
        idx = task["target_idx"][n]
        X, y = task["X"][idx], task["y"][idx]
        repeats = -(-n_folds // 3)
        cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=repeats, random_state=0)
        for fold, (tr, te) in zip(range(n_folds), cv.split(X, y)):
            for arm in arms:
                params = dict(ARMS[arm], random_state=fold, device="cpu")
                if max_epochs is not None:
                    params["max_epochs"] = max_epochs
                est = ECGResNetClassifier(**params)
                c0 = time.process_time()
                est.fit(X[tr], y[tr])
                auroc = roc_auc_score(y[te], est.predict_proba(X[te])[:, 1])
                rec = {
                    "n": n, "fold": fold, "arm": arm, "auroc": float(auroc),
                    "cpu_s": time.process_time() - c0, "epochs": len(est.history_),
                    "n_train": len(tr), "pos_train": int(y[tr].sum()),
                }  # fmt: skip
                records.append(rec)
                if log is not None:
                    print(json.dumps(rec), file=log, flush=True)
    return records


def summarize(records, base="old_default"):
    """Mean [95 % CI] per size and arm, and the paired difference to ``base``."""
    rows = []
    for n in sorted({r["n"] for r in records}):
        at_n = [r for r in records if r["n"] == n]
        ref = {r["fold"]: r["auroc"] for r in at_n if r["arm"] == base}
        for arm in dict.fromkeys(r["arm"] for r in at_n):
            mine = {r["fold"]: r["auroc"] for r in at_n if r["arm"] == arm}
            vals = list(mine.values())
            mean, lo, hi = float(np.mean(vals)), None, None  # one fold: no interval
            if len(vals) > 1:
                mean, lo, hi = t_interval(vals, test_train_ratio=0.5, bounds=(0, 1))
            row = {
                "n": n, "arm": arm, "folds": len(vals), "mean": mean, "lo": lo,
                "hi": hi, "cpu_s": float(np.mean(
                    [r["cpu_s"] for r in at_n if r["arm"] == arm])),
            }  # fmt: skip
            common = sorted(set(mine) & set(ref))
            if arm != base and len(common) > 1:
                diff = [mine[f] - ref[f] for f in common]
                row["delta"] = t_interval(
                    diff, test_train_ratio=0.5, bounds=(-1.0, 1.0)
                )  # fmt: skip
            rows.append(row)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--folds", type=int, nargs="+", default=[3, 3, 3, 2],
        help="folds per size (3 per repeat of 3-fold CV)",
    )  # fmt: skip
    parser.add_argument(
        "--arms", nargs="+", choices=list(ARMS),
        default=[a for a in ARMS if a != "default"],
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--records", type=Path, default=None,
        help="summarise these saved fit records (JSON lines) instead of fitting",
    )  # fmt: skip
    args = add_common_args(parser).parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.records is not None:
        records = [json.loads(line) for line in args.records.read_text().splitlines()]
    else:
        max_epochs = None
        if args.quick:
            args.sizes, args.folds, max_epochs = [60], [1], 1
        task = load_targets(list(SIZES))
        records = run(task, args.sizes, args.folds, args.arms, max_epochs, sys.stdout)
    results = {"records": records, "summary": summarize(records)}
    write_result(args.out, "defaults_small", vars(args), results)
    return results


if __name__ == "__main__":
    main()
