"""
Tuning an ECG pipeline with OptunaSearchCV
==========================================

A band-pass filter, a per-lead normaliser and a 1-D ResNet are tuned together with
:class:`~sklearn_ecg.model_selection.OptunaSearchCV`:

- :func:`~sklearn_ecg.model_selection.search_space` gives ready distributions for
  the classifier and the preprocessing steps (here trimmed to fit a laptop);
- ``Pipeline(memory=joblib.Memory(...))`` caches the fitted preprocessing, so a
  trial that only changes the classifier re-uses the filtered folds from disk
  instead of filtering again;
- a :class:`~optuna.pruners.MedianPruner` stops trials whose fold-mean validation
  AUROC lags after a few epochs (the folds train in lock-step, one epoch at a time);
- the test split is scored once, by the refitted best pipeline.

For a persistent or shared study add ``storage="sqlite:///ecg.db"`` and
``study_name="..."`` (see the multi-worker example).
"""

import tempfile

import optuna
import pandas as pd
from joblib import Memory
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.model_selection import OptunaSearchCV, search_space
from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

X, y = make_ecg(160, sfreq=100.0, duration=5.0, random_state=0, return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

pipe = Pipeline(
    [
        ("filt", BandpassFilter(sfreq=100.0)),
        ("norm", LeadNormalizer()),
        (
            "clf",
            # Pruning compares trials on the held-out AUROC of each epoch, so
            # the network keeps a validation split (validation_fraction="auto"
            # holds none out of training sets this small).
            ECGResNetClassifier(
                base_width=8, max_epochs=6, patience=None, random_state=0,
                device="cpu", validation_fraction=0.2,
            ),
        ),
    ],
    memory=Memory(tempfile.mkdtemp(), verbose=0),
)

space = search_space("resnet", clf="clf", filt="filt", norm="norm", device="cpu")
# Keep this demo quick: a small, fixed architecture and cutoffs valid at 100 Hz.
keep = ("clf__lr", "clf__weight_decay", "clf__drop_prob", "norm__method")
space = {k: v for k, v in space.items() if k in keep}
space["filt__high_freq"] = optuna.distributions.CategoricalDistribution([30.0, 45.0])

search = OptunaSearchCV(
    pipe,
    space,
    cv=3,
    scoring="roc_auc",
    n_trials=8,
    pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2),
    monitor="valid_auroc",
    random_state=0,
)
search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
print(results[["param_clf__lr", "mean_test_score", "state", "n_epochs"]])
print("best parameters:", search.best_params_)
print(f"best CV AUROC {search.best_score_:.3f}")
test_auc = roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])
print(f"held-out AUROC {test_auc:.3f}")
