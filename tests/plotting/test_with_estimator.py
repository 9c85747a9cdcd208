"""The plotting functions on a real fitted ECGResNetClassifier."""

import numpy as np
import pytest

from sklearn_ecg.plotting import (
    grad_cam_1d,
    integrated_gradients,
    plot_learning_curves,
    plot_saliency,
)


@pytest.fixture(scope="module")
def fitted():
    from sklearn_ecg.classifiers import ECGResNetClassifier

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 20)
    X = rng.normal(size=(40, 3, 96)).astype(np.float32)
    X[y == 1, 0, 40:50] += 2.0
    clf = ECGResNetClassifier(
        base_width=4, max_epochs=3, batch_size=8, random_state=0, verbose=0,
        validation_fraction=0.25,  # a validation curve to draw
    )  # fmt: skip
    return clf.fit(X, y), X


def test_learning_curves_of_a_fitted_estimator(fitted, tmp_path):
    clf, _ = fitted
    fig = plot_learning_curves(clf)
    loss_ax, score_ax = fig.axes
    labels = [ln.get_label() for ln in loss_ax.lines]
    assert labels[:2] == ["train_loss", "valid_loss"]
    assert [ln.get_label() for ln in score_ax.lines][0] == "valid_auroc"
    assert len(loss_ax.lines[0].get_xdata()) == len(clf.history_)
    fig.savefig(tmp_path / "lc.png")


def test_ig_completeness_against_decision_function(fitted, tmp_path):
    clf, X = fitted
    x = X[-2:]
    # ReLU/max-pool kinks make the path integral converge slowly: 1024 steps
    # bring it within ~1 % here (128 steps were 10 % off on one record).
    attr = integrated_gradients(clf, x, n_steps=1024)
    gap = clf.decision_function(x) - clf.decision_function(np.zeros_like(x))
    assert attr.sum(axis=(1, 2)) == pytest.approx(gap, rel=0.03, abs=1e-3)
    cam = grad_cam_1d(clf, x)
    assert cam.shape == (2, 96) and cam.max() == pytest.approx(1.0)
    fig = plot_saliency(x[0], attr[0], sfreq=100, lead_names=["I", "II", "V1"])
    fig.savefig(tmp_path / "sal.png")
    assert (tmp_path / "sal.png").stat().st_size > 5_000
