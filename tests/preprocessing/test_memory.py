"""Chunked application: the peak extra memory stays far below the input size."""

import tracemalloc

import numpy as np
import pytest

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    BaselineWanderRemover,
    FixedLength,
    LeadNormalizer,
    NotchFilter,
    Resampler,
    _base,
)

TRANSFORMERS = [
    BandpassFilter(),
    NotchFilter(harmonics=3),
    BaselineWanderRemover(method="median"),
    BaselineWanderRemover(method="highpass"),
    BaselineWanderRemover(method="wavelet"),
    Resampler(sfreq_out=250.0),
    LeadNormalizer(method="zscore"),
    LeadNormalizer(method="robust"),
    LeadNormalizer(method="zscore", scope="global"),
    FixedLength(n_times=1500),
]


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).standard_normal((40, 12, 1000), dtype=np.float32)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_peak_memory_is_output_plus_small_chunk_buffers(transformer, X, monkeypatch):
    # One record (12 x 1000 samples) per chunk: a whole-array float64 temporary
    # (2 x the float32 input) would exceed the budget below five times over.
    monkeypatch.setattr(_base, "_CHUNK_SAMPLES", 12_000)
    transformer.fit(X)
    tracemalloc.start()
    try:
        out = transformer.transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.dtype == np.float32
    assert peak < out.nbytes + 0.4 * X.nbytes, (peak / X.nbytes, out.nbytes / X.nbytes)
