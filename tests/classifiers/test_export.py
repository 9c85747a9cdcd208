import functools

import numpy as np
import pytest
import torch
from torch import nn

from sklearn_ecg.classifiers import to_onnx, to_torchscript

# torch.jit.load is deprecated upstream but is how users read TorchScript files.
pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.*:DeprecationWarning")


def small_net(n_outputs):
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv1d(3, 4, 5, padding=2),
        nn.BatchNorm1d(4),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(4, n_outputs),
    )


def reference_proba(net, X, head):
    net.eval()
    with torch.no_grad():
        z = net(torch.from_numpy(X))
    if head == "sigmoid":
        return torch.sigmoid(z).numpy()
    if head == "softmax":
        return torch.softmax(z, 1).numpy()
    p = torch.sigmoid(z).numpy()
    return np.hstack([1 - p, p])


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(5, 3, 64)).astype(np.float32)


HEADS = [("sigmoid", 4), ("softmax", 3), ("binary", 1)]


@pytest.mark.parametrize("head, n_outputs", HEADS)
def test_torchscript_matches_probabilities(head, n_outputs, X, tmp_path):
    net = small_net(n_outputs)
    net.train()  # export must still use eval mode (dropout off, BN frozen)
    path = to_torchscript(net, tmp_path / "m.pt", head=head, example_input=X[:2])
    assert net.training  # the caller's module is not switched to eval
    loaded = torch.jit.load(str(path))
    out = loaded(torch.from_numpy(X)).detach().numpy()  # batch 5 != traced 2
    np.testing.assert_allclose(out, reference_proba(net, X, head), atol=1e-5)
    if head == "binary":
        assert out.shape == (5, 2)
        np.testing.assert_allclose(out.sum(1), 1, atol=1e-6)


def test_estimator_like_object_uses_its_head_and_shape(X, tmp_path):
    class Fitted:
        module_ = small_net(2)
        task_ = "multiclass"
        n_leads_in_ = 3
        n_times_in_ = 64

    path = to_torchscript(Fitted(), tmp_path / "m.pt")
    out = torch.jit.load(str(path))(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(out, reference_proba(Fitted.module_, X, "softmax"), 1e-5)


def test_export_errors(X, tmp_path):
    with pytest.raises(ValueError, match="example_input is required"):
        to_torchscript(small_net(1), tmp_path / "m.pt", head="sigmoid")
    with pytest.raises(ValueError, match="head must be one of"):
        to_torchscript(small_net(1), tmp_path / "m.pt", head="tanh", example_input=X)
    with pytest.raises(TypeError, match="module_"):
        to_torchscript(object(), tmp_path / "m.pt")

    class NoHead:
        module_ = small_net(1)

    with pytest.raises(ValueError, match="pass head="):
        to_torchscript(NoHead(), tmp_path / "m.pt", example_input=X)


@pytest.mark.parametrize("head, n_outputs", [("sigmoid", 4)])
def test_onnx_matches_probabilities(head, n_outputs, X, tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    ort = pytest.importorskip("onnxruntime")
    net = small_net(n_outputs)
    path = to_onnx(net, tmp_path / "m.onnx", head=head, example_input=X[:2])
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = session.run(None, {"ecg": X})[0]
    np.testing.assert_allclose(out, reference_proba(net, X, head), atol=1e-5)


@functools.cache
def fitted(task):
    """A tiny ResNet fitted once per task (shared by the tests of this module)."""
    from sklearn_ecg.classifiers import ECGResNetClassifier

    y = {
        "binary": np.repeat([0, 1], 8),
        "multiclass": np.repeat([0, 1, 2], 6),
        "multilabel": np.random.default_rng(1).integers(0, 2, size=(16, 3)),
    }[task]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(len(y), 3, 96)).astype(np.float32)
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=1, batch_size=8, validation_fraction=None,
        random_state=0,
    )  # fmt: skip
    return clf.fit(X, y), X


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_fitted_estimator_torchscript_matches_predict_proba(task, tmp_path):
    clf, X = fitted(task)
    path = clf.to_torchscript(tmp_path / "clf.pt")
    out = torch.jit.load(str(path))(torch.from_numpy(X)).detach().numpy()
    expected = clf.predict_proba(X)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-5)
    # The estimator keeps predicting after export (its module is not moved).
    np.testing.assert_allclose(clf.predict_proba(X), expected)


def test_fitted_estimator_onnx_matches_predict_proba(tmp_path):
    # One task only: ONNX export takes seconds; the heads are covered above.
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    ort = pytest.importorskip("onnxruntime")
    clf, X = fitted("binary")
    path = clf.to_onnx(tmp_path / "clf.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = session.run(None, {"ecg": X})[0]
    np.testing.assert_allclose(out, clf.predict_proba(X), atol=1e-5)


def test_unfitted_estimator_cannot_be_exported(tmp_path):
    from sklearn.exceptions import NotFittedError

    from sklearn_ecg.classifiers import ECGResNetClassifier

    with pytest.raises(NotFittedError):
        ECGResNetClassifier().to_torchscript(tmp_path / "m.pt")


@pytest.mark.gpu
def test_export_of_a_cuda_estimator_runs_on_cpu(tmp_path):
    from sklearn_ecg.classifiers import ECGResNetClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3, 96)).astype(np.float32)
    y = np.repeat([0, 1], 8)
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=1, batch_size=8, validation_fraction=None,
        random_state=0, device="cuda",
    ).fit(X, y)  # fmt: skip
    path = clf.to_torchscript(tmp_path / "clf.pt")
    assert next(clf.module_.parameters()).device.type == "cuda"  # left in place
    out = torch.jit.load(str(path))(torch.from_numpy(X)).detach().numpy()
    # CPU float32 against cuDNN (TF32 convolutions allowed): looser tolerance.
    np.testing.assert_allclose(out, clf.predict_proba(X), atol=1e-3)


@pytest.mark.parametrize("inference", ["auto", "center", "sliding_max"])
def test_crop_trained_estimator_exports_its_windowed_scoring(inference, tmp_path):
    from sklearn_ecg.classifiers import ECGResNetClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 2, 400)).astype(np.float32)
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=1, random_state=0, inference=inference
    ).fit(X, np.arange(8) % 2)
    assert clf.crop_length_ == 100  # the default crop: a quarter of the record
    out = torch.jit.load(str(clf.to_torchscript(tmp_path / "m.pt")))
    with torch.no_grad():
        got = out(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(got, clf.predict_proba(X), atol=1e-5)
