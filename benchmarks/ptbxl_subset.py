"""PTB-XL super-diagnostic benchmark on the shared subset: every architecture.

Protocol (the same for every row): the 5-label multi-label task (CD, HYP, MI, NORM,
STTC) on the shared 1,819-record PTB-XL subset (100 Hz, 10 s; band-passed and
z-scored upstream). ``strat_fold`` 1-8 train (1,442 records), fold 9 validation
(183, passed as ``fit(X_val=, y_val=)``: best-epoch restore), fold 10 test (194).

Each fit records the validation (fold 9) and test (fold 10) macro AUROC, the
parameter count, CPU seconds of ``fit`` and the epochs, and saves its validation
and test scores, so ``--report`` can also score ensembles (per class, the mean rank
of a row's seeds' scores, and of the best rows' ensembles). **Configurations are ranked
on fold 9 only**; fold 10 is reported, never used to choose anything.

The zoo recipe (``RECIPE``): random 2.5 s crops (``crop_length=250``), whole
records scored by sliding windows (``inference="sliding_mean"``, stride 125, as in
Strodthoff et al. 2021), augmentation by the light ``"basic"`` recipe (noise, gain,
baseline wander, time shift) followed by the paper's one-of-7 recipe, AdamW with a
one-cycle schedule peaking at 3e-3, batch 64, 30 epochs with the best fold-9 epoch
restored.
The ``paper_recipe`` row is the seed paper's own: ResNet18 (width 64), lr 1e-4
without schedule, sigmoid focal loss alpha 0.7 / gamma 2, its one-of-7
augmentation, 4.1 s crops scored at the centre (its 2,048 samples at 500 Hz), 30
epochs (the paper ran 50) with the best fold-9 epoch restored.
``default_<model>`` rows are each architecture estimator with nothing but
``random_state``: its defaults, without ``sfreq`` (``--models defaults`` runs them
all). ``old_default`` is ``ECGResNetClassifier()`` as it was before issue 15 (width
16, lr 1e-3 without a schedule, whole records, no augmentation, patience 5), with
its arguments spelled out. MiniRocket and
MultiRocket (aeon) run side by side; aeon's pins clash with ours, so give it its own
environment with ``--aeon-python``.

The rows marked "larger" (``xresnet1d50``, ``xresnet1d101``, ``xresnet1d18_w64``,
``resnet1d34``, ``inception1d_w32``, ``resnet1d_wang_w128``) are the sizes of
Strodthoff et al.'s benchmark; they cost minutes per fit on a CPU and are meant for
``--device cuda``. ``--report`` also scores the ensemble of the ``k`` best rows for
``k`` = 1 to ``--top-k`` and picks ``k`` on fold 9.

Examples::

    # every CPU-sized row, 3 seeds, two fits at a time (1 torch thread each)
    python benchmarks/ptbxl_subset.py --seeds 0 1 2 --jobs 2 --out-dir ptbxl_runs \\
        --aeon-python /tmp/aeon_venv/bin/python
    # every deep row (larger ones included) on a GPU, 12 fits sharing it
    python benchmarks/ptbxl_subset.py --models deep --device cuda --jobs 12 \\
        --seeds 0 1 2 3 4 --out-dir ptbxl_runs
    # some rows only, then the table (with ensembles) from everything saved so far
    python benchmarks/ptbxl_subset.py --models xresnet1d18 inception1d --seeds 0
    python benchmarks/ptbxl_subset.py --report --out-dir ptbxl_runs
    # after the table: refit the rows fold 9 ranked best on folds 1-9
    python benchmarks/ptbxl_subset.py --models xresnet1d18+refit --out-dir ptbxl_runs

``--out`` is ``--out-dir`` (default ``benchmarks/_out/ptbxl_runs``): it holds
``results.jsonl`` (one record per fit), the fits' scores (``.npz``) and the
report, ``ptbxl_subset.json``. ``--quick`` fits ``default_resnet1d`` for one epoch
on 200 training records (a smoke test). Without the shared data the script exits with a
message; without aeon (and no ``--aeon-python``) the Rocket rows are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from _common import DEFAULT_OUT, add_common_args, write_result
from joblib import Parallel, delayed
from report import ensemble_table, zoo_table
from sklearn.metrics import roc_auc_score

from sklearn_ecg import classifiers
from sklearn_ecg.augmentation import basic_augmentation, paper_augmentation
from sklearn_ecg.datasets import load_ptbxl
from sklearn_ecg.metrics import bootstrap_ci
from sklearn_ecg.models import list_models
from sklearn_ecg.utils import get_shared_data_dir

CROP = 250  # 2.5 s at 100 Hz, the PTB-XL benchmark's crop
RECIPE = {
    "crop_length": CROP,
    "inference": "sliding_mean",
    "inference_stride": CROP // 2,
    "augment": [basic_augmentation(), paper_augmentation()],
    "lr": 3e-3,
    "lr_schedule": "onecycle",
    "max_epochs": 30,
    "patience": None,  # one-cycle needs its whole schedule; best epoch restored
    "batch_size": 64,
}

#: name -> (estimator class, architecture arguments, overrides of RECIPE)
MODELS = {
    "xresnet1d18": ("ECGXResNetClassifier", {"depth": 18, "base_width": 32}, {}),
    "resnet1d_wang": ("ECGResNetWangClassifier", {"width": 64}, {}),
    "inception1d": (
        "ECGInceptionClassifier",
        {"n_filters": 16, "bottleneck": 16, "kernel_size": 20},
        {},
    ),
    "resnet1d18": ("ECGResNetClassifier", {"depth": 18, "base_width": 32}, {}),
    "attresnet1d18": (
        "ECGAttResNetClassifier", {"base_width": 32, "num_heads": 4}, {},
    ),
    "crnn1d18_bilstm": (
        "ECGCRNNClassifier",
        {"base_width": 32, "hidden_size": 64, "bidirectional": True},
        {},
    ),
    "restransformer1d18": ("ECGResTransformerClassifier", {"base_width": 32}, {}),
    "transformer1d": (
        "ECGTransformerClassifier", {"embed_dim": 128, "patch_size": 5}, {},
    ),
    "vgg1d11_bn": (
        "ECGVGGClassifier", {"depth": 11, "base_width": 32, "hidden_size": 512}, {},
    ),
    "alexnet1d": ("ECGAlexNetClassifier", {"base_width": 32, "hidden_size": 512}, {}),
    "paper_recipe": (
        "ECGResNetClassifier",
        {"depth": 18, "base_width": 64},
        {
            "lr": 1e-4, "criterion": "focal", "focal_alpha": 0.7, "focal_gamma": 2.0,
            "augment": "paper", "crop_length": 410, "inference": "center",
            "max_epochs": 30, "patience": None, "batch_size": 64,
        },
    ),
    "old_default": (
        "ECGResNetClassifier",
        {"base_width": 16},
        {**classifiers.PLAIN_TRAINING, "max_epochs": 30},
    ),
}  # fmt: skip
#: Every architecture estimator with its defaults: no argument but the seed.
DEFAULTS = {
    f"default_{name}": (classifiers.get_estimator_class(name).__name__, {}, {})
    for name in list_models()
}
#: Larger rows, at the sizes of Strodthoff et al. 2021 (meant for a GPU).
LARGER = {
    "xresnet1d50": ("ECGXResNetClassifier", {"depth": 50, "base_width": 64}, {}),
    "xresnet1d101": ("ECGXResNetClassifier", {"depth": 101, "base_width": 64}, {}),
    "xresnet1d18_w64": ("ECGXResNetClassifier", {"depth": 18, "base_width": 64}, {}),
    "resnet1d34": ("ECGResNetClassifier", {"depth": 34, "base_width": 32}, {}),
    "inception1d_w32": (
        "ECGInceptionClassifier",
        {"n_filters": 32, "bottleneck": 32, "kernel_size": 40},
        {},
    ),
    "resnet1d_wang_w128": ("ECGResNetWangClassifier", {"width": 128}, {}),
}  # fmt: skip
#: The recipe options of issue 15 part 2, each added alone to the ResNet row
#: (``resnet1d18``, the default ResNet's configuration); fold 9 keeps or drops them.
RECIPE_OPTIONS = {
    "ema": {"weight_averaging": "ema"},
    "swa": {"weight_averaging": "swa"},
    "mixup": {"mixup": 0.2},
    "cutmix": {"cutmix": 1.0},
    "ls": {"label_smoothing": 0.1},
    # second round, from the options fold 9 kept in the first
    "ls_mixup": {"label_smoothing": 0.1, "mixup": 0.2},
    "ls05": {"label_smoothing": 0.05},
    "ls02": {"label_smoothing": 0.2},
}
VARIANTS = {
    f"resnet1d18_{key}": (*MODELS["resnet1d18"][:2], options)
    for key, options in RECIPE_OPTIONS.items()
}
MODELS.update(LARGER)
MODELS.update(VARIANTS)
MODELS.update(DEFAULTS)
#: Rows whose overrides replace RECIPE entirely (the paper's recipe, the defaults).
OWN_RECIPE = {"paper_recipe", "old_default"}
ROCKETS = ("minirocket", "multirocket")
REFIT = "+refit"


def make_estimator(
    name: str, seed: int, max_epochs: int | None = None, device: str = "cpu"
):
    """Return the unfitted estimator of row ``name`` for ``seed``."""
    cls_name, arch, overrides = MODELS[name]
    recipe = {} if name in OWN_RECIPE else RECIPE
    params = {
        **recipe, **overrides, **arch, "sfreq": 100.0, "random_state": seed,
        "device": device,
    }  # fmt: skip
    if name in DEFAULTS:  # the defaults must not need the sampling rate
        params = {"random_state": seed, "device": device}
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    return getattr(classifiers, cls_name)(**params)


def load_split():
    """Return X, Y and the train / valid / test masks of the official folds."""
    ds = load_ptbxl(
        get_shared_data_dir() / "ptbxl_subset",
        task="superdiagnostic",
        on_missing="skip",
    )
    folds = np.asarray(ds.strat_fold)
    parts = {"train": folds <= 8, "valid": folds == 9, "test": folds == 10}
    return ds.data, ds.target, parts, list(ds.target_names)


def fit_one(
    name, seed, X, Y, parts, threads, aeon_python, max_epochs=None, device="cpu"
):
    """Fit one row for one seed; return its record and its probabilities.

    A name ending in ``+refit`` trains the row on folds 1-9 (no validation data)
    for its whole schedule and keeps the last weights: the way to use fold 9's
    records once fold 9 has chosen the configuration. Its fold-9 score is then
    not a validation score, so it is not recorded.
    """
    torch.set_num_threads(threads)
    tr, va, te = parts["train"], parts["valid"], parts["test"]
    base, refit = name.removesuffix(REFIT), name.endswith(REFIT)
    if base in ROCKETS:
        proba_va, proba_te, wall, cpu = run_rocket(base, seed, X, Y, parts, aeon_python)
        info = {"params": None, "epochs": None, "best_epoch": None, "device": "cpu"}
    else:
        est = make_estimator(base, seed, max_epochs, device)
        t0, c0 = time.perf_counter(), time.process_time()
        if refit:
            train = tr | va
            est.set_params(validation_fraction=0.0)
            est.fit(X[train], Y[train])
        else:
            est.fit(X[tr], Y[tr], X_val=X[va], y_val=Y[va])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        proba_va, proba_te = est.predict_proba(X[va]), est.predict_proba(X[te])
        info = {
            "params": int(sum(p.numel() for p in est.module_.parameters())),
            "epochs": len(est.history_),
            "best_epoch": int(est.n_epochs_),
            "device": (
                torch.cuda.get_device_name(est.device_)
                if est.device_.type == "cuda"
                else "cpu"
            ),
        }
    record = {
        "model": name,
        "seed": seed,
        "valid_auroc": (
            None if refit else roc_auc_score(Y[va], proba_va, average="macro")
        ),
        "test_auroc": roc_auc_score(Y[te], proba_te, average="macro"),
        "cpu_s": cpu,
        "wall_s": wall,
        **info,
    }
    return record, proba_va, proba_te


def run_rocket(name, seed, X, Y, parts, aeon_python):
    """MiniRocket / MultiRocket + ridge, in-process or in aeon's own venv."""
    tr, va, te = parts["train"], parts["valid"], parts["test"]
    X_eval = np.concatenate([X[va], X[te]])
    if aeon_python is None:
        sys.path.insert(0, os.path.dirname(__file__))  # also in joblib's workers
        from _minirocket import rocket_scores

        t0, c0 = time.perf_counter(), time.process_time()
        scores = rocket_scores(X[tr], Y[tr], X_eval, seed, name)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
            np.savez(
                src, X_train=X[tr], Y_train=Y[tr], X_test=X_eval, seed=seed, kind=name
            )
            script = os.path.join(os.path.dirname(__file__), "_minirocket.py")
            subprocess.run([aeon_python, script, src, dst], check=True)
            out = np.load(dst)
            scores, wall, cpu = out["scores"], float(out["wall"]), float(out["cpu"])
    n_va = int(va.sum())
    return scores[:n_va], scores[n_va:], wall, cpu


def save(out_dir: Path, record, proba_va, proba_te):
    """Append the record to ``results.jsonl`` and store the probabilities."""
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez(
        out_dir / f"{record['model']}_seed{record['seed']}.npz",
        valid=proba_va,
        test=proba_te,
    )
    with open(out_dir / "results.jsonl", "a") as fh:
        fh.write(json.dumps(record) + "\n")


def _mean_sd(values):
    values = np.asarray(values, dtype=float)
    sd = float(values.std(ddof=1)) if len(values) > 1 else None
    return float(values.mean()), sd


def _rank01(scores):
    """Per-column ranks in [0, 1], so differently scaled scores can be averaged."""
    order = scores.argsort(axis=0).argsort(axis=0)
    return order / max(len(scores) - 1, 1)


def _cost(recs):
    """Mean cost of one fit: CPU seconds on a CPU, wall seconds on a GPU."""
    device = recs[0].get("device", "cpu")
    if device == "cpu":
        return f"{np.mean([r['cpu_s'] for r in recs]):.0f} CPU s"
    return f"{np.mean([r['wall_s'] for r in recs]):.0f} s {device.split()[-1]}"


def report(out_dir: Path, Y, parts, top_k: int = 5, seed_cis: bool = True):
    """Print the tables of every row saved under ``out_dir`` and return them.

    With ``seed_cis``, each row also gets the 95 % stratified bootstrap CI of its
    mean fold-10 AUROC over seeds (``test_ci``) and, when the MiniRocket row is
    there, the paired CI of its gain over MiniRocket's mean (``minus_minirocket``).
    """
    records = {}
    with open(out_dir / "results.jsonl") as fh:
        for line in fh:
            rec = json.loads(line)
            records[(rec["model"], rec["seed"])] = rec  # a rerun replaces a record
    y_va, y_te = Y[parts["valid"]], Y[parts["test"]]
    rows = {}
    for name in dict.fromkeys(m for m, _ in records):
        recs = [r for (m, _), r in sorted(records.items()) if m == name]
        probas = [np.load(out_dir / f"{name}_seed{r['seed']}.npz") for r in recs]
        refit = name.endswith(REFIT)
        te_mean, te_sd = _mean_sd([r["test_auroc"] for r in recs])
        ens_va = np.mean([_rank01(p["valid"]) for p in probas], axis=0)
        ens_te = np.mean([_rank01(p["test"]) for p in probas], axis=0)
        va_mean = None if refit else _mean_sd([r["valid_auroc"] for r in recs])[0]
        ens_valid = (
            None if refit else float(roc_auc_score(y_va, ens_va, average="macro"))
        )
        rows[name] = {
            "seed_scores": [p["test"] for p in probas],
            "model": name, "seeds": len(recs), "test": te_mean, "test_sd": te_sd,
            "valid": va_mean, "ens_valid": ens_valid,
            "ens_test": float(roc_auc_score(y_te, ens_te, average="macro")),
            "params": recs[0]["params"], "cost": _cost(recs),
            "best_epoch": [r["best_epoch"] for r in recs],
            "ens_va": ens_va, "ens_probas": ens_te,
        }  # fmt: skip
    order = sorted(rows.values(), key=lambda r: -(r["valid"] or -1.0))
    print(zoo_table(order))
    if seed_cis:
        _seed_mean_cis(order, rows, y_te)
    hidden = ("ens_va", "ens_probas", "seed_scores")
    out = {"rows": [{k: v for k, v in r.items() if k not in hidden} for r in order]}
    # Rank the deep rows' seed-ensembles on fold 9; never look at fold 10 here.
    deep = [
        r for r in order
        if r["model"] not in ROCKETS and r["valid"] is not None and r["seeds"] > 1
    ]  # fmt: skip
    top = sorted(deep, key=lambda r: -r["ens_valid"])[:top_k]
    if top:
        out |= _ensembles(top, rows, y_va, y_te)
    return out


def _seeds_mean_auroc(y, scores):
    """Mean over seeds of the macro AUROC; ``scores`` stacks the seeds' columns."""
    k = y.shape[1]
    return float(np.mean([
        roc_auc_score(y, scores[:, i:i + k], average="macro")
        for i in range(0, scores.shape[1], k)
    ]))  # fmt: skip


def _seeds_mean_gain(n_left):
    """Paired statistic: seeds-mean AUROC of the first ``n_left`` seeds minus
    that of the rest."""

    def gain(y, scores):
        cut = n_left * y.shape[1]
        return _seeds_mean_auroc(y, scores[:, :cut]) - _seeds_mean_auroc(
            y, scores[:, cut:]
        )

    return gain


def _seed_mean_cis(order, rows, y_te, n_resamples=1000):
    """Bootstrap CIs of each row's seeds-mean fold-10 AUROC and of its gain over
    MiniRocket's (paired)."""
    base = rows.get("minirocket")
    print("\nFold-10 AUROC, mean over seeds, 95 % stratified bootstrap CI"
          " (paired gain over MiniRocket's mean; 1,000 resamples):")  # fmt: skip
    for r in order:
        scores = np.hstack(r["seed_scores"])
        ci = bootstrap_ci(y_te, scores, _seeds_mean_auroc, n_resamples=n_resamples,
                          random_state=0)  # fmt: skip
        r["test_ci"] = [ci.estimate, ci.low, ci.high]
        line = f"- {r['model']}: {ci.estimate:.3f} [{ci.low:.3f}, {ci.high:.3f}]"
        if base is not None and r is not base:
            diff = bootstrap_ci(
                y_te, np.hstack([scores, *base["seed_scores"]]),
                _seeds_mean_gain(len(r["seed_scores"])), n_resamples=n_resamples,
                random_state=0,
            )  # fmt: skip
            r["minus_minirocket"] = [diff.estimate, diff.low, diff.high]
            line += f"; minus minirocket {diff.estimate:+.3f} "
            line += f"[{diff.low:+.3f}, {diff.high:+.3f}]"
        print(line)


def _ensembles(top, rows, y_va, y_te):
    """Score the ensembles of the k best rows (k chosen on fold 9) with CIs."""
    ensembles = []
    for k in range(1, len(top) + 1):
        va = np.mean([r["ens_va"] for r in top[:k]], axis=0)
        te = np.mean([r["ens_probas"] for r in top[:k]], axis=0)
        ensembles.append({
            "k": k, "rows": [r["model"] for r in top[:k]],
            "valid": float(roc_auc_score(y_va, va, average="macro")),
            "test": float(roc_auc_score(y_te, te, average="macro")), "scores": te,
        })  # fmt: skip
    print("\nEnsembles of the k best seed-ensembles on fold 9 (mean per-class ranks):")
    print(ensemble_table(ensembles))
    best = max(ensembles, key=lambda e: e["valid"])  # fold 9 picks k (first on a tie)
    k_best = best["k"]
    print(f"\nk chosen on fold 9: {k_best} (the smallest k on a tie)")
    chosen = {f"best seed-ensemble on fold 9 ({top[0]['model']})": top[0]["ens_probas"]}
    if k_best > 1:
        names = ", ".join(best["rows"])
        chosen[f"ensemble of the k = {k_best} best, k chosen on fold 9 ({names})"] = (
            best["scores"]
        )
    refits = [rows.get(r["model"] + REFIT) for r in top[:k_best]]
    if all(refits):
        chosen[f"the fold-9 choice (k = {k_best}) refitted on folds 1-9"] = np.mean(
            [r["ens_probas"] for r in refits], axis=0
        )
    baselines = {m: rows[m]["ens_probas"] for m in ROCKETS if m in rows}
    print(
        "\nTest AUROC with 95 % stratified bootstrap CIs (1,000 resamples of fold 10):"
    )
    cis = []
    for label, scores in {**chosen, **baselines}.items():
        est, low, high = bootstrap_ci(y_te, scores, "roc_auc", random_state=0)
        cis.append({"label": label, "estimate": est, "low": low, "high": high})
        print(f"- {label}: {est:.3f} [{low:.3f}, {high:.3f}]")
        if label in baselines:
            continue
        cis[-1]["minus"] = {}
        for base, base_scores in baselines.items():
            diff = bootstrap_ci(
                y_te, np.hstack([scores, base_scores]), _seeds_mean_gain(1),
                random_state=0,
            )  # fmt: skip
            cis[-1]["minus"][base] = [diff.estimate, diff.low, diff.high]
            print(
                f"  - minus {base} (paired): {diff.estimate:+.3f} "
                f"[{diff.low:+.3f}, {diff.high:+.3f}]"
            )
    for e in ensembles:
        del e["scores"]
    return {"ensembles": ensembles, "k_chosen": k_best, "bootstrap_cis": cis}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=["cpu", *ROCKETS],
        help="rows; 'cpu' = every CPU-sized deep row, 'deep' = every deep row, "
        "'defaults' = every estimator's defaults, 'recipe' = the ResNet row "
        "with each recipe option of RECIPE_OPTIONS added alone",
    )  # fmt: skip
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=1, help="fits run at once")
    parser.add_argument("--threads", type=int, default=1, help="torch threads / fit")
    parser.add_argument("--aeon-python", default=None)
    parser.add_argument(
        "--max-epochs", type=int, default=None, help="override (smoke tests only)"
    )
    parser.add_argument("--report", action="store_true", help="only print the table")
    parser.add_argument("--device", default="cpu", help="torch device of the fits")
    parser.add_argument(
        "--top-k", type=int, default=5, help="largest ensemble of best rows scored"
    )
    add_common_args(parser, out=DEFAULT_OUT / "ptbxl_runs", aliases=["--out-dir"])
    args = parser.parse_args(argv)
    if args.quick:
        args.models, args.seeds, args.max_epochs = ["default_resnet1d"], [0], 1
    groups = {
        "deep": [m for m in MODELS if m not in {**DEFAULTS, **VARIANTS}],
        "cpu": [m for m in MODELS if m not in {**LARGER, **DEFAULTS, **VARIANTS}],
        "defaults": list(DEFAULTS),
        "recipe": ["resnet1d18", *VARIANTS],
    }
    args.models = [m for g in args.models for m in groups.get(g, [g])]
    known = {*MODELS, *ROCKETS}
    unknown = {m.removesuffix(REFIT) for m in args.models} - known
    if any(m.endswith(REFIT) and m.removesuffix(REFIT) in ROCKETS for m in args.models):
        parser.error(
            "the Rockets have no validation-chosen epoch to refit; drop +refit"
        )
    if unknown:
        parser.error(f"unknown {sorted(unknown)}; choose from {sorted(known)}")
    args.models = _available(args.models, args.aeon_python)
    if not (get_shared_data_dir() / "ptbxl_subset").is_dir():
        sys.exit(f"shared PTB-XL subset not found under {get_shared_data_dir()}")
    X, Y, parts, names = load_split()
    if args.quick:  # 200 training records
        parts["train"] &= np.cumsum(parts["train"]) <= 200
    if not args.report:
        sizes = ", ".join(f"{k} {v.sum()}" for k, v in parts.items())
        print(f"labels {names}; {sizes}")
        # seed-major, so an interrupted run still has whole seeds of every row
        jobs = [(m, s) for s in args.seeds for m in args.models]
        fit_kw = {
            "threads": args.threads, "aeon_python": args.aeon_python,
            "max_epochs": args.max_epochs, "device": args.device,
        }  # fmt: skip
        results = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
            delayed(fit_one)(m, s, X, Y, parts, **fit_kw) for m, s in jobs
        )
        for record, proba_va, proba_te in results:
            save(args.out, record, proba_va, proba_te)
            print(json.dumps(record), flush=True)
    results = report(args.out, Y, parts, args.top_k)
    write_result(args.out, "ptbxl_subset", vars(args), results, device=args.device)


def _available(models, aeon_python):
    """Drop the Rocket rows when aeon can be found neither here nor elsewhere."""
    if aeon_python is not None or not any(m in ROCKETS for m in models):
        return models
    try:
        import aeon  # noqa: F401
    except ImportError:
        print("aeon is not installed (and no --aeon-python): Rocket rows skipped")
        return [m for m in models if m not in ROCKETS]
    return models


if __name__ == "__main__":
    main()
