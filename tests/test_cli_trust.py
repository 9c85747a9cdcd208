"""CLI: records checked against the model, label/patient columns, a closed stdout."""

import json
import subprocess
import sys

import numpy as np
import pytest
import wfdb

from sklearn_ecg._cli._data import _bunch_to_data
from sklearn_ecg.cli import main
from sklearn_ecg.utils import STANDARD_LEADS

TINY = "--set max_epochs=1 --set batch_size=16 --quiet --threads 1 --set base_width=4"
LEADS = list(STANDARD_LEADS)


def write_folder(root, X, sfreq, leads, extra=None):
    """Write records r0.. of X (n, leads, times) and labels.csv; return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    rows = ["record,label" + ("".join(f",{k}" for k in extra) if extra else "")]
    for i, x in enumerate(X):
        wfdb.wrsamp(f"r{i}", fs=sfreq, units=["mV"] * len(leads), sig_name=leads,
                    p_signal=x.T.astype(np.float64), fmt=["16"] * len(leads),
                    write_dir=str(root))  # fmt: skip
        cells = [f"r{i}", str(i % 2)] + [str(v[i]) for v in (extra or {}).values()]
        rows.append(",".join(cells))
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


def predict(model, folder, *extra):
    return main(["predict", "--data", f"wfdb:{folder}", "--labels",
                 str(folder / "labels.csv"), "--model-file", str(model), "--quiet",
                 *extra])  # fmt: skip


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    assert main(["train", "--data", "synthetic:pe:32", "--out", str(out),
                 *TINY.split()]) == 0  # fmt: skip
    return out


@pytest.fixture(scope="module")
def records(model):
    n_times = json.loads((model / "manifest.json").read_text())
    rng = np.random.default_rng(0)
    n = _n_times(n_times)
    return np.round(rng.normal(size=(6, 12, n)), 2)


def _n_times(manifest):
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "n_times_in_" in node:
                found.append(node["n_times_in_"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(manifest)
    value = found[0]
    return int(value["value"] if isinstance(value, dict) else value)


def test_reordered_leads_give_the_same_predictions(model, records, tmp_path, capsys):
    order = np.random.default_rng(1).permutation(12)
    ok = write_folder(tmp_path / "ok", records, 100, LEADS)
    shuffled = write_folder(tmp_path / "shuffled", records[:, order], 100,
                            [LEADS[i] for i in order])  # fmt: skip
    capsys.readouterr()
    assert predict(model, ok) == 0
    want = capsys.readouterr().out
    assert predict(model, shuffled) == 0
    assert capsys.readouterr().out == want and want.count("\n") == 7


@pytest.mark.parametrize("sfreq", [250, 200])
def test_other_rate_is_refused_and_resampled_on_request(model, records, tmp_path,
                                                        capsys, sfreq):  # fmt: skip
    up = np.repeat(records, sfreq // 100, axis=2) if sfreq == 200 else records
    folder = write_folder(tmp_path / "fast", up, sfreq, LEADS)
    capsys.readouterr()
    assert predict(model, folder) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"sampled at {sfreq} Hz but the model expects " \
        "100 Hz" in err and "--resample" in err  # fmt: skip
    if sfreq == 200:  # 2x the samples: the resampled records fit the model
        assert predict(model, folder, "--resample") == 0
        assert "resampled the records from 200 Hz to the model's 100 Hz" in (
            capsys.readouterr().err)  # fmt: skip


def test_missing_lead_is_refused(model, records, tmp_path, capsys):
    folder = write_folder(tmp_path / "eleven", records[:, :11], 100, LEADS[:11])
    assert predict(model, folder) == 2
    assert "lack the lead(s) ['V6']" in capsys.readouterr().err


def test_label_and_patient_columns(records, tmp_path, capsys):
    extra = {"sex": [0, 1, 1, 0, 1, 0], "patient": ["p0", "p0", "p1", "p1", "p2", "p2"]}
    folder = write_folder(tmp_path / "cohort", records, 100, LEADS, extra)
    args = [
        "train",
        "--data",
        f"wfdb:{folder}",
        "--labels",
        str(folder / "labels.csv"),
        "--out",
        str(tmp_path / "out"),
        *TINY.split(),
    ]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "several columns that could be labels: ['label', 'sex', 'patient']" in err
    assert main([*args, "--label-column", "label", "--patient-column", "patient"]) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["n_records"] == 6 and results["classes"] == ["0", "1"]


def test_sfreq_resamples_in_the_loader(records, tmp_path, capsys):
    folder = write_folder(tmp_path / "mixed", records, 100, LEADS)
    for i, x in enumerate(np.repeat(records[3:], 2, axis=2), start=3):  # now 200 Hz
        wfdb.wrsamp(f"r{i}", fs=200, units=["mV"] * 12, sig_name=LEADS,
                    p_signal=x.T.astype(np.float64), fmt=["16"] * 12,
                    write_dir=str(folder))  # fmt: skip
    base = ["train", "--data", f"wfdb:{folder}", "--labels", str(folder / "labels.csv"),
            "--out", str(tmp_path / "out"), *TINY.split()]  # fmt: skip
    capsys.readouterr()
    assert main(base) == 2
    assert "Records differ in sampl" in capsys.readouterr().err
    assert main([*base, "--sfreq", "100"]) == 0
    assert "on 6 records" in capsys.readouterr().out


def test_groups_come_before_patient_ids():
    from sklearn.utils import Bunch

    bunch = Bunch(
        data=np.zeros((3, 1, 4)),
        target=np.array([0, 1, 0]),
        sfreq=100.0,
        patient_ids=np.array(["a", "b", "c"]),
        groups=np.array([0, 0, 1]),
    )
    np.testing.assert_array_equal(_bunch_to_data(bunch, "x").groups, [0, 0, 1])


def test_study_config_with_a_string_number(tmp_path, capsys):
    config = tmp_path / "study.json"
    config.write_text(
        json.dumps(
            {
                "models": ["resnet1d"],
                "cv": {"n_splits": "five"},
                "target": {"data": "synthetic:pe:20"},
            }
        )
    )
    assert main(["study", str(config), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cv.n_splits must be an integer >= 2, got 'five'" in err


def test_closed_stdout_is_not_a_traceback(model):
    code = (
        "import sys; from sklearn_ecg.cli import main; sys.exit(main(['predict', "
        f"'--data', 'synthetic:pe:12', '--model-file', {str(model)!r}, '--quiet']))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    proc.stdout.close()  # like `| head` that has read enough
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_broken_pipe_in_process(monkeypatch, model, capsys):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    code = main(["predict", "--data", "synthetic:pe:12", "--model-file", str(model),
                 "--quiet"])  # fmt: skip
    monkeypatch.undo()
    assert code == 1
    assert capsys.readouterr().err == ""
