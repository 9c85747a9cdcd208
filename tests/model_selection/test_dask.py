"""Cross-validation and study arms on a Dask cluster, and the checkpoint shipped once.

A two-process ``LocalCluster`` must give the sequential fold scores bit for bit
(fixed seeds, CPU), and a warm arm's checkpoint must reach each worker once:
the fits carry only its Dask key.
"""

import pickle
import sys

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_score,
)

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.metrics import repeated_cv_report
from sklearn_ecg.model_selection import _dask as dask_module
from sklearn_ecg.model_selection import broadcast_pretrained, compare_arms
from sklearn_ecg.transfer import PretrainedWeights

PARAMS = dict(
    base_width=4, batch_size=16, validation_fraction=None, random_state=0,
    device="cpu", sfreq=100.0, max_epochs=1,
)  # fmt: skip


@pytest.fixture(scope="module")
def data():
    X, y = make_ecg(24, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    return X[:, :2].astype(np.float32), y


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip(
        "distributed", reason="the Dask tests need dask[distributed]"
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def weights(data):
    X, y = data
    return PretrainedWeights.from_estimator(ECGResNetClassifier(**PARAMS).fit(X, y))


def worker_stats(client):
    return client.run(dask_module._stats)


@pytest.mark.slow
def test_cross_val_score_on_dask_matches_sequential(client, data):
    X, y = data
    est = ECGResNetClassifier(**PARAMS)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    sequential = cross_val_score(est, X, y, cv=cv, scoring="roc_auc")
    with parallel_config(backend="dask", client=client):
        on_dask = cross_val_score(est, X, y, cv=cv, scoring="roc_auc", n_jobs=-1)
    np.testing.assert_array_equal(on_dask, sequential)
    assert np.ptp(sequential) > 0  # real, fold-dependent scores


@pytest.mark.slow
def test_repeated_cv_report_on_dask_matches_sequential(client, data, weights):
    X, y = data
    est = ECGResNetClassifier(**PARAMS, warm_start_from=broadcast_pretrained(
        client, weights), pretrained_overlap="ignore")  # fmt: skip
    cv = RepeatedStratifiedKFold(n_splits=2, n_repeats=2, random_state=0)
    kw = dict(cv=cv, scoring=["roc_auc"])
    sequential = repeated_cv_report(est, X, y, **kw)
    with parallel_config(backend="dask", client=client):
        on_dask = repeated_cv_report(est, X, y, n_jobs=-1, **kw)
    np.testing.assert_array_equal(on_dask.folds["roc_auc"], sequential.folds["roc_auc"])


@pytest.mark.slow
def test_compare_arms_on_dask_ships_the_checkpoint_once(client, data, weights):
    X, y = data
    arms = {
        "scratch": ECGResNetClassifier(**PARAMS),
        "warm": ECGResNetClassifier(**PARAMS, warm_start_from=weights),
        "warm frozen": ECGResNetClassifier(
            **PARAMS, warm_start_from=weights, freeze="backbone"
        ),
    }
    cv = RepeatedStratifiedKFold(n_splits=2, n_repeats=2, random_state=0)
    kw = dict(cv=cv, pretrained_overlap="ignore")
    sequential = compare_arms(arms, X, y, **kw)
    before = worker_stats(client)
    with parallel_config(backend="dask", client=client):
        on_dask = compare_arms(arms, X, y, n_jobs=-1, **kw)
    after = worker_stats(client)
    for arm in arms:
        np.testing.assert_array_equal(
            on_dask.scores[arm]["roc_auc"], sequential.scores[arm]["roc_auc"]
        )
    # 8 warm fits over 2 workers. Each worker received the bytes once (from the
    # broadcast, or fetched if Dask's memory manager had dropped its replica)
    # and every other warm fit on it read its cached copy.
    delta = {
        w: {k: after[w][k] - before[w][k] for k in after[w]} for w in after
    }
    assert all(d["scattered"] + d["fetched"] <= 1 for d in delta.values()), delta
    assert sum(sum(d.values()) for d in delta.values()) == 8, delta
    # What a fit carries is the key, not the checkpoint.
    handle = broadcast_pretrained(client, weights)
    assert broadcast_pretrained(client, weights) is handle  # broadcast once
    warm = arms["warm"].set_params(warm_start_from=handle)
    assert len(pickle.dumps(warm)) < len(weights.data) / 2
    assert len(pickle.dumps(handle)) < 500 < len(weights.data)


@pytest.mark.slow
def test_broadcast_handle_round_trips_with_its_pin(client, weights):
    handle = broadcast_pretrained(client, weights)
    assert handle == pickle.loads(pickle.dumps(handle))
    assert handle.load().sha256 == weights.sha256 == handle.sha256
    assert "broadcast to Dask" in repr(handle)
    with pytest.raises(ValueError, match="broadcast_pretrained"):
        type(handle)(data=b"x")


def test_broadcast_without_dask_names_the_install(monkeypatch, weights):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn-ecg\[dask\]"'):
        broadcast_pretrained(None, weights)


@pytest.mark.slow
def test_a_worker_without_the_broadcast_fetches_it_once(client, weights):
    # As for a worker that joined after the broadcast: the bytes are on one
    # worker only; the other fetches them once, then reads its cached copy.
    first, second = sorted(worker_stats(client))
    future = client.scatter(weights.data, workers=[first], hash=False)
    handle = dask_module._BroadcastWeights(sha256=weights.sha256, key=future.key)
    before = worker_stats(client)[second]
    for _ in range(2):
        sha = client.submit(lambda h: h.load().sha256, handle, workers=[second],
                            pure=False).result()  # fmt: skip
        assert sha == weights.sha256
    after = worker_stats(client)[second]
    assert after["fetched"] - before["fetched"] == 1
    assert after["cached"] - before["cached"] == 1
