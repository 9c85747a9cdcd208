"""ECGEnsembleClassifier: binary, multiclass and multi-label averaging."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_ecg.classifiers import ECGEnsembleClassifier, ECGResNetClassifier
from sklearn_ecg.persistence import save_model
from sklearn_ecg.preprocessing import LeadNormalizer

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 2, 64)).astype(np.float32)
Y_BIN = np.arange(32) % 2
Y_MC = np.arange(32) % 3
Y_ML = np.c_[np.arange(32) % 2, np.arange(32) % 3 == 0, np.arange(32) % 4 < 2].astype(
    int
)


def _member(**kw):
    return ECGResNetClassifier(
        base_width=4, max_epochs=1, validation_fraction=None, batch_size=16, **kw
    )


@pytest.mark.parametrize("y", [Y_BIN, Y_MC, Y_ML], ids=["binary", "multiclass", "ml"])
def test_soft_voting_is_the_weighted_mean_of_members(y):
    ens = ECGEnsembleClassifier(
        [("a", _member()), ("b", _member(kernel_size=5))], weights=[3, 1], seeds=[1, 2]
    ).fit(X, y)
    assert ens.member_names_ == ["a_s1", "a_s2", "b_s1", "b_s2"]
    assert [m.random_state for m in ens.estimators_] == [1, 2, 1, 2]
    np.testing.assert_allclose(ens.member_weights_, [0.375, 0.375, 0.125, 0.125])
    expected = sum(
        w * m.predict_proba(X) for w, m in zip(ens.member_weights_, ens.estimators_)
    )
    np.testing.assert_allclose(ens.predict_proba(X), expected, rtol=1e-6)
    pred = ens.predict(X)
    assert pred.shape == np.shape(y)
    if y.ndim == 2:
        np.testing.assert_array_equal(pred, (expected >= 0.5).astype(int))
    else:
        assert set(pred) <= set(y)
    assert np.array_equal(ens.classes_, ens.estimators_[0].classes_)


def test_logit_voting_averages_log_odds_for_multilabel():
    ens = ECGEnsembleClassifier([("a", _member())], voting="logit", seeds=2)
    ens.fit(X, Y_ML)
    p = np.stack([m.predict_proba(X) for m in ens.estimators_])
    z = np.log(p / (1 - p)).mean(axis=0)
    np.testing.assert_allclose(ens.decision_function(X), z, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ens.predict_proba(X), 1 / (1 + np.exp(-z)), rtol=1e-5)


def test_seed_copies_differ_and_fit_is_reproducible():
    ens = ECGEnsembleClassifier([("a", _member())], seeds=2).fit(X, Y_BIN)
    p0, p1 = (m.predict_proba(X) for m in ens.estimators_)
    assert not np.allclose(p0, p1)
    again = clone(ens).fit(X, Y_BIN)
    np.testing.assert_array_equal(again.predict_proba(X), ens.predict_proba(X))


def test_n_jobs_gives_the_same_members():
    ens = ECGEnsembleClassifier([("a", _member())], seeds=2)
    seq = clone(ens).fit(X, Y_BIN).predict_proba(X)
    par = clone(ens).set_params(n_jobs=2).fit(X, Y_BIN).predict_proba(X)
    np.testing.assert_allclose(seq, par, rtol=1e-6)


def test_pickle_pipeline_and_members_left_untouched():
    template = _member(random_state=0)
    pipe = make_pipeline(
        LeadNormalizer(), ECGEnsembleClassifier([("a", template)], seeds=2)
    ).fit(X, Y_ML)
    assert not hasattr(template, "module_")
    again = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(again.predict_proba(X), pipe.predict_proba(X))


def test_thresholds_fixed_members_and_tuned_on_validation():
    fixed = ECGEnsembleClassifier([("a", _member())], threshold=[0.1, 0.5, 0.9])
    fixed.fit(X, Y_ML)
    np.testing.assert_array_equal(fixed.threshold_, [0.1, 0.5, 0.9])
    proba = fixed.predict_proba(X)
    np.testing.assert_array_equal(
        fixed.predict(X), (proba >= [0.1, 0.5, 0.9]).astype(int)
    )
    members = ECGEnsembleClassifier(
        [("a", _member(threshold=0.3)), ("b", _member(threshold=0.5))],
        threshold="members",
    ).fit(X, Y_BIN)
    assert members.threshold_ == pytest.approx(0.4)
    tuned = ECGEnsembleClassifier([("a", _member())], threshold="f1")
    tuned.fit(X[:24], Y_ML[:24], X_val=X[24:], y_val=Y_ML[24:])
    assert tuned.threshold_.shape == (3,)
    assert not np.allclose(tuned.threshold_, 0.5)
    with pytest.raises(ValueError, match="tuned on X_val/y_val"):
        ECGEnsembleClassifier([("a", _member())], threshold="f1").fit(X, Y_ML)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(estimators=[]), "non-empty list of"),
        (dict(estimators=[("a", _member()), ("a", _member())]), "unique"),
        (dict(voting="rank"), "voting must be one of"),
        (dict(weights=[1, 2]), "one per estimator"),
        (dict(seeds=0), "must be >= 1"),
        (dict(seeds=[1, 1]), "distinct"),
        (dict(threshold="best"), "not a known method"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    kwargs = {"estimators": [("a", _member())], **kwargs}
    with pytest.raises(ValueError, match=match):
        ECGEnsembleClassifier(**kwargs).fit(X, Y_BIN)


def test_member_without_predict_proba_is_refused():
    from sklearn.svm import LinearSVC

    with pytest.raises(TypeError, match="has no predict_proba"):
        ECGEnsembleClassifier([("svm", LinearSVC())]).fit(X[:, 0], Y_BIN)


def test_save_model_stores_an_ensemble_and_refuses_an_unfitted_one(tmp_path):
    from sklearn.exceptions import NotFittedError

    from sklearn_ecg.persistence import load_model

    with pytest.raises(NotFittedError):
        save_model(ECGEnsembleClassifier([("a", _member())]), tmp_path / "unfitted")
    assert not (tmp_path / "unfitted" / "manifest.json").exists()
    ens = ECGEnsembleClassifier([("a", _member())]).fit(X, Y_BIN)
    save_model(ens, tmp_path / "fitted")
    loaded = load_model(tmp_path / "fitted")
    np.testing.assert_array_equal(loaded.predict_proba(X), ens.predict_proba(X))
