"""Pipeline(memory=...) keeps preprocessing out of the per-trial cost."""

import numpy as np
from joblib import Memory
from optuna.distributions import FloatDistribution
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from sklearn_ecg.model_selection import OptunaSearchCV

FIT_CALLS = []


class CountingFlattener(TransformerMixin, BaseEstimator):
    """Stands in for an expensive filter; records every real fit."""

    def fit(self, X, y=None):
        FIT_CALLS.append(len(X))
        return self

    def transform(self, X):
        return np.asarray(X).reshape(len(X), -1)


def _search(memory):
    pipe = Pipeline(
        [("filt", CountingFlattener()), ("clf", LogisticRegression())],
        memory=memory,
    )
    return OptunaSearchCV(
        pipe,
        {"clf__C": FloatDistribution(0.01, 10.0, log=True)},
        cv=3,
        n_trials=4,
        random_state=0,
    )


def test_memory_fits_the_transformer_once_per_fold(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2, 16))
    y = (X[:, 0, :4].mean(axis=1) > 0).astype(int)
    FIT_CALLS.clear()
    cached = _search(Memory(tmp_path, verbose=0)).fit(X, y)
    # 3 folds on the first trial + 1 refit on all data; later trials hit the cache.
    assert FIT_CALLS == [40, 40, 40, 60]
    FIT_CALLS.clear()
    plain = _search(None).fit(X, y)
    assert len(FIT_CALLS) == 4 * 3 + 1
    np.testing.assert_allclose(
        cached.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
