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

Results go to ``benchmarks/_out/transfer_<target>.json`` and the figure to
``benchmarks/transfer.png``.
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
from scipy import stats
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

from sklearn_ecg.classifiers import ECGResNetClassifier

HERE = Path(__file__).resolve().parent
OUT = HERE / "_out"
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
    return ECGResNetClassifier(
        **MODEL,
        max_epochs=epochs,
        batch_size=16,
        validation_fraction=None,
        sfreq=sfreq,
        lead_names=lead_names,
        random_state=seed,
        device="cpu",
        verbose=0,
        **kwargs,
    )


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


def _center(X, n_times):
    """Central window of every record (the same for training and evaluation)."""
    start = max((X.shape[-1] - n_times) // 2, 0)
    return np.ascontiguousarray(X[..., start : start + n_times])


def _zscore(X):
    mean, std = X.mean(-1, keepdims=True), X.std(-1, keepdims=True)
    return ((X - mean) / (std + 1e-8)).astype(np.float32)


def load_ptbxl_task(sizes, prevalence, seed):
    from sklearn_ecg.datasets import load_ptbxl
    from sklearn_ecg.utils import get_shared_data_dir

    root = get_shared_data_dir() / "ptbxl_subset"
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


def load_synthetic_task(sizes, prevalence, seed, effect_size=0.4):
    from sklearn_ecg.datasets import make_ecg

    n_target = max(sizes)
    X_src, y_src = make_ecg(
        n_records=1500,
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
    X_src, X_t = _zscore(X_src), _zscore(X_t)
    info = {
        "target": f"make_ecg pe vs normal (effect_size={effect_size})",
        "source": "make_ecg normal/mi/sttc/cd/hyp, 1500 records",
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


def corrected_ci(values, test_train_ratio, level=0.95):
    """Nadeau & Bengio (2003) corrected resampled t interval over CV folds."""
    v = np.asarray(values, dtype=float)
    k = len(v)
    sd = v.std(ddof=1) if k > 1 else 0.0
    half = stats.t.ppf(0.5 + level / 2, k - 1) * sd * np.sqrt(1 / k + test_train_ratio)
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def summarize(result):
    rows = []
    for size in result["sizes"]:
        base = np.asarray(size["scores"]["scratch"])
        for name, vals in size["scores"].items():
            mean, lo, hi = corrected_ci(vals, size["test_train_ratio"])
            row = {"n": size["n"], "strategy": name, "mean": mean, "lo": lo, "hi": hi}
            if name != "scratch":
                d = np.asarray(vals) - base
                row["delta"], row["delta_lo"], row["delta_hi"] = corrected_ci(
                    d, size["test_train_ratio"]
                )
            rows.append(row)
    return rows


def markdown_table(rows, strategies):
    sizes = sorted({r["n"] for r in rows})
    head = "| n | " + " | ".join(strategies) + " | best warm - scratch |"
    lines = [head, "|" + "---|" * (len(strategies) + 2)]
    for n in sizes:
        cells, best = [], None
        for s in strategies:
            r = next(r for r in rows if r["n"] == n and r["strategy"] == s)
            lo, hi = max(r["lo"], 0.0), min(r["hi"], 1.0)  # AUROC lies in [0, 1]
            cells.append(f"{r['mean']:.3f} [{lo:.2f}, {hi:.2f}]")
            if s != "scratch" and (best is None or r["mean"] > best["mean"]):
                best = r
        delta = (
            f"{best['strategy']}: {best['delta']:+.3f} "
            f"[{best['delta_lo']:+.2f}, {best['delta_hi']:+.2f}]"
        )
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {delta} |")
    return "\n".join(lines)


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
            lo = [max(r["lo"], 0) for r in rr]
            ax.fill_between(n, lo, [min(r["hi"], 1) for r in rr], alpha=0.1)
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
    p.add_argument("--lr", type=float, default=3e-3, help="pretraining rate")
    p.add_argument("--prevalence", type=float, default=0.125)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--plot-only", action="store_true", help="re-plot saved results")
    args = p.parse_args(argv)
    if args.plot_only:
        return plot_saved()
    torch.set_num_threads(args.threads)
    OUT.mkdir(exist_ok=True)
    targets = ["ptbxl", "synthetic"] if args.target == "both" else [args.target]
    results = {}
    for target in targets:
        t0 = time.perf_counter()
        loader = load_ptbxl_task if target == "ptbxl" else load_synthetic_task
        task = loader(args.sizes, args.prevalence, args.seed)
        task["X"], task["X_source"] = (
            _center(task["X"], args.n_times),
            _center(task["X_source"], args.n_times),
        )
        handle, pre = pretrain(task, args, OUT / f"pretrained_{target}.pt")
        print(f"[{target}] pretrained: {pre}", flush=True)
        sizes = []
        for n in args.sizes:
            sizes.append(run_size(task, n, handle, args))
            means = {k: round(np.mean(v), 3) for k, v in sizes[-1]["scores"].items()}
            print(f"[{target}] n={n}: {means}", flush=True)
        res = {
            "info": task["info"],
            "pretrain": pre,
            "sizes": sizes,
            "sizes_list": args.sizes,
            "strategies": args.strategies,
            "protocol": vars(args) | {"model": MODEL},
            "wall_s": time.perf_counter() - t0,
        }
        res["summary"] = summarize(res)
        results[target] = res
        (OUT / f"transfer_{target}.json").write_text(json.dumps(res, indent=1))
        print(markdown_table(res["summary"], args.strategies), flush=True)
    plot_saved()
    return results


def plot_saved():
    """Plot every target whose results are saved in ``_out`` (one panel each)."""
    saved = {}
    for target in ("ptbxl", "synthetic"):
        f = OUT / f"transfer_{target}.json"
        if f.exists():
            saved[target] = json.loads(f.read_text())
    if saved:
        plot(saved, HERE / "transfer.png")
        for target, res in saved.items():
            print(f"\n{target}:\n" + markdown_table(res["summary"], res["strategies"]))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
