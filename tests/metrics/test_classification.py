import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning

from sklearn_ecg.metrics import (
    gmean_score,
    macro_average_precision_score,
    macro_roc_auc_score,
    sensitivity_score,
    specificity_score,
    study_f1_score,
    study_gmean_score,
)

# Binary case, counted by hand: TP=3, FN=1, TN=4, FP=2.
Y_BIN = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
P_BIN = np.array([1, 1, 1, 0, 0, 0, 0, 0, 1, 1])

# Multi-label case. Class 0: TP=2 FN=0 TN=1 FP=1 -> sens 1, spec 1/2.
# Class 1: TP=1 FN=1 TN=2 FP=0 -> sens 1/2, spec 1.
Y_ML = np.array([[1, 1], [1, 0], [0, 1], [0, 0]])
P_ML = np.array([[1, 1], [1, 0], [1, 0], [0, 0]])


def test_binary_rates_match_hand_counts():
    assert sensitivity_score(Y_BIN, P_BIN) == pytest.approx(3 / 4)
    assert specificity_score(Y_BIN, P_BIN) == pytest.approx(4 / 6)
    assert gmean_score(Y_BIN, P_BIN) == pytest.approx(np.sqrt(3 / 4 * 4 / 6))


def test_pos_label_swaps_roles():
    # With 0 as the positive class, sensitivity and specificity swap.
    assert sensitivity_score(Y_BIN, P_BIN, pos_label=0) == pytest.approx(4 / 6)
    assert specificity_score(Y_BIN, P_BIN, pos_label=0) == pytest.approx(3 / 4)
    y_str = np.where(Y_BIN == 1, "PE", "noPE")
    p_str = np.where(P_BIN == 1, "PE", "noPE")
    assert sensitivity_score(y_str, p_str, pos_label="PE") == pytest.approx(0.75)


def test_multilabel_macro_micro_and_per_class():
    assert sensitivity_score(Y_ML, P_ML, average=None) == pytest.approx([1, 0.5])
    assert specificity_score(Y_ML, P_ML, average=None) == pytest.approx([0.5, 1])
    assert sensitivity_score(Y_ML, P_ML, average="macro") == pytest.approx(0.75)
    # Pooled: TP=3 FN=1 -> 0.75; TN=3 FP=1 -> 0.75.
    assert specificity_score(Y_ML, P_ML, average="micro") == pytest.approx(0.75)
    # Macro G-mean is the mean of per-class G-means, not sqrt of the means.
    expected = (np.sqrt(0.5) + np.sqrt(0.5)) / 2
    assert gmean_score(Y_ML, P_ML, average="macro") == pytest.approx(expected)
    assert gmean_score(Y_ML, P_ML, average="auto") == pytest.approx(expected)


def test_study_gmean_mixes_macro_recall_and_flat_specificity():
    # Binary: macro recall averages PE (3/4) and no-PE (4/6) recall.
    macro_recall = (3 / 4 + 4 / 6) / 2
    assert study_gmean_score(Y_BIN, P_BIN) == pytest.approx(
        np.sqrt(macro_recall * 4 / 6)
    )
    # Multi-label: macro recall 0.75, flattened specificity 3/4.
    assert study_gmean_score(Y_ML, P_ML) == pytest.approx(np.sqrt(0.75 * 0.75))
    assert study_gmean_score(Y_BIN, P_BIN) != pytest.approx(gmean_score(Y_BIN, P_BIN))


def test_study_f1_reproduces_the_paper_caveat():
    # Positive-class F1 = 0.5 while the negative class F1 = 0.75 -> 0.625.
    y = np.array([1, 1, 0, 0, 0, 0])
    p = np.array([1, 0, 1, 0, 0, 0])
    assert study_f1_score(y, p) == pytest.approx(0.625)


def test_zero_division_warns_and_fills():
    y = np.zeros(4, dtype=int)
    with pytest.warns(UndefinedMetricWarning, match="sensitivity"):
        assert sensitivity_score(y, y) == 0.0
    assert np.isnan(sensitivity_score(y, y, zero_division=np.nan))


def test_bad_average_names_the_argument():
    with pytest.raises(ValueError, match="average="):
        sensitivity_score(Y_BIN, P_BIN, average="weighted")
    with pytest.raises(ValueError, match="average='macro'"):
        gmean_score(Y_ML, P_ML, average="binary")


def test_macro_auroc_hand_values_and_nan_class():
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]])
    s = np.array([[0.9, 0.2, 0.1], [0.1, 0.8, 0.2], [0.6, 0.3, 0.3], [0.7, 0.1, 0.4]])
    # Class 0: positives {.9,.6} vs negatives {.1,.7}: 3 of 4 pairs -> 0.75.
    # Class 1: positives {.8,.3} vs {.2,.1}: 1.0. Class 2: no positives -> NaN.
    with pytest.warns(UndefinedMetricWarning, match="class 2"):
        per_class = macro_roc_auc_score(y, s, average=None)
    assert per_class[:2] == pytest.approx([0.75, 1.0])
    assert np.isnan(per_class[2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        assert macro_roc_auc_score(y, s) == pytest.approx(0.875)


def test_binary_auroc_accepts_predict_proba_columns():
    y = np.array([0, 0, 1, 1])
    p1 = np.array([0.1, 0.6, 0.4, 0.9])
    assert macro_roc_auc_score(y, p1) == pytest.approx(0.75)
    assert macro_roc_auc_score(y, np.c_[1 - p1, p1]) == pytest.approx(0.75)
    # AP: ranks 1,0,1,0 from the top -> (1/2)*1 + (1/2)*(2/3).
    assert macro_average_precision_score(y, p1) == pytest.approx(0.5 + 1 / 3)
    with pytest.raises(ValueError, match="one score column per class"):
        macro_roc_auc_score(y, np.ones((4, 3)))


def test_rank_auroc_equals_sklearn_with_ties_and_string_labels():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=300)
    s = np.round(y * 0.5 + rng.normal(size=300), 1)  # rounding creates ties
    assert macro_roc_auc_score(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    labels = np.where(y == 1, "b", "a")
    assert macro_roc_auc_score(labels, s) == pytest.approx(roc_auc_score(y, s))
    with pytest.raises(ValueError, match="NaN"):
        macro_roc_auc_score(y, np.r_[s[:-1], np.nan])
