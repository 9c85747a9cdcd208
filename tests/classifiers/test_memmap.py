"""Fits and predictions on memory-mapped records, and transform_to_memmap."""

import tracemalloc

import numpy as np
import pytest
import torch

from sklearn_ecg.classifiers import ECGClassifier
from sklearn_ecg.classifiers._memmap import RecordStack, is_memory_mapped
from sklearn_ecg.preprocessing import BandpassFilter, transform_to_memmap


class TinyNet(torch.nn.Module):
    def __init__(self, n_leads, n_times, n_outputs):
        super().__init__()
        self.conv = torch.nn.Conv1d(n_leads, 4, 9, stride=8)
        self.final_layer = torch.nn.Linear(4, n_outputs)

    def forward(self, x):
        return self.final_layer(torch.relu(self.conv(x)).mean(-1))


def _clf(**kw):
    # No crops or augmentation: the test is about where the records are read.
    kw = {"crop_length": None, "augment": None, "validation_fraction": 0.1, **kw}
    return ECGClassifier(
        TinyNet, max_epochs=1, batch_size=32, random_state=0, device="cpu", **kw
    )


def _memmap(tmp_path, shape, dtype="float32"):
    rng = np.random.default_rng(0)
    X = np.lib.format.open_memmap(
        tmp_path / "X.npy", mode="w+", dtype=dtype, shape=shape
    )
    for i in range(0, shape[0], 100):
        X[i : i + 100] = rng.normal(size=(min(100, shape[0] - i), *shape[1:])) * (
            100 if dtype == "int16" else 1
        )
    X.flush()
    del X
    return np.load(tmp_path / "X.npy", mmap_mode="r")


def test_fit_streams_a_memmap_without_copying_it(tmp_path):
    X = _memmap(tmp_path, (600, 12, 1000))  # 28.8 MB of float32
    y = np.arange(len(X)) % 2
    _clf().fit(np.asarray(X[:64]), y[:64]).predict(np.asarray(X[:8]))  # imports
    tracemalloc.start()
    try:
        clf = _clf().fit(X[:500], y[:500], X_val=X[500:], y_val=y[500:])
        proba = clf.predict_proba(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # a float32 copy of X (or of X[:500], or X and X_val concatenated) would be
    # 24-29 MB; a batch of 32 records is 1.5 MB, held in a few copies at once
    assert peak < X.nbytes / 4, (peak, X.nbytes)
    Xm = np.array(X)
    ref = _clf().fit(Xm[:500], y[:500], X_val=Xm[500:], y_val=y[500:])
    np.testing.assert_array_equal(proba, ref.predict_proba(Xm))
    assert clf.history_[-1, "valid_loss"] == ref.history_[-1, "valid_loss"]


def test_integer_memmap_is_cast_per_batch(tmp_path):
    X = _memmap(tmp_path, (80, 2, 256), dtype="int16")
    y = np.arange(80) % 2
    proba = _clf(validation_fraction=0.2).fit(X, y).predict_proba(X)
    ref = _clf(validation_fraction=0.2).fit(X.astype("float32"), y)
    np.testing.assert_array_equal(proba, ref.predict_proba(X.astype("float32")))


def test_is_memory_mapped(tmp_path):
    X = _memmap(tmp_path, (4, 1, 8))
    assert is_memory_mapped(X) and is_memory_mapped(np.asarray(X)[1:])
    assert not is_memory_mapped(np.array(X))


def test_record_stack_gathers_from_both_arrays():
    a = np.arange(12, dtype="float64").reshape(3, 1, 4)
    b = -np.arange(8, dtype="float64").reshape(2, 1, 4) - 1
    stack = RecordStack(a, b)
    full = np.concatenate([a, b]).astype("float32")
    assert len(stack) == 5 and stack.shape == (5, 1, 4)
    idx = np.array([4, 0, 3, 2])
    np.testing.assert_array_equal(stack[idx], full[idx])
    np.testing.assert_array_equal(np.asarray(stack), full)
    assert stack[idx].dtype == np.float32


def test_transform_to_memmap(tmp_path):
    X = _memmap(tmp_path, (23, 2, 500))
    out = transform_to_memmap(BandpassFilter(), X, tmp_path / "f.npy", chunk_records=5)
    assert isinstance(out, np.memmap) and not out.flags.writeable
    np.testing.assert_allclose(out, BandpassFilter().transform(np.array(X)), atol=1e-6)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        transform_to_memmap(BandpassFilter(), X, tmp_path / "f.npy")
    with pytest.raises(ValueError, match="chunk_records"):
        transform_to_memmap(BandpassFilter(), X, tmp_path / "g.npy", chunk_records=0)
    again = transform_to_memmap(
        BandpassFilter(), X, tmp_path / "f.npy", chunk_records=50, overwrite=True
    )
    np.testing.assert_array_equal(again, out)
