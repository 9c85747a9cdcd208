"""Regenerate the tables of ``benchmarks/README.md`` from ``benchmarks/results``.

Each table sits between ``<!-- table:NAME -->`` and ``<!-- /table:NAME -->``;
``TABLES`` maps NAME to the function that builds it from the result files. Run
``python benchmarks/report.py`` to rewrite the README, ``--check`` to fail when it
differs (the test suite does the same), ``--results DIR`` to read another folder.
Only the standard library is used, so the tables build anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
MARKER = re.compile(r"(<!-- table:(\S+) -->\n)(.*?)(<!-- /table:\2 -->)", re.S)


def md(header, rows):
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def load(results, name):
    return json.loads((Path(results) / f"{name}.json").read_text())


def _r(results, name):
    return load(results, name)["results"]


def _range(d, fmt="{:.3f}"):
    return f"{fmt.format(d['median'])} ({fmt.format(d['min'])}–{fmt.format(d['max'])})"


# --------------------------------------------------------------- evaluation
def bootstrap_speed(results):
    label = {"sklearn": "`sklearn.metrics.roc_auc_score` (baseline)",
             "rank": '`"roc_auc"` (rank-based, `macro_roc_auc_score`)'}  # fmt: skip
    rows = [
        (label[r["metric"]], f"{r['time_s']:.2f} s",
         "1.0" if r["metric"] == "sklearn" else f"**{r['speedup']:.1f}× faster**")
        for r in _r(results, "bench_bootstrap")["speed"]
    ]  # fmt: skip
    return md(("metric inside the bootstrap", "time", "ratio"), rows)


def bootstrap_coverage(results):
    label = {"percentile": "percentile (default)", "bca": "BCa"}
    rows = [(label[r["method"]], f"{r['coverage']:.2f}", f"{r['mean_width']:.3f}")
            for r in _r(results, "bench_bootstrap")["coverage"]["rows"]]  # fmt: skip
    return md(("method", "coverage", "mean width"), rows)


def cv_coverage(results):
    label = {None: "naive t (`correction=None`)",
             "nadeau-bengio": "Nadeau–Bengio corrected (default)"}  # fmt: skip
    rows = sorted(_r(results, "bench_cv_interval")["rows"], key=lambda r: r["coverage"])
    rows = [(label[r["correction"]], f"{r['coverage']:.2f}", f"{r['mean_width']:.3f}")
            for r in rows]  # fmt: skip
    return md(("interval over the 10 fold scores", "coverage", "mean width"), rows)


# ------------------------------------------------------------ preprocessing
PRE_RUNS = ("preprocessing_run1", "preprocessing_run2")


def bandpass_runs(results):
    rows = []
    for i, name in enumerate(PRE_RUNS, 1):
        res = _r(results, name)
        cells = [f"{r['time_s']:.2f} s ({r['msamples_per_s']:.1f} Msamples/s)"
                 for r in res["full"]]  # fmt: skip
        rows.append((i, *cells, f"**{res['throughput_ratio']:.2f}**"))
    head = ("run", "BandpassFilter", "one sosfiltfilt call", "throughput ratio")
    return md(head, rows)


def peak_memory(results):
    res = _r(results, PRE_RUNS[-1])
    label = {
        "BandpassFilter": "BandpassFilter (float32 output)",
        "sosfiltfilt (one call)": "one sosfiltfilt call (float64 output)",
    }
    rows = [(label[k], f"{v:,.0f} MiB", f"{v / res['input_mib']:.2f}")
            for k, v in res["peak_mib"].items()]  # fmt: skip
    return md(("method", "peak", "× input"), rows)


def lead_loops(results):
    run1, run2 = (_r(results, name)["loops"] for name in PRE_RUNS)
    rows = []
    for a, b in zip(run2, run1):
        speed = f"{a['speedup']:.1f} × ({b['speedup']:.1f} ×)"
        speed = "1" if a["speedup"] == 1 else speed
        rows.append((a["method"], f"{a['time_s']:.3f} s ({b['time_s']:.3f})",
                     f"{a['msamples_per_s']:.1f}", speed))  # fmt: skip
    return md(("method", "time", "Msamples/s", "BandpassFilter speed-up"), rows)


def other_transformers(results):
    rows = [(r["method"], f"{v:.{0 if v >= 100 else 1}f}")
            for r in _r(results, PRE_RUNS[-1])["others"]
            for v in [r["msamples_per_s"]]]  # fmt: skip
    return md(("transformer", "Msamples/s"), rows)


# ------------------------------------------------------------------ loading
def loading(results):
    med = _r(results, "loading")["median_s"]
    bare, cold = med["bare"], med["cold"]
    rows = [
        ("bare `wfdb.rdsamp` loop over `subset_index.csv` + `np.stack`", bare,
         "1.00 (baseline)"),
        ("`load_ptbxl(cache=False)` cold", cold,
         f"**{cold / bare:.2f}x bare** (goal <= 1.2x)"),
        ("`load_ptbxl(cache=dir)` cold, writing the cache", med["cold+write"],
         f"{med['cold+write'] / bare:.2f}x bare"),
        ("`load_ptbxl(cache=dir)` warm (best of 3)", med["warm"],
         f"**{cold / med['warm']:.0f}x faster than cold** (goal >= 20x)"),
        ('warm with `mmap_mode="r"` (best of 3)', med["warm_mmap"],
         f"{cold / med['warm_mmap']:.0f}x faster than cold"),
    ]  # fmt: skip
    rows = [(a, f"{b:.3g}", c) for a, b, c in rows]
    return md(("step", "seconds (median)", "ratio"), rows)


def make_ecg_difficulty(results):
    rows = _r(results, "make_ecg")["difficulty"]
    head = ["effect_size", *(f"{r['effect_size']:.1f}" for r in rows)]
    return md(head, [["AUROC", *(f"{r['auroc_mean']:.3f} +- {r['auroc_sd']:.3f}"
                                 for r in rows)]])  # fmt: skip


# ----------------------------------------------------------------- transfer
def transfer_table(res):
    """Mean [95 % CI] per size and strategy, and the best warm strategy's gain."""
    rows, strategies = res["summary"], res["strategies"]
    out = []
    for n in sorted({r["n"] for r in rows}):
        cells, best = [], None
        for s in strategies:
            r = next(r for r in rows if r["n"] == n and r["strategy"] == s)
            lo, hi = max(r["lo"], 0.0), min(r["hi"], 1.0)  # AUROC lies in [0, 1]
            cells.append(f"{r['mean']:.3f} [{lo:.2f}, {hi:.2f}]")
            if s != "scratch" and (best is None or r["mean"] > best["mean"]):
                best = r
        delta = "-" if best is None else (
            f"{best['strategy']}: {best['delta']:+.3f} "
            f"[{best['delta_lo']:+.2f}, {best['delta_hi']:+.2f}]"
        )  # fmt: skip
        out.append((n, *cells, delta))
    return md(("n", *strategies, "best warm - scratch"), out)


def _interval(mean, lo=None, hi=None, sign=""):
    """``mean [lo, hi]`` (three and two decimals); ``sign="+"`` signs them."""
    if lo is None:
        return f"{mean:{sign}.3f}"
    return f"{mean:{sign}.3f} [{lo:{sign}.2f}, {hi:{sign}.2f}]"


def _ci(d, signed=False):
    return _interval(d["mean"], d["ci_low"], d["ci_high"], "+" if signed else "")


def transfer_grouped_table(results):
    """Per model and size: each arm's AUROC and its paired difference to scratch."""
    out = []
    for r in results["runs"]:
        c = r["comparison"]
        auc = {a: c["summary"][a]["roc_auc"] for a in ("scratch", "warm", "best")}
        diff = {a: c["differences"][a]["roc_auc"] for a in ("warm", "best")}
        goal = max(diff.values(), key=lambda d: d["mean"])
        met = goal["mean"] >= 0.05 and goal["ci_low"] > 0
        out.append((r["model"], f"{r['n']} ({r['n_pos']} pos, {r['n_patients']} pat.)",
                    f"{r['splits']}x{r['repeats']}", _ci(auc["scratch"]),
                    _ci(auc["warm"]), f"{r['best_strategy']}: {_ci(auc['best'])}",
                    _ci(diff["warm"], True), _ci(diff["best"], True),
                    "yes" if met else "**no**"))  # fmt: skip
    head = ("model", "n", "CV", "scratch", "warm (full fine-tune)", "best strategy",
            "warm - scratch", "best - scratch", ">= +0.05 and CI > 0")  # fmt: skip
    return md(head, out)


def transfer_grouped_tuning(results):
    """Per model: pretraining, and each strategy's tuning-set AUROC at its best lr."""
    out = []
    for model, entry in results["models"].items():
        t, pre = entry["tuning"], entry["pretrain"]
        cells = [f"{t['means'][f'{s}@{lr:g}']:.3f} (lr {lr:g})"
                 for s, lr in t["lr"].items()]  # fmt: skip
        out.append((model, f"{pre['valid_auroc']:.3f} ({pre['epochs_run']} ep.)",
                    *cells, t["best_strategy"]))  # fmt: skip
    strategies = list(next(iter(results["models"].values()))["tuning"]["lr"])
    head = ("model", "pretraining valid macro AUROC", *strategies, "best strategy")
    return md(head, out)


def defaults_small_table(res):
    """AUROC mean [95 % CI] per size and arm, and the defaults' paired gain."""
    rows, out = res["summary"], []
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    for n in sorted({r["n"] for r in rows}):
        at_n = {r["arm"]: r for r in rows if r["n"] == n}
        cells = [_interval(at_n[a]["mean"], at_n[a]["lo"], at_n[a]["hi"]) if a in at_n
                 else "-" for a in arms]  # fmt: skip
        folds = max(r["folds"] for r in at_n.values())
        gain = at_n.get("default", {}).get("minus_old_default")
        out.append((n, folds, *cells, _interval(*gain, sign="+") if gain else "-"))
    return md(("n", "folds", *arms, "default - old_default"), out)


def defaults_small_delta(res):
    """Each arm minus the defaults, paired per fold (mean [95 % CI])."""
    rows, out = res["summary"], []
    arms = [a for a in dict.fromkeys(r["arm"] for r in rows) if a != "default"]
    for n in sorted({r["n"] for r in rows}):
        at_n = {r["arm"]: r for r in rows if r["n"] == n}
        cells = [
            _interval(*at_n[a]["minus_default"], sign="+")
            if "minus_default" in at_n.get(a, {}) else "-"
            for a in arms
        ]  # fmt: skip
        out.append((n, *cells))
    return md(("n", *(f"{a} - default" for a in arms)), out)


# ---------------------------------------------------------------- estimator
def bench_export(results):
    label = {"predict_proba": "`predict_proba` (baseline)",
             "torchscript": "TorchScript (`to_torchscript`, `torch.jit.load`)",
             "onnxruntime": "ONNX Runtime (`to_onnx`)"}  # fmt: skip
    rows = [(label[r["predictor"]], f"{r['time_s']:.3f} s", f"{r['speed']:.2f}×",
             "0" if r["max_abs_diff"] == 0 else f"{r['max_abs_diff']:.1e}")
            for r in _r(results, "bench_export")["rows"]]  # fmt: skip
    head = ("predictor", "time", "speed vs `predict_proba`", "max abs. difference")
    return md(head, rows)


def optuna_pruning(results):
    rows = [(r["seed"], r["pruner"], r["epochs"], r["pruned"], f"{r['best_cv']:.3f}",
             f"{r['test_auc']:.3f}", f"{r['wall_s']:.0f}")
            for r in _r(results, "optuna_pruning")["rows"]]  # fmt: skip
    head = ("seed", "pruner", "epochs", "pruned trials", "best CV AUROC",
            "test AUROC", "wall s")  # fmt: skip
    return md(head, rows)


def overhead_cpu(results):
    prec = _r(results, "overhead_cpu")["precisions"]["32"]
    rows = [
        (
            f"throughput ratio, {kind} time (loop / fit)",
            *(f"{prec[key][s]:.3f}" for s in ("median", "min", "max")),
        )
        for kind, key in (("wall", "wall_ratio"), ("CPU", "cpu_ratio"))
    ]
    return md(("measure", "median", "min", "max"), rows)


def overhead_augment(results):
    res = _r(results, "overhead_augment")
    rows = [
        (f"{label}, {kind} time", *(f"{res[side][key][s]:.3f}"
                                    for s in ("median", "min", "max")))
        for side, label in (("host", "per-record host path (before)"),
                            ("batch", "vectorised batch path"))
        for kind, key in (("wall", "wall_ratio"), ("CPU", "cpu_ratio"))
    ]  # fmt: skip
    return md(("augmented fit / plain fit", "median", "min", "max"), rows)


def overhead_gpu(results):
    runs = [_r(results, f"overhead_gpu_run{i}") for i in (1, 2)]

    def speedup(res, prec, side):
        return next(s for s in res["speedups"]
                    if s["precision"] == prec and s["side"] == side)  # fmt: skip

    f32 = [r["precisions"]["32"] for r in runs]
    rows = [
        ("fit throughput, float32",
         *(f"{p['fit_records_per_s']:,.0f} records/s" for p in f32)),
        ("hand-loop throughput, float32",
         *(f"{p['loop_records_per_s']:,.0f} records/s" for p in f32)),
        ("throughput ratio, float32 (loop time / fit time)",
         *(_range(r["precisions"]["32"]["wall_ratio"]) for r in runs)),
        *[(f"throughput ratio, {p}",
           *(_range(r["precisions"][p]["wall_ratio"]) for r in runs))
          for p in ("bf16", "fp16")],
        *[(f"speed-up of {p} over float32, {label}",
           *(_range(speedup(r, p, side), "{:.2f}") for r in runs))
          for p, side, label in (("bf16", "estimator_fit", "`fit`"),
                                 ("fp16", "estimator_fit", "`fit`"),
                                 ("bf16", "hand_loop", "hand loop"))],
    ]  # fmt: skip
    head = ("measure (median of 4; min-max)", "run 1: skorch's loop",
            "run 2: one sync per epoch")  # fmt: skip
    return md(head, rows)


# ---------------------------------------------------------------- model zoo
def zoo_table(rows):
    """The per-row table that ``ptbxl_subset.py --report`` prints."""
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    out = []
    for r in rows:
        params = "-" if r["params"] is None else f"{r['params']:,}"
        epochs = ", ".join("-" if e is None else str(e) for e in r["best_epoch"])
        sd = "nan" if r["test_sd"] is None else f"{r['test_sd']:.3f}"
        out.append((r["model"], r["seeds"], fmt(r["valid"]), f"{r['test']:.3f} ± {sd}",
                    f"{fmt(r['ens_valid'])} / {r['ens_test']:.3f}", params, r["cost"],
                    epochs))  # fmt: skip
    head = (
        "model",
        "seeds",
        "valid AUROC (fold 9)",
        "test AUROC (fold 10), mean ± sd",
        "seed-ensemble valid / test",
        "params",
        "time / fit",
        "best epochs",
    )
    return md(head, out)


def ensemble_table(rows):
    """Ensembles of the k best rows, as ``ptbxl_subset.py --report`` prints them."""
    out = [(r["k"], ", ".join(r["rows"]), f"{r['valid']:.3f}", f"{r['test']:.3f}")
           for r in rows]  # fmt: skip
    return md(("k", "rows", "valid AUROC (fold 9)", "test AUROC (fold 10)"), out)


def zoo_gpu(results):
    return zoo_table(_r(results, "ptbxl_zoo_gpu")["rows"])


def zoo_gpu_ensembles(results):
    return ensemble_table(_r(results, "ptbxl_zoo_gpu")["ensembles"])


def zoo_cpu(results):
    return zoo_table(_r(results, "ptbxl_zoo_cpu")["rows"])


#: Each estimator's defaults -> the zoo row of its architecture and size (the
#: zoo recipe, which differs from the defaults by their label smoothing).
DEFAULT_ROWS = {
    "default_resnet1d": "resnet1d18", "default_xresnet1d": "xresnet1d50",
    "default_inception1d": "inception1d_w32", "default_resnet1d_wang": "resnet1d_wang",
    "default_alexnet1d": "alexnet1d", "default_vgg1d": "vgg1d11_bn",
    "default_attresnet1d": "attresnet1d18", "default_crnn1d": "crnn1d18_bilstm",
    "default_transformer1d": "transformer1d",
    "default_restransformer1d": "restransformer1d18",
    "old_default": "default", "minirocket": "minirocket",
    "multirocket": "multirocket",
}  # fmt: skip


def zoo_defaults(results):
    """Every estimator's defaults on the 2-core CPU, with the Rockets side by side."""
    rows = {r["model"]: r for r in _r(results, "ptbxl_defaults_cpu")["rows"]}
    gpu = {r["model"]: r for r in _r(results, "ptbxl_zoo_gpu")["rows"]}
    out = []
    for name, zoo in DEFAULT_ROWS.items():
        r = rows.get(name)
        if r is None:
            continue
        z = gpu.get(zoo)
        gain = r.get("minus_minirocket")
        out.append((
            name, r["seeds"], f"{r['valid']:.3f}",
            f"{r['test']:.3f}" if r["test_sd"] is None
            else f"{r['test']:.3f} ± {r['test_sd']:.3f}", _interval(*r["test_ci"]),
            "-" if gain is None else _interval(*gain, sign="+"),
            f"{r['ens_test']:.3f}", r["cost"],
            "-" if z is None or name in ("minirocket", "multirocket")
            else f"`{zoo}` {z['test']:.3f}",
        ))  # fmt: skip
    head = (
        "estimator (defaults)", "seeds", "fold 9", "fold 10, mean ± sd",
        "fold 10, mean [95 % CI]", "minus MiniRocket (paired)",
        "seed-ensemble fold 10", "CPU cost / fit", "zoo row on the GPU: fold 10",
    )  # fmt: skip
    return md(head, out)


#: The recipe options tried on the ResNet row (issue 15 part 2).
RECIPE_OPTION_LABELS = {
    "resnet1d18": "zoo recipe (no option)",
    "resnet1d18_ema": "+ EMA of the weights",
    "resnet1d18_swa": "+ SWA (second half)",
    "resnet1d18_mixup": "+ mixup 0.2",
    "resnet1d18_cutmix": "+ CutMix 1.0",
    "resnet1d18_ls": "+ label smoothing 0.1",
    "resnet1d18_ls05": "+ label smoothing 0.05",
    "resnet1d18_ls02": "+ label smoothing 0.2",
    "resnet1d18_ls_mixup": "+ label smoothing 0.1 + mixup 0.2",
}


def zoo_recipe_options(results):
    """Each recipe option added to the ResNet row, ranked on fold 9."""
    res = _r(results, "ptbxl_recipe_options")
    rows = {r["model"]: r for r in res["rows"]}
    base = rows["resnet1d18"]
    best = max(rows.values(), key=lambda r: r["valid"])
    out = []
    for name, label in RECIPE_OPTION_LABELS.items():
        r = rows.get(name)
        if r is None:
            continue
        out.append((
            label, r["seeds"], f"{r['valid']:.4f}",
            "-" if r is base else f"{r['valid'] - base['valid']:+.4f}",
            f"{r['test']:.3f} ± {r['test_sd']:.3f}", r["cost"],
            "**chosen**" if r is best else "",
        ))  # fmt: skip
    head = ("ResNet18 (width 32) with", "seeds", "fold 9 (mean)",
            "fold 9 minus no option", "fold 10, mean ± sd", "CPU cost / fit",
            "fold 9 choice")  # fmt: skip
    return md(head, out)


def zoo_cpu_recipe(results):
    rows = [(r["recipe"], f"{r['valid']:.3f}", f"{r['test']:.3f}")
            for r in _r(results, "ptbxl_zoo_cpu")["recipe_steps"]]  # fmt: skip
    return md(("Recipe", "Fold 9", "Fold 10"), rows)


def ptbxl_first(results):
    rows = [(r["model"], r["seeds"], r["auroc"], r["cpu_s"], r["wall_s"], r["epochs"])
            for r in _r(results, "ptbxl_first_version")["rows"]]  # fmt: skip
    head = ("model", "seeds", "macro AUROC (mean ± sd)", "CPU s / seed",
            "wall s / seed", "epochs run / best")  # fmt: skip
    return md(head, rows)


# ------------------------------------------------------------------ scaling
def ddp_cpu(results):
    label = {"no_batchnorm": "2 conv layers, no BatchNorm", "resnet1d": "`resnet1d`"}
    rows = [
        (label[r["model"]], f"{r['records_per_s_1']:.0f}",
         f"{r['records_per_s_2']:.0f}", f"{r['speedup']:.2f}×",
         f"{r['max_abs_proba_diff']:.1e}")
        for r in _r(results, "bench_ddp")["rows"]
    ]  # fmt: skip
    return md(("network", "1 process (records/s)", "2 processes (records/s)",
               "speed-up", "max \\|Δ probability\\|"), rows)  # fmt: skip


def dask_cv(results):
    r = _r(results, "bench_dask")
    reads = r["checkpoint_reads_per_worker"]

    def read(k):
        return " / ".join(f"{w['scattered'] + w['fetched']}" for w in reads[k])

    rows = [
        ("1 worker", r["n_fits"], f"{r['wall_s_1_worker']:.1f}", "1.00×", read("1")),
        ("2 workers", r["n_fits"], f"{r['wall_s_2_workers']:.1f}",
         f"{r['speedup']:.2f}×", read("2")),
    ]  # fmt: skip
    same = "identical" if r["same_fold_scores"] else "different"
    return md(("Dask cluster", "fits", "CV wall s", "speed-up",
               "checkpoint transfers per worker"), rows) + (
        f"\nFold scores of the two clusters: {same}; checkpoint "
        f"{r['checkpoint_bytes'] / 1024:.0f} KiB.\n"
    )  # fmt: skip


def memmap_fit(results):
    label = {"in_memory": "in memory (`np.load`)",
             "memmap": "memory-mapped (`mmap_mode=\"r\"`)",
             "memmap_limited":
                 "mapped, `RLIMIT_DATA` = imports + array/3 (≥ 32 MiB)"}  # fmt: skip
    rows = [
        (label[r["mode"]], f"{r['array_mb']:.0f} MiB",
         f"{r['peak_anon_above_imports_mb']:.0f} MiB", f"{r['peak_vmrss_mb']:.0f} MiB",
         f"{r['records_per_s']:.0f}")
        for r in _r(results, "bench_memmap")["rows"]
    ]  # fmt: skip
    return md(("fit from", "array", "peak private memory above imports",
               "peak RSS (incl. file pages)", "records/s"), rows)  # fmt: skip


def optuna_storage(results):
    """Trials per second of the Optuna storages (``optuna_storage.py``)."""
    doc = load(results, "optuna_storage")
    res, par = doc["results"], doc["params"]
    rows = [
        [name, f"{r['median_trials_per_s']:.1f}",
         ", ".join(f"{v:.1f}" for v in r["all"])]
        for name, r in res.items()
    ]  # fmt: skip
    head = ["storage", f"trials/s, median of {par['repeats']}", "every repeat"]
    return md(head, rows)


TABLES = {
    "bootstrap_speed": bootstrap_speed,
    "bootstrap_coverage": bootstrap_coverage,
    "cv_coverage": cv_coverage,
    "bandpass_runs": bandpass_runs,
    "peak_memory": peak_memory,
    "lead_loops": lead_loops,
    "other_transformers": other_transformers,
    "loading": loading,
    "make_ecg_difficulty": make_ecg_difficulty,
    "transfer_ptbxl": lambda d: transfer_table(load(d, "transfer_ptbxl")),
    "transfer_synthetic": lambda d: transfer_table(load(d, "transfer_synthetic")),
    "transfer_grouped_ptbxl": lambda d: transfer_grouped_table(
        load(d, "transfer_grouped_ptbxl")["results"]
    ),
    "transfer_grouped_tuning": lambda d: transfer_grouped_tuning(
        load(d, "transfer_grouped_ptbxl")["results"]
    ),
    "transfer_grouped_ptbxl_pool120": lambda d: transfer_grouped_table(
        load(d, "transfer_grouped_ptbxl_pool120")["results"]
    ),
    "transfer_grouped_tuning_pool120": lambda d: transfer_grouped_tuning(
        load(d, "transfer_grouped_ptbxl_pool120")["results"]
    ),
    "defaults_small": lambda d: defaults_small_table(_r(d, "defaults_small")),
    "defaults_small_delta": lambda d: defaults_small_delta(_r(d, "defaults_small")),
    "bench_export": bench_export,
    "optuna_pruning": optuna_pruning,
    "overhead_cpu": overhead_cpu,
    "overhead_gpu": overhead_gpu,
    "overhead_augment": overhead_augment,
    "zoo_gpu": zoo_gpu,
    "zoo_gpu_ensembles": zoo_gpu_ensembles,
    "zoo_cpu": zoo_cpu,
    "zoo_cpu_recipe": zoo_cpu_recipe,
    "zoo_defaults": zoo_defaults,
    "zoo_recipe_options": zoo_recipe_options,
    "zoo_defaults_ensembles": lambda d: ensemble_table(
        _r(d, "ptbxl_defaults_cpu")["ensembles"]
    ),
    "ptbxl_first": ptbxl_first,
    "ddp_cpu": ddp_cpu,
    "memmap_fit": memmap_fit,
    "optuna_storage": optuna_storage,
    "dask_cv": dask_cv,
}


def render(text, results=RESULTS):
    """``text`` with every marked table rebuilt from ``results``."""

    def build(m):
        name = m.group(2)
        if name not in TABLES:
            raise KeyError(f"README marks table {name!r}; known: {sorted(TABLES)}")
        return m.group(1) + TABLES[name](results) + m.group(4)

    return MARKER.sub(build, text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if outdated")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    text = README.read_text()
    new = render(text, args.results)
    if args.check:
        if new != text:
            sys.exit("benchmarks/README.md tables are out of date: run report.py")
        return
    README.write_text(new)
    print(f"{len(MARKER.findall(new))} tables written to {README}")


if __name__ == "__main__":
    main()
