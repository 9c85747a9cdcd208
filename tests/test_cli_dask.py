"""``sklearn-ecg study --scheduler``: the study's fits on a Dask cluster."""

import json
import sys

import pytest

from sklearn_ecg.cli import main

CONFIG = {
    "title": "tiny",
    "device": "cpu",
    "source": {"data": "synthetic:ptbxl:40"},
    "target": {"data": "synthetic:pe:24"},
    "models": [{"name": "resnet1d", "params": {"base_width": 4}}],
    "training": {"max_epochs": 1, "batch_size": 16},
    "cv": {"n_splits": 2, "n_repeats": 1},
}


def _study(tmp_path, capsys, name, *extra):
    path = tmp_path / "study.json"
    path.write_text(json.dumps(CONFIG))
    out = tmp_path / name
    code = main(["study", str(path), "--out", str(out), "--quiet", *extra])
    _, err = capsys.readouterr()
    return code, err, out


def test_scheduler_without_dask_names_the_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, err, _ = _study(tmp_path, capsys, "out", "--scheduler", "local")
    assert code == 2
    assert 'pip install "sklearn-ecg[dask]"' in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_n_jobs_zero_is_a_usage_error(tmp_path, capsys):
    code, err, _ = _study(tmp_path, capsys, "out", "--n-jobs", "0")
    assert code == 2 and "--n-jobs" in err


@pytest.mark.slow
def test_study_on_a_local_dask_cluster_matches_sequential(tmp_path, capsys):
    pytest.importorskip("distributed", reason="--scheduler needs dask[distributed]")
    code, err, seq = _study(tmp_path, capsys, "seq")
    assert code == 0, err
    code, err, on_dask = _study(
        tmp_path, capsys, "dask", "--scheduler", "local", "--n-jobs", "2"
    )
    assert code == 0, err
    a, b = (json.loads((p / "results.json").read_text())["results"]
            for p in (seq, on_dask))  # fmt: skip
    assert set(a) == {"resnet1d / scratch", "resnet1d / warm"}
    for arm in a:
        scores = {k: v for k, v in a[arm]["scores"].items() if k != "fit_seconds"}
        assert scores.keys() >= {"roc_auc"}
        for metric, values in scores.items():
            assert b[arm]["scores"][metric] == values, (arm, metric)
