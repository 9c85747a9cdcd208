"""
============================================
Quickstart: an ECG pipeline, cross-validated
============================================

The shortest useful program: generate a small PE-like cohort with
:func:`~sklearn_ecg.datasets.make_ecg`, build a scikit-learn
:class:`~sklearn.pipeline.Pipeline` of a band-pass filter, a per-lead
normaliser and a 1-D ResNet, and estimate its AUROC with stratified
cross-validation.

Everything here is plain scikit-learn: the pipeline clones, cross-validates,
grid-searches and pickles like any other estimator.
"""

# %%
# A synthetic cohort
# ------------------
# ``make_ecg`` draws realistic 12-lead ECGs. The ``"pe"`` class carries a
# right-heart-strain pattern (tachycardia, S1Q3T3, right bundle-branch block,
# T inversion in V1-V4) whose strength is set by ``effect_size``. We generate
# 10 s records at 100 Hz to keep the example fast on a CPU.
import os

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

FAST = os.environ.get("SKLEARN_ECG_EXAMPLES_FAST") == "1"
n_records = 80 if FAST else 240

X, y = make_ecg(
    n_records=n_records,
    sfreq=100.0,
    classes=("normal", "pe"),
    weights=(0.7, 0.3),
    effect_size=0.8,
    random_state=0,
    return_X_y=True,
)
print(f"X: {X.shape} {X.dtype}; {np.mean(y == 1):.0%} positive")

# %%
# The pipeline
# ------------
# The filter removes baseline wander and high-frequency noise with a zero-phase
# Butterworth band-pass, designed at the data's sampling rate (``sfreq``). The
# classifier is a narrow ResNet18 (``base_width=16``), small enough for a CPU.
# ``pos_weight="balanced"`` compensates the class imbalance inside every fold.
pipe = Pipeline(
    [
        ("filt", BandpassFilter(low_freq=0.5, high_freq=40.0, sfreq=100.0)),
        ("norm", LeadNormalizer(method="zscore")),
        (
            "clf",
            ECGResNetClassifier(
                base_width=16,
                max_epochs=3 if FAST else 15,
                lr=3e-3,
                pos_weight="balanced",
                sfreq=100.0,
                device="auto",
                random_state=0,
            ),
        ),
    ]
)

# %%
# Cross-validation
# ----------------
# Early stopping uses an internal validation split of each training fold, so
# the test folds never influence training.
cv = StratifiedKFold(n_splits=3 if FAST else 5, shuffle=True, random_state=0)
scores = cross_val_score(pipe, X, y, cv=cv, scoring="roc_auc")
print(f"AUROC per fold: {np.round(scores, 3)}")
print(f"mean AUROC: {scores.mean():.3f} ± {scores.std(ddof=1):.3f} (sd over folds)")

# %%
# Fit on everything and predict
# -----------------------------
# ``predict_proba`` returns one column per class, as in scikit-learn.
pipe.fit(X, y)
proba = pipe.predict_proba(X[:5])
print(np.round(proba, 3))
