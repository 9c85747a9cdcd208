"""The deferred-sync epoch loop records exactly what skorch's own loop records."""

import numpy as np
import pytest
from skorch import NeuralNetClassifier

from sklearn_ecg.classifiers import ECGClassifier, ECGResNetClassifier


def _fit(X, y, **kw):
    return ECGResNetClassifier(
        base_width=4, max_epochs=3, batch_size=12, random_state=0, device="cpu", **kw
    ).fit(X, y)


@pytest.mark.parametrize("kw", [{}, {"validation_fraction": None}])
def test_history_matches_skorchs_loop(kw, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3, 64)).astype(np.float32)
    y = np.arange(40) % 2
    ours = _fit(X, y, **kw).history_
    monkeypatch.setattr(
        ECGClassifier, "run_single_epoch", NeuralNetClassifier.run_single_epoch
    )
    skorchs = _fit(X, y, **kw).history_
    keys = ["train_loss", "train_batch_size", "valid_loss", "valid_batch_size"]
    assert len(ours) == len(skorchs) == 3
    for mine, theirs in zip(ours, skorchs):
        assert len(mine["batches"]) == len(theirs["batches"]) > 0
        for a, b in zip(mine["batches"], theirs["batches"]):
            assert {k: a.get(k) for k in keys} == {k: b.get(k) for k in keys}
            assert all(type(v) in (float, int) for v in a.values())
        for key in ("train_loss", "valid_loss", "train_batch_count"):
            assert mine.get(key) == theirs.get(key), key
    assert "valid_loss" in ours[0] or kw  # both splits were exercised
