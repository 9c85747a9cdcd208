"""
===================================================
Evaluating a small cohort with confidence intervals
===================================================

With a few hundred ECGs, one train/test split says little. This example shows
the evaluation protocol the package recommends:

1. repeated stratified cross-validation, reported as per-fold scores with a
   mean and a 95% interval (:func:`~sklearn_ecg.metrics.repeated_cv_report`);
2. for a single held-out set, a bootstrap interval of the metric
   (:func:`~sklearn_ecg.metrics.bootstrap_ci`);
3. sensitivity, specificity and G-mean at the estimator's threshold, chosen on
   the internal validation split, never on the test data.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import RocCurveDisplay, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.metrics import bootstrap_ci, repeated_cv_report
from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

FAST = os.environ.get("SKLEARN_ECG_EXAMPLES_FAST") == "1"
X, y = make_ecg(
    n_records=90 if FAST else 300,
    sfreq=100.0,
    classes=("normal", "pe"),
    weights=(0.75, 0.25),
    effect_size=0.6,
    random_state=1,
    return_X_y=True,
)


def make_model():
    return make_pipeline(
        BandpassFilter(low_freq=0.5, high_freq=40.0, sfreq=100.0),
        LeadNormalizer(),
        ECGResNetClassifier(
            base_width=8 if FAST else 16,
            max_epochs=2 if FAST else 12,
            lr=3e-3,
            pos_weight="balanced",
            threshold="youden",  # tuned on the internal validation split...
            validation_fraction=0.25,  # ...so give it enough positives
            sfreq=100.0,
            random_state=0,
        ),
    )


# %%
# Repeated cross-validation
# -------------------------
# Fold scores are correlated (training sets overlap), so the interval uses the
# Nadeau-Bengio corrected variance rather than the naive t-interval.
cv = RepeatedStratifiedKFold(
    n_splits=3 if FAST else 5, n_repeats=1 if FAST else 3, random_state=0
)
report = repeated_cv_report(
    make_model(),
    X,
    y,
    cv=cv,
    scoring=["roc_auc", "sensitivity", "specificity", "gmean"],
)
print(report)

# %%
# A bootstrap interval on a held-out set
# --------------------------------------
# When a test set exists, train once, predict once, and resample the test
# records to see how much the AUROC would move with another sample of patients.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
model = make_model().fit(X_train, y_train)
proba = model.predict_proba(X_test)[:, 1]
estimate, low, high = bootstrap_ci(
    y_test, proba, roc_auc_score, n_resamples=200 if FAST else 2000, random_state=0
)
print(f"test AUROC {estimate:.3f}, 95% bootstrap CI [{low:.3f}, {high:.3f}]")

# %%
# The ROC curve, with the operating point chosen on validation data
# -----------------------------------------------------------------
pred = model.predict(X_test)
sens = np.mean(pred[y_test == 1] == 1)
spec = np.mean(pred[y_test == 0] == 0)
fig, ax = plt.subplots(figsize=(4.8, 4.6))
RocCurveDisplay.from_predictions(y_test, proba, ax=ax, name="ResNet")
ax.plot(1 - spec, sens, "ko", label=f"threshold (sens {sens:.2f}, spec {spec:.2f})")
ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
ax.set_title(f"Held-out AUROC {estimate:.2f} [{low:.2f}, {high:.2f}]")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()
