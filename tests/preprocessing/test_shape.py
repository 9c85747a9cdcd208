"""FixedLength crops and pads (also ragged lists); LeadSelector matches lead names."""

import numpy as np
import pytest

from sklearn_ecg.preprocessing import FixedLength, LeadSelector
from sklearn_ecg.utils import STANDARD_LEADS


def ramp(n_records, n_leads, n_times):
    return np.broadcast_to(
        np.arange(1, n_times + 1, dtype=float), (n_records, n_leads, n_times)
    ).copy()


@pytest.mark.parametrize(
    "mode, first, last", [("center", 3, 7), ("start", 1, 5), ("end", 6, 10)]
)
def test_crop_modes(mode, first, last):
    out = FixedLength(n_times=5, mode=mode).fit_transform(ramp(2, 3, 10))
    assert out.shape == (2, 3, 5)
    np.testing.assert_array_equal(out[0, 0], np.arange(first, last + 1))


@pytest.mark.parametrize(
    "mode, pad_mode, expected",
    [
        ("center", "constant", [0, 1, 2, 3, 0, 0]),
        ("start", "constant", [1, 2, 3, 0, 0, 0]),
        ("end", "constant", [0, 0, 0, 1, 2, 3]),
        ("start", "edge", [1, 2, 3, 3, 3, 3]),
        ("start", "wrap", [1, 2, 3, 1, 2, 3]),
        ("center", "reflect", [2, 1, 2, 3, 2, 1]),
    ],
)
def test_pad_modes(mode, pad_mode, expected):
    fl = FixedLength(n_times=6, mode=mode, pad_mode=pad_mode)
    out = fl.fit_transform(ramp(1, 2, 3).astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[0, 1], expected)


def test_ragged_list_of_records_becomes_one_array(rng):
    records = [rng.normal(size=(12, n)).astype(np.float32) for n in (3000, 5000, 9000)]
    fl = FixedLength(n_times=5000, mode="start").fit(records)
    assert fl.n_features_in_ == 12
    out = fl.transform(records)
    assert out.shape == (3, 12, 5000) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0, :, :3000], records[0])
    np.testing.assert_array_equal(out[0, :, 3000:], 0.0)
    np.testing.assert_array_equal(out[1], records[1])
    np.testing.assert_array_equal(out[2], records[2][:, :5000])
    with pytest.raises(ValueError, match="different lead counts"):
        fl.transform([np.zeros((12, 10)), np.zeros((8, 10))])
    with pytest.raises(ValueError, match="X has 8 leads"):
        fl.transform([np.zeros((8, 10))])
    with pytest.raises(ValueError, match=r"X\[1\] is empty or contains NaN"):
        fl.transform([np.zeros((12, 10)), np.full((12, 10), np.nan)])


def test_fixed_length_2d_and_bad_parameters():
    assert FixedLength(n_times=7).fit_transform(np.ones((4, 20))).shape == (4, 7)
    for params, match in [
        ({"n_times": 0}, "n_times must be an integer >= 1"),
        ({"mode": "middle"}, "Unknown mode='middle'"),
        ({"pad_mode": "zeros"}, "Unknown pad_mode='zeros'"),
    ]:
        with pytest.raises(ValueError, match=match):
            FixedLength(**params).fit(np.ones((2, 12, 10)))


def test_lead_selector_names_case_insensitive_and_reorders():
    X = ramp(2, 12, 4) * np.arange(12)[:, None]
    sel = LeadSelector(leads=["V1", "AVR", "ii", 0]).fit(X)
    out = sel.transform(X)
    np.testing.assert_array_equal(sel.lead_indices_, [6, 3, 1, 0])
    np.testing.assert_array_equal(out, X[:, [6, 3, 1, 0]])
    assert list(sel.get_feature_names_out()) == ["V1", "aVR", "II", "I"]
    assert LeadSelector().fit(X).transform(X).shape == X.shape
    assert LeadSelector(leads="aVF").fit_transform(X).shape == (2, 1, 4)


def test_lead_selector_unknown_name_lists_available_leads():
    with pytest.raises(ValueError, match=r"Unknown lead 'V7'.*'aVR'.*'V6'"):
        LeadSelector(leads=["V7"]).fit(np.zeros((1, 12, 10)))


def test_lead_selector_custom_names_and_errors():
    X = np.zeros((1, 3, 10))
    sel = LeadSelector(leads=["z"], lead_names=("x", "y", "Z")).fit(X)
    assert list(sel.get_feature_names_out()) == ["Z"]
    # Index selection works whatever the lead count; names come from x0, x1, ...
    sel = LeadSelector(leads=[2, 0]).fit(X)
    assert list(sel.get_feature_names_out()) == ["x2", "x0"]
    with pytest.raises(ValueError, match="must name each of the 3 leads"):
        LeadSelector(leads=["I"]).fit(X)
    with pytest.raises(ValueError, match="out of range"):
        LeadSelector(leads=[3]).fit(X)
    with pytest.raises(ValueError, match="selects a lead twice"):
        LeadSelector(leads=[0, "x"], lead_names=("X", "Y", "Z")).fit(X)
    with pytest.raises(TypeError, match="lead_names must be a sequence of strings"):
        LeadSelector(leads=["x"], lead_names="XYZ").fit(X)
    with pytest.raises(TypeError, match="lead names .* or indices"):
        LeadSelector(leads=[1.5]).fit(X)


def test_lead_selector_2d_is_one_lead_and_names_are_samples():
    X = np.arange(12.0).reshape(3, 4)
    sel = LeadSelector(leads=[0]).fit(X)
    np.testing.assert_array_equal(sel.transform(X), X)
    assert len(sel.get_feature_names_out()) == 4
    assert len(STANDARD_LEADS) == 12
