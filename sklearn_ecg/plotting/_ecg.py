"""Plot a 12-lead ECG the way it is printed in the clinic."""

from __future__ import annotations

import numpy as np

from ..utils import STANDARD_LEADS, check_sfreq
from ._utils import require_matplotlib

# The standard printout: four 2.5 s columns of three leads each.
_CLINICAL_COLUMNS = (
    ("I", "II", "III"),
    ("aVR", "aVL", "aVF"),
    ("V1", "V2", "V3"),
    ("V4", "V5", "V6"),
)
_ROW_MM = 30.0  # vertical room per row: 3 mV at 10 mm/mV
_MM_PER_INCH = 25.4


def _check_record(ecg, lead_names):
    ecg = np.asarray(ecg, dtype=float)
    if ecg.ndim == 3 and ecg.shape[0] == 1:
        ecg = ecg[0]
    if ecg.ndim == 1:
        ecg = ecg[None, :]
    if ecg.ndim != 2:
        raise ValueError(
            f"ecg must be one record of shape (n_leads, n_times), got shape "
            f"{ecg.shape}; plot records one at a time, e.g. plot_ecg(X[0])."
        )
    if lead_names is None:
        lead_names = (
            STANDARD_LEADS
            if ecg.shape[0] == 12
            else tuple(f"lead {i}" for i in range(ecg.shape[0]))
        )
    lead_names = list(lead_names)
    if len(lead_names) != ecg.shape[0]:
        raise ValueError(
            f"lead_names has {len(lead_names)} names but ecg has {ecg.shape[0]} "
            "leads; pass one name per lead."
        )
    return ecg, lead_names


def _clinical_segments(ecg, lead_names, sfreq, rhythm_lead):
    """(row, t0_s, lead_name, samples) for the 3x4 layout plus a rhythm strip."""
    missing = {n for col in _CLINICAL_COLUMNS for n in col} - set(lead_names)
    if missing:
        raise ValueError(
            f"layout='3x4' needs the 12 standard leads; lead_names lack "
            f"{sorted(missing)}. Pass lead_names in the standard order or use "
            "layout='rows'."
        )
    n_times = ecg.shape[1]
    width = n_times // 4
    segments = []
    for c, column in enumerate(_CLINICAL_COLUMNS):
        for r, name in enumerate(column):
            samples = ecg[lead_names.index(name), c * width : (c + 1) * width]
            segments.append((r, c * width / sfreq, name, samples))
    if rhythm_lead is not None:
        if rhythm_lead not in lead_names:
            raise ValueError(
                f"rhythm_lead={rhythm_lead!r} is not one of the leads "
                f"{lead_names}; pick one of them or pass None."
            )
        segments.append((3, 0.0, rhythm_lead, ecg[lead_names.index(rhythm_lead)]))
    return segments


def _grid_lines(width_mm, height_mm, step):
    xs = np.arange(0, width_mm + 1e-9, step)
    ys = np.arange(0, height_mm + 1e-9, step)
    vertical = [((x, 0), (x, height_mm)) for x in xs]
    horizontal = [((0, y), (width_mm, y)) for y in ys]
    return vertical + horizontal


def _draw_mm_grid(ax, width_mm, height_mm):
    """Red ECG paper: 1 mm minor and 5 mm major squares."""
    from matplotlib.collections import LineCollection

    # Two line collections draw far faster than hundreds of grid ticks.
    for step, color, lw in ((1.0, "#f4b8b8", 0.3), (5.0, "#e06060", 0.6)):
        lines = LineCollection(
            _grid_lines(width_mm, height_mm, step), colors=color, linewidths=lw,
            zorder=0,
        )  # fmt: skip
        ax.add_collection(lines)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_ecg(
    ecg,
    sfreq: float = 500.0,
    *,
    lead_names=None,
    layout: str = "auto",
    rhythm_lead: str | None = "II",
    speed: float = 25.0,
    gain: float = 10.0,
    title: str | None = None,
    ax=None,
):
    """Plot one ECG record on millimetre paper.

    The clinical layout (``"3x4"``) shows four 2.5 s columns (I–III, aVR–aVF,
    V1–V3, V4–V6 for a 10 s record) over a full-length rhythm strip, on a red
    grid of 1 mm and 5 mm squares at ``speed`` mm/s and ``gain`` mm/mV. At
    the default 25 mm/s and 10 mm/mV, printing the figure at 100 % reproduces
    a paper ECG.

    Parameters
    ----------
    ecg : array-like of shape (n_leads, n_times)
        One record, in millivolts.
    sfreq : float, default=500.0
        Sampling rate in Hz.
    lead_names : list of str or None, default=None
        Lead names; ``None`` means the standard 12-lead order for 12 leads and
        ``"lead 0"``, ``"lead 1"``… otherwise.
    layout : {"auto", "3x4", "rows"}, default="auto"
        ``"3x4"``: clinical layout (needs the 12 standard leads);
        ``"rows"``: one full-length row per lead; ``"auto"``: ``"3x4"`` for 12
        leads, ``"rows"`` otherwise.
    rhythm_lead : str or None, default="II"
        Lead of the rhythm strip under the ``"3x4"`` layout; ``None`` for none.
    speed : float, default=25.0
        Paper speed in mm/s.
    gain : float, default=10.0
        Amplitude scale in mm/mV.
    title : str or None, default=None
        Figure title.
    ax : matplotlib Axes or None, default=None
        Axes to draw in; ``None`` creates a figure sized to the paper scale.

    Returns
    -------
    fig : matplotlib Figure
        The figure holding the ECG.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.plotting import plot_ecg
    >>> t = np.arange(5000) / 500
    >>> ecg = np.tile(np.sin(2 * np.pi * 1.2 * t), (12, 1))
    >>> fig = plot_ecg(ecg, sfreq=500)
    >>> len(fig.axes[0].lines)  # 12 segments + rhythm strip
    13
    """
    plt = require_matplotlib()
    sfreq = check_sfreq(sfreq)
    ecg, lead_names = _check_record(ecg, lead_names)
    if layout not in ("auto", "3x4", "rows"):
        raise ValueError(
            f"layout must be 'auto', '3x4' or 'rows', got layout={layout!r}."
        )
    if layout == "auto":
        layout = "3x4" if ecg.shape[0] == 12 else "rows"
    if layout == "3x4":
        segments = _clinical_segments(ecg, lead_names, sfreq, rhythm_lead)
    else:
        segments = [(i, 0.0, n, ecg[i]) for i, n in enumerate(lead_names)]
    n_rows = max(s[0] for s in segments) + 1
    width_mm = ecg.shape[1] / sfreq * speed
    height_mm = n_rows * _ROW_MM
    if ax is None:
        size = (width_mm / _MM_PER_INCH + 0.4, height_mm / _MM_PER_INCH + 0.6)
        fig, ax = plt.subplots(figsize=size, layout="constrained")
    fig = ax.figure
    for row, t0, name, samples in segments:
        baseline = height_mm - (row + 0.5) * _ROW_MM
        x = (t0 + np.arange(samples.size) / sfreq) * speed
        ax.plot(x, baseline + samples * gain, color="black", linewidth=0.6)
        ax.text(x[0] + 1.0, baseline + 0.3 * _ROW_MM, name, fontsize=8)
    _draw_mm_grid(ax, width_mm, height_mm)
    ax.set_xlim(0, width_mm)
    ax.set_ylim(0, height_mm)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{speed:g} mm/s, {gain:g} mm/mV")
    if title is not None:
        ax.set_title(title)
    return fig
