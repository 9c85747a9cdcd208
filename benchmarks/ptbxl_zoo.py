"""PTB-XL subset: every architecture of the model zoo, side by side.

Super-diagnostic (CD, HYP, MI, NORM, STTC) multi-label classification on the shared
1,819-record PTB-XL subset (100 Hz, 10 s). Official folds: 1-9 train (10 % of them,
stratified, held out inside the estimator for early stopping), 10 test. Models are
trained on random 2.5 s crops and score whole records by sliding windows, as in
Strodthoff et al. (2021). For each row: test macro AUROC mean ± sd over seeds,
parameter count and CPU training time (process time of ``fit``).

The shared development machine has 2 busy CPU cores, so the default settings are
reduced (narrow models, few epochs); pass ``--full`` for the paper-size models.

    nice -n 10 python benchmarks/ptbxl_zoo.py --seeds 0 1 2 --epochs 8
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import wfdb
from sklearn.metrics import roc_auc_score

from sklearn_ecg import classifiers as C
from sklearn_ecg.utils import get_shared_data_dir

LABELS = ["CD", "HYP", "MI", "NORM", "STTC"]
SFREQ = 100.0
CROP = 250  # 2.5 s at 100 Hz, the PTB-XL benchmark's crop

# (row name, estimator class name, reduced kwargs, paper-size kwargs)
ROWS = [
    ("resnet1d_wang (fast default)", "ECGResNetWangClassifier", {"width": 32}, {}),
    ("xresnet1d18", "ECGXResNetClassifier", {"depth": 18, "base_width": 16}, {}),
    ("inception1d", "ECGInceptionClassifier", {"n_filters": 8, "kernel_size": 20},
     {}),
    ("resnet1d18", "ECGResNetClassifier", {"depth": 18, "base_width": 16},
     {"depth": 18, "base_width": 64}),
    ("attresnet1d18 (HSMNet)", "ECGAttResNetClassifier",
     {"base_width": 16, "num_heads": 4}, {}),
    ("crnn1d18 bi-LSTM", "ECGCRNNClassifier",
     {"base_width": 16, "hidden_size": 64, "bidirectional": True}, {}),
    ("restransformer1d18", "ECGResTransformerClassifier", {"base_width": 16}, {}),
    ("transformer1d (patch 5)", "ECGTransformerClassifier",
     {"embed_dim": 64, "patch_size": 5}, {"embed_dim": 256, "patch_size": 5}),
    ("vgg1d11-bn", "ECGVGGClassifier",
     {"depth": 11, "base_width": 16, "hidden_size": 256}, {"depth": 11}),
    ("alexnet1d", "ECGAlexNetClassifier", {"base_width": 16, "hidden_size": 256}, {}),
]  # fmt: skip
COMMON = {
    "lr": 1e-3,
    "batch_size": 64,
    "crop_length": CROP,
    "inference": "sliding_mean",
    "inference_stride": CROP // 2,
    "sfreq": SFREQ,
    "patience": 5,
    "lr_schedule": "onecycle",
}
# The seed paper's own recipe: ResNet18, lr 1e-4, focal loss alpha 0.7 gamma 2, its
# one-of-7 augmentation.
PAPER_ROW = (
    "paper recipe: resnet1d18, lr 1e-4, focal(0.7, 2), paper aug",
    "ECGResNetClassifier",
    {"depth": 18, "base_width": 64, "lr": 1e-4, "criterion": "focal",
     "focal_alpha": 0.7, "focal_gamma": 2.0, "augment": "paper"},
    {"base_width": 16},
)  # fmt: skip


def load_subset(data_dir: Path):
    root = data_dir / "ptbxl_subset"
    index = pd.read_csv(root / "subset_index.csv")
    X = np.stack(
        [wfdb.rdsamp(str(root / f))[0].T for f in index["filename_lr"]]
    ).astype(np.float32)
    sets = index["diagnostic_superclass"].fillna("").str.split("|")
    Y = np.array([[lab in s for lab in LABELS] for s in sets], dtype=int)
    return X, Y, index["strat_fold"].to_numpy()


def run_row(cls_name, kwargs, data, seeds, epochs):
    X_tr, Y_tr, X_te, Y_te = data
    aucs, cpu = [], []
    for seed in seeds:
        params = {**COMMON, "max_epochs": epochs, "random_state": seed, **kwargs}
        est = getattr(C, cls_name)(**params)
        t0 = time.process_time()
        est.fit(X_tr, Y_tr)
        cpu.append(time.process_time() - t0)
        aucs.append(roc_auc_score(Y_te, est.predict_proba(X_te), average="macro"))
    n_params = sum(p.numel() for p in est.module_.parameters())
    return np.mean(aucs), np.std(aucs), n_params, np.mean(cpu), est.n_epochs_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--rows", nargs="*", help="prefixes of the row names to run")
    parser.add_argument("--full", action="store_true", help="paper-size models")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the machine is shared
    X, Y, fold = load_subset(get_shared_data_dir())
    train, test = fold <= 9, fold == 10
    data = (X[train], Y[train], X[test], Y[test])
    print(f"train {train.sum()} / test {test.sum()} records, crop {CROP}, "
          f"{args.epochs} epochs max, seeds {args.seeds}")  # fmt: skip
    print("| model | macro AUROC (mean ± sd) | params | CPU s / fit | epochs |")
    print("|---|---|---|---|---|")
    rows = [(n, c, full if args.full else red) for n, c, red, full in ROWS]
    paper_name, paper_cls, paper_kw, paper_reduced = PAPER_ROW
    if not args.full:
        paper_kw = {**paper_kw, **paper_reduced}
    for name, cls_name, kw in [*rows, (paper_name, paper_cls, paper_kw)]:
        if args.rows and not any(name.startswith(r) for r in args.rows):
            continue
        mean, sd, n_params, cpu, n_ep = run_row(
            cls_name, kw, data, args.seeds, args.epochs
        )
        print(f"| {name} | {mean:.3f} ± {sd:.3f} | {n_params:,} | {cpu:.0f} | {n_ep} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
