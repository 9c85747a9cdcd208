"""The ``sklearn-ecg`` command: exit codes, one-line errors, outputs, the demo."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sklearn_ecg._cli._build import parse_assignments
from sklearn_ecg._cli._compare import fold_scores
from sklearn_ecg._cli._errors import CLIError
from sklearn_ecg._cli._report import Report, comparison_table, fmt_ci, write_json
from sklearn_ecg._cli._study import plan_from_config, read_config
from sklearn_ecg.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err, *fragments):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("sklearn-ecg: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- parsing and usage errors -------------------------------------------------


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "train", "evaluate", "predict", "tune", "study"):
        assert command in out
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "sklearn-ecg" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, fragments",
    [
        ([], ["COMMAND"]),
        (["frobnicate"], ["frobnicate"]),
        (["demo", "--bogus"], ["--bogus"]),
        (["train", "--out", "x"], ["--data"]),
        (["evaluate", "--data", "x", "--out", "o", "--n-splits", "two"], ["two"]),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(capsys, argv, fragments):
    code, out, err = run_main(capsys, *argv)
    assert code == 2
    assert out == ""
    assert_one_line_error(err, *fragments)


def test_bad_data_kind(capsys, tmp_path):
    code, _, err = run_main(
        capsys, "train", "--data", "mitdb:/x", "--out", str(tmp_path), "--quiet"
    )
    assert code == 2
    assert_one_line_error(err, "mitdb:/x", "ptbxl", "cpsc2018", "wfdb")


def test_missing_data_path(capsys, tmp_path):
    missing = tmp_path / "no-such-folder"
    code, _, err = run_main(
        capsys, "train", "--data", f"ptbxl:{missing}", "--out", str(tmp_path), "--quiet"
    )
    assert code == 2
    assert_one_line_error(err, str(missing), "does not exist")


def test_wfdb_needs_labels(capsys, tmp_path):
    code, _, err = run_main(
        capsys, "train", "--data", f"wfdb:{tmp_path}", "--out", str(tmp_path)
    )
    assert code == 2
    assert_one_line_error(err, "--labels")


def test_missing_labels_file(capsys, tmp_path):
    code, _, err = run_main(
        capsys,
        "train",
        "--data",
        f"wfdb:{tmp_path}",
        "--labels",
        str(tmp_path / "labels.csv"),
        "--out",
        str(tmp_path),
    )
    assert code == 2
    assert_one_line_error(err, "labels.csv", "no such file")


def test_unwritable_out(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_main(capsys, "study", "cfg.json", "--out", str(blocker / "x"))
    assert code == 2
    assert_one_line_error(err)


def test_predict_missing_model_file(capsys, tmp_path):
    code, _, err = run_main(
        capsys,
        "predict",
        "--data",
        "synthetic:pe:20",
        "--model-file",
        str(tmp_path / "model.joblib"),
    )
    assert code == 2
    assert_one_line_error(err, "model.joblib", "no such file")


def test_tampered_model_file_is_not_unpickled(capsys, tmp_path):
    (tmp_path / "model.joblib").write_bytes(b"not a pickle")
    (tmp_path / "model.sha256").write_text("0" * 64 + "  model.joblib\n")
    code, _, err = run_main(
        capsys,
        "predict",
        "--data",
        "synthetic:pe:20",
        "--model-file",
        str(tmp_path / "model.joblib"),
    )
    assert code == 2
    assert_one_line_error(err, "runs code", "--allow-pickle")


# --- config files -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, text, fragment",
    [
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.toml", "title = ", "not valid TOML"),
        ("list.json", "[1, 2]", "table/object"),
    ],
)
def test_unreadable_config(capsys, tmp_path, name, text, fragment):
    path = tmp_path / name
    path.write_text(text)
    code, _, err = run_main(capsys, "study", str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert_one_line_error(err, name, fragment)


def test_missing_config(capsys, tmp_path):
    code, _, err = run_main(capsys, "study", str(tmp_path / "nope.toml"))
    assert code == 2
    assert_one_line_error(err, "nope.toml", "no such file")


def test_config_unknown_key_is_named(tmp_path):
    with pytest.raises(CLIError, match="'epochs'.*allowed"):
        plan_from_config({"models": ["resnet1d"], "epochs": 3})
    with pytest.raises(CLIError, match="models\\[0\\]"):
        plan_from_config({"models": [{"nme": "resnet1d"}]})
    with pytest.raises(CLIError, match="conditions"):
        plan_from_config({"models": ["resnet1d"], "conditions": ["hot"]})
    with pytest.raises(CLIError, match="distinct labels"):
        plan_from_config({"models": ["resnet1d", "resnet1d"]})


def test_toml_and_json_configs_give_the_same_plan(tmp_path):
    pytest.importorskip("tomllib")
    toml = tmp_path / "s.toml"
    toml.write_text(
        'seed = 3\nconditions = ["warm"]\n[[models]]\nname = "resnet1d"\n'
        "params = {max_epochs = 2}\n[cv]\nn_splits = 4\nn_repeats = 3\n"
    )
    js = tmp_path / "s.json"
    js.write_text(json.dumps(read_config(str(toml))))
    a, b = (
        plan_from_config(read_config(str(toml))),
        plan_from_config(read_config(str(js))),
    )
    assert a == b
    assert (a.n_splits, a.n_repeats, a.random_state, a.conditions) == (
        4,
        3,
        3,
        ("warm",),
    )
    assert a.models[0].params == {"max_epochs": 2}


# --- --debug and internal errors ---------------------------------------------


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(CLIError):
        main(["study", str(tmp_path / "nope.json"), "--debug"])


def test_internal_error_is_one_line_exit_1(capsys, monkeypatch):
    from sklearn_ecg._cli import _demo

    def boom(args):
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(_demo, "run", boom)
    code, _, err = run_main(capsys, "demo", "--quiet")
    assert code == 1
    assert_one_line_error(err, "RuntimeError: first line second line", "--debug")
    with pytest.raises(RuntimeError):
        main(["demo", "--debug"])


def test_console_script_entry_point_exits_nonzero(tmp_path):
    # A real process: exit status and stderr as a shell user sees them.
    proc = subprocess.run(
        [sys.executable, "-m", "sklearn_ecg.cli", "study", str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "x.json" in proc.stderr and "Traceback" not in proc.stderr


# --- pieces with numbers ------------------------------------------------------


def test_parse_assignments_reads_json_values():
    params = parse_assignments(["lr=1e-3", "freeze=backbone", "x=[1, 2]", "a=true"])
    assert params == {"lr": 1e-3, "freeze": "backbone", "x": [1, 2], "a": True}
    with pytest.raises(CLIError, match="KEY=VALUE"):
        parse_assignments(["lr"])


def test_fold_scores_by_hand():
    y = np.array([0, 0, 0, 1, 1])
    proba = np.array([0.1, 0.4, 0.35, 0.8, 0.3])

    class Fitted:  # a fitted binary classifier with these outputs
        classes_ = np.array([0, 1])

        def predict_proba(self, X):
            return np.c_[1 - proba, proba]

        def predict(self, X):
            return (proba > 0.5).astype(int)

    s = fold_scores(Fitted(), np.zeros((5, 1)), y)
    assert s["roc_auc"] == pytest.approx(4 / 6)  # pairs (pos > neg): 3 + 1 of 6
    assert s["sensitivity"] == pytest.approx(0.5)
    assert s["specificity"] == pytest.approx(1.0)
    assert s["gmean"] == pytest.approx(math.sqrt(0.5))


def test_report_and_json(tmp_path):
    summary = {"mean": 0.8, "ci_low": 0.7, "ci_high": 0.9}
    results = {"m / scratch": {"summary": {"roc_auc": summary}}}
    rows = comparison_table(results, metrics=("roc_auc",))
    assert rows[1] == ["m / scratch", "0.800 [0.700, 0.900]", "—"]
    assert fmt_ci({"mean": float("nan")}) == "n/a"
    report = Report("T <&>")
    report.table(rows)
    report.figure("a.png", "cap")
    md, page = report.write(tmp_path)
    assert "| m / scratch | 0.800 \\[0.700, 0.900] | — |" in md.read_text()
    assert "T &lt;&amp;&gt;" in page.read_text() and 'src="a.png"' in page.read_text()
    path = write_json(tmp_path / "r.json", {"x": float("nan"), "y": np.float32(2)})
    assert json.loads(path.read_text()) == {"x": None, "y": 2.0}


def _subparsers(parser):
    action = next(a for a in parser._actions if a.choices and a.dest == "command")
    return action.choices


def test_one_module_per_command_with_its_parser_and_run():
    import importlib

    sub = _subparsers(build_parser())
    assert list(sub) == ["demo", "train", "evaluate", "predict", "tune", "study"]
    for name in sub:
        module = importlib.import_module(f"sklearn_ecg._cli._{name}")
        assert callable(module.add_parser) and callable(module.run), name


def test_every_option_named_in_messages_exists():
    """An error or help text must not advise an option the parser lacks."""
    import re

    parser = build_parser()
    options = {opt for a in parser._actions for opt in a.option_strings}
    for sp in _subparsers(parser).values():
        options |= {opt for a in sp._actions for opt in a.option_strings}
    texts = [p.read_text() for p in (ROOT / "sklearn_ecg" / "_cli").glob("*.py")]
    texts.append((ROOT / "sklearn_ecg" / "cli.py").read_text())
    texts.append((ROOT / "docs" / "cli.rst").read_text())
    for sp in _subparsers(parser).values():
        texts.append(sp.format_help())
    mentioned = {m for t in texts for m in re.findall(r"(?<![\w-])--[a-z][a-z-]+", t)}
    assert "--data" in mentioned and "--set" in mentioned  # the scan reads them
    assert mentioned - options == set()


def test_parser_defaults():
    args = build_parser().parse_args(["demo"])
    assert (args.device, args.seed, args.quick, args.out) == (
        "auto",
        0,
        False,
        "sklearn-ecg-demo",
    )


# --- end to end on synthetic data (tiny networks) ------------------------------

TINY = (
    "--set max_epochs=2 --set batch_size=16 --set lr=0.003 --quiet --threads 1 "
    "--set base_width=4"
).split()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("train")
    code = main(["train", "--data", "synthetic:pe:48", "--out", str(out), *TINY])
    assert code == 0
    return out


def test_train_writes_model_and_results(trained):
    for name in ("manifest.json", "arrays.npz", "model.pt", "results.json"):
        assert (trained / name).is_file(), name
    assert not (trained / "model.joblib").exists()  # data, never a pickle
    results = json.loads((trained / "results.json").read_text())
    assert results["n_records"] == 48
    assert results["classes"] == ["0", "1"]
    assert 1 <= results["n_epochs"] <= 2
    assert len(results["history"]["train_loss"]) >= 1


def test_predict_writes_probabilities(trained, tmp_path, capsys):
    code = main(
        [
            "predict",
            "--data",
            "synthetic:pe:12",
            "--model-file",
            str(trained / "manifest.json"),
            "--out",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert code == 0
    lines = (tmp_path / "predictions.csv").read_text().splitlines()
    assert lines[0] == "record,proba_0,proba_1,prediction"
    assert len(lines) == 13
    proba = np.array([[float(v) for v in line.split(",")[1:3]] for line in lines[1:]])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    # The same model to stdout gives the same rows.
    capsys.readouterr()
    assert (
        main(
            [
                "predict",
                "--data",
                "synthetic:pe:12",
                "--model-file",
                str(trained),
                "--quiet",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == lines


def test_pretrained_checkpoint_fine_tunes(trained, tmp_path):
    code = main(
        [
            "train",
            "--data",
            "synthetic:pe:40",
            "--pretrained",
            str(trained / "model.pt"),
            "--out",
            str(tmp_path),
            *TINY,
        ]
    )
    assert code == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["pretrained"].endswith("model.pt")


def test_evaluate_trained_model_with_bootstrap(trained, tmp_path, capsys):
    code = main(
        [
            "evaluate",
            "--data",
            "synthetic:pe:40",
            "--model-file",
            str(trained / "manifest.json"),
            "--n-bootstrap",
            "50",
            "--out",
            str(tmp_path),
            "--quiet",
            "--seed",
            "1",
        ]
    )
    assert code == 0
    res = json.loads((tmp_path / "results.json").read_text())
    ci = res["ci"]["roc_auc"]
    assert ci["ci_low"] <= ci["mean"] <= ci["ci_high"]
    assert (tmp_path / "roc_curve.png").stat().st_size > 5000
    assert "roc_auc" in capsys.readouterr().out


def test_unknown_model_and_parameter(capsys, tmp_path):
    code, _, err = run_main(
        capsys,
        "train",
        "--data",
        "synthetic:pe:20",
        "--model",
        "resnet9000",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    assert code == 2
    assert_one_line_error(err, "resnet9000", "resnet1d")
    code, _, err = run_main(
        capsys,
        "train",
        "--data",
        "synthetic:pe:20",
        "--set",
        "learning_rate=1",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    assert code == 2
    assert_one_line_error(err, "learning_rate", "valid ones")


@pytest.mark.slow
def test_study_from_config(tmp_path, capsys):
    config = {
        "title": "tiny",
        "source": {"data": "synthetic:ptbxl:60"},
        "target": {"data": "synthetic:pe:40"},
        "models": [{"name": "resnet1d", "params": {"base_width": 4}}],
        "training": {"max_epochs": 1, "batch_size": 16},
        "cv": {"n_splits": 2, "n_repeats": 1},
    }
    path = tmp_path / "study.json"
    path.write_text(json.dumps(config))
    code = main(["study", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "resnet1d / scratch" in out and "resnet1d / warm" in out
    res = json.loads((tmp_path / "out" / "results.json").read_text())
    assert set(res["results"]) == {"resnet1d / scratch", "resnet1d / warm"}
    for arm in res["results"].values():
        assert len(arm["scores"]["roc_auc"]) == 2
    # The paired difference is compare_arms's: warm - scratch per fold, with the
    # Nadeau-Bengio interval of the actual fold sizes (20 / 20 here).
    from sklearn_ecg.metrics import t_interval

    warm, scratch = (
        res["results"]["resnet1d / warm"],
        res["results"]["resnet1d / scratch"],
    )
    diff = warm["warm_minus_scratch_auroc"]
    per_fold = np.subtract(warm["scores"]["roc_auc"], scratch["scores"]["roc_auc"])
    np.testing.assert_allclose(diff["per_fold"], per_fold)
    expected = t_interval(per_fold, test_train_ratio=1.0, bounds=(-1, 1))
    assert (diff["mean"], diff["ci_low"], diff["ci_high"]) == pytest.approx(
        expected, nan_ok=True
    )
    assert Path(res["pretraining"]["resnet1d"]["checkpoint"]).is_file()


@pytest.mark.slow
def test_demo_quick_end_to_end(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["demo", "--quick", "--out", str(out), "--quiet"])
    assert code == 0
    table = capsys.readouterr().out
    assert "/ scratch" in table and "/ warm" in table
    for name in (
        "report.md",
        "report.html",
        "results.json",
        "auroc_by_arm.png",
        "roc_curves.png",
        "pretraining_curves.png",
    ):
        assert (out / name).is_file(), name
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 5000
    md = (out / "report.md").read_text()
    assert "![" in md and "auroc_by_arm.png" in md
    res = json.loads((out / "results.json").read_text())
    arms = res["results"]
    assert len(arms) == 2
    for arm in arms.values():
        auc = arm["summary"]["roc_auc"]
        assert 0.0 <= auc["mean"] <= 1.0
        assert auc["ci_low"] <= auc["mean"] <= auc["ci_high"]


@pytest.mark.slow
def test_tune_writes_best_params_and_resumes(tmp_path):
    storage = f"sqlite:///{tmp_path / 'tune.db'}"
    argv = [
        "tune",
        "--data",
        "synthetic:pe:40",
        "--n-trials",
        "1",
        "--cv",
        "2",
        "--storage",
        storage,
        "--study-name",
        "t",
        "--out",
        str(tmp_path / "o"),
        *TINY,
    ]
    assert main(argv) == 0
    best = json.loads((tmp_path / "o" / "best_params.json").read_text())
    assert best["best_params"] and all(k.count("__") == 1 for k in best["best_params"])
    # The filter's cut-off stays below Nyquist (50 Hz at the synthetic 100 Hz).
    assert best["best_params"].get("filter__high_freq", 40.0) < 50.0
    assert (tmp_path / "o" / "manifest.json").is_file()
    # n_trials counts the study's trials: asking for 2 resumes it with one more.
    argv[argv.index("--n-trials") + 1] = "2"
    assert main(argv) == 0
    import pandas as pd

    assert len(pd.read_csv(tmp_path / "o" / "trials.csv")) == 2


def test_evaluate_equals_compare_arms_on_the_same_folds(tmp_path):
    """The CLI's numbers are compare_arms's numbers (one implementation)."""
    from sklearn_ecg._cli._build import build_pipeline
    from sklearn_ecg._cli._data import load_data
    from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold, compare_arms

    argv = ["evaluate", "--data", "synthetic:pe:30", "--n-splits", "2",
            "--n-repeats", "1", "--out", str(tmp_path), "--set", "max_epochs=1",
            "--set", "batch_size=16", "--set", "base_width=4", "--quiet",
            "--threads", "1"]  # fmt: skip
    assert main(argv) == 0
    cli = json.loads((tmp_path / "results.json").read_text())["results"]
    arm = cli["resnet1d / scratch"]
    data = load_data("synthetic:pe:30", random_state=0)
    pipe = build_pipeline(
        "resnet1d", sfreq=data.sfreq, lead_names=data.lead_names,
        params={"max_epochs": 1, "batch_size": 16, "base_width": 4},
    )  # fmt: skip
    # The synthetic data has patient ids, so the CLI's folds are grouped.
    cv = RepeatedStratifiedGroupKFold(n_splits=2, n_repeats=1, random_state=0)
    lib = compare_arms({"scratch": pipe}, data.X, data.y, cv=cv, scoring=fold_scores,
                       groups=data.groups)  # fmt: skip
    for metric in ("roc_auc", "average_precision", "gmean"):
        np.testing.assert_allclose(arm["scores"][metric], lib.scores["scratch"][metric])
        for key in ("mean", "ci_low", "ci_high"):
            assert arm["summary"][metric][key] == pytest.approx(
                lib.summary["scratch"][metric][key], nan_ok=True
            )
