"""Small cohorts: the estimator's defaults against the alternatives (issue 15).

Target: PTB-XL atrial fibrillation/flutter vs the rest, the small real target of
``transfer.py`` (nested sets of 60/120/240/480 records at 12.5 % positives, drawn
with seed 0 from a 480-record pool), on the whole 10 s, 100 Hz records, without
``sfreq`` (the defaults must not need it). Every arm is scored on the same
repeated stratified **grouped** 5-fold splits (a patient is on one side of each
split; AUROC on the held-out fold), with the Nadeau-Bengio corrected 95 % t
interval of the mean and the paired per-fold differences between arms.

Warm-started arms start from ``ECGResNetClassifier()`` (its defaults) fitted on
the pretraining *source*: the super-diagnostic labels of every record of the
subset whose patient has no record in the 480-record pool. The package's overlap
guard (``pretrained_overlap="raise"``, the default) checks every warm fit against
the checkpoint's training fingerprint.

Arms (every other argument at its default):

- ``old_default``: ``ECGResNetClassifier()`` before issue 15 (width 16, lr 1e-3
  without a schedule, a 10 % internal split with early stopping after 5 epochs,
  whole records, no augmentation, batches of 64);
- ``default``: ``ECGResNetClassifier()`` as it is; at these sizes
  ``validation_fraction="auto"`` holds nothing out (the whole 30-epoch budget,
  last weights), ``batch_size="auto"`` gives batches of 16 and
  ``label_smoothing="auto"`` does not smooth (below 1,000 training records);
- ``ls01``: the defaults with label smoothing 0.1, what ``"auto"`` gives from
  1,000 training records on (the PTB-XL validation fold chose it there);
- ``split10``: the defaults with the old 10 % split (best epoch restored);
- ``split25``: the defaults with a 25 % split, which keeps 3 to 15 positives at
  these sizes (a split large enough to hold positives);
- ``ema``: the defaults with an exponential moving average of the weights
  (weight averaging instead of early stopping);
- ``b64``: the defaults with batches of 64 instead of 16 (not run by default);
- ``warm_default``, ``warm_ls01``, ``warm_split10``: the same, warm-started.

Run (CPU, two fits at a time, one torch thread each; 5x2 CV at every size)::

    python benchmarks/defaults_small.py --repeats 2 --jobs 2

Each fit is appended to ``<out>/defaults_small_records.jsonl`` as it ends; an
interrupted run continues where it stopped (fits already recorded are skipped).
``--records FILE`` only summarises saved records. The result file
``defaults_small.json`` holds the records and the summary; ``--plot FILE`` draws
the learning curves.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import add_common_args, write_result
from joblib import Parallel, delayed
from sklearn.metrics import roc_auc_score
from transfer import load_ptbxl_task, split_parts

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier
from sklearn_ecg.metrics import t_interval
from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold
from sklearn_ecg.transfer import PretrainedWeights

SIZES = (60, 120, 240, 480)
N_SPLITS = 5
ARMS = {
    "old_default": {**PLAIN_TRAINING, "base_width": 16},
    "default": {},
    "ls01": {"label_smoothing": 0.1},
    "split10": {"validation_fraction": 0.1},
    "split25": {"validation_fraction": 0.25},
    "ema": {"weight_averaging": "ema"},
    "b64": {"batch_size": 64},
    "warm_default": {"warm": True},
    "warm_ls01": {"warm": True, "label_smoothing": 0.1},
    "warm_split10": {"warm": True, "validation_fraction": 0.1},
}
#: The arm every other one is compared with (paired), and the "before" arm.
DEFAULT, BEFORE = "default", "old_default"


def load_targets(pool=None, prevalence=0.125, seed=0):
    """The nested AF-vs-rest targets of ``transfer.py`` and the pretraining source."""
    task = load_ptbxl_task(None)
    y, patients = task["y_all"], task["patients"]
    pool = max(SIZES) if pool is None else pool
    target, _, source = split_parts(y, patients, SIZES, pool, 0, prevalence, seed)
    shared = set(patients[target[max(SIZES)]]) & set(patients[source])
    assert not shared, f"{len(shared)} patients in both the source and the target"
    return {
        "X": task["X_all"], "y": y, "patients": patients, "target_idx": target,
        "source_idx": source, "Y_source": task["Y_source"],
    }  # fmt: skip


def pretrain(task, out: Path, max_epochs=None, threads=2):
    """``ECGResNetClassifier()`` fitted on the source (reused when it exists)."""
    src = task["source_idx"]
    key = hashlib.blake2b(src.tobytes(), digest_size=8).hexdigest()
    path = out / f"defaults_small_pretrained_{key}_{max_epochs}.pt"
    if path.exists():
        return PretrainedWeights.from_file(path), {"reused": True, "source_key": key}
    torch.set_num_threads(threads)
    est = ECGResNetClassifier(random_state=0)
    if max_epochs is not None:
        est.set_params(max_epochs=max_epochs)
    c0 = time.process_time()
    est.fit(task["X"][src], task["Y_source"][src])
    out.mkdir(parents=True, exist_ok=True)
    info = {
        "n_source": len(src), "source_key": key, "cpu_s": time.process_time() - c0,
        "epochs": len(est.history_), "n_epochs_": int(est.n_epochs_),
        "valid_auroc": (  # of the restored (best) epoch
            float(est.history_[est.n_epochs_ - 1, "valid_auroc"])
            if "valid_auroc" in est.history_[-1] else None
        ),
    }  # fmt: skip
    return est.save_pretrained(path), info


def folds(task, n, repeats):
    """The grouped stratified folds of the ``n``-record target (indices into it)."""
    idx = task["target_idx"][n]
    cv = RepeatedStratifiedGroupKFold(
        n_splits=N_SPLITS, n_repeats=repeats, random_state=0
    )
    y, groups = task["y"][idx], task["patients"][idx]
    return idx, list(cv.split(np.zeros(len(idx)), y, groups))


def fit_arm(arm, X, y, tr, te, seed, handle, max_epochs, threads):
    """Fit one arm on one fold; return the record of that fit."""
    torch.set_num_threads(threads)
    params = dict(ARMS[arm], random_state=seed)
    if params.pop("warm", False):
        params["warm_start_from"] = handle
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    est = ECGResNetClassifier(**params)
    c0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. few positives held out
        est.fit(X[tr], y[tr])
    auroc = roc_auc_score(y[te], est.predict_proba(X[te])[:, 1])
    return {
        "arm": arm, "auroc": float(auroc), "cpu_s": time.process_time() - c0,
        "epochs": len(est.history_), "n_epochs_": int(est.n_epochs_),
        "n_train": len(tr), "pos_train": int(y[tr].sum()),
        "batch_size": int(est.batch_size_),
    }  # fmt: skip


def run(task, sizes, repeats, arms, handle, *, jobs=1, threads=1, max_epochs=None,
        log: Path | None = None):  # fmt: skip
    """Fit every arm on every fold of every size; return one record per fit."""
    done = []
    if log is not None and log.exists():
        done = [json.loads(line) for line in log.read_text().splitlines()]
    seen = {(r["n"], r["fold"], r["arm"]) for r in done}
    work = []
    for n in sizes:
        idx, splits = folds(task, n, repeats)
        X, y = task["X"][idx], task["y"][idx]
        for fold, (tr, te) in enumerate(splits):
            work += [(n, fold, arm, X, y, tr, te) for arm in arms
                     if (n, fold, arm) not in seen]  # fmt: skip
    results = Parallel(n_jobs=jobs, return_as="generator_unordered")(
        delayed(_tagged)(n, fold, arm, X, y, tr, te, handle, max_epochs, threads)
        for n, fold, arm, X, y, tr, te in work
    )
    records = list(done)
    for rec in results:
        records.append(rec)
        print(json.dumps(rec), flush=True)
        if log is not None:
            with open(log, "a") as fh:
                fh.write(json.dumps(rec) + "\n")
    return [r for r in records if r["n"] in sizes and r["arm"] in arms]


def _tagged(n, fold, arm, X, y, tr, te, handle, max_epochs, threads):
    rec = fit_arm(arm, X, y, tr, te, fold, handle, max_epochs, threads)
    return {"n": n, "fold": fold, **rec}


def _interval(values, bounds):
    if len(values) < 2:  # one fold: no interval
        return float(np.mean(values)), None, None
    ratio = 1 / (N_SPLITS - 1)  # n_test / n_train of 5-fold CV
    return tuple(
        float(v) for v in t_interval(values, test_train_ratio=ratio, bounds=bounds)
    )


def summarize(records, bases=(BEFORE, DEFAULT)):
    """Mean [95 % CI] per size and arm, and paired differences to ``bases``."""
    rows = []
    for n in sorted({r["n"] for r in records}):
        at_n = [r for r in records if r["n"] == n]
        by_arm = {}
        for r in at_n:
            by_arm.setdefault(r["arm"], {})[r["fold"]] = r
        for arm, recs in by_arm.items():
            mean, lo, hi = _interval([r["auroc"] for r in recs.values()], (0, 1))
            row = {
                "n": n, "arm": arm, "folds": len(recs), "mean": mean, "lo": lo,
                "hi": hi, "cpu_s": float(np.mean([r["cpu_s"] for r in recs.values()])),
                "below_chance": sum(r["auroc"] < 0.5 for r in recs.values()),
                "n_epochs_": float(np.mean([r["n_epochs_"] for r in recs.values()])),
            }  # fmt: skip
            for base in bases:
                ref = by_arm.get(base, {})
                common = sorted(set(recs) & set(ref))
                if arm != base and len(common) > 1:
                    diff = [recs[f]["auroc"] - ref[f]["auroc"] for f in common]
                    row[f"minus_{base}"] = _interval(diff, (-1, 1))
            rows.append(row)
    return rows


def plot(summary, path: Path, arms=("old_default", "default", "warm_default")):
    """Learning curves (mean and 95 % interval per size) of ``arms``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for i, arm in enumerate(arms):
        rows = [r for r in summary if r["arm"] == arm]
        if not rows:
            continue
        n = np.array([r["n"] for r in rows]) * (1 + 0.03 * (i - 1))  # dodge
        mean = np.array([r["mean"] for r in rows])
        lo = np.array([r["lo"] if r["lo"] is not None else r["mean"] for r in rows])
        hi = np.array([r["hi"] if r["hi"] is not None else r["mean"] for r in rows])
        ax.errorbar(n, mean, yerr=[mean - lo, hi - mean], marker="o", capsize=3,
                    label=arm)  # fmt: skip
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(SIZES, [str(s) for s in SIZES])
    ax.set_xlabel("target records (12.5 % positives)")
    ax.set_ylabel("AUROC (grouped 5-fold CV, 95 % NB interval)")
    ax.set_title("PTB-XL AF/AFL vs rest: defaults before and after issue 15")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--repeats", type=int, default=2, help="repeats of the grouped 5-fold CV"
    )
    parser.add_argument(
        "--arms", nargs="+", choices=list(ARMS), default=[a for a in ARMS if a != "b64"]
    )
    parser.add_argument("--jobs", type=int, default=1, help="fits run at once")
    parser.add_argument("--threads", type=int, default=1, help="torch threads / fit")
    parser.add_argument(
        "--records", type=Path, default=None,
        help="summarise these saved fit records (JSON lines) instead of fitting",
    )  # fmt: skip
    parser.add_argument("--plot", type=Path, default=None, help="learning curves PNG")
    args = add_common_args(parser).parse_args(argv)
    pretraining = None
    if args.records is not None:
        records = [json.loads(line) for line in args.records.read_text().splitlines()]
    else:
        max_epochs = None
        if args.quick:
            args.sizes, args.repeats, max_epochs = [60], 1, 1
            args.arms = [BEFORE, DEFAULT, "warm_default"]
        task = load_targets()
        handle = None
        if any(ARMS[a].get("warm") for a in args.arms):
            handle, pretraining = pretrain(task, args.out, max_epochs, args.jobs)
        log = args.out / "defaults_small_records.jsonl"
        args.out.mkdir(parents=True, exist_ok=True)
        records = run(
            task, args.sizes, args.repeats, args.arms, handle, jobs=args.jobs,
            threads=args.threads, max_epochs=max_epochs,
            log=None if args.quick else log,
        )  # fmt: skip
    summary = summarize(records)
    if args.plot is not None:
        plot(summary, args.plot)
    results = {"records": records, "summary": summary, "pretraining": pretraining}
    write_result(args.out, "defaults_small", vars(args), results)
    return results


if __name__ == "__main__":
    main()
