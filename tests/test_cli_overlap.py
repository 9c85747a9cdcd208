"""The command line keeps pretraining and evaluation data apart, and groups patients."""

import json

import numpy as np
import pytest

from sklearn_ecg._cli._compare import ModelSpec, StudyPlan, compare
from sklearn_ecg._cli._data import ECGData, load_data, subset
from sklearn_ecg._cli._errors import CLIError
from sklearn_ecg._cli._overlap import (
    checks_text,
    exclude_target_from_source,
    fit_params,
    ptbxl_boundary,
    separate_source,
)
from sklearn_ecg.cli import main

TINY = (
    "--set max_epochs=1 --set batch_size=16 --set base_width=4 --quiet --threads 1"
).split()


def _ptbxl_like(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return ECGData(
        X=rng.normal(size=(n, 2, 100)).astype(np.float32),
        y=np.tile([0, 1], n // 2),
        target_names=["no", "yes"],
        sfreq=100.0,
        record_ids=[str(i) for i in range(n)],
        groups=np.array([f"p{i // 2}" for i in range(n)]),
        folds=np.repeat(np.arange(1, 11), n // 10),
        description="PTB-XL (fake)",
        extra={"dataset": "ptbxl"},
    )


def test_ptbxl_source_takes_only_the_folds_the_target_does_not_use():
    full = _ptbxl_like()
    target = subset(full, full.folds == 10)
    source, note = ptbxl_boundary(full, target)
    assert set(source.folds) == set(range(1, 10))
    assert note["target_folds"] == [10] and note["n_source_dropped"] == 4
    assert source.extra["dataset"] == "ptbxl"  # subset keeps the dataset key
    with pytest.raises(CLIError, match="uses every strat_fold"):
        ptbxl_boundary(full, full)
    # Another dataset: no boundary applies.
    other = ECGData(**{**full.__dict__, "extra": {"dataset": "wfdb:/x"}})
    assert ptbxl_boundary(full, other) == (full, None)


def test_exclude_drops_target_records_patients_and_renamed_signals_from_source():
    full = _ptbxl_like()
    full.extra["dataset"] = "wfdb:/cohort"  # no PTB-XL fold boundary here
    target = subset(full, np.arange(0, 10))  # patients p0..p4
    source = subset(full, np.arange(8, 40))
    # Source record 30 is target record 3 under another name, cast to float64.
    source.X[22] = target.X[3].astype(np.float64)
    source.record_ids[22] = "renamed"
    kept, report = exclude_target_from_source(source, target)
    # Records 8, 9 (ids and patient p4) and the renamed copy are gone.
    assert report["n_overlap"] == 3 and report["by_signal"] == 3
    assert report["by_record_id"] == 2 and report["by_patient_id"] == 2
    assert len(kept.y) == len(source.y) - 3
    assert "renamed" not in kept.record_ids
    plan = StudyPlan(models=[ModelSpec("resnet1d")], pretrained_overlap="exclude")
    checks = {}
    separate_source(source, target, plan, checks)
    assert checks["n_source_records"] == len(source.y) - 3
    assert "3 source records shared with the target" in checks_text(checks)


def test_fit_params_namespace_ids_by_dataset():
    data = _ptbxl_like(10)
    params = fit_params(data)
    assert params["clf__record_ids"][0] == "ptbxl/0"
    assert params["clf__groups"][3] == "ptbxl/p1"


def test_study_splitter_is_grouped_when_patients_are_known():
    plan = StudyPlan(models=[ModelSpec("resnet1d")], n_splits=3, n_repeats=4)
    assert type(plan.splitter()).__name__ == "RepeatedStratifiedKFold"
    cv = plan.splitter(np.arange(30) // 2)
    assert type(cv).__name__ == "RepeatedStratifiedGroupKFold"
    assert cv.get_n_splits() == 12


def test_study_with_string_patient_ids_runs_grouped(tmp_path):
    # Labels files with patient ids p0, p1, ... once crashed with
    # "'<' not supported between instances of 'str' and 'int'".
    data = load_data("synthetic:pe:24", random_state=0)
    data.groups = np.array([f"p{i // 2}" for i in range(24)], dtype=object)
    plan = StudyPlan(
        models=[ModelSpec("resnet1d", {"base_width": 4, "max_epochs": 1})],
        conditions=("scratch",), n_splits=2, n_repeats=1, device="cpu",
    )  # fmt: skip
    checks = {}
    res = compare(data, plan, {}, checks)
    assert checks["splitter"] == "RepeatedStratifiedGroupKFold"
    assert len(res["resnet1d / scratch"]["scores"]["roc_auc"]) == 2


def _study_config(tmp_path, source, target, **extra):
    config = {
        "source": {"data": source},
        "target": {"data": target},
        "models": [{"name": "resnet1d", "params": {"base_width": 4}}],
        "training": {"max_epochs": 1, "batch_size": 16, "device": "cpu"},
        "cv": {"n_splits": 2, "n_repeats": 1},
        **extra,
    }
    path = tmp_path / "study.json"
    path.write_text(json.dumps(config))
    return path


def test_study_refuses_a_source_that_is_the_target(tmp_path, capsys):
    path = _study_config(tmp_path, "synthetic:pe:24", "synthetic:pe:24")
    code = main(["study", str(path), "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "24 of the 24 records of the target" in err
    assert "24 by record id, 24 by patient id, 24 by signal content" in err
    assert not (tmp_path / "o" / "results.json").exists()
    # exclude removes them from the source: nothing would be left to pretrain on.
    code = main(["study", str(path), "--out", str(tmp_path / "o"), "--quiet",
                 "--pretrained-overlap", "exclude"])  # fmt: skip
    assert code == 2 and "every source record" in capsys.readouterr().err


@pytest.mark.slow
def test_study_reports_what_it_checked(tmp_path, capsys):
    path = _study_config(tmp_path, "synthetic:ptbxl:40", "synthetic:pe:24")
    assert main(["study", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    res = json.loads((tmp_path / "o" / "results.json").read_text())
    guard = res["checks"]["pretrained_overlap"]
    assert guard["mode"] == "raise"
    warm = guard["checkpoints"]["resnet1d / warm"]
    assert warm["checked"] == ["record ids", "patient ids", "signals"]
    assert warm["n_checked"] == 24 and warm["n_overlap"] == 0
    assert res["checks"]["splitter"] == "RepeatedStratifiedGroupKFold"
    md = (tmp_path / "o" / "report.md").read_text()
    assert "0 of 24 target records seen by the weights" in md


def test_evaluate_pretrained_refuses_the_training_data(tmp_path, capsys):
    model = tmp_path / "m"
    assert main(["train", "--data", "synthetic:pe:24", "--out", str(model), *TINY]) == 0
    manifest = json.loads((model / "manifest.json").read_text())
    summary = manifest["model"]["steps"][-1][1]["training_data"]
    assert summary["n_records"] == 24 and summary["n_patients"] == 24
    assert summary["raw_hashes"] is True
    argv = ["evaluate", "--data", "synthetic:pe:24", "--pretrained",
            str(model / "model.pt"), "--n-splits", "2", "--n-repeats", "1",
            "--out", str(tmp_path / "e"), *TINY]  # fmt: skip
    capsys.readouterr()
    assert main(argv) == 2
    assert "24 of the 24 records of the target" in capsys.readouterr().err


def test_study_config_accepts_skip_missing_and_overlap_mode(tmp_path):
    from sklearn_ecg._cli._study import plan_from_config

    config = {"models": ["resnet1d"], "pretrained_overlap": "exclude",
              "target": {"data": "synthetic:pe", "skip_missing": True}}  # fmt: skip
    assert plan_from_config(config).pretrained_overlap == "exclude"
    with pytest.raises(CLIError, match="pretrained_overlap 'drop'"):
        plan_from_config({**config, "pretrained_overlap": "drop"})


@pytest.mark.slow
def test_evaluate_tune_is_nested_cv(tmp_path, capsys):
    argv = ["evaluate", "--data", "synthetic:pe:30", "--tune", "--n-trials", "1",
            "--inner-cv", "2", "--n-splits", "2", "--n-repeats", "1",
            "--out", str(tmp_path), *TINY]  # fmt: skip
    assert main(argv) == 0
    res = json.loads((tmp_path / "results.json").read_text())
    assert res["nested"] is True and res["checks"]["inner_cv"] == 2
    assert res["checks"]["splitter"] == "RepeatedStratifiedGroupKFold"
    assert [c["fold"] for c in res["chosen"]] == [0, 1]
    assert all(c["params"] for c in res["chosen"])
    arm = res["results"]["tuned (nested CV)"]
    assert len(arm["scores"]["roc_auc"]) == 2
    auc = arm["summary"]["roc_auc"]
    assert auc["ci_low"] <= auc["mean"] <= auc["ci_high"]
    report = (tmp_path / "report.md").read_text()
    assert "Parameters chosen in each outer fold" in report
