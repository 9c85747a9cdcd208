"""Sampling rate and lead order are checked at prediction (issue 14.4)."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_ecg.classifiers import (
    ECGResNetClassifier,
    check_recording,
    expected_recording,
)
from sklearn_ecg.preprocessing import (
    BandpassFilter,
    LeadNormalizer,
    LeadSelector,
    Resampler,
)
from sklearn_ecg.utils import STANDARD_LEADS

LEADS = list(STANDARD_LEADS)
rng = np.random.default_rng(0)
X = rng.normal(size=(16, 12, 64)).astype(np.float32)
X[:, 1] *= 3.0  # leads differ, so a wrong order changes the output
y = np.repeat([0, 1], 8)
SHUFFLED = [LEADS[i] for i in rng.permutation(12)]
ORDER = [LEADS.index(n) for n in SHUFFLED]  # X[:, ORDER] has the SHUFFLED leads


@pytest.fixture(scope="module")
def clf():
    return ECGResNetClassifier(
        base_width=4, max_epochs=1, random_state=0, sfreq=500.0, lead_names=LEADS
    ).fit(X, y)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_reordered_leads_give_the_same_result(clf, method):
    want = getattr(clf, method)(X)
    got = getattr(clf, method)(X[:, ORDER], sfreq=500.0, lead_names=SHUFFLED)
    np.testing.assert_array_equal(got, want)
    # Without the names, the shuffled records would be scored differently.
    shuffled = clf.decision_function(X[:, ORDER])
    assert not np.array_equal(shuffled, clf.decision_function(X))


def test_score_takes_the_metadata(clf):
    assert clf.score(X[:, ORDER], y, lead_names=SHUFFLED) == clf.score(X, y)


@pytest.mark.parametrize("sfreq", [250.0, 100.0])
def test_other_rate_is_refused(clf, sfreq):
    with pytest.raises(ValueError, match=rf"{sfreq:g} Hz but the model expects 500 Hz"):
        clf.predict(X, sfreq=sfreq, lead_names=LEADS)


def test_missing_lead_is_refused(clf):
    with pytest.raises(ValueError, match=r"lack the lead\(s\) \['V6'\]"):
        clf.predict_proba(X[:, :11], lead_names=LEADS[:11])


def test_metadata_of_an_estimator_fitted_without_it_is_not_compared():
    est = ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        est.predict_proba(X, sfreq=250.0, lead_names=SHUFFLED), est.predict_proba(X)
    )


def test_pipeline_check_at_the_input():
    pipe = make_pipeline(
        LeadNormalizer(scope="global"),
        ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0,
                            sfreq=500.0, lead_names=LEADS),
    ).fit(X, y)  # fmt: skip
    Xs = check_recording(pipe, X[:, ORDER], sfreq=500.0, lead_names=SHUFFLED)
    np.testing.assert_array_equal(pipe.predict_proba(Xs), pipe.predict_proba(X))
    with pytest.raises(ValueError, match="Resampler"):
        check_recording(pipe, X, sfreq=250.0, lead_names=LEADS)


def test_check_recording_resamples_when_asked(clf):
    X250 = X[:, :, ::2]
    out = check_recording(clf, X250, sfreq=250.0, lead_names=LEADS, resample=True)
    assert out.shape == X.shape
    np.testing.assert_allclose(
        out, Resampler(sfreq_out=500.0, sfreq=250.0).fit_transform(X250)
    )


def test_expected_recording_walks_the_pipeline():
    clf = ECGResNetClassifier(sfreq=100.0, lead_names=["II", "V1"])
    sel = LeadSelector(leads=["II", "V1"]).fit(X)
    pipe = make_pipeline(Resampler(sfreq_out=100.0, sfreq=500.0), sel, clf)
    assert expected_recording(pipe) == (500.0, tuple(STANDARD_LEADS))
    bare = ECGResNetClassifier()
    assert expected_recording(make_pipeline(BandpassFilter(sfreq=250.0), bare)) == (
        250.0, None)  # fmt: skip
    assert expected_recording(bare) == (None, None)


def test_an_ensemble_expects_what_its_members_expect(tmp_path):
    from sklearn_ecg.classifiers import ECGEnsembleClassifier
    from sklearn_ecg.persistence import load_manifest, save_model

    def member(**kw):
        return ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0, **kw)

    ens = ECGEnsembleClassifier(
        [("a", member(sfreq=500.0, lead_names=LEADS))], seeds=2
    ).fit(X, y)
    assert expected_recording(ens) == (500.0, tuple(LEADS))
    with pytest.raises(ValueError, match="250 Hz but the model expects 500 Hz"):
        check_recording(ens, X, sfreq=250.0)
    np.testing.assert_array_equal(
        check_recording(ens, X[:, ORDER], lead_names=SHUFFLED), X
    )
    save_model(ens, tmp_path / "m")
    assert load_manifest(tmp_path / "m")["input"]["sfreq"] == 500.0
    mixed = ECGEnsembleClassifier(
        [("a", member(sfreq=500.0)), ("b", member(sfreq=100.0))]
    ).fit(X, y)
    with pytest.raises(ValueError, match="expect different recordings"):
        expected_recording(mixed)
