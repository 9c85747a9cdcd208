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
        proba_head_ = "softmax"
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


@pytest.mark.parametrize("head, n_outputs", [("binary", 1), ("sigmoid", 4)])
def test_onnx_matches_probabilities(head, n_outputs, X, tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    ort = pytest.importorskip("onnxruntime")
    net = small_net(n_outputs)
    path = to_onnx(net, tmp_path / "m.onnx", head=head, example_input=X[:2])
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = session.run(None, {"ecg": X})[0]
    np.testing.assert_allclose(out, reference_proba(net, X, head), atol=1e-5)
