"""The training-data fingerprint of checkpoints and its overlap checks."""

import io

import numpy as np
import pytest
import torch

from sklearn_ecg.transfer import (
    Checkpoint,
    TrainingFingerprint,
    TrainingOverlapError,
    load_checkpoint,
    signal_hashes,
)
from sklearn_ecg.transfer._fingerprint import overlap_error


def _records(n=6, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 3, 200)).astype(np.float32)


def test_hash_is_float_width_and_gain_robust_and_distinct():
    X = _records()
    h = signal_hashes(X)
    assert h.dtype == np.uint64 and len(set(h.tolist())) == len(X)
    assert np.array_equal(h, signal_hashes(X.astype(np.float64)))
    # Per-lead offset and gain (units, z-scoring) do not change the hash ...
    scaled = X * np.array([1000.0, 0.5, 2.0])[None, :, None] + 3.0
    assert np.array_equal(h, signal_hashes(scaled))
    # ... but a different record, a changed sample region or a crop does.
    Y = X.copy()
    Y[0, 0, 100:110] += 5
    assert signal_hashes(Y)[0] != h[0] and np.array_equal(signal_hashes(Y)[1:], h[1:])
    assert signal_hashes(X[:, :, :150])[0] != h[0]


def test_hash_handles_flat_leads_and_2d_input():
    X = np.zeros((2, 2, 50), dtype=np.float32)
    X[1, 0] = 1.0  # a constant lead is flat after removing its mean
    h = signal_hashes(X)
    assert h[0] == h[1]
    assert signal_hashes(X[:, 0]).shape == (2,)
    with pytest.raises(ValueError, match="n_records, n_leads, n_times"):
        signal_hashes(np.zeros(5))


def test_fingerprint_round_trips_in_a_weights_only_checkpoint():
    X = _records()
    fp = TrainingFingerprint.from_data(
        X, record_ids=[f"r{i}" for i in range(6)], patient_ids=[1.0, 1.0, 2, 3, 4, 5],
        raw_X=X * 2 + 1,
    )  # fmt: skip
    assert fp.patient_ids == ("1", "2", "3", "4", "5")  # 1.0 is written 1
    ckpt = Checkpoint.from_module(torch.nn.Linear(2, 1), training_data=fp)
    data = ckpt.to_bytes()
    payload = torch.load(io.BytesIO(data), weights_only=True)
    stored = payload["training_data"]
    assert stored["signal_hashes"].dtype == torch.int64
    assert stored["record_ids"] == [f"r{i}" for i in range(6)]
    back = load_checkpoint(data).training_data
    assert np.array_equal(back.signal_hashes, fp.signal_hashes)
    assert np.array_equal(back.raw_signal_hashes, fp.raw_signal_hashes)
    assert back.record_ids == fp.record_ids and back.patient_ids == fp.patient_ids
    assert back.n_records == 6
    # The weights' SHA-256 does not depend on the fingerprint.
    assert ckpt.sha256 == Checkpoint(state_dict=ckpt.state_dict).sha256
    bare = Checkpoint(state_dict=ckpt.state_dict).to_bytes()
    assert load_checkpoint(bare).training_data is None


def test_checkpoint_refuses_a_bad_training_data_value():
    with pytest.raises(ValueError, match="TrainingFingerprint or None"):
        Checkpoint(state_dict={"w": torch.zeros(1)}, training_data={"a": 1})


def test_overlap_counts_ids_patients_and_signals():
    X = _records(8)
    fp = TrainingFingerprint.from_data(
        X[:4], record_ids=["a", "b", "c", "d"], patient_ids=["p0", "p0", "p1", "p2"]
    )
    target = np.concatenate([X[4:], X[2:3].astype(np.float64)])  # 5 records
    report = fp.overlap(
        target,
        record_ids=["a", "x", "y", "z", "renamed"],
        groups=["q", "p2", "q", "q", "w"],
    )
    assert report.mask.tolist() == [True, True, False, False, True]
    assert (report.by_record, report.by_patient, report.by_signal) == (1, 1, 1)
    assert report.n_patients == 1 and report.n_overlap == 3
    assert report.checked == ["record ids", "patient ids", "signals"]
    message = str(overlap_error(report, "the target"))
    assert "3 of the 5 records of the target" in message
    assert "1 by record id, 1 by patient id, 1 by signal content" in message
    assert "exclude" in message and "strat_fold" in message
    assert isinstance(overlap_error(report, "x"), TrainingOverlapError)
    assert report.to_dict()["n_overlap"] == 3


def test_raw_hashes_are_compared_too():
    X = _records()
    seen = (X - X.mean(axis=2, keepdims=True)) ** 2  # some non-affine preprocessing
    fp = TrainingFingerprint.from_data(seen)
    assert fp.overlap(X).n_overlap == 0
    assert fp.with_raw(X).overlap(X).n_overlap == len(X)
    with pytest.raises(ValueError, match="training_X has 7 records"):
        fp.with_raw(_records(7))


def test_id_count_must_match_records():
    with pytest.raises(ValueError, match="record_ids has 2 entries but there are 6"):
        TrainingFingerprint.from_data(_records(), record_ids=["a", "b"])
