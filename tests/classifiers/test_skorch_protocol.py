"""skorch features a user reaches for keep working on the sklearn-ecg estimators.

What is kept of skorch's protocol and what is replaced is written down in
docs/developer/skorch.rst.
"""

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import Checkpoint, EpochScoring, LoadInitState, LRScheduler

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGClassifier, ECGResNetClassifier

TINY = {**PLAIN_TRAINING, "base_width": 4, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2, 64)).astype("float32")
    y = np.repeat(["normal", "pe"], 20)
    X[y == "pe", 0] += 1.0
    return X, y


def test_is_a_skorch_classifier():
    assert isinstance(ECGResNetClassifier(), NeuralNetClassifier)
    assert isinstance(ECGClassifier(), NeuralNetClassifier)


@pytest.mark.parametrize("on_train", [False, True])
def test_epoch_scoring_scores_predict_with_the_users_labels(data, on_train):
    X, y = data
    Xv, yv = X[::4], y[::4]
    scoring = EpochScoring("accuracy", lower_is_better=False, on_train=on_train)
    est = ECGResNetClassifier(**{**TINY, "max_epochs": 1}, callbacks=[scoring])
    est.fit(X, y, X_val=Xv, y_val=yv)
    # One epoch: the scored weights are the final ones; string labels compared.
    X_s, y_s = (X, y) if on_train else (Xv, yv)
    assert est.history[-1, "accuracy"] == pytest.approx(
        np.mean(est.predict(X_s) == y_s)
    )


def test_epoch_scoring_roc_auc(data):
    X, y = data
    scoring = EpochScoring("roc_auc", lower_is_better=False)
    est = ECGResNetClassifier(**TINY, callbacks=[scoring]).fit(X, y)
    assert all(0.0 <= a <= 1.0 for a in est.history[:, "roc_auc"])


def test_lr_scheduler_callback(data):
    X, y = data
    sched = LRScheduler(torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    est = ECGResNetClassifier(**{**TINY, "lr": 1e-3}, callbacks=[sched]).fit(X, y)
    assert est.history[:, "event_lr"] == [1e-3, 5e-4]


def test_skorch_checkpoint_and_load_init_state(data, tmp_path):
    X, y = data
    cp = Checkpoint(dirname=str(tmp_path), monitor="valid_loss_best")
    first = ECGResNetClassifier(**TINY, callbacks=[cp]).fit(X, y)
    assert (tmp_path / "params.pt").is_file()
    assert (tmp_path / "history.json").is_file()
    cp = Checkpoint(dirname=str(tmp_path), monitor="valid_loss_best")
    resumed = ECGResNetClassifier(**TINY, callbacks=[cp, LoadInitState(cp)])
    resumed.fit(X, y)
    # LoadInitState restored the saved history, then two more epochs ran.
    assert len(resumed.history) == len(first.history) + 2


def test_save_params_load_params_round_trip(data, tmp_path):
    X, y = data
    est = ECGResNetClassifier(**TINY).fit(X, y)
    files = {
        "f_params": tmp_path / "p.pt",
        "f_optimizer": tmp_path / "o.pt",
        "f_history": tmp_path / "h.json",
    }
    est.save_params(**files)
    other = ECGResNetClassifier(**{**TINY, "random_state": 1}).fit(X, y)
    assert not np.allclose(other.predict_proba(X), est.predict_proba(X))
    other.load_params(**files)
    np.testing.assert_allclose(other.predict_proba(X), est.predict_proba(X))
    assert other.history[:, "train_loss"] == est.history[:, "train_loss"]


def test_history_and_partial_fit_continue_training(data):
    X, y = data
    est = ECGResNetClassifier(**TINY).fit(X, y)
    assert est.history[:, "epoch"] == [1, 2]
    weights = [p.detach().clone() for p in est.module_.parameters()]
    est.partial_fit(X, y)
    assert est.history[:, "epoch"] == [1, 2, 3, 4]
    assert any(not torch.equal(a, b) for a, b in zip(weights, est.module_.parameters()))
