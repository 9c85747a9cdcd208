"""The epoch loop: the history skorch would record, and diverged networks stopped."""

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback

from sklearn_ecg.classifiers import (
    ECGClassifier,
    ECGResNetClassifier,
    TrainingDivergedError,
)


def _fit(X, y, **kw):
    return ECGResNetClassifier(
        base_width=4, max_epochs=3, batch_size=12, random_state=0, device="cpu", **kw
    ).fit(X, y)


@pytest.mark.parametrize(
    "kw", [{"validation_fraction": 0.25}, {"validation_fraction": None}]
)
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
    # both splits were exercised
    assert ("valid_loss" in ours[0]) == (kw["validation_fraction"] is not None)


def _data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3, 64)).astype(np.float32), np.arange(n) % 2


def test_diverging_fit_raises_a_clear_error():
    X, y = _data()
    # The held-out records are where non-finite outputs show first.
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=3, lr=1e4, weight_decay=0.0, random_state=0,
        validation_fraction=0.25,
    )  # fmt: skip
    with pytest.raises(TrainingDivergedError, match=r"lower learning rate \(lr=10000"):
        clf.fit(X, y)


def test_non_finite_weights_stop_fit_without_validation_data():
    class Poison(Callback):
        def on_batch_end(self, net, training=False, **kwargs):
            if training:
                with torch.no_grad():
                    net.module_.final_layer.weight.fill_(float("nan"))

    X, y = _data()
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=2, validation_fraction=None, random_state=0,
        callbacks=[Poison()],
    )  # fmt: skip
    with pytest.raises(TrainingDivergedError, match="weights are no longer finite"):
        clf.fit(X, y)
    assert len(clf.history_) == 1  # stopped after the first epoch


def test_broken_network_never_returns_nan_probabilities():
    X, y = _data()
    clf = ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0).fit(X, y)
    with torch.no_grad():
        clf.module_.final_layer.bias.fill_(float("inf"))
    for method in (clf.predict_proba, clf.predict, clf.decision_function):
        with pytest.raises(TrainingDivergedError, match="40 of 40 records"):
            method(X)
