"""Every transformer rejects bad X with a message naming the argument and the fix."""

import numpy as np
import pytest

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    BaselineWanderRemover,
    FixedLength,
    LeadNormalizer,
    LeadSelector,
    NotchFilter,
    Resampler,
)

TRANSFORMERS = [
    BandpassFilter(),
    NotchFilter(),
    BaselineWanderRemover(),
    BaselineWanderRemover(method="wavelet"),
    Resampler(),
    LeadNormalizer(),
    LeadNormalizer(scope="global"),
    FixedLength(),
    LeadSelector(),
]
IDS = [repr(t) for t in TRANSFORMERS]


def _bad(value):
    X = np.zeros((2, 12, 100))
    X[1, 3, 50] = value
    return X


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=IDS)
@pytest.mark.parametrize(
    "X, match",
    [
        (_bad(np.nan), "Input X contains NaN"),
        (_bad(np.inf), "Input X contains infinity"),
        (np.zeros(100), "got a 1-D input of shape .* Reshape your data"),
        (np.zeros((2, 12, 10, 3)), "X must be 3-D .* Reshape or squeeze"),
        (np.zeros((0, 12, 100)), r"X is empty: .* 0 sample\(s\) \(records\)"),
        (np.zeros((2, 12, 0)), r"X is empty: .* and 0 time sample"),
    ],
    ids=["nan", "inf", "1d", "4d", "no-records", "no-samples"],
)
def test_bad_X_in_fit_and_transform(transformer, X, match):
    with pytest.raises(ValueError, match=match):
        transformer.fit(X)
    fitted = transformer.fit(np.zeros((2, 12, 100)))
    with pytest.raises(ValueError, match=match):
        fitted.transform(X)


def test_data_not_modified_and_int_input_becomes_float32():
    X = np.arange(2 * 12 * 100).reshape(2, 12, 100) % 7
    X_orig = X.copy()
    for transformer in TRANSFORMERS:
        out = transformer.fit_transform(X)
        assert out.dtype == np.float32, transformer
        np.testing.assert_array_equal(X, X_orig)
