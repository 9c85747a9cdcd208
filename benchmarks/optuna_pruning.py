"""Pruning vs no pruning in OptunaSearchCV: epochs consumed and best score.

Synthetic 12-lead ECGs from ``make_ecg`` (the shared PTB-XL subset is too slow for a
CPU-only benchmark of 2 x N trials x K folds). Both searches use the same seeded TPE
sampler, the same folds and the same space; the pruned one uses a MedianPruner on
the fold-mean ``valid_loss`` per epoch (lock-step folds): a MedianPruner and a
SuccessiveHalvingPruner (which reads the step as a training budget in epochs, the
reason steps must be epochs). The best configuration of
each search is refitted and scored once on a held-out test split, never used in the
search.

Run: ``nice -n 10 python benchmarks/optuna_pruning.py [--trials 16] [--seeds 0 1]``
"""

import argparse
import time

import numpy as np
import optuna
import torch
from _common import add_common_args, write_result
from optuna.distributions import FloatDistribution
from optuna.pruners import MedianPruner, SuccessiveHalvingPruner
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.model_selection import OptunaSearchCV
from sklearn_ecg.preprocessing import LeadNormalizer

optuna.logging.set_verbosity(optuna.logging.WARNING)


def make_pipe(max_epochs, device):
    params = {
        **PLAIN_TRAINING, "depth": 18, "base_width": 8, "max_epochs": max_epochs,
        "patience": None,  # the comparison is about pruning, not early stopping
        "batch_size": 32, "validation_fraction": 0.2, "random_state": 0,
        "device": device,
    }  # fmt: skip
    clf = ECGResNetClassifier(**params)
    return Pipeline([("norm", LeadNormalizer()), ("clf", clf)])


PRUNERS = {
    # Median: prune when the fold-mean curve is below the median of finished
    # trials at the same epoch, from epoch 2 on, after 4 finished trials.
    "median": lambda: MedianPruner(n_startup_trials=4, n_warmup_steps=2),
    # Successive halving (ASHA): rungs at 2, 6, ... epochs keep the top third.
    "sha": lambda: SuccessiveHalvingPruner(min_resource=2, reduction_factor=3),
}

SPACE = {
    "clf__lr": FloatDistribution(1e-5, 3e-1, log=True),
    "clf__weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
    "clf__drop_prob": FloatDistribution(0.0, 0.5),
}


def run(X, y, X_test, y_test, pruner, seed, args):
    search = OptunaSearchCV(
        make_pipe(args.epochs, args.device),
        SPACE,
        cv=3,
        scoring="roc_auc",
        n_trials=args.trials,
        pruner=pruner,
        monitor="valid_loss",
        random_state=seed,
    )
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start
    res = search.cv_results_
    test_auc = roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])
    return {
        "epochs": int(np.nansum(res["n_epochs"])),
        "pruned": int(np.sum(res["state"] == "PRUNED")),
        "best_cv": float(search.best_score_),
        "test_auc": float(test_auc),
        "wall_s": wall,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--pruners", nargs="+", default=["median", "sha"], choices=list(PRUNERS)
    )
    args = add_common_args(parser).parse_args(argv)
    if args.quick:
        args.trials, args.epochs, args.records, args.seeds = 2, 2, 40, [0]
        args.pruners = ["median"]
    torch.set_num_threads(1)
    X, y = make_ecg(
        args.records, sfreq=100.0, duration=5.0, effect_size=0.5, noise=1.0,
        random_state=0, return_X_y=True,
    )  # fmt: skip
    X, X_test, y, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"X {X.shape}, test {X_test.shape}, {args.trials} trials x 3 folds x "
          f"{args.epochs} epochs, device={args.device}")  # fmt: skip
    header = f"{'seed':>4} {'pruning':>8} {'epochs':>7} {'pruned':>6} "
    print(header + f"{'best CV AUROC':>13} {'test AUROC':>10} {'wall s':>7}")
    rows = []
    for seed in args.seeds:
        for name in ["none", *args.pruners]:
            pruner = PRUNERS[name]() if name != "none" else None
            r = run(X, y, X_test, y_test, pruner, seed, args)
            rows.append((seed, name, r))
            r.update(seed=seed, pruner=name)
            print(
                f"{seed:>4} {name:>8} {r['epochs']:>7} {r['pruned']:>6} "
                f"{r['best_cv']:>13.3f} {r['test_auc']:>10.3f} {r['wall_s']:>7.0f}"
            )
    for name in ["none", *args.pruners]:
        sel = [r for _, n, r in rows if n == name]
        print(f"mean {name:>8}: epochs {np.mean([r['epochs'] for r in sel]):.0f}, "
              f"best CV {np.mean([r['best_cv'] for r in sel]):.3f}, "
              f"test {np.mean([r['test_auc'] for r in sel]):.3f}, "
              f"wall {np.mean([r['wall_s'] for r in sel]):.0f} s")  # fmt: skip
    none = np.sum([r["epochs"] for _, n, r in rows if n == "none"])
    for name in args.pruners:
        used = np.sum([r["epochs"] for _, n, r in rows if n == name])
        print(f"epochs saved by {name}: {1 - used / none:.0%}")
    write_result(args.out, "optuna_pruning", vars(args),
                 {"rows": [r for _, _, r in rows]}, device=args.device)  # fmt: skip


if __name__ == "__main__":
    main()
