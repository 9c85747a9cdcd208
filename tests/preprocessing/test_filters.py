"""Measured frequency response, zero phase, dtypes and chunking of the IIR filters."""

import pickle
import warnings

import numpy as np
import pytest

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    NotchFilter,
    ShortRecordWarning,
    _base,
)

SFREQ = 500.0


def sine(freq, seconds=40.0, sfreq=SFREQ):
    t = np.arange(int(seconds * sfreq)) / sfreq
    return np.sin(2 * np.pi * freq * t)


def amplitude(x, freq, sfreq=SFREQ):
    """Least-squares amplitude of a sine at ``freq`` over the central half of x."""
    n = x.shape[-1]
    idx = np.arange(n // 4, 3 * n // 4)
    t = idx / sfreq
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], 1)
    coef, *_ = np.linalg.lstsq(basis, x[idx], rcond=None)
    return np.hypot(*coef)


def gain_db(transformer, freq, seconds=40.0):
    y = transformer.fit_transform(sine(freq, seconds)[None, None, :])[0, 0]
    return 20 * np.log10(amplitude(y, freq))


@pytest.mark.parametrize("freq", [2.0, 5.0, 10.0, 20.0, 30.0])
def test_bandpass_pass_band_gain_within_half_db(freq):
    assert abs(gain_db(BandpassFilter(), freq)) < 0.5


@pytest.mark.parametrize("freq, seconds", [(90.0, 10.0), (0.25, 120.0)])
def test_bandpass_attenuates_20db_one_octave_into_stop_band(freq, seconds):
    assert gain_db(BandpassFilter(), freq, seconds) < -20.0


def test_lowpass_and_highpass_variants():
    low = BandpassFilter(low_freq=None, high_freq=40.0)
    high = BandpassFilter(low_freq=1.0, high_freq=None)
    assert gain_db(low, 0.3, 60.0) > -0.5
    assert gain_db(low, 80.0, 10.0) < -20.0
    assert gain_db(high, 100.0, 10.0) > -0.5
    assert gain_db(high, 0.5, 120.0) < -20.0
    assert low.fit(np.zeros((1, 100))).sos_.shape == (2, 6)


def test_zero_phase_keeps_symmetric_pulse_peak():
    t = np.arange(5000)
    pulse = np.exp(-0.5 * ((t - 2345) / 8.0) ** 2)
    y = BandpassFilter().fit_transform(pulse[None, None, :])[0, 0]
    assert np.argmax(y) == 2345
    # Symmetric around the peak too, which a causal filter would break.
    np.testing.assert_allclose(y[2345 - 50 : 2345], y[2346:2396][::-1], atol=1e-3)


@pytest.mark.parametrize("mains", [50.0, 60.0])
def test_notch_removes_mains_by_30db_and_keeps_ecg_band(mains):
    notch = NotchFilter(freq=mains)
    assert gain_db(notch, mains, 10.0) < -30.0
    assert abs(gain_db(notch, 10.0, 10.0)) < 0.1
    assert abs(gain_db(notch, mains * 1.2, 10.0)) < 0.5


def test_notch_harmonics_below_nyquist_only():
    notch = NotchFilter(freq=60.0, harmonics=5).fit(np.zeros((1, 3, 100)))
    # 60, 120, 180 and 240 Hz lie below Nyquist (250 Hz); 300 Hz is skipped.
    assert notch.sos_.shape == (4, 6)
    assert gain_db(notch, 180.0, 10.0) < -30.0
    assert gain_db(NotchFilter(freq=60.0), 180.0, 10.0) > -0.5


@pytest.mark.parametrize("cls", [BandpassFilter, NotchFilter])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved_input_untouched_and_2d_is_one_lead(cls, dtype, rng):
    X = rng.normal(size=(3, 2, 1000)).astype(dtype)
    X_orig = X.copy()
    out = cls().fit_transform(X)
    assert out.dtype == dtype and out.shape == X.shape
    np.testing.assert_array_equal(X, X_orig)
    out2d = cls().fit_transform(X[:, 0, :])
    assert out2d.shape == (3, 1000)
    np.testing.assert_allclose(out2d, out[:, 0, :], rtol=1e-6, atol=1e-6)


def test_chunked_result_equals_one_call(monkeypatch, rng):
    X = rng.normal(size=(7, 3, 600))
    whole = BandpassFilter().fit_transform(X)
    monkeypatch.setattr(_base, "_CHUNK_SAMPLES", 3 * 600 * 2)  # 2 records a chunk
    np.testing.assert_array_equal(BandpassFilter().fit_transform(X), whole)


def test_unpickled_read_only_sos_still_filters(rng):
    X = rng.normal(size=(2, 12, 500))
    filt = pickle.loads(pickle.dumps(BandpassFilter().fit(X)))
    filt.sos_.setflags(write=False)
    np.testing.assert_array_equal(filt.transform(X), BandpassFilter().fit_transform(X))


def test_short_record_reduced_padding_warns_then_errors():
    X = np.ones((2, 12, 20))
    with pytest.warns(ShortRecordWarning, match="reduced to 19") as record:
        out = BandpassFilter().fit_transform(X)
    assert record[0].filename == __file__  # points at the caller's line
    assert np.isfinite(out).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BandpassFilter().fit_transform(np.ones((2, 12, 28)))  # 28 > padding 27
    with pytest.raises(ValueError, match="at least 2 are needed by BandpassFilter"):
        BandpassFilter().fit(X).transform(np.ones((2, 12, 1)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"high_freq": 250.0}, "high_freq .*Nyquist"),
        ({"high_freq": 300.0}, "high_freq .*Nyquist"),
        ({"high_freq": 45.0, "sfreq": 80.0}, "high_freq .*sfreq/2 = 40"),
        ({"low_freq": 0.0}, "low_freq"),
        ({"low_freq": 40.0, "high_freq": 40.0}, "low_freq .* must be below high_freq"),
        ({"low_freq": 50.0, "high_freq": 10.0}, "low_freq .* must be below high_freq"),
        ({"low_freq": None, "high_freq": None}, "both None"),
        ({"order": 0}, "order must be an integer >= 1"),
        ({"sfreq": -5}, "sfreq must be a positive"),
    ],
)
def test_bandpass_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        BandpassFilter(**params).fit(np.zeros((2, 12, 100)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"freq": 250.0}, "freq .*Nyquist"),
        ({"freq": 60.0, "sfreq": 100.0}, "freq .*sfreq/2 = 50"),
        ({"quality": 0}, "quality must be a positive"),
        ({"harmonics": 0}, "harmonics must be an integer"),
    ],
)
def test_notch_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        NotchFilter(**params).fit(np.zeros((2, 12, 100)))
