"""Optional-dependency handling shared by the plotting functions."""

from __future__ import annotations


def require_matplotlib():
    """Import and return :mod:`matplotlib.pyplot`, or explain how to install it.

    Returns
    -------
    plt : module
        :mod:`matplotlib.pyplot`.

    Raises
    ------
    ImportError
        If matplotlib is not installed, naming the ``plot`` extra.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "sklearn_ecg.plotting needs matplotlib, which is not installed; "
            "install it with: pip install 'sklearn-ecg[plot]'"
        ) from exc
    return plt


def get_axes(ax, figsize):
    """Return ``(fig, ax)``: the given axes and its figure, or a new pair."""
    plt = require_matplotlib()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax
