"""The batch (device-resident) data path: same API behaviour as the host path."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklearn_ecg import augmentation as A
from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.classifiers._batch_path import DeviceBatches

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3, 200)).astype(np.float32)
Y = np.arange(60) % 2
X[Y == 1, 0] += 0.4
RECIPE = [A.basic_augmentation(), A.paper_augmentation()]


def _clf(**kw):
    kw = {"max_epochs": 4, "batch_size": 16, "crop_length": 100, "augment": RECIPE,
          "lr": 1e-2, **kw}  # fmt: skip
    return ECGResNetClassifier(base_width=4, random_state=0, sfreq=100.0, **kw)


class Spy:
    """Record the type of training iterator each fit uses."""

    def __init__(self, monkeypatch):
        from sklearn_ecg.classifiers import _loop

        self.kinds = []
        original = _loop.TrainingLoopMixin.get_iterator

        def get_iterator(net, dataset, training=False):
            it = original(net, dataset, training=training)
            if training:
                self.kinds.append(type(it).__name__)
            return it

        monkeypatch.setattr(_loop.TrainingLoopMixin, "get_iterator", get_iterator)


@pytest.mark.parametrize("path", ["batch", "host"])
def test_same_api_behaviour_on_both_paths(path):
    clf = _clf(data_path=path, patience=None)
    clf.fit(X[:44], Y[:44], X_val=X[44:], y_val=Y[44:])
    ref = _clf(data_path="host" if path == "batch" else "batch", patience=None)
    ref.fit(X[:44], Y[:44], X_val=X[44:], y_val=Y[44:])
    assert set(clf.history_[-1]) == set(ref.history_[-1])
    assert len(clf.history_) == len(ref.history_) == 4
    batches = clf.history_[-1, "batches"]
    sizes = [b["train_batch_size"] for b in batches if "train_batch_size" in b]
    assert sizes == [16, 16, 12]
    losses = clf.history_[:, "valid_loss"]
    assert clf.n_epochs_ == int(np.argmin(losses)) + 1  # best epoch restored
    z = torch.from_numpy(clf.decision_function(X[44:]))
    loss = F.binary_cross_entropy_with_logits(z, torch.from_numpy(Y[44:]).float())
    assert float(loss) == pytest.approx(min(losses), rel=1e-4)


def test_early_stopping_works_on_the_batch_path():
    clf = _clf(data_path="batch", patience=1, max_epochs=30, lr=0.05)
    clf.fit(X[:44], Y[:44], X_val=X[44:], y_val=Y[44:])
    assert len(clf.history_) < 30
    assert clf.n_epochs_ == len(clf.history_) - 1


def test_batch_path_cpu_fit_is_bit_identical_run_to_run_and_differs_from_host():
    a = _clf(data_path="batch").fit(X, Y).predict_proba(X)
    b = _clf(data_path="batch").fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    host = _clf(data_path="host").fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(
        host, _clf(data_path="host").fit(X, Y).predict_proba(X)
    )
    assert not np.array_equal(a, host)  # another random stream


def test_auto_picks_the_batch_path_and_falls_back(monkeypatch):
    spy = Spy(monkeypatch)
    _clf(max_epochs=1).fit(X, Y)  # crops + augmentation: vectorised
    _clf(max_epochs=1, num_workers=1).fit(X, Y)  # workers: DataLoader
    ECGResNetClassifier(base_width=4, max_epochs=1).fit(X, Y)  # default recipe
    _clf(max_epochs=1, crop_length=None, augment=None).fit(X, Y)  # nothing to do

    class Mine(A.Augmentation):
        def apply(self, x, rng, sfreq):
            return x

    _clf(max_epochs=1, augment=[Mine()]).fit(X, Y)  # a user's per-record transform
    assert spy.kinds == [
        "DeviceBatches", "DataLoader", "DeviceBatches", "DataLoader", "DataLoader"
    ]


@pytest.mark.parametrize(
    "kw, match",
    [(dict(num_workers=1), "num_workers=1"), (dict(data_path="gpu"), "data_path")],
)
def test_batch_path_refusals(kw, match):
    with pytest.raises(ValueError, match=match):
        _clf(max_epochs=1, **{"data_path": "batch", **kw}).fit(X, Y)


def test_device_batches_cover_every_training_record_once_per_epoch():
    from sklearn_ecg.classifiers._data import ECGDataset

    idx = np.arange(5, 45)
    ds = ECGDataset(X, Y.astype(np.float32), idx)
    batches = DeviceBatches(ds, 16, torch.device("cpu"), seed=0)
    assert len(batches) == 3
    for _ in range(2):
        seen = torch.cat([xb for xb, _ in batches])
        order = [
            int(np.flatnonzero((X == r.numpy()).all(axis=(1, 2)))[0]) for r in seen
        ]
        assert sorted(order) == idx.tolist()


@pytest.mark.gpu
def test_cuda_fit_keeps_the_training_set_on_the_device(monkeypatch):
    spy = Spy(monkeypatch)
    clf = _clf(device="cuda", max_epochs=2).fit(X, Y)
    assert spy.kinds == ["DeviceBatches"]
    assert clf.predict_proba(X).shape == (60, 2)


@pytest.mark.parametrize("data_path", ["batch", "host"])
def test_reversed_and_strided_views_train_like_copies(data_path):
    # torch.from_numpy refuses negative strides: a view such as X[::-1] must
    # still train, and exactly like its contiguous copy.
    view = X[::-1, :, ::2]
    a = _clf(data_path=data_path, max_epochs=1).fit(view, Y[::-1])
    b = _clf(data_path=data_path, max_epochs=1).fit(np.ascontiguousarray(view), Y[::-1])
    np.testing.assert_array_equal(a.predict_proba(view), b.predict_proba(view))
