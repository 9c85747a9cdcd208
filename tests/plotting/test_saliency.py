import numpy as np
import pytest
import torch
from torch import nn

from sklearn_ecg.plotting import (
    grad_cam_1d,
    integrated_gradients,
    lead_importance,
    plot_saliency,
)


def small_cnn(n_outputs=1):
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv1d(3, 8, 7, padding=3),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Conv1d(8, 8, 5, padding=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(8, n_outputs),
    )


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(2, 3, 200)).astype(np.float32)


def test_ig_completeness_on_nonlinear_cnn(X):
    model = small_cnn(n_outputs=3)
    attr = integrated_gradients(model, X, target=[2, 1], n_steps=128)
    assert attr.shape == X.shape
    with torch.no_grad():
        model.eval()
        f_x = model(torch.from_numpy(X))
        f_0 = model(torch.zeros_like(torch.from_numpy(X)))
    expected = [(f_x - f_0)[0, 2].item(), (f_x - f_0)[1, 1].item()]
    assert attr.sum(axis=(1, 2)) == pytest.approx(expected, rel=0.02, abs=1e-3)


def test_ig_restores_training_mode_and_finds_the_informative_lead():
    # A linear model that only reads lead 1 between samples 50 and 60.
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 100, 1, bias=False))
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].weight.view(3, 100)[1, 50:60] = 1.0
    model.train()
    X = np.ones((1, 3, 100), np.float32)
    attr = integrated_gradients(model, X)
    assert model.training
    assert attr[0, 1, 50:60] == pytest.approx(np.ones(10), abs=1e-6)
    assert np.abs(attr).sum() == pytest.approx(10, abs=1e-5)
    assert lead_importance(attr)[0].tolist() == pytest.approx([0, 1, 0])


def test_ig_accepts_estimator_like_and_baseline(X):
    class Fitted:
        module_ = small_cnn()

    attr = integrated_gradients(Fitted(), X[:1], baseline=X[:1])
    assert np.allclose(attr, 0)  # baseline == input: nothing to attribute
    with pytest.raises(TypeError, match="module_"):
        integrated_gradients(object(), X)
    with pytest.raises(ValueError, match="target"):
        integrated_gradients(small_cnn(), X, target=5)


def test_grad_cam_localises_a_bump():
    # Conv filters respond to a positive bump; the head sums the activations.
    model = nn.Sequential(
        nn.Conv1d(1, 1, 5, padding=2, bias=False),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
    )
    with torch.no_grad():
        model[0].weight.fill_(0.2)
    X = np.zeros((1, 1, 100), np.float32)
    X[0, 0, 40:45] = 1.0
    cam = grad_cam_1d(model, X)
    assert cam.shape == (1, 100)
    assert cam.max() == pytest.approx(1.0)
    assert 38 <= np.argmax(cam[0]) <= 46
    assert cam[0, :30].max() == 0
    with pytest.raises(ValueError, match="Conv1d"):
        grad_cam_1d(nn.Sequential(nn.Flatten(), nn.Linear(100, 1)), X)


def test_plot_saliency_renders(X, tmp_path):
    attr = integrated_gradients(small_cnn(), X[:1])[0]
    fig = plot_saliency(X[0], attr, sfreq=100, lead_names=["I", "II", "V1"])
    assert len(fig.axes) == 4
    bar = fig.axes[-1]
    widths = [p.get_width() for p in bar.patches]
    assert sum(widths) == pytest.approx(1.0)
    fig.savefig(tmp_path / "sal.png", dpi=60)
    assert (tmp_path / "sal.png").stat().st_size > 5_000
    cam = grad_cam_1d(small_cnn(), X[:1])[0]
    assert len(plot_saliency(X[0], cam, sfreq=100).axes) == 4
    with pytest.raises(ValueError, match="attribution has shape"):
        plot_saliency(X[0], attr[:2], sfreq=100)


def test_ig_chunking_does_not_change_the_result(X):
    model = small_cnn(n_outputs=2)
    whole = integrated_gradients(model, X, n_steps=40, batch_size=41)
    chunked = integrated_gradients(model, X, n_steps=40, batch_size=7)
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="batch_size"):
        integrated_gradients(model, X, batch_size=0)
