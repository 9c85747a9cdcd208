"""``sklearn-ecg train/study --resume``: killed runs continue from their out folder."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from sklearn_ecg.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = (
    "--set max_epochs=2 --set batch_size=16 --set lr=0.003 --quiet --threads 1 "
    "--set base_width=4"
).split()
TRAIN = ["train", "--data", "synthetic:pe:48"]


def _epoch_on_disk(path):
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError):
        return 0
    return json.loads(ckpt["meta"])["epoch"]


def _run_until(argv, path, epochs, timeout=120):
    """Start the CLI in a subprocess; SIGKILL it once ``path`` holds ``epochs``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sklearn_ecg.cli", *argv], env=env)
    try:
        deadline = time.monotonic() + timeout
        while _epoch_on_disk(path) < epochs:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, f"no checkpoint at {path} in time"
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_train_without_resume_starts_afresh(tmp_path):
    out = tmp_path / "out"
    (out / "resume").mkdir(parents=True)
    (out / "resume" / "resume.pt").write_bytes(b"stale")  # never read
    assert main([*TRAIN, "--out", str(out), *TINY]) == 0
    assert (out / "model.pt").is_file()
    assert not (out / "resume").exists()  # removed once the results are written


def test_train_resume_refuses_a_damaged_checkpoint(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "resume").mkdir(parents=True)
    (out / "resume" / "resume.pt").write_bytes(b"damaged")
    assert main([*TRAIN, "--out", str(out), *TINY, "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out / "resume" / "resume.pt") in err
    assert "cannot be read" in err and "without --resume" in err
    assert not (out / "model.pt").exists()


def test_train_resume_with_nothing_to_resume_trains(tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*TRAIN, "--out", str(out), *TINY, "--resume"]) == 0
    assert "nothing to resume" in capsys.readouterr().out
    assert (out / "results.json").is_file()


@pytest.mark.slow
def test_train_resume_continues_a_killed_run(tmp_path):
    args = [*TRAIN, *TINY, "--set", "max_epochs=30"]
    killed, ref = tmp_path / "killed", tmp_path / "ref"
    _run_until([*args, "--out", str(killed)], killed / "resume" / "resume.pt", 2)
    assert not (killed / "results.json").exists()
    assert main([*args, "--out", str(killed), "--resume"]) == 0
    assert main([*args, "--out", str(ref)]) == 0
    got, want = (json.loads((d / "results.json").read_text()) for d in (killed, ref))
    assert len(got["history"]["train_loss"]) == 30
    assert got["history"] == want["history"]  # the same floats, epoch by epoch
    assert not (killed / "resume").exists()


def _study_config(tmp_path, max_epochs):
    config = {
        "title": "tiny",
        "target": {"data": "synthetic:pe:40"},
        "conditions": ["scratch"],
        "models": [{"name": "resnet1d", "params": {"base_width": 4}}],
        "training": {"max_epochs": max_epochs, "batch_size": 16},
        "cv": {"n_splits": 2, "n_repeats": 1},
    }
    path = tmp_path / "study.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.slow
def test_study_resume_skips_finished_folds_and_resumes_the_killed_one(tmp_path):
    config = str(_study_config(tmp_path, max_epochs=25))
    killed, ref = tmp_path / "killed", tmp_path / "ref"
    fold1 = killed / "resume" / "cv" / "00_resnet1d_scratch" / "fold1" / "resume.pt"
    _run_until(["study", config, "--out", str(killed), "--quiet", "--threads", "1"],
               fold1, 2)  # fmt: skip
    fold0 = killed / "resume" / "cv" / "00_resnet1d_scratch" / "fold0" / "resume.pt"
    ckpt = torch.load(fold0, weights_only=True)
    assert json.loads(ckpt["meta"])["complete"]  # fold 0 finished: not refitted
    argv = ["study", config, "--quiet", "--threads", "1"]
    assert main([*argv, "--out", str(killed), "--resume"]) == 0
    assert main([*argv, "--out", str(ref)]) == 0
    got, want = (json.loads((d / "results.json").read_text()) for d in (killed, ref))
    arm = "resnet1d / scratch"
    scores, expected = got["results"][arm]["scores"], want["results"][arm]["scores"]
    for metric in ("roc_auc", "average_precision", "gmean"):
        np.testing.assert_array_equal(scores[metric], expected[metric])
    np.testing.assert_array_equal(
        got["results"][arm]["oof_proba"], want["results"][arm]["oof_proba"]
    )
    assert not (killed / "resume").exists()


def test_study_has_resume_and_writes_no_checkpoint_after_success(tmp_path):
    config = str(_study_config(tmp_path, max_epochs=1))
    out = tmp_path / "out"
    argv = ["study", config, "--out", str(out), "--quiet", "--threads", "1"]
    assert main([*argv, "--resume"]) == 0
    assert (out / "results.json").is_file() and not (out / "resume").exists()
