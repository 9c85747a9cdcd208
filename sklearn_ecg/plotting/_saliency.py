"""Overlay an attribution map on the leads of one record."""

from __future__ import annotations

import numpy as np

from ..utils import check_sfreq
from ._attribution import lead_importance
from ._ecg import _check_record
from ._utils import require_matplotlib


def _check_attribution(attribution, ecg):
    a = np.asarray(attribution, dtype=float)
    if a.ndim == 3 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 1:
        # A Grad-CAM map is shared by all leads.
        a = np.broadcast_to(a, ecg.shape)
    if a.shape != ecg.shape:
        raise ValueError(
            f"attribution has shape {np.shape(attribution)} but ecg has shape "
            f"{ecg.shape}; pass the attribution of this record (n_leads, "
            "n_times) or a Grad-CAM map (n_times,)."
        )
    return a


def plot_saliency(
    ecg,
    attribution,
    sfreq: float = 500.0,
    *,
    lead_names=None,
    cmap: str = "RdBu_r",
    title: str | None = None,
):
    """Show which leads and which beats drove a prediction.

    Each lead gets a row with the signal in black over a heat map of its
    attribution (red: towards the explained class; blue: against it, for
    signed maps such as integrated gradients). A bar chart on the right ranks
    the leads by their share of the total absolute attribution.

    Parameters
    ----------
    ecg : array-like of shape (n_leads, n_times)
        One record, as fed to the model.
    attribution : array-like of shape (n_leads, n_times) or (n_times,)
        Its attribution, e.g. ``integrated_gradients(clf, X[:1])[0]`` or
        ``grad_cam_1d(clf, X[:1])[0]``.
    sfreq : float, default=500.0
        Sampling rate in Hz.
    lead_names : list of str or None, default=None
        Lead names; ``None`` gives the standard names for 12 leads.
    cmap : str, default="RdBu_r"
        Colour map; symmetric around zero for signed attributions.
    title : str or None, default=None
        Figure title.

    Returns
    -------
    fig : matplotlib Figure
        ``n_leads`` signal axes plus one bar-chart axes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.plotting import plot_saliency
    >>> ecg = np.random.default_rng(0).normal(size=(3, 500))
    >>> fig = plot_saliency(ecg, ecg**2, sfreq=250)
    >>> len(fig.axes)
    4
    """
    plt = require_matplotlib()
    sfreq = check_sfreq(sfreq)
    ecg, lead_names = _check_record(ecg, lead_names)
    attr = _check_attribution(attribution, ecg)
    n_leads, n_times = ecg.shape
    signed = attr.min() < 0
    vmax = np.abs(attr).max() or 1.0
    vmin = -vmax if signed else 0.0
    fig = plt.figure(figsize=(12, 0.6 * n_leads + 1.6), layout="constrained")
    grid = fig.add_gridspec(n_leads, 2, width_ratios=(6, 1))
    t_end = n_times / sfreq
    for i in range(n_leads):
        ax = fig.add_subplot(grid[i, 0])
        lo, hi = ecg[i].min(), ecg[i].max()
        pad = 0.1 * (hi - lo) or 1.0
        ax.imshow(
            attr[i][None, :], aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
            extent=(0, t_end, lo - pad, hi + pad), alpha=0.8,
        )  # fmt: skip
        ax.plot(np.arange(n_times) / sfreq, ecg[i], color="black", linewidth=0.6)
        ax.set_ylabel(lead_names[i], rotation=0, ha="right", va="center")
        ax.set_yticks([])
        if i < n_leads - 1:
            ax.set_xticks([])
        else:
            ax.set_xlabel("time (s)")
    bar = fig.add_subplot(grid[:, 1])
    share = lead_importance(attr)
    bar.barh(np.arange(n_leads), share, color="tab:red")
    bar.set_yticks(np.arange(n_leads), lead_names)
    bar.yaxis.tick_right()  # keep lead names clear of the signal rows
    bar.invert_yaxis()
    bar.set_xlabel("share of |attribution|")
    if title is not None:
        fig.suptitle(title)
    return fig
