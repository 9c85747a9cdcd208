import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from sklearn_ecg.plotting import (
    plot_calibration,
    plot_learning_curves,
    plot_pr_curve,
    plot_roc_curve,
)


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(150, int), np.ones(50, int)]
    s = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=200))))
    return y, s


def test_roc_curve_with_band(scores, tmp_path):
    y, s = scores
    disp = plot_roc_curve(y, s, n_resamples=100, random_state=0, name="model")
    assert disp.roc_auc == pytest.approx(roc_auc_score(y, s))
    assert disp.ci_[0] < disp.roc_auc < disp.ci_[1]
    band = disp.band_.get_paths()[0].vertices
    assert band[:, 1].min() >= 0 and band[:, 1].max() <= 1
    legend = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert any("95% CI of AUC" in t for t in legend)
    disp.figure_.savefig(tmp_path / "roc.png")
    assert (tmp_path / "roc.png").stat().st_size > 5_000


def test_pr_curve_with_band_and_two_column_input(scores):
    y, s = scores
    disp = plot_pr_curve(y, np.c_[1 - s, s], n_resamples=100, random_state=0)
    assert disp.average_precision == pytest.approx(average_precision_score(y, s))
    assert disp.ci_[0] < disp.average_precision < disp.ci_[1]
    assert disp.band_ is not None
    no_band = plot_pr_curve(y, s, n_resamples=0)
    assert no_band.band_ is None and no_band.ci_ is None


def test_curves_reject_multilabel(scores):
    with pytest.raises(ValueError, match="one class at a time"):
        plot_roc_curve(np.eye(3, dtype=int), np.eye(3))
    with pytest.raises(ValueError, match="n_resamples"):
        plot_roc_curve(*scores, n_resamples=1)


def test_calibration_bins_and_brier(scores):
    y, s = scores
    disp = plot_calibration(y, s, n_bins=5, name="net")
    assert disp.prob_true.shape == (5,)
    assert "Brier" in disp.line_.get_label()


def test_learning_curves_from_history(tmp_path):
    hist = [
        {
            "epoch": i + 1,
            "train_loss": 1 / (i + 1),
            "valid_loss": abs(i - 3) + 0.5,
            "valid_auroc": 0.6 + 0.05 * i,
            "valid_loss_best": i == 3,
            "dur": 0.1,
            "batches": [],
        }
        for i in range(6)
    ]

    class FakeEstimator:
        history_ = hist

    fig = plot_learning_curves(FakeEstimator())
    loss_ax, score_ax = fig.axes
    assert [ln.get_label() for ln in loss_ax.lines[:2]] == ["train_loss", "valid_loss"]
    assert score_ax.lines[0].get_label() == "valid_auroc"
    best = [ln for ln in loss_ax.lines if ln.get_linestyle() == ":"]
    assert best[0].get_xdata()[0] == 4  # epoch with lowest valid_loss
    fig.savefig(tmp_path / "lc.png")
    assert len(plot_learning_curves(hist, keys=["train_loss"]).axes) == 1
    with pytest.raises(ValueError, match="available"):
        plot_learning_curves(hist, keys=["valid_f1"])
    with pytest.raises(ValueError, match="history_"):
        plot_learning_curves([])


def test_roc_curves_share_axes_with_one_chance_line(scores):
    import matplotlib.pyplot as plt

    y, s = scores
    _, ax = plt.subplots()
    plot_roc_curve(y, s, n_resamples=0, name="a", ax=ax)
    plot_roc_curve(y, s**2, n_resamples=0, name="b", ax=ax, chance_level=False)
    labels = [ln.get_label() for ln in ax.lines]
    assert sum("Chance" in lab for lab in labels) == 1
    assert sum(lab.startswith(("a", "b")) for lab in labels) == 2


def test_learning_curves_into_given_axes():
    import matplotlib.pyplot as plt

    hist = [{"epoch": i + 1, "train_loss": 1.0 / (i + 1), "valid_auroc": 0.5 + i / 10}
            for i in range(3)]  # fmt: skip
    fig, grid = plt.subplots(2, 2)
    out = plot_learning_curves(hist, axes=grid[:, 1], mark_best=None)
    assert out is fig
    assert [ln.get_label() for ln in grid[0, 1].lines] == ["train_loss"]
    assert [ln.get_label() for ln in grid[1, 1].lines] == ["valid_auroc"]
    assert not grid[0, 0].lines and not grid[1, 0].lines
    with pytest.raises(ValueError, match="2 panels"):
        plot_learning_curves(hist, axes=[grid[0, 0]])
