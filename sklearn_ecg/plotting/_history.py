"""Learning curves from a skorch ``History``."""

from __future__ import annotations

import numbers

import numpy as np

from ._utils import require_matplotlib

# Bookkeeping entries of a skorch History that are not curves.
_NOT_CURVES = {"epoch", "dur", "train_batch_count", "valid_batch_count"}


def _epochs(history):
    """Return the list of per-epoch dicts from an estimator, a History or a list."""
    if hasattr(history, "history_"):
        history = history.history_
    elif hasattr(history, "history") and not isinstance(history, list):
        history = history.history
    rows = list(history)
    if not rows or not all(isinstance(r, dict) for r in rows):
        raise ValueError(
            "history must be a fitted estimator, a skorch History or a "
            "non-empty list of per-epoch dicts (e.g. clf.history_)."
        )
    return rows


def _curve_keys(rows):
    keys = []
    for row in rows:
        for k, v in row.items():
            is_number = isinstance(v, numbers.Real) and not isinstance(v, bool)
            skip = k in _NOT_CURVES or k.endswith("_best") or k in keys
            if is_number and not skip:
                keys.append(k)
    return keys


def _series(rows, key):
    return np.array([row.get(key, np.nan) for row in rows], dtype=float)


def plot_learning_curves(
    history, *, keys=None, mark_best: str = "valid_loss", axes=None
):
    """Plot losses and validation metrics per epoch.

    Losses (keys ending in ``loss``: ``train_loss``, ``valid_loss``) go in the
    left panel, other scores (``valid_auroc``…) in the right one. The epoch
    with the lowest ``mark_best`` is marked: with best-weight restoring that is
    the model that gets evaluated.

    Parameters
    ----------
    history : estimator, skorch History or list of dict
        A fitted skorch estimator (its ``history_``), its history, or per-epoch
        dicts.
    keys : list of str or None, default=None
        Entries to plot; ``None`` plots every numeric entry except bookkeeping.
    mark_best : str or None, default="valid_loss"
        Entry whose minimum is marked with a vertical line; ``None`` for none.
    axes : sequence of matplotlib Axes or None, default=None
        Axes to draw the panels in (losses first, then scores), e.g. one column
        of a grid comparing several runs; ``None`` creates a new figure.

    Returns
    -------
    fig : matplotlib Figure
        One panel for losses and, when there are any, one for the scores (the
        figure of ``axes`` when given).

    Examples
    --------
    >>> from sklearn_ecg.plotting import plot_learning_curves
    >>> hist = [{"epoch": i + 1, "train_loss": 1 / (i + 1),
    ...          "valid_loss": 1 / (i + 1) + 0.1, "valid_auroc": 0.6 + 0.05 * i}
    ...         for i in range(5)]
    >>> len(plot_learning_curves(hist).axes)
    2
    """
    plt = require_matplotlib()
    rows = _epochs(history)
    available = _curve_keys(rows)
    keys = available if keys is None else list(keys)
    unknown = [k for k in keys if k not in available]
    if unknown:
        raise ValueError(
            f"keys {unknown} are not numeric entries of the history; "
            f"available: {available}."
        )
    groups = [[k for k in keys if k.endswith("loss")]]
    groups.append([k for k in keys if not k.endswith("loss")])
    groups = [g for g in groups if g]
    created = axes is None
    if created:
        fig, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 3.5))
    elif len(axes) < len(groups):
        raise ValueError(
            f"axes has {len(axes)} Axes but the history needs {len(groups)} "
            "panels (losses, scores); pass one Axes per panel."
        )
    axes = np.atleast_1d(axes)[: len(groups)]
    fig = axes[0].figure
    epochs = _series(rows, "epoch") if "epoch" in rows[0] else np.arange(len(rows)) + 1
    for ax, group in zip(axes, groups):
        for key in group:
            ax.plot(epochs, _series(rows, key), marker=".", label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss" if group[0].endswith("loss") else "score")
        ax.legend()
    if mark_best is not None and mark_best in available:
        values = _series(rows, mark_best)
        if np.isfinite(values).any():
            best = epochs[int(np.nanargmin(values))]
            for ax in axes:
                ax.axvline(best, color="grey", linestyle=":", label="_best")
    if created:
        fig.tight_layout()
    return fig
