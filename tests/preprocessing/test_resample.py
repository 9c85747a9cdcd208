"""Polyphase resampling keeps frequencies and follows the rate ratio."""

import numpy as np
import pytest

from sklearn_ecg.preprocessing import Resampler


def dominant_freq(x, sfreq):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / sfreq)[np.argmax(spectrum)]


@pytest.mark.parametrize(
    "sfreq, sfreq_out, n_out", [(500.0, 100.0, 1000), (500.0, 360.0, 3600),
                                (250.0, 500.0, 5000), (1000.0, 500.0, 5000)]
)  # fmt: skip
def test_resampled_sine_keeps_its_frequency(sfreq, sfreq_out, n_out):
    t = np.arange(int(10 * sfreq)) / sfreq
    X = np.stack([np.sin(2 * np.pi * 7.0 * t), np.cos(2 * np.pi * 3.0 * t)])[None]
    out = Resampler(sfreq_out=sfreq_out, sfreq=sfreq).fit_transform(X)
    assert out.shape == (1, 2, n_out)
    assert dominant_freq(out[0, 0], sfreq_out) == pytest.approx(7.0, abs=0.1)
    assert dominant_freq(out[0, 1], sfreq_out) == pytest.approx(3.0, abs=0.1)
    # Sample-wise match with the analytic sine away from the edges.
    t_out = np.arange(n_out) / sfreq_out
    inner = slice(n_out // 10, -n_out // 10)
    np.testing.assert_allclose(
        out[0, 0, inner], np.sin(2 * np.pi * 7.0 * t_out)[inner], atol=0.01
    )


def test_anti_aliasing_removes_content_above_new_nyquist():
    t = np.arange(5000) / 500.0
    X = np.sin(2 * np.pi * 80.0 * t)[None, None, :]  # above 50 Hz: must vanish
    out = Resampler(sfreq_out=100.0).fit_transform(X)
    assert np.abs(out[..., 100:-100]).max() < 0.02


def test_ratio_attributes_dtype_and_odd_lengths(rng):
    X = rng.normal(size=(3, 12, 1001)).astype(np.float32)
    res = Resampler(sfreq_out=360.0).fit(X)
    assert (res.up_, res.down_) == (18, 25)
    out = res.transform(X)
    assert out.dtype == np.float32 and out.shape == (3, 12, 721)  # ceil(1001*18/25)
    assert Resampler().fit_transform(X[:, 0]).shape == (3, 201)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"sfreq_out": 0}, "sfreq_out must be a positive"),
        ({"sfreq": float("nan")}, "sfreq must be a positive"),
        ({"sfreq_out": 100.0 * np.pi}, "not a ratio of integers"),
    ],
)
def test_bad_rates(params, match):
    with pytest.raises(ValueError, match=match):
        Resampler(**params).fit(np.zeros((1, 12, 100)))
