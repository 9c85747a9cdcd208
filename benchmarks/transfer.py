"""Does pretraining help when the target is small? (issues 5 and 17)

A learning curve over target sizes (default 60/120/240/480 records) on two targets:

* ``ptbxl`` - real data. Target: atrial fibrillation/flutter (PTB-XL rhythm statements
  AFIB or AFLT) vs the rest at 12.5 % positives, a rhythm task that is not one of the
  five diagnostic super-classes. Three patient-disjoint parts of the shared PTB-XL
  subset: the nested target sets (drawn first), a *tuning* set of the same task
  (drawn from the other patients) and the pretraining *source* (the records of all
  remaining patients, super-diagnostic 5-label multi-label). The disjointness is
  checked (record ids, patient ids, identical signals) and stored with the results.
* ``synthetic`` - ``make_ecg``: pretrain on a PTB-XL-like 5-class source, target a
  PE-like task (pe vs normal); the tuning set is drawn from the same target pool.

Protocol (issue 17, part 5). For every architecture (``--models``):

1. pretrain on the source (early stopping on an internal 10 % split of the source);
2. tune on the tuning set, the same budget for every arm: each fine-tuning strategy
   (scratch, warm start with full fine-tuning, gradual unfreezing, discriminative
   learning rates) gets the same grid ``LR_GRID`` of learning rates at the same fixed
   number of epochs, scored by grouped CV (``--tune-splits``). Each strategy keeps
   its best rate; the "best strategy" arm is the better of gradual/discriminative
   *on the tuning set*, never on the evaluation folds;
3. at every target size, ``compare_arms`` fits scratch, warm and the best strategy
   on the same ``RepeatedStratifiedGroupKFold`` folds (patients on one side) and
   gives each arm's AUROC and the paired differences against scratch with the
   Nadeau-Bengio corrected interval.

No arm uses an internal validation split (``validation_fraction=None``): scratch with
the default early-stopping split is a crippled baseline on 48-96 training records.
Every training setting is passed explicitly so that changed defaults cannot move
the results. Results are written after every (model, size) to
``<--out>/transfer_grouped_<target>.json`` and merged with what the file holds, so
several invocations (``--models``, ``--sizes``, ``--n-repeats``) build one table;
pretrained checkpoints are reused from ``<--out>``. ``--quick`` runs a tiny
synthetic version in seconds::

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/transfer.py --target ptbxl \\
        --models resnet --sizes 60 120 --n-repeats 5 --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import add_common_args, environment
from report import transfer_grouped_table

from sklearn_ecg.classifiers import (
    PLAIN_TRAINING,
    ECGAttResNetClassifier,
    ECGCRNNClassifier,
    ECGResNetClassifier,
)
from sklearn_ecg.datasets import load_ptbxl, make_ecg
from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold, compare_arms
from sklearn_ecg.preprocessing import FixedLength, LeadNormalizer
from sklearn_ecg.transfer import signal_hashes
from sklearn_ecg.utils import get_shared_data_dir, to_json_safe

#: Three architectures of the paper, small enough for a shared CPU (100 Hz, 5 s).
MODELS = {
    "resnet": (ECGResNetClassifier, {"depth": 18, "base_width": 8, "kernel_size": 7}),
    "attresnet": (
        ECGAttResNetClassifier,
        {"depth": 18, "base_width": 8, "num_heads": 2},
    ),
    "crnn": (
        ECGCRNNClassifier,
        {
            "depth": 18,
            "base_width": 8,
            "hidden_size": 32,
            "num_layers": 1,
            "bidirectional": True,
        },
    ),  # fmt: skip
}
#: The fine-tuning strategies; "unfreeze_after" is a third of the epochs.
STRATEGIES = {
    "scratch": {},
    "warm": {"warm": True},
    "gradual": {"warm": True, "freeze": "backbone", "unfreeze_after": "third"},
    "discriminative": {"warm": True, "backbone_lr_ratio": 0.1},
}
#: Candidates of the "best strategy" arm, chosen on the tuning set.
BEST_CANDIDATES = ("gradual", "discriminative")
#: The same learning-rate grid for every arm.
LR_GRID = (1e-3, 3e-3)
#: Every training setting, explicit (no estimator default is relied upon).
TRAINING = {
    "batch_size": 16,
    "optimizer": "adamw",
    "weight_decay": 1e-2,
    "criterion": "auto",
    "pos_weight": "balanced",
    "validation_fraction": None,
    "lr_schedule": None,
    "augment": None,
    "crop_length": None,
    "inference": "center",
    "precision": "32",
    "device": "cpu",
    "verbose": 0,
    "num_workers": 0,
}


def _estimator(model, task, *, epochs, seed, **kwargs):
    cls, arch = MODELS[model]
    # Everything explicit (old defaults, then this benchmark's settings), so
    # the figures do not move when the estimators' defaults change.
    params = PLAIN_TRAINING | TRAINING | {
        "max_epochs": epochs,
        "sfreq": task["sfreq"],
        "lead_names": task["lead_names"],
        "random_state": seed,
    }
    return cls(**arch, **(params | kwargs))


def _arm(model, task, strategy, lr, handle, args):
    spec = dict(STRATEGIES[strategy])
    if spec.pop("warm", False):
        spec["warm_start_from"] = handle
    if spec.get("unfreeze_after") == "third":
        spec["unfreeze_after"] = max(1, args.epochs // 3)
    return _estimator(model, task, epochs=args.epochs, seed=args.seed, lr=lr, **spec)


# ----------------------------------------------------------------------- data


def _draw(y, candidates, n, prevalence, rng):
    """``n`` indices from ``candidates`` at a fixed prevalence."""
    pos = rng.permutation(candidates[y[candidates] == 1])
    neg = rng.permutation(candidates[y[candidates] == 0])
    k = round(n * prevalence)
    if k > len(pos) or n - k > len(neg):
        raise ValueError(f"{len(pos)} positives/{len(neg)} negatives for {k}/{n - k}")
    return pos[:k], neg[: n - k]


def split_parts(y, patients, sizes, pool, tune_size, prevalence, seed):
    """Nested target sets, a tuning set and the source, disjoint in patients.

    The patients of a ``pool``-record target set (the largest size of the
    learning curve) are kept out of the tuning set and the source whatever
    ``sizes`` a run fits, so that runs of different sizes share one source.
    """
    if max(sizes) > pool:
        raise ValueError(f"sizes {sizes} exceed --target-pool {pool}")
    rng = np.random.default_rng(seed)
    pos, neg = _draw(y, np.arange(len(y)), pool, prevalence, rng)
    target = {}
    for n in sizes:
        k = round(n * prevalence)
        target[n] = np.sort(np.concatenate([pos[:k], neg[: n - k]]))
    in_target = np.isin(patients, np.concatenate([patients[pos], patients[neg]]))
    tune = np.sort(np.concatenate(
        _draw(y, np.flatnonzero(~in_target), tune_size, prevalence, rng)
    ))  # fmt: skip
    source = np.flatnonzero(~in_target & ~np.isin(patients, patients[tune]))
    return target, tune, source


def check_disjoint(task):
    """Count shared record ids, patients and identical signals between the parts.

    Signals are compared with the package's own content hash (the one the
    overlap guard of ``warm_start_from`` uses, robust to float width and scale).
    """
    parts = {"target": task["target_idx"][max(task["target_idx"])],
             "tuning": task["tune_idx"], "source": task["source_idx"]}  # fmt: skip
    X, ids, pats = task["X_all"], task["record_ids"], task["patients"]
    out = {}
    for a, b in (("source", "target"), ("source", "tuning"), ("tuning", "target")):
        ia, ib = parts[a], parts[b]
        out[f"{a}/{b}"] = {
            "records": len(set(ids[ia]) & set(ids[ib])),
            "patients": len(set(pats[ia]) & set(pats[ib])),
            "identical_signals": len(
                set(signal_hashes(X[ia]).tolist()) & set(signal_hashes(X[ib]).tolist())
            ),
        }
    bad = {k: v for k, v in out.items() if any(v.values())}
    if bad:
        raise RuntimeError(f"parts overlap: {bad}")
    return out


def load_ptbxl_task(args):
    root = get_shared_data_dir() / "ptbxl_subset"
    if not root.is_dir():
        raise SystemExit(f"shared PTB-XL subset not found at {root}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # records not in the subset
        sup = load_ptbxl(root, task="superdiagnostic", on_missing="skip")
        rhy = load_ptbxl(root, task="rhythm", on_missing="skip", drop_unlabeled=False)
    assert np.array_equal(sup.record_ids, rhy.record_ids)
    names = list(rhy.target_names)
    y = rhy.target[:, [names.index(c) for c in ("AFIB", "AFLT") if c in names]]
    info = {"target": "PTB-XL AFIB/AFLT vs rest",
            "source_classes": list(sup.target_names)}  # fmt: skip
    return {"X_all": sup.data, "y_all": y.max(1).astype(int), "Y_source": sup.target,
            "patients": np.asarray(sup.patient_ids), "sfreq": sup.sfreq,
            "record_ids": np.asarray(sup.record_ids),
            "lead_names": list(sup.lead_names), "info": info}  # fmt: skip


def load_synthetic_task(args):
    n_source, n_pool = args.n_source, 2 * (args.target_pool + args.tune_size)
    X_s, y_s = make_ecg(n_records=n_source, sfreq=100.0, random_state=args.seed,
                        classes=["normal", "mi", "sttc", "cd", "hyp"],
                        return_X_y=True)  # fmt: skip
    X_t, y_t = make_ecg(n_records=n_pool, sfreq=100.0, classes=["normal", "pe"],
                        weights=[0.8, 0.2], effect_size=0.4,
                        random_state=args.seed + 1, return_X_y=True)  # fmt: skip
    norm = LeadNormalizer(method="zscore")  # like the z-scored PTB-XL subset
    X = np.concatenate([norm.fit_transform(X_t), norm.fit_transform(X_s)])
    y = np.concatenate([np.asarray(y_t).astype(int), np.full(n_source, -1)])
    Y_source = np.concatenate([np.zeros(n_pool, int), np.asarray(y_s)])
    info = {"target": "make_ecg pe vs normal (effect_size=0.4)",
            "source_classes": ["normal", "mi", "sttc", "cd", "hyp"]}  # fmt: skip
    return {"X_all": X, "y_all": y, "Y_source": Y_source, "sfreq": 100.0,
            "patients": np.arange(len(y)), "record_ids": np.arange(len(y)),
            "lead_names": None, "info": info}  # fmt: skip


def load_task(args):
    task = (load_ptbxl_task if args.target == "ptbxl" else load_synthetic_task)(args)
    task["X_all"] = FixedLength(n_times=args.n_times, mode="center").fit_transform(
        task["X_all"]
    )
    y = task["y_all"]
    task["target_idx"], task["tune_idx"], source = split_parts(
        y, task["patients"], args.sizes, args.target_pool, args.tune_size,
        args.prevalence, args.seed,
    )  # fmt: skip
    if args.target == "synthetic":  # the source is the make_ecg source records
        source = source[y[source] == -1]
    task["source_idx"] = source
    task["disjointness"] = check_disjoint(task)
    task["info"] |= {"n_source": len(source), "n_tune": len(task["tune_idx"]),
                     "prevalence": args.prevalence}  # fmt: skip
    return task


def subset(task, idx):
    return task["X_all"][idx], task["y_all"][idx], task["patients"][idx]


# ------------------------------------------------------------------ training


def pretrain(model, task, args):
    """Pretrain on the source (or reuse ``<out>/pretrained_<target>_<model>.pt``)."""
    path = args.out / f"pretrained_{args.target}_{model}.pt"
    meta = path.with_suffix(".json")
    src = task["source_idx"]
    key = hashlib.blake2b(src.tobytes(), digest_size=8).hexdigest()
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        if info.get("source_key") == key and info["epochs"] == args.pretrain_epochs:
            from sklearn_ecg.transfer import PretrainedWeights

            return PretrainedWeights.from_file(path), info | {"reused": True}
    est = _estimator(model, task, epochs=args.pretrain_epochs, seed=args.seed,
                     lr=args.pretrain_lr, pos_weight=None,
                     validation_fraction=0.1, patience=5)  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    est.fit(task["X_all"][src], task["Y_source"][src])
    info = {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
            "valid_auroc": float(max(est.history_[:, "valid_auroc"])),
            "epochs_run": len(est.history_), "epochs": args.pretrain_epochs,
            "n_source": len(src), "source_key": key}  # fmt: skip
    handle = est.save_pretrained(path)
    meta.write_text(json.dumps(info))
    return handle, info


def tune(model, task, handle, args):
    """Each strategy's learning rate, and the best strategy, on the tuning set."""
    X, y, g = subset(task, task["tune_idx"])
    arms = {f"{s}@{lr:g}": _arm(model, task, s, lr, handle, args)
            for s in STRATEGIES for lr in LR_GRID}  # fmt: skip
    cv = RepeatedStratifiedGroupKFold(
        n_splits=args.tune_splits, n_repeats=1, random_state=args.seed + 1
    )
    res = compare_arms(arms, X, y, groups=g, cv=cv, n_jobs=args.jobs)
    means = {a: res.summary[a]["roc_auc"]["mean"] for a in arms}
    lrs = {s: max(LR_GRID, key=lambda lr: means[f"{s}@{lr:g}"]) for s in STRATEGIES}
    best = max(BEST_CANDIDATES, key=lambda s: means[f"{s}@{lrs[s]:g}"])
    return {
        "means": means,
        "lr": lrs,
        "best_strategy": best,
        "fit_time_s": float(sum(v.sum() for v in res.fit_time.values())),
    }


def run_size(model, task, n, handle, recipe, args):
    X, y, g = subset(task, task["target_idx"][n])
    best = recipe["best_strategy"]
    pairs = (("scratch", "scratch"), ("warm", "warm"), ("best", best))
    arms = {a: _arm(model, task, s, recipe["lr"][s], handle, args) for a, s in pairs}
    cv = RepeatedStratifiedGroupKFold(
        n_splits=args.splits, n_repeats=args.n_repeats, random_state=args.seed
    )
    t0, c0 = time.perf_counter(), time.process_time()
    res = compare_arms(arms, X, y, groups=g, cv=cv, baseline="scratch",
                       n_jobs=args.jobs)  # fmt: skip
    leaks = sum(bool(set(g[tr]) & set(g[te])) for tr, te in res.splits)
    assert leaks == 0, "a patient is on both sides of a split"
    return {"model": model, "n": n, "n_pos": int(y.sum()),
            "n_patients": len(set(g)), "splits": args.splits,
            "repeats": args.n_repeats, "best_strategy": best,
            "lr": {a: recipe["lr"][s] for a, s in pairs},
            "wall_s": time.perf_counter() - t0,
            "cpu_s_main_process": time.process_time() - c0,
            "comparison": res.to_dict()}  # fmt: skip


# ------------------------------------------------------------------- results


def _load(path):
    if path.exists():
        return json.loads(path.read_text())
    return {"benchmark": path.stem, "results": {"models": {}, "runs": []}}


def _save(path, doc, args, task):
    params = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    doc["params"], doc["environment"] = params, environment()
    doc["results"] |= {"info": task["info"], "disjointness": task["disjointness"],
                       "protocol": {"models": {m: MODELS[m][1] for m in MODELS},
                                    "training": TRAINING, "lr_grid": LR_GRID,
                                    "strategies": STRATEGIES}}  # fmt: skip
    doc["results"]["runs"].sort(key=lambda r: (list(MODELS).index(r["model"]), r["n"]))
    path.write_text(json.dumps(to_json_safe(doc), indent=1, allow_nan=False) + "\n")


def run(args):
    t0 = time.perf_counter()
    task = load_task(args)
    path = args.out / f"transfer_grouped_{args.target}.json"
    doc = _load(path)
    for model in args.models:
        handle, pre = pretrain(model, task, args)
        print(f"[{model}] pretrained: {pre}", flush=True)
        entry = doc["results"]["models"].get(model, {})
        if "tuning" not in entry or args.retune:
            entry = {"pretrain": pre, "tuning": tune(model, task, handle, args)}
        doc["results"]["models"][model] = entry
        print(f"[{model}] tuning: {entry['tuning']}", flush=True)
        for n in args.sizes:
            row = run_size(model, task, n, handle, entry["tuning"], args)
            runs = doc["results"]["runs"]
            runs[:] = [r for r in runs if (r["model"], r["n"]) != (model, n)] + [row]
            _save(path, doc, args, task)
            print(transfer_grouped_table(doc["results"]), flush=True)
    doc["results"]["last_wall_s"] = time.perf_counter() - t0
    _save(path, doc, args, task)
    return doc


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", choices=["ptbxl", "synthetic"], default="ptbxl")
    p.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    p.add_argument("--sizes", type=int, nargs="+", default=[60, 120, 240, 480])
    p.add_argument(
        "--target-pool", type=int, default=480,
        help="records of the largest target set, kept out of tuning and source",
    )  # fmt: skip
    p.add_argument("--splits", type=int, default=5)
    p.add_argument("--n-repeats", type=int, default=5)
    p.add_argument("--epochs", type=int, default=15, help="every fine-tuning fit")
    p.add_argument("--tune-size", type=int, default=120)
    p.add_argument("--tune-splits", type=int, default=3)
    p.add_argument("--retune", action="store_true", help="ignore a saved tuning")
    p.add_argument("--n-times", type=int, default=500, help="central window (samples)")
    p.add_argument("--pretrain-epochs", type=int, default=20)
    p.add_argument("--pretrain-lr", type=float, default=3e-3)
    p.add_argument("--n-source", type=int, default=1500, help="synthetic source size")
    p.add_argument("--prevalence", type=float, default=0.125)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=1, help="parallel fits (joblib)")
    p.add_argument("--figure", type=Path, default=None, help="default <out>/...png")
    p.add_argument("--plot-only", action="store_true", help="re-plot saved results")
    args = add_common_args(p).parse_args(argv)
    if args.quick:
        args.target, args.models, args.sizes = "synthetic", ["resnet"], [32]
        args.tune_size = args.target_pool = 32
        args.splits, args.n_repeats, args.tune_splits = 2, 1, 2
        args.epochs, args.pretrain_epochs, args.n_source = 1, 1, 60
    figure = args.figure or args.out / "transfer_grouped.png"
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.plot_only:
        run(args)
    plot(_load(args.out / f"transfer_grouped_{args.target}.json")["results"], figure)


def plot(results, path):
    """One panel per model: each arm's AUROC (mean, NB interval) against n."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = [m for m in MODELS if any(r["model"] == m for r in results["runs"])]
    fig, axes = plt.subplots(1, len(models), figsize=(4.5 * len(models), 3.8),
                             squeeze=False, sharey=True)  # fmt: skip
    for ax, model in zip(axes[0], models):
        rows = [r for r in results["runs"] if r["model"] == model]
        n = [r["n"] for r in rows]
        for k, arm in enumerate(("scratch", "warm", "best")):
            s = [r["comparison"]["summary"][arm]["roc_auc"] for r in rows]
            x = np.asarray(n) * (1 + 0.03 * (k - 1))
            label = arm if arm != "best" else "best strategy"
            ax.errorbar(x, [v["mean"] for v in s], capsize=3, marker="o", label=label,
                        yerr=[[v["mean"] - v["ci_low"] for v in s],
                              [v["ci_high"] - v["mean"] for v in s]])  # fmt: skip
        reps = ", ".join(f"{r['n']}: {r['splits']}x{r['repeats']}" for r in rows)
        ax.set_title(f"{model} (CV {reps})", fontsize=8)
        ax.set_xscale("log", base=2)
        ax.set_xticks(n, [str(v) for v in n])
        ax.set_xlabel("target records (train + test)")
        ax.axhline(0.5, color="grey", lw=0.5, ls="--")
    axes[0][0].set_ylabel("AUROC, mean and 95 % NB interval")
    axes[0][0].legend(fontsize=8)
    fig.suptitle(results["info"]["target"] + ", grouped CV", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure written to {path}")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
