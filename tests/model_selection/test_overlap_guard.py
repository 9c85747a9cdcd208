"""The audit's experiment, tiny: pretraining on the target's own records.

The audit pretrained on the same PTB-XL records as the target and saw a warm
start AUROC of 1.000 on every fold. Here the labels are pure noise, so only a
model that memorised the records can score well: pretraining on them gives a
near-perfect warm start; the guard refuses that configuration (by record ids,
by patients, by signals renamed and cast to float64), and with exclusion the
comparison runs on disjoint data and the perfect score is gone.
"""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import (
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_val_score,
)

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.model_selection import compare_arms
from sklearn_ecg.transfer import TrainingOverlapError

PARAMS = dict(
    base_width=4, batch_size=16, validation_fraction=None, random_state=0,
    device="cpu", sfreq=100.0,
)  # fmt: skip
N_SHARED = 24


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2 * N_SHARED, 2, 64)).astype(np.float32)
    y = np.tile([0, 1], N_SHARED)  # pure noise: nothing to learn but the records
    ids = np.array([f"rec{i}" for i in range(len(y))])
    patients = np.array([f"p{i // 2}" for i in range(len(y))])
    # The source holds the first half of the target (and only those records).
    src = slice(0, N_SHARED)
    memoriser = ECGResNetClassifier(**PARAMS, max_epochs=60, lr=1e-2)
    memoriser.fit(X[src], y[src], groups=patients[src], record_ids=ids[src])
    path = tmp_path_factory.mktemp("audit") / "source.pt"
    weights = memoriser.save_pretrained(path)
    return X, y, ids, patients, weights


def _arms(weights, **kw):
    warm = dict(PARAMS, max_epochs=1, lr=1e-5, freeze="backbone", **kw)
    return {
        "scratch": ECGResNetClassifier(**PARAMS, max_epochs=1, **kw),
        "warm": ECGResNetClassifier(**warm, warm_start_from=weights),
    }


def test_without_the_guard_the_audit_result_reappears(audit):
    X, y, _, _, weights = audit
    shared = slice(0, N_SHARED)
    res = compare_arms(
        _arms(weights), X[shared], y[shared], cv=StratifiedKFold(3),
        pretrained_overlap="ignore",
    )  # fmt: skip
    warm = res.scores["warm"]["roc_auc"]
    assert warm.min() >= 0.99  # the audit's 1.000: memorised records
    assert res.overlap["checkpoints"]["warm"]["n_overlap"] == N_SHARED
    assert res.overlap["checkpoints"]["warm"]["action"] == "ignore"


@pytest.mark.parametrize("by", ["record ids", "patients", "renamed float64 signals"])
def test_the_guard_refuses_the_overlapping_configuration(audit, by):
    X, y, ids, patients, weights = audit
    kwargs = {
        "record ids": dict(record_ids=ids),
        "patients": dict(groups=patients, cv=None),
        "renamed float64 signals": dict(record_ids=[f"new{i}" for i in range(len(y))]),
    }[by]
    Xt = X.astype(np.float64) if by.startswith("renamed") else X
    if by == "patients":  # patient ids alone: the signals are new records
        Xt = np.random.default_rng(1).normal(size=X.shape).astype(np.float32)
        from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold

        kwargs["cv"] = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=1)
    with pytest.raises(TrainingOverlapError) as info:
        compare_arms(_arms(weights), Xt, y, **{"cv": 3, **kwargs})
    message = str(info.value)
    assert f"{N_SHARED} of the {len(y)} records of the target" in message
    expected = {
        "record ids": f"{N_SHARED} by record id",
        "patients": f"{N_SHARED} by patient id",
        "renamed float64 signals": f"0 by patient id, {N_SHARED} by signal",
    }[by]
    assert expected in message
    if by == "patients":
        assert f"{N_SHARED // 2} patient(s) overlap" in message


def test_exclusion_runs_on_disjoint_data_and_the_perfect_score_is_gone(audit):
    X, y, ids, patients, weights = audit
    with pytest.warns(UserWarning, match=f"dropped {N_SHARED} of {len(y)} target"):
        res = compare_arms(
            _arms(weights), X, y, cv=StratifiedGroupKFold(3), groups=patients,
            record_ids=ids, pretrained_overlap="exclude",
        )  # fmt: skip
    assert res.kept.tolist() == list(range(N_SHARED, len(y)))
    assert res.overlap["n_excluded"] == N_SHARED
    assert set(ids[res.kept]).isdisjoint(ids[:N_SHARED])
    assert res.scores["warm"]["roc_auc"].mean() < 0.9
    assert res.to_dict()["pretrained_overlap"]["mode"] == "exclude"


def test_the_estimator_refuses_at_fit_time_in_plain_cross_validation(audit):
    # cross_val_score knows nothing of checkpoints: the warm-started estimator
    # compares its own training fold with the checkpoint's fingerprint.
    X, y, _, _, weights = audit
    warm = _arms(weights)["warm"]
    with warnings.catch_warnings(), pytest.raises(ValueError) as info:
        warnings.simplefilter("ignore")
        cross_val_score(warm, X, y, cv=3, error_score=np.nan)
    assert "All the 3 fits failed" in str(info.value)
    assert "TrainingOverlapError" in str(info.value)
    with pytest.raises(TrainingOverlapError, match="training data of this fit"):
        warm.fit(X, y)
    est = _arms(weights, pretrained_overlap="warn")["warm"]
    with pytest.warns(UserWarning, match="were in the pretraining data"):
        est.fit(X, y)
    assert est.pretrained_overlap_["by_signal"] == N_SHARED
    clean = np.random.default_rng(5).normal(size=X.shape).astype(np.float32)
    est = _arms(weights)["warm"].fit(clean, y)
    assert est.pretrained_overlap_["n_overlap"] == 0


def test_a_checkpoint_records_what_fit_was_given(audit):
    X, y, ids, patients, weights = audit
    fp = weights.load().training_data
    assert fp.n_records == N_SHARED
    assert fp.record_ids == tuple(ids[:N_SHARED])
    assert fp.patient_ids == tuple(sorted(set(patients[:N_SHARED])))
    assert fp.signal_hashes.size == N_SHARED and fp.raw_signal_hashes is None


def test_bad_mode_is_refused(audit):
    X, y, _, _, weights = audit
    with pytest.raises(ValueError, match="pretrained_overlap must be one of"):
        compare_arms(_arms(weights), X, y, pretrained_overlap="drop")
