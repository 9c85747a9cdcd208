"""The report's PNG figures (matplotlib, Agg backend, no window ever opens).

Curves are drawn by :mod:`sklearn_ecg.plotting`; this module arranges them in
the report's figures and saves them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._errors import CLIError


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise CLIError(
            "the report's figures need matplotlib: pip install 'sklearn-ecg[plot]'."
        ) from exc
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _colors(n):
    plt = _pyplot()
    return [plt.get_cmap("tab10")(i % 10) for i in range(n)]


def _arm_points(ax, results, arms, metric):
    """Draw each arm's fold scores and its mean with CI; return the dot positions."""
    n_folds = len(results[arms[0]]["scores"][metric])
    # One horizontal jitter per fold, shared by every arm, so paired lines stay flat.
    jitter = np.random.default_rng(0).uniform(-0.13, 0.13, n_folds)
    positions = {}
    for i, (arm, color) in enumerate(zip(arms, _colors(len(arms)))):
        values = np.asarray(results[arm]["scores"][metric], dtype=float)
        positions[arm] = (i + jitter[: values.size], values)
        ax.scatter(
            *positions[arm], s=20, color=color, alpha=0.7, linewidths=0, zorder=3
        )
        s = results[arm]["summary"][metric]
        err = [[s["mean"] - s["ci_low"]], [s["ci_high"] - s["mean"]]]
        ax.errorbar(i + 0.3, s["mean"], yerr=err, fmt="o", color="black",
                    capsize=4, markersize=5, zorder=4)  # fmt: skip
    return positions


def scores_by_arm(results: dict, path: Path, metric: str = "roc_auc") -> Path:
    """Per-fold scores of each arm, with the mean and its 95% CI.

    Scores of the same test fold are joined by a thin line between the
    scratch and warm arms of one architecture: the comparison is paired.
    """
    plt = _pyplot()
    arms = list(results)
    fig, ax = plt.subplots(figsize=(2.4 + 1.6 * len(arms), 4.4))
    positions = _arm_points(ax, results, arms, metric)
    for arm in arms:
        base, _, cond = arm.rpartition(" / ")
        partner = f"{base} / scratch"
        if cond == "warm" and partner in positions:
            (x0, y0), (x1, y1) = positions[partner], positions[arm]
            for a, b, c, d in zip(x0, x1, y0, y1):
                ax.plot([a, b], [c, d], color="0.75", lw=0.6, zorder=1)
    ax.axhline(0.5, color="grey", lw=1, ls="--", label="chance (0.5)")
    lows = [results[a]["summary"][metric]["ci_low"] for a in arms]
    every = np.concatenate([v for _, v in positions.values()] + [lows])
    low = min(0.45, np.nanmin(every) - 0.03) if np.isfinite(every).any() else 0.45
    ax.set_ylim(max(low, 0.0), 1.01)
    ax.set_xticks(range(len(arms)), [a.replace(" / ", "\n") for a in arms])
    ax.set_xlim(-0.5, len(arms) - 0.3)
    ax.set_ylabel("AUROC on the test fold" if metric == "roc_auc" else metric)
    ax.set_title(
        "Test-fold AUROC per arm\n(dots: folds; black: mean with 95% CI)", fontsize=10
    )
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def roc_curves(results: dict, path: Path) -> Path:
    """Out-of-fold ROC curves (first CV repetition) of each arm."""
    plt = _pyplot()
    from sklearn_ecg.plotting import plot_roc_curve

    fig, ax = plt.subplots(figsize=(5.2, 5))
    for i, (arm, res) in enumerate(results.items()):
        proba = np.asarray(res["oof_proba"], dtype=float)
        y = np.asarray(res["y_true"])
        keep = np.isfinite(proba)
        plot_roc_curve(y[keep], proba[keep], n_resamples=0, pos_label=np.unique(y)[-1],
                       name=arm, ax=ax, chance_level=i == 0)  # fmt: skip
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.set_title(
        "ROC of out-of-fold predictions\n(pooled over the first CV repetition)",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    return _save(fig, path)


def add_arm_figures(report, results: dict, out: Path, *, scores_file: str,
                    scores_caption: str, roc_caption: str) -> None:  # fmt: skip
    """Add the per-fold score figure and the out-of-fold ROC figure to a report."""
    scores = scores_by_arm(results, out / scores_file)
    report.figure(scores.name, scores_caption)
    report.figure(roc_curves(results, out / "roc_curves.png").name, roc_caption)


def roc_with_band(y, proba, path: Path, *, n_resamples=200, seed=0, name=None):
    """One ROC curve with a stratified-bootstrap confidence band."""
    plt = _pyplot()
    from sklearn_ecg.plotting import plot_roc_curve

    fig, ax = plt.subplots(figsize=(5.2, 5))
    plot_roc_curve(y, proba, n_resamples=n_resamples, random_state=seed,
                   pos_label=np.unique(y)[-1], name=name, ax=ax)  # fmt: skip
    ax.set_title("ROC curve with a 95% bootstrap band")
    return _save(fig, path)


def pretraining_curves(pretrained: dict, path: Path) -> Path | None:
    """Loss and validation AUROC per epoch of each pretraining run (one column each)."""
    curves = {k: v["history"] for k, v in pretrained.items() if v.get("history")}
    if not curves:
        return None
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    from sklearn_ecg.plotting import plot_learning_curves

    fig, axes = plt.subplots(
        2, len(curves), figsize=(4.4 * len(curves), 5.4), squeeze=False, sharex="col"
    )
    for col, (name, hist) in enumerate(curves.items()):
        n_epochs = max(len(v) for v in hist.values())
        rows = [
            {"epoch": i + 1, **{k: v[i] for k, v in hist.items() if i < len(v)}}
            for i in range(n_epochs)
        ]
        plot_learning_curves(rows, axes=axes[:, col])
        axes[0, col].set_title(f"pretraining: {name}")
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _save(fig, path)


def example_ecg(X: np.ndarray, sfreq: float, lead_names, path: Path, title: str):
    """One record in the clinical 12-lead layout (``sklearn_ecg.plotting``)."""
    _pyplot()  # selects the Agg backend before plot_ecg imports pyplot
    from sklearn_ecg.plotting import plot_ecg

    fig = plot_ecg(X, sfreq=sfreq, lead_names=lead_names, title=title)
    # plot_ecg sizes its figure to the paper scale; tight_layout would undo it.
    return _save(fig, path, tight=False)


def _save(fig, path: Path, *, tight: bool = True) -> Path:
    plt = _pyplot()
    if tight:
        fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return path
