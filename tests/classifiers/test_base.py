"""Behaviour of ECGClassifier / ECGResNetClassifier on tiny synthetic ECG data."""

import pickle
import random

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_ecg.classifiers import ECGClassifier, ECGResNetClassifier

# The API tests train the old way (no augmentation, constant lr, a 10 % split):
# fast and stable on tiny data.
TINY = dict(
    base_width=4,
    max_epochs=4,
    lr=1e-2,
    batch_size=16,
    random_state=0,
    augment=None,
    validation_fraction=0.1,
    patience=5,
    lr_schedule=None,
)


def make_data(n=64, n_leads=3, n_times=128, task="binary", seed=0):
    """Records whose class shifts the mean of lead 0 (easily separable)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_leads, n_times)).astype(np.float32)
    if task == "multilabel":
        y = (rng.random((n, 3)) < 0.5).astype(int)
        y[0], y[1] = 0, 1  # every label has both values
        for j in range(3):
            X[:, j] += 1.5 * y[:, j : j + 1]
        return X, y
    n_classes = 2 if task == "binary" else 3
    y = np.arange(n) % n_classes
    X[:, 0] += 1.5 * y[:, None]
    return X, y


@pytest.fixture(scope="module")
def binary():
    return make_data()


@pytest.fixture(scope="module")
def fitted(binary):
    X, y = binary
    return ECGResNetClassifier(**TINY).fit(X, y)


def test_binary_learns_and_shapes(binary, fitted):
    X, y = binary
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert roc_auc_score(y, proba[:, 1]) > 0.9
    assert fitted.module_.final_layer.out_features == 1
    assert fitted.decision_function(X).shape == (len(X),)
    assert (fitted.n_leads_in_, fitted.n_times_in_, fitted.n_outputs_) == (3, 128, 1)
    assert fitted.task_ == "binary" and fitted.threshold_ == 0.5
    assert 1 <= fitted.n_epochs_ <= TINY["max_epochs"]


def test_history_keys(fitted):
    row = fitted.history_[-1]
    for key in ("epoch", "train_loss", "valid_loss", "valid_auroc", "dur"):
        assert key in row
    assert np.isfinite(fitted.history_[:, "train_loss"]).all()
    assert 0.0 <= fitted.history_[-1, "valid_auroc"] <= 1.0


def test_string_labels_and_predict(binary):
    X, y = binary
    labels = np.array(["no_pe", "pe"])[y]
    clf = ECGResNetClassifier(**TINY).fit(X, labels)
    assert list(clf.classes_) == ["no_pe", "pe"]
    assert set(clf.predict(X)) <= {"no_pe", "pe"}
    assert (clf.predict(X) == labels).mean() > 0.8


def test_multiclass():
    X, y = make_data(task="multiclass", n=90)
    clf = ECGResNetClassifier(**TINY).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (90, 3) and clf.n_outputs_ == 3
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert roc_auc_score(y, proba, multi_class="ovr") > 0.8
    assert clf.predict(X).shape == (90,)
    assert clf.threshold_ is None


def test_multilabel():
    X, Y = make_data(task="multilabel", n=96)
    clf = ECGResNetClassifier(**TINY).fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.shape == (96, 3)
    assert not np.allclose(proba.sum(axis=1), 1)  # sigmoid, not softmax
    pred = clf.predict(X)
    assert pred.shape == (96, 3) and set(np.unique(pred)) <= {0, 1}
    assert list(clf.classes_) == [0, 1, 2]
    assert roc_auc_score(Y, proba, average="macro") > 0.8


@pytest.mark.slow
@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_roc_auc_scorers(task):
    X, y = make_data(task=task, n=90)
    scoring = "roc_auc" if task != "multiclass" else "roc_auc_ovr"
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 2})
    cv = 2 if task == "multilabel" else StratifiedKFold(2)
    scores = cross_val_score(clf, X, y, cv=cv, scoring=scoring)
    assert np.all(np.isfinite(scores)) and scores.mean() > 0.6


def test_reproducible_regardless_of_global_rng(binary):
    X, y = binary
    torch.manual_seed(123)
    np.random.seed(1)  # noqa: NPY002
    random.seed(2)
    a = ECGResNetClassifier(**TINY).fit(X, y).predict_proba(X)
    state = torch.get_rng_state()
    torch.manual_seed(999)
    np.random.seed(7)  # noqa: NPY002
    b = ECGResNetClassifier(**TINY).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    # fitting leaves the caller's global torch generator untouched
    torch.manual_seed(999)
    ECGResNetClassifier(**TINY).fit(X, y)
    assert torch.equal(torch.rand(3), (torch.manual_seed(999), torch.rand(3))[1])
    c = ECGResNetClassifier(**{**TINY, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)
    assert state is not None


def test_pickle_joblib_roundtrip(tmp_path, binary, fitted):
    X, _ = binary
    expected = fitted.predict_proba(X)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(X), expected)
    path = tmp_path / "clf.joblib"
    joblib.dump(fitted, path)
    np.testing.assert_array_equal(joblib.load(path).predict_proba(X), expected)
    assert again.get_params() == fitted.get_params()


def test_save_load_params(tmp_path, binary, fitted):
    X, y = binary
    f = tmp_path / "params.pt"
    fitted.save_params(f_params=f)
    other = ECGResNetClassifier(**{**TINY, "random_state": 5}).fit(X, y)
    assert not np.array_equal(other.predict_proba(X), fitted.predict_proba(X))
    other.load_params(f_params=f)
    np.testing.assert_array_equal(other.predict_proba(X), fitted.predict_proba(X))
    assert other.device == "auto"  # the parameter survives loading


def test_params_never_written_back(binary):
    X, y = binary
    clf = ECGResNetClassifier(**TINY)
    before = clf.get_params()
    clf.fit(X, y)
    assert clf.get_params() == before
    assert "module" not in clf.get_params()
    assert not any(k.startswith("module__") for k in vars(clf))


@pytest.mark.slow
def test_clone_and_grid_search(binary):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 1})
    assert clone(clf).get_params() == clf.get_params()
    grid = GridSearchCV(clf, {"lr": [1e-3, 1e-2]}, cv=2, scoring="roc_auc")
    grid.fit(X, y)
    assert grid.best_params_["lr"] in (1e-3, 1e-2)
    res = cross_validate(clf, X, y, cv=2, n_jobs=2, scoring="roc_auc")
    assert len(res["test_score"]) == 2


def test_pipeline(binary):
    X, y = binary
    pipe = Pipeline(
        [
            ("scale", FunctionTransformer(lambda a: a * 2.0)),
            ("clf", ECGResNetClassifier(**TINY)),
        ]
    )
    assert pipe.fit(X, y).predict_proba(X).shape == (len(X), 2)


def test_float64_and_2d_input(binary):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 1})
    clf.fit(X.astype(np.float64), y)
    assert clf.module_.final_layer.weight.dtype == torch.float32
    clf.fit(X[:, 0, :], y)  # 2-D = one lead
    assert clf.n_leads_in_ == 1 and clf.predict(X[:, 0, :]).shape == (len(X),)


def test_input_errors(binary, fitted):
    X, y = binary
    bad = X.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ECGResNetClassifier(**TINY).fit(bad, y)
    bad[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        fitted.predict(bad)
    with pytest.raises(ValueError, match="3-D"):
        fitted.predict(X[..., None])
    with pytest.raises(ValueError, match="leads|features"):
        fitted.predict(X[:, :2])
    with pytest.raises(ValueError, match="n_times|fitted on"):
        fitted.predict(X[:, :, :100])


def test_single_class_fold_error(binary):
    X, _ = binary
    with pytest.raises(ValueError, match="only one class"):
        ECGResNetClassifier(**TINY).fit(X, np.ones(len(X)))


def test_tiny_training_set_trains():
    X, y = make_data(n=6)
    clf = ECGResNetClassifier(**{**TINY, "batch_size": 64, "validation_fraction": 0})
    clf.fit(X, y)
    # one partial batch per epoch, not dropped
    assert clf.history_[-1, "train_batch_count"] == 1
    assert clf.history_[-1, "batches", -1, "train_batch_size"] == 6


@pytest.mark.slow
def test_early_stopping_restores_best(binary):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 12, "patience": 2, "lr": 0.3})
    clf.fit(X, y)
    losses = clf.history_[:, "valid_loss"]
    assert clf.n_epochs_ == int(np.argmin(losses)) + 1
    assert len(losses) <= 12


@pytest.mark.parametrize("method", ["f1", "youden", "gmean"])
def test_named_threshold_tuned_on_validation(binary, method):
    from sklearn_ecg.metrics import tune_thresholds

    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "threshold": method}).fit(X, y)
    assert isinstance(clf.threshold_, float) and 0 < clf.threshold_ <= 1
    assert clf.threshold == method
    # With an explicit validation set it is exactly the metric's best threshold
    # on that set's probabilities (and the training records play no part).
    n = len(X) // 2
    clf.fit(X[:n], y[:n], X_val=X[n:], y_val=y[n:])
    expected = tune_thresholds(y[n:], clf.predict_proba(X[n:])[:, 1], method)
    assert clf.threshold_ == pytest.approx(expected)
    with pytest.raises(ValueError, match="validation_fraction"):
        ECGResNetClassifier(
            **{**TINY, "threshold": method, "validation_fraction": 0}
        ).fit(X, y)


def test_float_and_array_thresholds():
    X, Y = make_data(task="multilabel", n=48)
    clf = ECGResNetClassifier(**{**TINY, "threshold": [0.01, 0.5, 0.99]}).fit(X, Y)
    pred = clf.predict(X)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(pred, (proba >= [0.01, 0.5, 0.99]).astype(int))
    with pytest.raises(ValueError, match="threshold"):
        ECGResNetClassifier(**{**TINY, "threshold": [0.5, 0.5]}).fit(X, Y)


@pytest.mark.parametrize(
    "criterion,pos_weight", [("bce", "balanced"), ("focal", None), ("focal", [2.0])]
)
def test_criteria(binary, criterion, pos_weight):
    X, y = binary
    clf = ECGResNetClassifier(**TINY, criterion=criterion, pos_weight=pos_weight)
    clf.fit(X[:40], y[:40])
    assert np.isfinite(clf.history_[:, "train_loss"]).all()


def test_balanced_pos_weight_follows_fit_y(binary):
    X, y = binary
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:8]]
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 1, "pos_weight": "balanced"})
    clf.fit(X[keep], y[keep])
    assert clf.pos_weight_[0] == pytest.approx(32 / 8)


@pytest.mark.slow
@pytest.mark.parametrize("schedule", ["onecycle", "cosine", "plateau"])
def test_lr_schedules(binary, schedule):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 3, "lr_schedule": schedule})
    clf.fit(X, y)
    if schedule == "onecycle":
        lrs = [
            b["event_lr"] for h in clf.history_ for b in h["batches"] if "event_lr" in b
        ]
        assert len(set(lrs)) > 3 and max(lrs) <= TINY["lr"] * 1.0001
    elif schedule == "cosine":
        lrs = clf.history_[:, "event_lr"]
        assert lrs[0] > lrs[-1]
    else:
        assert len(clf.history_) >= 1


def test_verbose(binary, capsys):
    X, y = binary
    ECGResNetClassifier(**{**TINY, "max_epochs": 1}).fit(X, y)
    assert capsys.readouterr().out == ""
    ECGResNetClassifier(**{**TINY, "max_epochs": 1, "verbose": 1}).fit(X, y)
    assert "valid_loss" in capsys.readouterr().out


@pytest.mark.parametrize(
    "param,value",
    [
        ("lr", -1.0),
        ("max_epochs", 0),
        ("batch_size", 2.5),
        ("optimizer", "lbfgs"),
        ("criterion", "mse"),
        ("precision", "16"),
        ("lr_schedule", "step"),
        ("validation_fraction", 1.5),
        ("device", "tpu"),
        ("sfreq", -5),
        ("lead_names", ["I", "II"]),
        ("augment", "standard"),
        ("freeze", "everything"),
        ("unfreeze_after", -1),
        ("backbone_lr_ratio", 5.0),
        ("inference", "sliding"),
    ],
)
def test_parameter_errors_name_the_parameter(binary, param, value):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, param: value})
    with pytest.raises(ValueError, match=param):
        clf.fit(X, y)
        clf.predict(X)


def test_base_accepts_module_class_and_module_params(binary):
    from sklearn_ecg.models import ResNet1d

    X, y = binary
    clf = ECGClassifier(ResNet1d, module_params={"base_width": 4}, max_epochs=1)
    clf.fit(X, y)
    assert clf.module_.trunk[0].out_channels == 4
    with pytest.raises(ValueError, match="module_params"):
        ECGClassifier(module_params={"n_outputs": 3}, max_epochs=1).fit(X, y)


def test_extra_callbacks_see_valid_auroc(binary):
    from skorch.callbacks import Callback

    seen = []

    class Spy(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(net.history[-1, "valid_auroc"])

    X, y = binary
    ECGResNetClassifier(**{**TINY, "max_epochs": 2, "callbacks": [Spy()]}).fit(X, y)
    assert len(seen) == 2 and all(0 <= v <= 1 for v in seen)


def test_partial_fit_continues(binary, fitted):
    X, y = binary
    clf = clone(fitted).set_params(max_epochs=1)
    clf.partial_fit(X, y)
    n = len(clf.history_)
    clf.partial_fit(X, y)
    assert len(clf.history_) == n + 1


def test_bf16_on_cpu(binary):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 2, "precision": "bf16"})
    proba = clf.fit(X, y).predict_proba(X)
    assert proba.dtype == np.float32 and np.isfinite(proba).all()
    assert roc_auc_score(y, proba[:, 1]) > 0.7


def test_explicit_validation_set(binary):
    X, y = binary
    clf = ECGResNetClassifier(**{**TINY, "threshold": "youden"})
    clf.fit(X[:48], y[:48], X_val=X[48:], y_val=y[48:])
    batches = clf.history_[-1]["batches"]
    # training uses all 48 records, validation exactly the 16 given ones
    assert sum(b.get("train_batch_size", 0) for b in batches) == 48
    assert sum(b.get("valid_batch_size", 0) for b in batches) == 16
    with pytest.raises(ValueError, match="X_val and y_val"):
        clf.fit(X, y, X_val=X)
    with pytest.raises(TypeError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(len(y)))
