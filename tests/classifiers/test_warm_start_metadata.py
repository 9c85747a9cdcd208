"""A warm start never ignores the checkpoint's rate and leads (issue 14.5)."""

import numpy as np
import pytest

from sklearn_ecg.classifiers import (
    PLAIN_TRAINING,
    ECGResNetClassifier,
    expected_recording,
)

LEADS = ["I", "II"]
X = np.random.default_rng(0).normal(size=(8, 2, 32)).astype(np.float32)
# Other records pretrain (the overlap guard refuses fine-tuning on seen records).
X_SOURCE = np.random.default_rng(1).normal(size=(8, 2, 32)).astype(np.float32)
y = np.repeat([0, 1], 4)
FAST = {**PLAIN_TRAINING, "base_width": 4, "max_epochs": 1, "random_state": 0,
        "validation_fraction": None}  # fmt: skip


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("ckpt") / "source.pt"
    ECGResNetClassifier(**FAST, sfreq=500.0, lead_names=LEADS).fit(
        X_SOURCE, y
    ).save_pretrained(path)
    return str(path)


def test_unset_rate_and_leads_are_adopted_and_reported(checkpoint, tmp_path):
    est = ECGResNetClassifier(**FAST, warm_start_from=checkpoint).fit(X, y)
    assert est.warm_start_report_["adopted"] == ["sfreq=500", "lead_names=I,II"]
    assert (est.sfreq_, est.lead_names_) == (500.0, ("I", "II"))
    assert est.sfreq is None and est.lead_names is None  # parameters untouched
    assert expected_recording(est) == (500.0, ("I", "II"))
    # ... so prediction now checks them, and the new checkpoint carries them.
    with pytest.raises(ValueError, match="250 Hz but the model expects 500 Hz"):
        est.predict(X, sfreq=250.0)
    reordered = est.predict_proba(X[:, ::-1], lead_names=LEADS[::-1])
    np.testing.assert_array_equal(reordered, est.predict_proba(X))
    saved = est.save_pretrained(tmp_path / "again.pt").load()
    assert (saved.sfreq, saved.lead_names) == (500.0, ("I", "II"))


def test_given_metadata_is_checked_not_adopted(checkpoint):
    est = ECGResNetClassifier(**FAST, warm_start_from=checkpoint, sfreq=500.0,
                              lead_names=LEADS).fit(X, y)  # fmt: skip
    assert est.warm_start_report_["adopted"] == []
    with pytest.raises(ValueError, match="Resampler"):
        ECGResNetClassifier(**FAST, warm_start_from=checkpoint, sfreq=250.0).fit(X, y)
    with pytest.raises(ValueError, match="lead order"):
        ECGResNetClassifier(
            **FAST, warm_start_from=checkpoint, lead_names=LEADS[::-1]
        ).fit(X, y)


def test_without_warm_start_the_fitted_metadata_are_the_parameters():
    est = ECGResNetClassifier(**FAST).fit(X, y)
    assert est.sfreq_ is None and est.lead_names_ is None
    est = ECGResNetClassifier(**FAST, sfreq=250, lead_names=LEADS).fit(X, y)
    assert (est.sfreq_, est.lead_names_) == (250.0, ("I", "II"))


def test_adopted_metadata_survive_a_model_folder(checkpoint, tmp_path):
    from sklearn_ecg.persistence import load_model, save_model

    est = ECGResNetClassifier(**FAST, warm_start_from=checkpoint).fit(X, y)
    save_model(est, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert (loaded.sfreq_, loaded.lead_names_) == (500.0, ("I", "II"))
    with pytest.raises(ValueError, match="expects 500 Hz"):
        loaded.predict(X, sfreq=100.0)
