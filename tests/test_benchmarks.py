"""Smoke runs of every script in ``benchmarks/`` and the README's generated tables.

Each benchmark runs with ``--quick --out tmp_path`` so that it cannot rot; its result
file is checked for its keys and values, and fed to the table builder of
``benchmarks/report.py`` that formats its committed results, so that a script and
its README table cannot drift apart. The scripts run in this process through their
``main(argv)``: a subprocess per script would spend most of its time importing
torch (about 4 CPU seconds each); their ``__main__`` blocks only call ``main()``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from sklearn_ecg.utils import get_shared_data_dir

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(
    p.stem
    for p in BENCH.glob("*.py")
    if not p.stem.startswith("_") and p.stem != "report"
)
TESTED = {
    "bench_bootstrap", "bench_cv_interval", "bench_dask", "bench_ddp", "bench_export",
    "bench_memmap", "defaults_small", "loading", "make_ecg",
    "optuna_pruning", "optuna_storage", "overhead", "preprocessing",
    "ptbxl_subset", "transfer",
}  # fmt: skip


@pytest.fixture
def bench(monkeypatch):
    """Import a benchmark script (or ``report``), restoring torch's thread count."""
    monkeypatch.syspath_prepend(str(BENCH))
    threads = torch.get_num_threads()

    def load(name):
        path = BENCH / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    yield load
    torch.set_num_threads(threads)


def _run(bench, name, tmp_path, *args):
    bench(name).main(["--quick", "--out", str(tmp_path), *args])
    doc = json.loads((tmp_path / f"{name}.json").read_text())
    assert doc["benchmark"] == name
    assert doc["params"]["quick"] is True
    env = doc["environment"]
    assert env["torch"] == torch.__version__ and env["torch_threads"] >= 1
    assert {"numpy", "device", "python", "date"} <= set(env)
    return doc["results"]


def _needs_shared_data():
    if not (get_shared_data_dir() / "ptbxl_subset").is_dir():
        pytest.skip("shared PTB-XL subset not available")


def test_every_script_has_a_smoke_test():
    assert set(SCRIPTS) == TESTED


@pytest.mark.slow
def test_bench_bootstrap(bench, tmp_path):
    res = _run(bench, "bench_bootstrap", tmp_path)
    speed = {r["metric"]: r for r in res["speed"]}
    assert set(speed) == {"sklearn", "rank"}
    # same seed, same resamples: the rank-based AUROC gives the same interval
    assert speed["rank"]["low"] == pytest.approx(speed["sklearn"]["low"])
    assert speed["rank"]["high"] == pytest.approx(speed["sklearn"]["high"])
    assert 0.5 < res["coverage"]["true_auroc"] < 1
    for row in res["coverage"]["rows"]:
        assert 0 <= row["coverage"] <= 1 and 0 < row["mean_width"] < 1
    report = bench("report")
    assert "× faster" in report.bootstrap_speed(tmp_path)
    assert "| BCa |" in report.bootstrap_coverage(tmp_path)


@pytest.mark.slow
def test_bench_cv_interval(bench, tmp_path):
    res = _run(bench, "bench_cv_interval", tmp_path)
    assert 0.5 < res["expected_auroc"] < 1
    width = {r["correction"]: r["mean_width"] for r in res["rows"]}
    assert width["nadeau-bengio"] > width[None] > 0  # the correction widens
    assert "Nadeau–Bengio corrected" in bench("report").cv_coverage(tmp_path)


@pytest.mark.slow
def test_bench_export(bench, tmp_path):
    res = _run(bench, "bench_export", tmp_path)
    rows = {r["predictor"]: r for r in res["rows"]}
    assert set(rows) == {"predict_proba", "torchscript"}  # --quick skips ONNX
    assert rows["predict_proba"]["speed"] == 1.0
    assert rows["torchscript"]["max_abs_diff"] < 1e-5
    assert "TorchScript" in bench("report").bench_export(tmp_path)


@pytest.mark.slow
def test_loading(bench, tmp_path):
    _needs_shared_data()
    res = _run(bench, "loading", tmp_path)
    assert set(res["median_s"]) == {"bare", "cold", "cold+write", "warm", "warm_mmap"}
    assert all(v > 0 for v in res["median_s"].values())
    assert "faster than cold" in bench("report").loading(tmp_path)


@pytest.mark.slow
def test_make_ecg(bench, tmp_path):
    res = _run(bench, "make_ecg", tmp_path)
    assert res["speed"]["ratio"] > 0
    auc = {r["effect_size"]: r["auroc_mean"] for r in res["difficulty"]}
    assert auc[1.5] > 0.8  # a strong effect is easy even for 40 records
    assert "| AUROC |" in bench("report").make_ecg_difficulty(tmp_path)


@pytest.mark.slow
def test_optuna_pruning(bench, tmp_path):
    res = _run(bench, "optuna_pruning", tmp_path)
    rows = {r["pruner"]: r for r in res["rows"]}
    assert set(rows) == {"none", "median"}
    # 2 trials x 3 folds x 2 epochs, none pruned (fewer finished trials than startup)
    assert rows["none"]["epochs"] == 12 and rows["none"]["pruned"] == 0
    assert 0 <= rows["none"]["test_auc"] <= 1
    assert "| 0 | median |" in bench("report").optuna_pruning(tmp_path)


@pytest.mark.slow
def test_optuna_storage(tmp_path):
    # A subprocess: the workers are spawned and must import the script by name.
    script = BENCH / "optuna_storage.py"
    subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    res = json.loads((tmp_path / "optuna_storage.json").read_text())["results"]
    assert set(res) == {"sqlite", "journal"}
    for kind in res:
        assert len(res[kind]["all"]) == 1 and res[kind]["median_trials_per_s"] > 0


@pytest.mark.slow
def test_bench_ddp(bench, tmp_path):
    res = _run(bench, "bench_ddp", tmp_path)
    rows = {r["model"]: r for r in res["rows"]}
    assert set(rows) == {"no_batchnorm", "resnet1d"}
    # without BatchNorm, 2 processes compute the 1-process fit up to float32 sums
    assert rows["no_batchnorm"]["max_abs_proba_diff"] < 1e-4
    assert rows["no_batchnorm"]["speedup"] > 0
    assert "no BatchNorm" in bench("report").ddp_cpu(tmp_path)


@pytest.mark.slow
def test_bench_dask(bench, tmp_path):
    pytest.importorskip("distributed", reason="bench_dask needs dask[distributed]")
    res = _run(bench, "bench_dask", tmp_path)
    assert res["same_fold_scores"] is True
    assert res["speedup"] > 0 and res["n_fits"] == 2
    # each worker received the broadcast checkpoint once
    for reads in res["checkpoint_reads_per_worker"].values():
        assert all(r["scattered"] + r["fetched"] == 1 for r in reads)
    assert "2 workers" in bench("report").dask_cv(tmp_path)


@pytest.mark.slow
def test_bench_memmap(bench, tmp_path):
    res = _run(bench, "bench_memmap", tmp_path)
    rows = {r["mode"]: r for r in res["rows"]}
    assert set(rows) == {"in_memory", "memmap", "memmap_limited"}
    assert res["same_predictions"]
    assert rows["memmap"]["array_mb"] == rows["in_memory"]["array_mb"]
    assert "RLIMIT_DATA" in bench("report").memmap_fit(tmp_path)


@pytest.mark.slow
def test_overhead(bench, tmp_path):
    res = _run(bench, "overhead", tmp_path)
    prec = res["precisions"]["32"]
    assert len(prec["fit_s"]) == len(prec["loop_s"]) == 2
    assert prec["wall_ratio"]["min"] <= prec["wall_ratio"]["median"] > 0
    shutil.copy(tmp_path / "overhead.json", tmp_path / "overhead_cpu.json")
    assert "throughput ratio, CPU time" in bench("report").overhead_cpu(tmp_path)


@pytest.mark.slow
def test_overhead_augmentation(bench, tmp_path):
    bench("overhead").main(["--quick", "--out", str(tmp_path), "--augmentation"])
    doc = json.loads((tmp_path / "overhead_augment.json").read_text())
    res = doc["results"]
    assert set(res["sides"]) == {"plain", "host", "batch"}
    assert all(len(side["wall_s"]) == 2 for side in res["sides"].values())
    assert res["batch"]["cpu_ratio"]["median"] > 0
    table = bench("report").overhead_augment(tmp_path)
    assert "| vectorised batch path, CPU time |" in table


@pytest.mark.slow
def test_preprocessing(bench, tmp_path):
    res = _run(bench, "preprocessing", tmp_path)
    assert res["throughput_ratio"] > 0
    assert [r["method"] for r in res["full"]] == [
        "BandpassFilter", "sosfiltfilt (one call)",
    ]  # fmt: skip
    assert res["loops"][0]["speedup"] == 1.0
    assert len(res["others"]) == 9
    for run in ("preprocessing_run1", "preprocessing_run2"):
        shutil.copy(tmp_path / "preprocessing.json", tmp_path / f"{run}.json")
    report = bench("report")
    assert "× input" in report.peak_memory(tmp_path)
    assert "NotchFilter()" in report.other_transformers(tmp_path)


@pytest.mark.slow
def test_transfer(bench, tmp_path):
    bench("transfer").main(["--quick", "--out", str(tmp_path)])
    doc = json.loads((tmp_path / "transfer_grouped_synthetic.json").read_text())
    assert doc["environment"]["torch"] == torch.__version__
    assert doc["params"]["quick"] is True
    assert (tmp_path / "transfer_grouped.png").stat().st_size > 0
    res = doc["results"]
    # the three parts share no record, patient or identical signal
    for counts in res["disjointness"].values():
        assert counts == {"records": 0, "patients": 0, "identical_signals": 0}
    tuning = res["models"]["resnet"]["tuning"]
    assert tuning["best_strategy"] in {"gradual", "discriminative"}
    assert len(tuning["means"]) == 8  # 4 strategies x 2 learning rates
    (run,) = res["runs"]
    assert run["n"] == 32 and run["n_pos"] == 4 and run["repeats"] == 1
    cmp = run["comparison"]
    assert cmp["correction"] == "nadeau-bengio" and cmp["baselines"] == {
        "warm": "scratch", "best": "scratch"
    }  # fmt: skip
    for arm in ("scratch", "warm", "best"):
        assert len(cmp["scores"][arm]["roc_auc"]) == 2  # 2 folds x 1 repeat
        s = cmp["summary"][arm]["roc_auc"]
        assert 0 <= s["ci_low"] <= s["mean"] <= s["ci_high"] <= 1
    d = cmp["differences"]["warm"]["roc_auc"]
    diff = np.subtract(
        cmp["scores"]["warm"]["roc_auc"], cmp["scores"]["scratch"]["roc_auc"]
    )
    assert d["mean"] == pytest.approx(diff.mean())
    tuned = bench("report").transfer_grouped_tuning(res)
    assert tuned.count("\n") == 3 and f"| {tuning['best_strategy']} |" in tuned
    table = bench("report").transfer_grouped_table(res)
    assert table.count("\n") == 3 and "| resnet | 32 (4 pos, 32 pat.) | 2x1 |" in table


@pytest.mark.slow
def test_defaults_small(bench, tmp_path):
    _needs_shared_data()
    res = _run(bench, "defaults_small", tmp_path)
    arms = ["old_default", "default", "warm_default"]
    recs = res["records"]
    assert sorted({r["arm"] for r in recs}) == sorted(arms)
    assert sorted(r["fold"] for r in recs) == sorted(list(range(5)) * 3)
    # grouped 5-fold CV of the 60-record target: 48 training records, 7-8 positives
    assert {r["n_train"] for r in recs} == {48}
    assert all(r["pos_train"] >= 6 for r in recs)
    assert {r["batch_size"] for r in recs if r["arm"] != "old_default"} == {16}
    assert res["pretraining"]["n_source"] > 1000
    rows = {r["arm"]: r for r in res["summary"]}
    assert set(rows) == set(arms) and {r["n"] for r in rows.values()} == {60}
    diff = [
        w["auroc"] - d["auroc"]
        for w in recs if w["arm"] == "warm_default"
        for d in recs if d["arm"] == "default" and d["fold"] == w["fold"]
    ]  # fmt: skip
    assert rows["warm_default"]["minus_default"][0] == pytest.approx(np.mean(diff))
    report = bench("report")
    table = report.defaults_small_table(res)
    assert "| 60 | 5 |" in table and table.count("\n") == 3
    assert report.defaults_small_delta(res).count("\n") == 3


@pytest.mark.slow
def test_ptbxl_subset(bench, tmp_path):
    _needs_shared_data()
    res = _run(bench, "ptbxl_subset", tmp_path)
    (row,) = res["rows"]
    assert row["model"] == "default_resnet1d" and row["seeds"] == 1
    assert row["best_epoch"] == [1]
    assert 0 <= row["test"] <= 1 and row["test_sd"] is None
    records = (tmp_path / "results.jsonl").read_text().splitlines()
    assert json.loads(records[0])["epochs"] == 1
    assert "| default_resnet1d | 1 |" in bench("report").zoo_table(res["rows"])


def test_report_runs_as_a_program():
    """``python benchmarks/report.py --check`` passes on the committed README."""
    out = subprocess.run(
        [sys.executable, str(BENCH / "report.py"), "--check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_readme_tables_are_generated(bench):
    """Every table marked in benchmarks/README.md equals report.py's output."""
    report = bench("report")
    text = report.README.read_text()
    names = report.MARKER.findall(text)
    assert {m[1] for m in names} == set(report.TABLES)
    assert report.render(text) == text, "run `python benchmarks/report.py`"


def test_committed_results_are_well_formed():
    for path in sorted((BENCH / "results").glob("*.json")):
        doc = json.loads(path.read_text())
        assert doc["benchmark"] == path.stem, path
        assert doc.get("source") or doc["environment"].get("commit"), path
        assert {"environment"} <= set(doc) and ("results" in doc or "summary" in doc)
