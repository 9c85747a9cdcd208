"""match_recording: the one rate and lead-order check of records against a model."""

import numpy as np
import pytest

from sklearn_ecg.preprocessing import BandpassFilter
from sklearn_ecg.utils import STANDARD_LEADS, match_recording

X = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)


def test_reorders_leads_by_name_case_insensitively():
    out = match_recording(
        X, lead_names=["V1", "AVR", "I"], expected_lead_names=["I", "aVR", "V1"]
    )
    np.testing.assert_array_equal(out, X[:, [2, 1, 0]])


def test_same_order_returns_the_input_itself():
    names = ["I", "II", "V1"]
    assert match_recording(X, lead_names=names, expected_lead_names=names) is X


def test_extra_leads_are_left_out():
    out = match_recording(
        X, lead_names=["I", "II", "V1"], expected_lead_names=["V1", "I"]
    )
    np.testing.assert_array_equal(out, X[:, [2, 0]])


def test_missing_lead_names_the_lead_and_the_fix():
    with pytest.raises(ValueError, match=r"lack the lead\(s\) \['V6'\].*LeadSelector"):
        match_recording(X, lead_names=["I", "II", "V1"],
                        expected_lead_names=["I", "V6"])  # fmt: skip


@pytest.mark.parametrize("sfreq", [250, 100])
def test_other_rate_names_resampler(sfreq):
    msg = rf"sampled at {sfreq} Hz but the model expects 500 Hz.*Resampler\(sfreq="
    msg += rf"{sfreq}, sfreq_out=500\).*--resample"
    with pytest.raises(ValueError, match=msg):
        match_recording(X, sfreq=sfreq, expected_sfreq=500)


def test_unknown_side_is_not_compared():
    assert match_recording(X, sfreq=250) is X
    assert match_recording(X, lead_names=["a", "b", "c"]) is X
    assert match_recording(X, expected_sfreq=500, expected_lead_names=["I"]) is X


@pytest.mark.parametrize(
    "names, match",
    [(["I", "II"], "lists 2 leads"), (["I", "i", "II"], "names a lead twice"),
     ("I", None)],
)  # fmt: skip
def test_bad_lead_names(names, match):
    with pytest.raises(TypeError if match is None else ValueError, match=match):
        match_recording(X, lead_names=names, expected_lead_names=STANDARD_LEADS[:3])


def test_bad_rate_is_named():
    with pytest.raises(ValueError, match="sfreq"):
        match_recording(X, sfreq=float("nan"), expected_sfreq=500)


@pytest.mark.parametrize("X_bad", [np.zeros(7), 3.0, [1.0, 2.0]])
def test_one_d_input_is_one_line(X_bad):
    with pytest.raises(ValueError) as info:
        BandpassFilter().fit(X_bad)
    msg = str(info.value)
    assert "\n" not in msg and "array=" not in msg
    assert "D input of shape" in msg and "Reshape your data" in msg


def test_complex_input_is_one_line():
    with pytest.raises(ValueError, match=r"Complex data not supported.*X\.real") as e:
        BandpassFilter().fit(np.ones((2, 1, 30), dtype=np.complex64))
    assert "\n" not in str(e.value)


def test_one_d_input_to_a_classifier_is_one_line():
    from sklearn_ecg.classifiers import ECGResNetClassifier

    with pytest.raises(ValueError, match=r"got a 1-D input of shape \(500,\)") as info:
        ECGResNetClassifier().fit(np.arange(500.0), np.zeros(500))
    assert "\n" not in str(info.value) and "499" not in str(info.value)
