"""Metrics, scorers, thresholds and confidence intervals for ECG classifiers.

The field's official metrics are included: the PTB-XL benchmark's F_beta and
G_beta and its threshold search (``ptbxl_*``), and the PhysioNet/CinC 2021
challenge metric (:func:`cinc2021_challenge_score`).

Scorers work by name through :func:`get_scorer` or as a dict from
:func:`make_ecg_scorers`, e.g.
``cross_validate(clf, X, y, scoring=make_ecg_scorers())``.
"""

from ._bootstrap import BootstrapResult, bootstrap_ci, stratified_bootstrap_indices
from ._challenge import (
    SINUS_RHYTHM,
    cinc2021_challenge_score,
    load_cinc2021_weights,
    make_cinc2021_scorer,
)
from ._classification import (
    gmean_score,
    macro_average_precision_score,
    macro_roc_auc_score,
    sensitivity_score,
    specificity_score,
    study_f1_score,
    study_gmean_score,
)
from ._ptbxl_metrics import (
    ptbxl_apply_thresholds,
    ptbxl_fbeta_score,
    ptbxl_gbeta_score,
    ptbxl_tune_thresholds,
)
from ._report import CVReport, nadeau_bengio_ratio, repeated_cv_report, t_interval
from ._scorers import (
    average_precision_macro_scorer,
    get_scorer,
    get_scorer_names,
    gmean_scorer,
    make_ecg_scorers,
    make_fbeta_scorer,
    ptbxl_fbeta_scorer,
    ptbxl_gbeta_scorer,
    roc_auc_macro_scorer,
    sensitivity_scorer,
    specificity_scorer,
    study_gmean_scorer,
)
from ._thresholds import apply_thresholds, tune_thresholds

__all__ = [
    "SINUS_RHYTHM",
    "BootstrapResult",
    "CVReport",
    "apply_thresholds",
    "average_precision_macro_scorer",
    "bootstrap_ci",
    "cinc2021_challenge_score",
    "get_scorer",
    "get_scorer_names",
    "gmean_score",
    "gmean_scorer",
    "load_cinc2021_weights",
    "macro_average_precision_score",
    "macro_roc_auc_score",
    "make_cinc2021_scorer",
    "make_ecg_scorers",
    "make_fbeta_scorer",
    "ptbxl_apply_thresholds",
    "ptbxl_fbeta_score",
    "ptbxl_fbeta_scorer",
    "ptbxl_gbeta_score",
    "ptbxl_gbeta_scorer",
    "ptbxl_tune_thresholds",
    "nadeau_bengio_ratio",
    "repeated_cv_report",
    "roc_auc_macro_scorer",
    "sensitivity_score",
    "sensitivity_scorer",
    "specificity_score",
    "specificity_scorer",
    "stratified_bootstrap_indices",
    "study_f1_score",
    "study_gmean_score",
    "study_gmean_scorer",
    "t_interval",
    "tune_thresholds",
]
