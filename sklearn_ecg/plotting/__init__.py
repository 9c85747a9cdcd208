"""Figures for ECGs, training, evaluation and saliency.

matplotlib is optional (``pip install 'sklearn-ecg[plot]'``); it is imported
only when a plotting function is called. The attribution functions
(:func:`integrated_gradients`, :func:`grad_cam_1d`, :func:`lead_importance`)
need torch only.
"""

from ._attribution import grad_cam_1d, integrated_gradients, lead_importance
from ._curves import plot_calibration, plot_pr_curve, plot_roc_curve
from ._ecg import plot_ecg
from ._history import plot_learning_curves
from ._saliency import plot_saliency

__all__ = [
    "grad_cam_1d",
    "integrated_gradients",
    "lead_importance",
    "plot_calibration",
    "plot_ecg",
    "plot_learning_curves",
    "plot_pr_curve",
    "plot_roc_curve",
    "plot_saliency",
]
