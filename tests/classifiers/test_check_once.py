"""Each parameter check runs exactly once per fit / partial_fit (issue 13, point 3)."""

from unittest import mock

import numpy as np
import pytest

from sklearn_ecg.classifiers import ECGResNetClassifier, _inference, _params

TINY = {"base_width": 4, "max_epochs": 2, "random_state": 0}


@pytest.mark.parametrize(
    "extra", [{}, {"crop_length": 48, "augment": "paper", "sfreq": 100.0}]
)
def test_each_check_runs_once_per_fit(extra):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 2, 64)).astype("float32")
    y = np.repeat([0, 1], 12)
    est = ECGResNetClassifier(**TINY, **extra)
    spies = {
        "check_params": mock.patch.object(
            _params, "check_params", wraps=_params.check_params
        ),
        "check_windowing": mock.patch.object(
            _params, "check_windowing", wraps=_inference.check_windowing
        ),
        "check_transfer_params": mock.patch.object(
            _params, "check_transfer_params", wraps=_params.check_transfer_params
        ),
        "resolve_augment": mock.patch.object(
            _params, "resolve_augment", wraps=_params.resolve_augment
        ),
    }
    mocks = {name: patcher.start() for name, patcher in spies.items()}
    try:
        est.fit(X, y)  # two epochs, each with validation scoring
        assert {n: m.call_count for n, m in mocks.items()} == dict.fromkeys(mocks, 1)
        est.partial_fit(X, y)
        assert {n: m.call_count for n, m in mocks.items()} == dict.fromkeys(mocks, 2)
    finally:
        for patcher in spies.values():
            patcher.stop()
