import numpy as np
import pytest
from scipy.signal import find_peaks
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg.datasets import make_ecg


def measured_heart_rate(x, sfreq):
    """Median-RR heart rate from the summed absolute slope of all leads."""
    energy = np.abs(np.diff(x, axis=1)).sum(axis=0)
    # A 40 ms moving average keeps the QRS and averages out muscle noise.
    width = max(1, int(0.04 * sfreq))
    energy = np.convolve(energy, np.ones(width) / width, mode="same")
    peaks, _ = find_peaks(
        energy, distance=int(0.25 * sfreq), height=0.5 * np.percentile(energy, 99.5)
    )
    return 60.0 * sfreq / np.median(np.diff(peaks))


def hand_features(X, sfreq):
    Xc = X - np.median(X, axis=2, keepdims=True)
    hr = [measured_heart_rate(x, sfreq) for x in X]
    return np.column_stack(
        [
            np.percentile(Xc, 2, axis=2),
            np.percentile(Xc, 98, axis=2),
            Xc.std(axis=2),
            hr,
        ]
    )


def pe_auroc(effect_size):
    X, y = make_ecg(
        200, sfreq=100.0, effect_size=effect_size, random_state=0, return_X_y=True
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return cross_val_score(
        model, hand_features(X, 100.0), y, cv=5, scoring="roc_auc"
    ).mean()


def test_heart_rate_is_measured_back_within_5_bpm():
    ds = make_ecg(
        30, sfreq=250.0, heart_rate=(50, 110), effect_size=1.0, random_state=1
    )
    measured = np.array([measured_heart_rate(x, ds.sfreq) for x in ds.data])
    # Includes PE records whose tachycardia was added to the base rate.
    assert (ds.frame["label"] == "pe").sum() > 5
    np.testing.assert_allclose(measured, ds.frame["heart_rate"], atol=5.0)


def test_limb_lead_relations_hold_with_noise():
    ds = make_ecg(10, sfreq=500.0, noise=2.0, random_state=2)
    X = ds.data.astype(np.float64)
    lead = {name: X[:, i] for i, name in enumerate(ds.lead_names)}
    tol = 1e-5 * np.abs(X).max()
    np.testing.assert_allclose(lead["III"], lead["II"] - lead["I"], atol=tol)
    np.testing.assert_allclose(lead["aVR"], -(lead["I"] + lead["II"]) / 2, atol=tol)
    np.testing.assert_allclose(lead["aVL"], lead["I"] - lead["II"] / 2, atol=tol)
    np.testing.assert_allclose(lead["aVF"], lead["II"] - lead["I"] / 2, atol=tol)
    np.testing.assert_allclose(lead["aVR"] + lead["aVL"] + lead["aVF"], 0, atol=tol)


def test_pe_separable_at_large_effect_and_chance_at_zero():
    assert pe_auroc(1.5) > 0.9
    assert abs(pe_auroc(0.0) - 0.5) < 0.12


def test_normal_morphology_is_physiologic():
    ds = make_ecg(40, classes=("normal",), noise=0.0, sfreq=500.0, random_state=3)
    lead = {name: ds.data[:, i] for i, name in enumerate(ds.lead_names)}
    # Upright R in II and V5 (about 1 mV), dominant S in V1, negative aVR.
    assert 0.5 < np.median(lead["II"].max(axis=1)) < 2.0
    assert np.median(lead["V5"].max(axis=1)) > 0.6
    assert (lead["V1"].min(axis=1) < -lead["V1"].max(axis=1)).mean() > 0.9
    assert (lead["aVR"].min(axis=1) < -lead["aVR"].max(axis=1)).mean() > 0.9


def test_pe_pattern_inverts_t_in_v1_v3():
    ds = make_ecg(
        60,
        classes=("normal", "pe"),
        effect_size=1.0,
        noise=0.0,
        heart_rate=60.0,
        sfreq=250.0,
        random_state=4,
    )
    # At 60 bpm with R peaks unknown, compare signed area of V2 minus its median:
    # an inverted T turns the mean of the repolarisation-dominated signal negative.
    v2 = ds.data[:, ds.lead_names.index("V2")]
    twi = ds.frame["pe_t_inversion"].to_numpy() == True  # noqa: E712 (object col)
    normal = ds.target == 0
    assert twi.sum() >= 10
    assert v2[twi].mean() < v2[normal].mean() - 0.05


def test_reproducible_and_shapes():
    a = make_ecg(5, sfreq=100.0, duration=3.0, random_state=7)
    b = make_ecg(5, sfreq=100.0, duration=3.0, random_state=7)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.data.shape == (5, 12, 300) and a.data.dtype == np.float32
    assert a.lead_names[3] == "aVR" and a.sfreq == 100.0
    assert not np.array_equal(a.data, make_ecg(5, sfreq=100.0, duration=3.0).data)


def test_multilabel_and_weights():
    classes = ("normal", "mi", "sttc", "cd", "hyp", "pe")
    ds = make_ecg(
        300,
        classes=classes,
        multilabel=True,
        sfreq=100.0,
        duration=2.0,
        random_state=0,
    )
    Y = ds.target
    assert Y.shape == (300, 6)
    np.testing.assert_array_equal(Y[:, 0], Y[:, 1:].sum(axis=1) == 0)
    assert (Y[:, 1:].sum(axis=1) >= 2).sum() > 20  # genuine multi-label rows
    np.testing.assert_allclose(Y[:, 1:].mean(axis=0), 0.3, atol=0.1)
    _, y = make_ecg(
        400,
        weights=[0.8, 0.2],
        sfreq=100.0,
        duration=1.0,
        random_state=0,
        return_X_y=True,
    )
    assert 0.12 < y.mean() < 0.28


def test_mains_noise_at_requested_frequency():
    X = make_ecg(
        4,
        sfreq=500.0,
        noise={"mains": 0.2},
        mains_freq=60.0,
        random_state=0,
        classes=("normal",),
    ).data
    spec = np.abs(np.fft.rfft(X[:, 0], axis=-1)).mean(axis=0)
    freqs = np.fft.rfftfreq(X.shape[-1], 1 / 500.0)
    assert freqs[spec[freqs > 40].argmax() + (freqs <= 40).sum()] == pytest.approx(60)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"classes": ("normal", "pulmonary")}, "classes="),
        ({"weights": [1.0]}, "weights="),
        ({"effect_size": -1}, "effect_size"),
        ({"noise": {"hum": 1}}, "noise="),
        ({"heart_rate": 400}, "heart_rate=400"),
        ({"sfreq": 0}, "sfreq"),
        ({"duration": 0}, "duration"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_ecg(3, **kwargs)
