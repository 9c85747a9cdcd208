"""
==================================================
Tuning a pipeline with Optuna, with cached filters
==================================================

:class:`~sklearn_ecg.model_selection.OptunaSearchCV` tunes any pipeline like
:class:`~sklearn.model_selection.GridSearchCV` does, but with Optuna's samplers
and pruners. Two details make it practical on ECGs:

* ``Pipeline(memory=...)`` caches the filtered signals, so the band-pass filter
  runs once per fold instead of once per trial and fold;
* the objective is a cross-validated score **inside the training data**; the
  held-out test set is scored once, after the search.
"""

# %%
import os
import tempfile

import numpy as np
import optuna
from joblib import Memory
from optuna.distributions import FloatDistribution, IntDistribution
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.model_selection import OptunaSearchCV
from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

FAST = os.environ.get("SKLEARN_ECG_EXAMPLES_FAST") == "1"
optuna.logging.set_verbosity(optuna.logging.WARNING)

X, y = make_ecg(
    n_records=90 if FAST else 300,
    sfreq=100.0,
    classes=("normal", "pe"),
    weights=(0.7, 0.3),
    effect_size=0.8,
    random_state=0,
    return_X_y=True,
)
# The test set is split off first and not touched until the very end.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# A cached pipeline
# -----------------
# The filter is deterministic, so joblib can cache its output keyed by the
# input data and the filter's parameters.
cache_dir = tempfile.mkdtemp(prefix="sklearn_ecg_cache_")
pipe = Pipeline(
    [
        ("filt", BandpassFilter(low_freq=0.5, high_freq=40.0, sfreq=100.0)),
        ("norm", LeadNormalizer()),
        (
            "clf",
            ECGResNetClassifier(
                base_width=8 if FAST else 16,
                max_epochs=2 if FAST else 10,
                sfreq=100.0,
                random_state=0,
            ),
        ),
    ],
    memory=Memory(cache_dir, verbose=0),
)

# %%
# The search space
# ----------------
# Parameter paths are the usual ``step__param`` names; values are Optuna
# distributions. :func:`~sklearn_ecg.model_selection.search_space` returns a
# ready dictionary per architecture; here we write a small one by hand.
space = {
    "clf__lr": FloatDistribution(1e-4, 1e-2, log=True),
    "clf__drop_prob": FloatDistribution(0.0, 0.5),
    "clf__kernel_size": IntDistribution(3, 9, step=2),
}
search = OptunaSearchCV(
    pipe,
    space,
    cv=2 if FAST else 3,
    scoring="roc_auc",
    n_trials=2 if FAST else 15,
    random_state=0,
)
search.fit(X_train, y_train)
print(f"best inner-CV AUROC {search.best_score_:.3f} with {search.best_params_}")

# %%
# The trials
# ----------
# ``cv_results_`` follows scikit-learn's layout.
import pandas as pd  # noqa: E402

results = pd.DataFrame(search.cv_results_)
print(results[["params", "mean_test_score", "rank_test_score"]].head())

# %%
# One honest test score
# ---------------------
# The refitted best pipeline is scored on the untouched test set, once.
test_auroc = roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])
print(f"test AUROC of the selected pipeline: {test_auroc:.3f}")
print(f"cached steps on disk: {sum(len(f) for _, _, f in os.walk(cache_dir))} files")
np.testing.assert_array_equal(search.classes_, np.unique(y))
