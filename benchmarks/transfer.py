"""Does pretraining help when the target is small?  (issue 5, the seed paper's question)

Two targets, each with a learning curve over target sizes (default 60/120/240/480):

* ``ptbxl`` - real data. Target: atrial fibrillation/flutter (PTB-XL rhythm statements
  AFIB or AFLT) vs the rest, about 12.5 % positives, a rhythm task that is not one of
  the five diagnostic super-classes. The target records are drawn first; pretraining
  uses the remaining records of the shared PTB-XL subset with their super-diagnostic
  labels (5-label multi-label), excluding every patient that has a target record,
  so source and target are disjoint in records and patients.
* ``synthetic`` - ``make_ecg``: pretrain on a PTB-XL-like 5-class source
  (normal/mi/sttc/cd/hyp), target a PE-like task (pe vs normal, 12.5 % positives).

At each size, every strategy is scored with the *same* repeated stratified K-fold
splits (AUROC on the held-out fold); the 95 % CI uses the Nadeau-Bengio corrected
resampled t interval, which accounts for the overlap of training sets across folds.

Strategies: scratch; warm start + full fine-tuning ("full"); warm start + frozen
backbone ("frozen", a linear probe); warm start + gradual unfreezing ("gradual");
warm start + discriminative learning rate ("discriminative", backbone lr x 0.1).

Run (CPU, a few minutes per target at the default reduced protocol)::

    nice -n 10 python benchmarks/transfer.py --target both

Results go to ``<--out>/transfer_<target>.json`` (default ``benchmarks/_out``) and
the figure to ``<--out>/transfer.png`` (``--figure`` elsewhere; the README shows
``benchmarks/transfer.png``). ``--quick`` runs a tiny synthetic version in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import OLD_DEFAULTS, add_common_args, environment
from report import transfer_table
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import load_ptbxl, make_ecg
from sklearn_ecg.metrics import t_interval
from sklearn_ecg.preprocessing import FixedLength, LeadNormalizer
from sklearn_ecg.utils import get_shared_data_dir

#: AUROC and paired AUROC differences lie in these ranges (the intervals are clipped).
AUROC_BOUNDS, DELTA_BOUNDS = (0.0, 1.0), (-1.0, 1.0)
# Each strategy with its textbook learning rate, fixed before any run (not tuned
# on these folds): a lower rate to fine-tune everything, a higher one for a
# linear probe, the scratch rate for the schedules that protect the backbone.
STRATEGIES = {
    "scratch": {"lr": 3e-3},
    "full": {"warm": True, "lr": 1e-3},
    "frozen": {"warm": True, "lr": 1e-2, "freeze": "backbone"},
    "gradual": {
        "warm": True,
        "lr": 3e-3,
        "freeze": "backbone",
        "unfreeze_after": "third",
    },
    "discriminative": {"warm": True, "lr": 3e-3, "backbone_lr_ratio": 0.1},
}
# A small, fast ResNet at 100 Hz: the CPU is shared by several engineers.
MODEL = {"depth": 18, "base_width": 8, "kernel_size": 7}


def _estimator(*, sfreq, lead_names, epochs, seed, **kwargs):
    # The training defaults this benchmark was measured with, then its own.
    params = {
        **OLD_DEFAULTS, **MODEL, "max_epochs": epochs, "batch_size": 16,
        "validation_fraction": None, "sfreq": sfreq, "lead_names": lead_names,
        "random_state": seed, "device": "cpu", "verbose": 0, **kwargs,
    }  # fmt: skip
    return ECGResNetClassifier(**params)


# ----------------------------------------------------------------------- data


def _nested_target_indices(y_pool, sizes, prevalence, rng):
    """Indices for nested target sets (60 in 120 in ...) at a fixed prevalence."""
    pos = rng.permutation(np.flatnonzero(y_pool == 1))
    neg = rng.permutation(np.flatnonzero(y_pool == 0))
    n_pos_max = round(max(sizes) * prevalence)
    if n_pos_max > len(pos):
        raise ValueError(f"only {len(pos)} positives for {n_pos_max} needed")
    out = {}
    for n in sizes:
        k = round(n * prevalence)
        out[n] = np.sort(np.concatenate([pos[:k], neg[: n - k]]))
    return out


def load_ptbxl_task(sizes, prevalence, seed):
    root = get_shared_data_dir() / "ptbxl_subset"
    if not root.is_dir():
        raise SystemExit(f"shared PTB-XL subset not found at {root}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # records not in the subset
        sup = load_ptbxl(root, task="superdiagnostic", on_missing="skip")
        rhy = load_ptbxl(root, task="rhythm", on_missing="skip", drop_unlabeled=False)
    assert np.array_equal(sup.record_ids, rhy.record_ids)
    names = list(rhy.target_names)
    y_af = rhy.target[:, [names.index(c) for c in ("AFIB", "AFLT") if c in names]]
    y_af = y_af.max(1).astype(int)
    rng = np.random.default_rng(seed)
    target = _nested_target_indices(y_af, sizes, prevalence, rng)
    used = target[max(sizes)]
    target_patients = set(sup.patient_ids[used])
    source = np.array(
        [i for i in range(len(y_af)) if sup.patient_ids[i] not in target_patients]
    )
    info = {
        "target": "PTB-XL AFIB/AFLT vs rest",
        "source": f"PTB-XL super-diagnostic, {len(source)} disjoint records",
        "n_source": len(source),
        "source_classes": list(sup.target_names),
        "af_prevalence_in_subset": float(y_af.mean()),
    }
    return {
        "X": sup.data,
        "y": y_af,
        "target_idx": target,
        "X_source": sup.data[source],
        "Y_source": sup.target[source],
        "sfreq": sup.sfreq,
        "lead_names": list(sup.lead_names),
        "info": info,
    }


def load_synthetic_task(sizes, prevalence, seed, effect_size=0.4, n_source=1500):
    n_target = max(sizes)
    X_src, y_src = make_ecg(
        n_records=n_source,
        sfreq=100.0,
        classes=["normal", "mi", "sttc", "cd", "hyp"],
        random_state=seed,
        return_X_y=True,
    )
    # Draw a larger pool, then sample the exact prevalence from it.
    X_t, y_t = make_ecg(
        n_records=2 * n_target,
        sfreq=100.0,
        classes=["normal", "pe"],
        weights=[0.8, 0.2],
        effect_size=effect_size,
        random_state=seed + 1,
        return_X_y=True,
    )
    y_t = np.asarray(y_t).astype(int)  # classes order: normal=0, pe=1
    rng = np.random.default_rng(seed)
    target = _nested_target_indices(y_t, sizes, prevalence, rng)
    # The shared PTB-XL subset is z-scored per record and lead; do the same here.
    norm = LeadNormalizer(method="zscore")
    X_src, X_t = norm.fit_transform(X_src), norm.fit_transform(X_t)
    info = {
        "target": f"make_ecg pe vs normal (effect_size={effect_size})",
        "source": f"make_ecg normal/mi/sttc/cd/hyp, {n_source} records",
        "n_source": len(X_src),
    }
    return {
        "X": X_t,
        "y": y_t,
        "target_idx": target,
        "X_source": X_src,
        "Y_source": y_src,
        "sfreq": 100.0,
        "lead_names": None,
        "info": info,
    }


# ------------------------------------------------------------------ training


def pretrain(task, args, path):
    est = _estimator(
        sfreq=task["sfreq"],
        lead_names=task["lead_names"],
        epochs=args.pretrain_epochs,
        lr=args.lr,
        seed=args.seed,
    )
    est.set_params(validation_fraction=0.1, patience=5)
    t0 = time.perf_counter()
    est.fit(task["X_source"], task["Y_source"])
    wall = time.perf_counter() - t0
    handle = est.save_pretrained(path)
    best = est.history_[:, "valid_auroc"]
    return handle, {"pretrain_wall_s": wall, "pretrain_valid_auroc": max(best)}


def _strategy_params(name, handle, epochs):
    spec = dict(STRATEGIES[name])
    params = {}
    if spec.pop("warm", False):
        params["warm_start_from"] = handle
    if spec.get("unfreeze_after") == "third":
        spec["unfreeze_after"] = max(1, epochs // 3)
    params.update(spec)
    return params


def run_size(task, n, handle, args):
    idx = task["target_idx"][n]
    X, y = task["X"][idx], task["y"][idx]
    repeats = args.repeats if n < args.large else args.repeats_large
    cv = RepeatedStratifiedKFold(
        n_splits=args.splits, n_repeats=repeats, random_state=args.seed
    )
    scores = {s: [] for s in args.strategies}
    walls = {s: 0.0 for s in args.strategies}
    for fold, (tr, te) in enumerate(cv.split(X, y)):
        for name in args.strategies:
            est = _estimator(
                sfreq=task["sfreq"],
                lead_names=task["lead_names"],
                epochs=args.epochs,
                seed=args.seed + fold,
                pos_weight="balanced",
                **_strategy_params(name, handle, args.epochs),
            )
            t0 = time.perf_counter()
            est.fit(X[tr], y[tr])
            proba = est.predict_proba(X[te])[:, 1]
            walls[name] += time.perf_counter() - t0
            scores[name].append(roc_auc_score(y[te], proba))
    n_test = len(y) / args.splits
    return {
        "n": n,
        "repeats": repeats,
        "n_pos": int(y.sum()),
        "scores": scores,
        "wall_s": walls,
        "test_train_ratio": n_test / (len(y) - n_test),
    }


# ------------------------------------------------------------------- summary


def summarize(result):
    rows = []
    for size in result["sizes"]:
        base = np.asarray(size["scores"]["scratch"])
        for name, vals in size["scores"].items():
            ratio = size["test_train_ratio"]
            mean, lo, hi = t_interval(vals, test_train_ratio=ratio, bounds=AUROC_BOUNDS)
            row = {"n": size["n"], "strategy": name, "mean": mean, "lo": lo, "hi": hi}
            if name != "scratch":
                row["delta"], row["delta_lo"], row["delta_hi"] = t_interval(
                    np.asarray(vals) - base, test_train_ratio=ratio,
                    bounds=DELTA_BOUNDS,
                )  # fmt: skip
            rows.append(row)
    return rows


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4))
    axes = np.atleast_1d(axes)
    for ax, res in zip(axes, results.values()):
        rows = res["summary"]
        for s in res["strategies"]:
            rr = sorted((r for r in rows if r["strategy"] == s), key=lambda r: r["n"])
            n = [r["n"] for r in rr]
            ax.plot(n, [r["mean"] for r in rr], marker="o", label=s)
            lo, hi = [r["lo"] for r in rr], [r["hi"] for r in rr]
            ax.fill_between(n, lo, hi, alpha=0.1)
        ax.set_xscale("log", base=2)
        ax.set_xticks(res["sizes_list"], [str(n) for n in res["sizes_list"]])
        ax.set_xlabel("target training+test records")
        ax.set_ylabel("AUROC (mean, 95% corrected CI)")
        ax.set_title(res["info"]["target"], fontsize=9)
        ax.axhline(0.5, color="grey", lw=0.5, ls="--")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", choices=["ptbxl", "synthetic", "both"], default="both")
    p.add_argument("--sizes", type=int, nargs="+", default=[60, 120, 240, 480])
    p.add_argument("--strategies", nargs="+", default=list(STRATEGIES))
    p.add_argument("--splits", type=int, default=3)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--large", type=int, default=480, help="sizes >= this use ...")
    p.add_argument("--repeats-large", type=int, default=2, help="... these repeats")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument(
        "--n-times", type=int, default=500, help="central window length (samples)"
    )
    p.add_argument("--pretrain-epochs", type=int, default=30)
    p.add_argument("--n-source", type=int, default=1500, help="synthetic source size")
    p.add_argument("--lr", type=float, default=3e-3, help="pretraining rate")
    p.add_argument("--prevalence", type=float, default=0.125)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--figure", type=Path, default=None, help="default <out>/...png")
    p.add_argument("--plot-only", action="store_true", help="re-plot saved results")
    args = add_common_args(p).parse_args(argv)
    if args.quick:
        args.sizes, args.splits, args.repeats, args.repeats_large = [32], 2, 1, 1
        args.epochs, args.pretrain_epochs, args.n_source = 1, 1, 60
    figure = args.figure or args.out / "transfer.png"
    if args.plot_only:
        return plot_saved(args.out, figure)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    targets = ["ptbxl", "synthetic"] if args.target == "both" else [args.target]
    results = {t: run_target(t, args) for t in targets}
    plot_saved(args.out, figure)
    return results


def run_target(target, args):
    """Pretrain, fine-tune every strategy at every size, save and print the table."""
    t0 = time.perf_counter()
    if target == "ptbxl":
        task = load_ptbxl_task(args.sizes, args.prevalence, args.seed)
    else:
        task = load_synthetic_task(
            args.sizes, args.prevalence, args.seed, n_source=args.n_source
        )
    center = FixedLength(n_times=args.n_times, mode="center")
    task["X"], task["X_source"] = (
        center.fit_transform(task["X"]), center.fit_transform(task["X_source"]),
    )  # fmt: skip
    handle, pre = pretrain(task, args, args.out / f"pretrained_{target}.pt")
    print(f"[{target}] pretrained: {pre}", flush=True)
    sizes = []
    for n in args.sizes:
        sizes.append(run_size(task, n, handle, args))
        means = {k: round(np.mean(v), 3) for k, v in sizes[-1]["scores"].items()}
        print(f"[{target}] n={n}: {means}", flush=True)
    params = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    res = {
        "benchmark": f"transfer_{target}",
        "info": task["info"],
        "pretrain": pre,
        "sizes": sizes,
        "sizes_list": args.sizes,
        "strategies": args.strategies,
        "protocol": params | {"model": MODEL},
        "environment": environment(),
        "wall_s": time.perf_counter() - t0,
    }
    res["summary"] = summarize(res)
    (args.out / f"transfer_{target}.json").write_text(json.dumps(res, indent=1))
    print(transfer_table(res), flush=True)
    return res


def plot_saved(out, figure):
    """Plot every target whose results are saved in ``out`` (one panel each)."""
    saved = {}
    for target in ("ptbxl", "synthetic"):
        f = Path(out) / f"transfer_{target}.json"
        if f.exists():
            saved[target] = json.loads(f.read_text())
    if saved:
        plot(saved, figure)
        print(f"figure written to {figure}")
        for target, res in saved.items():
            print(f"\n{target}:\n" + transfer_table(res))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
