"""The command line under attack: hostile model folders, CSV and Markdown injection."""

import csv
import hashlib
import json
import pickle
import re

import joblib
import numpy as np
import pytest
import torch

from sklearn_ecg._cli._data import ECGData
from sklearn_ecg._cli._report import Report
from sklearn_ecg._cli._safe_text import csv_safe_cell, markdown_escape
from sklearn_ecg.cli import main

TINY = (
    "--set max_epochs=1 --set batch_size=16 --quiet --threads 1 --set base_width=4"
).split()
HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


class Evil:
    """Unpickling this creates ``path``: the proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def unescaped(fragment, text):
    """Whether ``fragment`` occurs in Markdown ``text`` without a backslash escape."""
    return re.search(r"(?<!\\)" + re.escape(fragment), text) is not None


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("train")
    assert main(["train", "--data", "synthetic:pe:32", "--out", str(out), *TINY]) == 0
    return out


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().err


def predict_argv(model, out):
    return ["predict", "--data", "synthetic:pe:8", "--model-file", str(model),
            "--out", str(out), "--quiet"]  # fmt: skip


def evaluate_argv(model, out):
    return ["evaluate", "--data", "synthetic:pe:16", "--model-file", str(model),
            "--n-bootstrap", "20", "--out", str(out), "--quiet"]  # fmt: skip


@pytest.fixture
def pickle_folder(tmp_path):
    """A folder as an attacker would send it: a pickle and its matching digest."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    joblib.dump(Evil(tmp_path / "marker"), folder / "model.joblib")
    digest = sha256(folder / "model.joblib")
    (folder / "model.sha256").write_text(f"{digest}  model.joblib\n")
    return folder


@pytest.mark.parametrize("argv", [predict_argv, evaluate_argv])
@pytest.mark.parametrize("target", ["", "model.joblib"])
def test_malicious_pickle_with_matching_digest_never_runs(
    argv, target, pickle_folder, tmp_path, capsys
):
    code, err = run(capsys, *argv(pickle_folder / target, tmp_path / "out"))
    assert code == 2
    assert "runs code" in err and "--allow-pickle" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize(
    "cls", ["os.system", "builtins.eval", "subprocess.Popen", "builtins.exec"]
)
@pytest.mark.parametrize("argv", [predict_argv, evaluate_argv])
def test_manifest_naming_a_dangerous_class_is_refused(
    cls, argv, trained, tmp_path, capsys
):
    folder = tmp_path / "m"
    folder.mkdir()
    for f in trained.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    marker = tmp_path / "marker"
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["model"] = {"class": cls, "params": {"command": f"touch {marker}"}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    code, err = run(capsys, *argv(folder, tmp_path / "out"))
    assert code == 2
    assert "allowlist" in err and cls in err
    assert not marker.exists()
    assert not (tmp_path / "out" / "predictions.csv").exists()


def test_malicious_weights_with_matching_digest_never_run(trained, tmp_path, capsys):
    folder = tmp_path / "m"
    folder.mkdir()
    for f in trained.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    marker = tmp_path / "marker"
    torch.save({"format": Evil(marker)}, folder / "model.pt")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["model.pt"] = sha256(folder / "model.pt")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    code, err = run(capsys, *predict_argv(folder, tmp_path / "out"))
    assert code == 2 and "Refusing to load" in err
    assert not marker.exists()


def test_allow_pickle_loads_a_legacy_folder_you_made(trained, tmp_path, capsys):
    from sklearn_ecg.persistence import load_model

    legacy = tmp_path / "legacy"
    legacy.mkdir()
    joblib.dump(load_model(trained), legacy / "model.joblib")
    code, err = run(capsys, *predict_argv(legacy, tmp_path / "a"))
    assert code == 2 and "--allow-pickle" in err
    code, _ = run(capsys, *predict_argv(legacy, tmp_path / "b"), "--allow-pickle")
    assert code == 0
    new = (tmp_path / "b" / "predictions.csv").read_text()
    assert main(predict_argv(trained, tmp_path / "c")) == 0
    assert new == (tmp_path / "c" / "predictions.csv").read_text()


def test_allow_pickle_help_says_it_runs_code(capsys):
    with pytest.raises(SystemExit):
        main(["predict", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--allow-pickle" in out and "RUNS CODE FROM THE FILE" in out


# --- CSV and Markdown injection ---------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_safe_cell_neutralises_formulas(text):
    assert csv_safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["AF", "record_001", "-1", "+0.5", "1e-3", 3, -2.5])
def test_csv_safe_cell_keeps_text_and_numbers(value):
    assert csv_safe_cell(value) == str(value)


def test_predictions_csv_neutralises_record_names_and_labels(
    tmp_path, monkeypatch, capsys
):
    from sklearn.pipeline import make_pipeline

    from sklearn_ecg._cli import _data
    from sklearn_ecg.classifiers import ECGResNetClassifier
    from sklearn_ecg.persistence import save_model

    rng = np.random.default_rng(0)
    X = rng.normal(size=(len(HOSTILE), 2, 64)).astype(np.float32)
    y = np.array([HOSTILE[0], HOSTILE[3]] * 4)[: len(HOSTILE)]
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=1, random_state=0, validation_fraction=0.0
    )
    save_model(make_pipeline(clf).fit(X, y), tmp_path / "m")
    data = ECGData(X=X, y=y, target_names=[], sfreq=100.0, record_ids=HOSTILE)
    monkeypatch.setattr(_data, "load_data", lambda *a, **k: data)
    assert main(predict_argv(tmp_path / "m", tmp_path / "out")) == 0
    with (tmp_path / "out" / "predictions.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert {r[-1] for r in rows[1:]} <= {"'" + HOSTILE[0], "'" + HOSTILE[3]}
    for row in rows[1:]:
        assert all(0.0 <= float(v) <= 1.0 for v in row[1:-1])  # numbers stay numbers
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows for c in r)


@pytest.mark.parametrize(
    "text, forbidden",
    [
        ("<script>alert(1)</script>", "<script>"),
        ("[click](javascript:alert(1))", "[click"),
        ("![x](http://evil/x.png)", "!["),
        ("a | b", " | b"),
        ("line\n# Heading", "\n#"),
        ("`code` *bold* _it_ ~~del~~", "*bold*"),
        ("&lt;b&gt;", "&lt;"),
    ],
)
def test_markdown_escape_neutralises_markup(text, forbidden):
    escaped = markdown_escape(text, line_start=True)
    assert not unescaped(forbidden, escaped)
    assert "\n" not in escaped
    # Removing the escapes gives back the text (whitespace collapsed).
    assert escaped.replace("\\", "") == " ".join(text.replace("\\", "").split())


def test_report_md_escapes_what_report_html_escapes(tmp_path):
    title = "<img src=x onerror=alert(1)> [evil](http://x)"
    report = Report(title)
    report.heading("## <b>h</b>")
    report.text("- <i>list</i>\n# not a heading")
    report.table([["record", "label"], ["=rec|1", "<AF>"]])
    report.figure("roc curve.png", "[cap](javascript:x)")
    md = report.to_markdown()
    for bad in ("<img", "<b>", "<i>", "[evil", "[cap", "<AF>", "\n# not"):
        assert not unescaped(bad, md), bad
    assert "| =rec\\|1 | \\<AF\\> |" in md
    assert "(roc%20curve.png)" in md
    assert md.startswith("# \\<img src=x onerror=alert(1)\\> \\[evil](http://x)")
    assert "\n\\- \\<i\\>list\\</i\\> # not a heading\n" in md
    page = report.to_html()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_unpickling_guard_is_not_a_digest(tmp_path):
    # A digest only detects damage: the attacker writes a matching one (above),
    # so the only defence is never unpickling. Check the marker mechanism works.
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(Evil(marker)))
    assert marker.exists()
