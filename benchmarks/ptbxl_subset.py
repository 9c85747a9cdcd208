"""PTB-XL super-diagnostic benchmark on the shared 1,819-record subset.

Protocol: 5-label multi-label task (CD, HYP, MI, NORM, STTC); ``strat_fold`` 1-8
train, fold 9 validation (early stopping / best-epoch restore via ``X_val``),
fold 10 test; macro AUROC on fold 10, mean and sd over seeds, with wall and CPU
time per seed. A MiniRocket baseline (aeon) runs side by side.

Add an architecture by adding an entry to ``MODELS`` (name -> factory taking the
seed); select rows with ``--models``. Examples::

    nice -n 10 python benchmarks/ptbxl_subset.py --models resnet18 minirocket
    nice -n 10 python benchmarks/ptbxl_subset.py --models resnet18_w32 --seeds 0
    # aeon in another environment (its numpy/pandas pins clash with ours):
    python benchmarks/ptbxl_subset.py --aeon-python /tmp/aeon_venv/bin/python
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import load_ptbxl
from sklearn_ecg.utils import get_shared_data_dir


def resnet(**kw):
    return lambda seed: ECGResNetClassifier(sfreq=100.0, random_state=seed, **kw)


#: Rows of the benchmark: name -> factory(seed) returning an unfitted estimator.
MODELS = {
    # The package default (whatever ECGResNetClassifier() is today).
    "resnet18": resnet(),
    # Candidates tried while choosing the defaults.
    "resnet18_w64": resnet(base_width=64),
    "resnet18_w32": resnet(base_width=32),
    "resnet18_w16": resnet(base_width=16),
    "resnet18_w32_onecycle": resnet(base_width=32, lr=3e-3, lr_schedule="onecycle"),
    "resnet18_w16_onecycle": resnet(base_width=16, lr=3e-3, lr_schedule="onecycle"),
    # One-cycle needs its whole schedule: no early stop, best epoch restored.
    "resnet18_w16_onecycle_full": resnet(
        base_width=16, lr=3e-3, lr_schedule="onecycle", patience=None
    ),
    "resnet18_w32_onecycle_full": resnet(
        base_width=32, lr=3e-3, lr_schedule="onecycle", patience=None, max_epochs=25
    ),
}


def load_split():
    ds = load_ptbxl(
        get_shared_data_dir() / "ptbxl_subset",
        task="superdiagnostic",
        on_missing="skip",
    )
    folds = np.asarray(ds.strat_fold)
    parts = {
        "train": folds <= 8,
        "valid": folds == 9,
        "test": folds == 10,
    }
    return ds.data, ds.target, parts, list(ds.target_names)


def run_estimator(name, seed, X, Y, parts):
    est = MODELS[name](seed)
    t0, c0 = time.perf_counter(), time.process_time()
    est.fit(
        X[parts["train"]],
        Y[parts["train"]],
        X_val=X[parts["valid"]],
        y_val=Y[parts["valid"]],
    )
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    proba = est.predict_proba(X[parts["test"]])
    auc = roc_auc_score(Y[parts["test"]], proba, average="macro")
    return auc, wall, cpu, f"epochs={len(est.history_)} best={est.n_epochs_}"


def run_minirocket(seed, X, Y, parts, aeon_python):
    args = (X[parts["train"]], Y[parts["train"]], X[parts["test"]], seed)
    if aeon_python is None:
        from _minirocket import minirocket_scores

        t0, c0 = time.perf_counter(), time.process_time()
        scores = minirocket_scores(*args)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
            np.savez(src, X_train=args[0], Y_train=args[1], X_test=args[2], seed=seed)
            script = os.path.join(os.path.dirname(__file__), "_minirocket.py")
            subprocess.run([aeon_python, script, src, dst], check=True)
            out = np.load(dst)
            scores, wall, cpu = out["scores"], float(out["wall"]), float(out["cpu"])
    auc = roc_auc_score(Y[parts["test"]], scores, average="macro")
    return auc, wall, cpu, "aeon MiniRocket + RidgeClassifierCV"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["resnet18", "minirocket"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--aeon-python", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, Y, parts, names = load_split()
    print(
        f"labels {names}; records "
        + ", ".join(f"{k} {v.sum()}" for k, v in parts.items())
    )
    for name in args.models:
        rows = []
        for seed in args.seeds:
            if name == "minirocket":
                res = run_minirocket(seed, X, Y, parts, args.aeon_python)
            else:
                res = run_estimator(name, seed, X, Y, parts)
            rows.append(res)
            print(
                f"  {name} seed={seed}: AUROC {res[0]:.4f}  wall {res[1]:.0f}s  "
                f"cpu {res[2]:.0f}s  {res[3]}",
                flush=True,
            )
        aucs = np.array([r[0] for r in rows])
        sd = aucs.std(ddof=1) if len(aucs) > 1 else 0.0
        wall = np.mean([r[1] for r in rows])
        cpu = np.mean([r[2] for r in rows])
        print(
            f"| {name} | {aucs.mean():.4f} ± {sd:.4f} | {wall:.0f} | {cpu:.0f} "
            f"| {len(rows)} |",
            flush=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
