"""ROC, precision-recall and calibration plots with bootstrap bands.

The curves are drawn by scikit-learn's ``*Display`` classes; the package adds a
pointwise bootstrap band (stratified resampling of the test records) and the
confidence interval of the area in the legend.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibrationDisplay
from sklearn.metrics import (
    PrecisionRecallDisplay,
    RocCurveDisplay,
    auc,
    average_precision_score,
    precision_recall_curve,
    roc_curve,
)
from sklearn.utils.multiclass import type_of_target

from ..metrics import stratified_bootstrap_indices
from ..utils._docs import fill_doc
from ._utils import get_axes

_GRID = np.linspace(0.0, 1.0, 101)


def _check_binary(y_true, y_score, pos_label):
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_score.ndim == 2 and y_score.shape[1] == 2:
        y_score = y_score[:, 1]
    if type_of_target(y_true, input_name="y_true") != "binary" or y_score.ndim != 1:
        raise ValueError(
            "these curves need binary y_true and 1-D y_score; for multi-label "
            "targets plot one class at a time, e.g. plot_roc_curve(Y[:, k], "
            "P[:, k])."
        )
    return (y_true == pos_label).astype(int), y_score


def _band(ax, x, curves, confidence, label, color):
    alpha = 1.0 - confidence
    low, high = np.quantile(curves, [alpha / 2, 1 - alpha / 2], axis=0)
    return ax.fill_between(x, low, high, alpha=0.25, color=color, label=label, lw=0)


def _resampled(y, n_resamples, random_state):
    if n_resamples < 2:
        raise ValueError(
            f"n_resamples must be >= 2 for a bootstrap band, got {n_resamples!r}; "
            "pass 0 to draw no band."
        )
    return stratified_bootstrap_indices(y, n_resamples, random_state)


def _roc_on_grid(y, s):
    fpr, tpr, _ = roc_curve(y, s)
    return np.interp(_GRID, fpr, tpr), auc(fpr, tpr)


def _pr_on_grid(y, s):
    precision, recall, _ = precision_recall_curve(y, s)
    # recall is decreasing; np.interp needs increasing x.
    curve = np.interp(_GRID, recall[::-1], precision[::-1])
    return curve, average_precision_score(y, s)


# (display class, curve on the grid and its area, area name, legend place)
_ROC = (RocCurveDisplay, _roc_on_grid, "AUC", "lower right")
_PR = (PrecisionRecallDisplay, _pr_on_grid, "AP", "lower left")


def _draw_with_band(kind, y_true, y_score, pos_label, ax, band, **plot_kw):
    """Draw a ``kind`` curve and its bootstrap band; set ``ci_`` and ``band_``.

    ``band`` is ``(n_resamples, confidence, random_state)``; ``plot_kw`` goes to
    the display's ``from_predictions``.
    """
    display_cls, curve_on_grid, area, legend_loc = kind
    n_resamples, confidence, random_state = band
    y, s = _check_binary(y_true, y_score, pos_label)
    _, ax = get_axes(ax, (5, 5))
    disp = display_cls.from_predictions(y, s, ax=ax, **plot_kw)
    disp.ci_, disp.band_ = None, None
    if not n_resamples:
        return disp
    resamples = _resampled(y, n_resamples, random_state)
    curves, areas = zip(*(curve_on_grid(y[idx], s[idx]) for idx in resamples))
    alpha = 1.0 - confidence
    disp.ci_ = tuple(np.quantile(areas, [alpha / 2, 1 - alpha / 2]))
    label = f"{confidence:.0%} CI of {area} {disp.ci_[0]:.2f}-{disp.ci_[1]:.2f}"
    disp.band_ = _band(ax, _GRID, curves, confidence, label, disp.line_.get_color())
    ax.legend(loc=legend_loc)
    return disp


#: Docstring entries the ROC and PR curves share.
_SCORES_DOC = """\
    y_true : array-like of shape (n_records,)
        Binary labels.
    y_score : array-like of shape (n_records,) or (n_records, 2)
        Scores or probabilities of the positive class.
    n_resamples : int, default=200
        Stratified bootstrap resamples for the band; 0 draws no band.
""".rstrip()
_EXAMPLE = """\
    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.plotting import {fn}
    >>> y = np.repeat([0, 1], 50)
    >>> s = y + np.random.default_rng(0).normal(size=100)
    >>> disp = {fn}(y, s, n_resamples=50, random_state=0)
    >>> bool(disp.ci_[0] < disp.{area} < disp.ci_[1])
    True"""
_DRAWING_DOC = """\
    random_state : int, RandomState instance or None, default=None
        Seed of the resampling.
    pos_label : int or str, default=1
        The positive class.
    name : str or None, default=None
        Curve name in the legend.
    ax : matplotlib Axes or None, default=None
        Axes to draw in.
""".rstrip()


@fill_doc(
    scores=_SCORES_DOC,
    drawing=_DRAWING_DOC,
    example=_EXAMPLE.format(fn="plot_roc_curve", area="roc_auc"),
)
def plot_roc_curve(
    y_true,
    y_score,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state=None,
    pos_label=1,
    name: str | None = None,
    ax=None,
    chance_level: bool = True,
) -> RocCurveDisplay:
    """ROC curve with a bootstrap confidence band and the AUROC interval.

    Parameters
    ----------
    %(scores)s
    confidence : float, default=0.95
        Level of the band and of the AUROC interval.
    %(drawing)s
    chance_level : bool, default=True
        Draw the chance diagonal; pass False for all but one of several curves
        drawn in the same axes.

    Returns
    -------
    display : sklearn.metrics.RocCurveDisplay
        The display, with extra attributes ``ci_`` (AUROC interval) and
        ``band_`` (the band's artist), both ``None`` without a band.

    %(example)s
    """
    band = (n_resamples, confidence, random_state)
    kw = {"name": name, "plot_chance_level": chance_level}
    return _draw_with_band(_ROC, y_true, y_score, pos_label, ax, band, **kw)


@fill_doc(
    scores=_SCORES_DOC,
    drawing=_DRAWING_DOC,
    example=_EXAMPLE.format(fn="plot_pr_curve", area="average_precision"),
)
def plot_pr_curve(
    y_true,
    y_score,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state=None,
    pos_label=1,
    name: str | None = None,
    ax=None,
) -> PrecisionRecallDisplay:
    """Precision-recall curve with a bootstrap band and the AP interval.

    The prevalence (the precision of a random classifier) is drawn as the
    chance level, which matters at the ~10 % prevalence of PE cohorts.

    Parameters
    ----------
    %(scores)s
    confidence : float, default=0.95
        Level of the band and of the AP interval.
    %(drawing)s

    Returns
    -------
    display : sklearn.metrics.PrecisionRecallDisplay
        The display, with extra attributes ``ci_`` and ``band_``.

    %(example)s
    """
    band = (n_resamples, confidence, random_state)
    kw = {"name": name, "plot_chance_level": True}
    return _draw_with_band(_PR, y_true, y_score, pos_label, ax, band, **kw)


def plot_calibration(
    y_true, y_prob, *, n_bins: int = 10, strategy: str = "quantile", name=None, ax=None
) -> CalibrationDisplay:
    """Reliability diagram of predicted probabilities.

    Quantile bins (the default) keep every bin populated when positives are
    rare; the Brier score is added to the legend name.

    Parameters
    ----------
    y_true : array-like of shape (n_records,)
        Binary labels.
    y_prob : array-like of shape (n_records,) or (n_records, 2)
        Predicted probability of the positive class.
    n_bins : int, default=10
        Number of bins.
    strategy : {"quantile", "uniform"}, default="quantile"
        Binning strategy of :func:`sklearn.calibration.calibration_curve`.
    name : str or None, default=None
        Curve name in the legend.
    ax : matplotlib Axes or None, default=None
        Axes to draw in.

    Returns
    -------
    display : sklearn.calibration.CalibrationDisplay
        The display.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.plotting import plot_calibration
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=200)
    >>> y = (rng.uniform(size=200) < p).astype(int)
    >>> disp = plot_calibration(y, p, n_bins=5)
    >>> disp.prob_true.shape
    (5,)
    """
    from sklearn.metrics import brier_score_loss

    y, p = _check_binary(y_true, y_prob, 1)
    _, ax = get_axes(ax, (5, 5))
    brier = brier_score_loss(y, p)
    label = f"{name or 'Classifier'} (Brier {brier:.3f})"
    return CalibrationDisplay.from_predictions(
        y, p, n_bins=n_bins, strategy=strategy, name=label, ax=ax
    )
