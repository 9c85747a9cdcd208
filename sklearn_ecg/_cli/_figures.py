"""The report's PNG figures (matplotlib, Agg backend, no window ever opens)."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from ._errors import CLIError


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise CLIError(
            "figures need matplotlib: pip install 'sklearn-ecg[plot]' "
            "(or pass --no-figures)."
        ) from exc
    matplotlib.use("Agg", force=False)
    return importlib.import_module("matplotlib.pyplot")


def _colors(n):
    plt = _pyplot()
    return [plt.get_cmap("tab10")(i % 10) for i in range(n)]


def scores_by_arm(results: dict, path: Path, metric: str = "roc_auc") -> Path:
    """Per-fold scores of each arm, with the mean and its 95% CI.

    Scores of the same test fold are joined by a thin line between the
    scratch and warm arms of one architecture: the comparison is paired.
    """
    plt = _pyplot()
    arms = list(results)
    fig, ax = plt.subplots(figsize=(2.4 + 1.6 * len(arms), 4.4))
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
        ax.errorbar(
            i + 0.3,
            s["mean"],
            yerr=err,
            fmt="o",
            color="black",
            capsize=4,
            markersize=5,
            zorder=4,
        )
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
    from sklearn.metrics import roc_auc_score, roc_curve

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 5))
    for (arm, res), color in zip(results.items(), _colors(len(results))):
        proba = np.asarray(res["oof_proba"], dtype=float)
        y = np.asarray(res["y_true"])
        keep = np.isfinite(proba)
        y_bin = (y[keep] == np.unique(y)[-1]).astype(int)
        fpr, tpr, _ = roc_curve(y_bin, proba[keep])
        auc = roc_auc_score(y_bin, proba[keep])
        ax.plot(fpr, tpr, color=color, lw=1.8, label=f"{arm} (AUROC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="chance")
    ax.set_xlabel("false-positive rate (1 - specificity)")
    ax.set_ylabel("true-positive rate (sensitivity)")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.set_title(
        "ROC of out-of-fold predictions\n(pooled over the first CV repetition)",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    return _save(fig, path)


def roc_with_band(y, proba, path: Path, *, n_resamples=200, seed=0, name=None):
    """One ROC curve with a stratified-bootstrap confidence band."""
    plt = _pyplot()
    from sklearn_ecg.plotting import plot_roc_curve

    fig, ax = plt.subplots(figsize=(5.2, 5))
    plot_roc_curve(
        y,
        proba,
        n_resamples=n_resamples,
        random_state=seed,
        pos_label=np.unique(y)[-1],
        name=name,
        ax=ax,
    )
    ax.set_title("ROC curve with a 95% bootstrap band")
    return _save(fig, path)


def pretraining_curves(pretrained: dict, path: Path) -> Path | None:
    """Loss and validation AUROC per epoch of each pretraining run."""
    curves = {k: v["history"] for k, v in pretrained.items() if v.get("history")}
    if not curves:
        return None
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(
        2, len(curves), figsize=(4.4 * len(curves), 5.4), squeeze=False, sharex="col"
    )
    for col, (name, hist) in enumerate(curves.items()):
        top, bottom = axes[0, col], axes[1, col]
        for key, style in (("train_loss", "-"), ("valid_loss", "--")):
            if key in hist:
                epochs = np.arange(1, len(hist[key]) + 1)
                top.plot(
                    epochs, hist[key], style, marker=".", label=key.replace("_", " ")
                )
        top.set_title(f"pretraining: {name}")
        top.set_ylabel("loss")
        top.legend(frameon=False)
        if "valid_auroc" in hist:
            epochs = np.arange(1, len(hist["valid_auroc"]) + 1)
            bottom.plot(epochs, hist["valid_auroc"], marker=".", color="C2")
        bottom.set_ylabel("validation macro AUROC")
        bottom.set_xlabel("epoch")
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
    return _save(fig, path)


def example_ecg(X: np.ndarray, sfreq: float, lead_names, path: Path, title: str):
    """One record in the clinical 12-lead layout (``sklearn_ecg.plotting``)."""
    try:
        from sklearn_ecg.plotting import plot_ecg
    except ImportError:
        return None
    _pyplot()  # selects the Agg backend before plot_ecg imports pyplot
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
