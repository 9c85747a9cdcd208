"""Fits that survive being killed: ``checkpoint_dir`` (classifiers._resume)."""

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier
from sklearn_ecg.classifiers._distributed import DistState
from sklearn_ecg.classifiers._resume import (
    ResumeCheckpoint,
    ResumeCheckpointError,
    checkpoint_path,
)

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
TINY = {**PLAIN_TRAINING, "base_width": 4, "max_epochs": 2, "random_state": 0,
        "device": "cpu"}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 2, 64)).astype("float32")
    y = np.arange(16) % 2
    return X, y


def _epoch_on_disk(path):
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError):
        return 0
    return json.loads(ckpt["meta"])["epoch"]


def _same_weights(a, b):
    sa, sb = a.module_.state_dict(), b.module_.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.slow
@pytest.mark.parametrize("validation_fraction", [None, 0.25])
def test_sigkilled_fit_resumes_to_the_uninterrupted_weights(
    tmp_path, validation_fraction
):
    sys.path.insert(0, str(HERE))
    try:
        import _resume_worker as worker
    finally:
        sys.path.remove(str(HERE))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_resume_worker.py"), str(tmp_path),
         str(validation_fraction)],
        env=env,
    )  # fmt: skip
    path = checkpoint_path(tmp_path)
    try:
        deadline = time.monotonic() + 120
        while _epoch_on_disk(path) < 2:
            assert proc.poll() is None, "the worker ended before epoch 2"
            assert time.monotonic() < deadline, "no epoch-2 checkpoint in time"
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    X, y = worker.make_data()
    ref = worker.make_estimator(validation_fraction).fit(X, y)
    with pytest.warns(UserWarning, match="epochs 1-2 were done, training epochs 3-4"):
        res = worker.make_estimator(validation_fraction, checkpoint_dir=tmp_path)
        res.fit(X, y)
    assert _same_weights(ref, res)  # bit-identical, not merely close
    assert res.history_[:, "train_loss"] == ref.history_[:, "train_loss"]
    np.testing.assert_array_equal(res.predict_proba(X), ref.predict_proba(X))


class _DieAfterSecondEpoch(Callback):
    """Stand-in for a kill after epoch 2's checkpoint (runs after the built-ins)."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise RuntimeError("killed")


@pytest.mark.parametrize(
    "recipe",
    [
        {"validation_fraction": None},
        {"validation_fraction": 0.25, "mixup": 0.2, "weight_averaging": "swa"},
        {"validation_fraction": 0.25, "lr_schedule": "plateau",
         "weight_averaging": "ema", "data_path": "host", "cutmix": 1.0},
    ],
    ids=["default", "mixup-swa", "host-plateau-ema-cutmix"],
)  # fmt: skip
def test_interrupted_fit_resumes_bit_identically(tmp_path, recipe):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(24, 2, 256)).astype("float32")
    y = np.arange(24) % 2
    params = {"base_width": 4, "max_epochs": 3, "batch_size": 8, "device": "cpu",
              "random_state": 0, **recipe}  # fmt: skip
    ref = ECGResNetClassifier(**params).fit(X, y)
    died = ECGResNetClassifier(
        **params, checkpoint_dir=tmp_path, callbacks=[_DieAfterSecondEpoch()]
    )
    with pytest.raises(RuntimeError, match="killed"):
        died.fit(X, y)
    with pytest.warns(UserWarning, match="training epochs 3-3"):
        res = ECGResNetClassifier(**params, checkpoint_dir=tmp_path).fit(X, y)
    assert _same_weights(ref, res)
    assert res.history_[:, "train_loss"] == ref.history_[:, "train_loss"]
    assert len(res.history_) == 3


def test_early_stopped_fit_is_finished(data, tmp_path):
    X, y = data
    params = {**TINY, "max_epochs": 30, "patience": 1, "validation_fraction": 0.25}
    first = ECGResNetClassifier(**params, checkpoint_dir=tmp_path).fit(X, y)
    assert len(first.history_) < 30  # stopped early
    with pytest.warns(UserWarning, match="holds a finished fit"):
        again = ECGResNetClassifier(**params, checkpoint_dir=tmp_path).fit(X, y)
    assert _same_weights(first, again)


def test_finished_checkpoint_returns_at_once(data, tmp_path):
    X, y = data
    first = ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    assert _epoch_on_disk(checkpoint_path(tmp_path)) == 2
    with pytest.warns(UserWarning, match="holds a finished fit"):
        again = ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    assert _same_weights(first, again)
    assert again.history_[:, "train_loss"] == first.history_[:, "train_loss"]
    assert again.n_epochs_ == first.n_epochs_
    np.testing.assert_array_equal(again.predict_proba(X), first.predict_proba(X))


def test_checkpoint_is_plain_data(data, tmp_path):
    X, y = data
    ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    assert sorted(os.listdir(tmp_path)) == ["resume.pt"]  # no temporary file left
    ckpt = torch.load(checkpoint_path(tmp_path), weights_only=True)
    assert set(ckpt) >= {"module", "optimizer", "criterion", "rng", "meta"}


@pytest.mark.parametrize(
    "change",
    [
        lambda X, y: (X + 1.0, y, {}),
        lambda X, y: (X, y[::-1].copy(), {}),
        lambda X, y: (X, y, {"lr": 1e-2}),
        lambda X, y: (X, y, {"random_state": 1}),
    ],
    ids=["X", "y", "params", "seed"],
)
def test_checkpoint_of_another_fit_is_refused(data, tmp_path, change):
    X, y = data
    ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    X2, y2, params = change(X, y)
    est = ECGResNetClassifier(**{**TINY, **params}, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="other data, split, random_state or param"):
        est.fit(X2, y2)


def test_verbose_and_callbacks_do_not_block_a_resume(data, tmp_path):
    X, y = data
    ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    with pytest.warns(UserWarning, match="finished fit"):
        ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path, callbacks=[]).fit(X, y)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_checkpoint_names_the_file_and_the_fix(data, tmp_path, damage):
    X, y = data
    path = checkpoint_path(tmp_path)
    if damage == "truncated":
        ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(b"not a checkpoint" if damage == "garbage" else b"")
    est = ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path)
    with pytest.raises(ResumeCheckpointError) as info:
        est.fit(X, y)
    msg = str(info.value)
    assert str(path) in msg and "cannot be read" in msg
    assert "Delete" in msg and "another checkpoint_dir" in msg


def test_checkpoint_needs_an_int_random_state(data, tmp_path):
    X, y = data
    est = ECGResNetClassifier(**{**TINY, "random_state": None}, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="needs an int random_state"):
        est.fit(X, y)
    assert not checkpoint_path(tmp_path).exists()


def test_partial_fit_neither_reads_nor_writes_the_checkpoint(data, tmp_path):
    X, y = data
    est = ECGResNetClassifier(**TINY, checkpoint_dir=tmp_path).fit(X, y)
    before = checkpoint_path(tmp_path).read_bytes()
    est.partial_fit(X, y)
    assert len(est.history_) == 4
    assert checkpoint_path(tmp_path).read_bytes() == before


@pytest.mark.slow
def test_distributed_fit_resumes(tmp_path, monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}  # fmt: skip
    for mode in ("ref", "die", "resume"):
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", str(HERE / "_resume_worker.py"),
               str(tmp_path), f"ddp-{mode}"]  # fmt: skip
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
        assert run.returncode == 0, run.stderr[-3000:]
        if mode == "die":
            assert _epoch_on_disk(checkpoint_path(tmp_path / "ckpt")) == 2
    assert "epochs 1-2 were done" in run.stderr
    ref, res = (
        json.loads((tmp_path / f"{m}.json").read_text()) for m in ("ref", "resume")
    )
    assert res == ref and len(res) == 4
    a, b = (torch.load(tmp_path / f"{m}.pt") for m in ("ref", "resume"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_only_rank_zero_writes(tmp_path):
    cb = ResumeCheckpoint(tmp_path, "fp")
    net = types.SimpleNamespace(
        _fit_state={"dist": DistState(rank=1, world=2)}, history=[], max_epochs=3
    )
    cb.write(net, complete=False)
    cb.on_epoch_end(net)
    assert not any(tmp_path.iterdir())


def test_no_checkpoint_dir_writes_nothing(data, tmp_path, monkeypatch):
    X, y = data
    monkeypatch.chdir(tmp_path)
    est = ECGResNetClassifier(**TINY).fit(X, y)
    assert est.checkpoint_dir is None and not any(tmp_path.iterdir())


def test_ensemble_members_get_their_own_checkpoint_folders(data, tmp_path):
    from sklearn_ecg.classifiers import ECGEnsembleClassifier

    X, y = data
    member = ECGResNetClassifier(**{**TINY, "max_epochs": 1}, checkpoint_dir=tmp_path)
    ens = ECGEnsembleClassifier([("a/../b", member)], seeds=2).fit(X, y)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_b_s0", "a_b_s1"]
    with pytest.warns(UserWarning, match="finished fit"):
        again = ECGEnsembleClassifier([("a/../b", member)], seeds=2).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), ens.predict_proba(X))
