"""Frequency augmentations never draw above the Nyquist frequency (issue 14.9)."""

import warnings

import numpy as np
import pytest

from sklearn_ecg.augmentation import (
    SineNoise,
    SquarePulse,
    check_nyquist,
    paper_augmentation,
)
from sklearn_ecg.classifiers import ECGResNetClassifier

X = np.random.default_rng(0).normal(size=(8, 1, 40)).astype(np.float32)
y = np.repeat([0, 1], 4)


def _fit(sfreq, augment="paper"):
    return ECGResNetClassifier(
        base_width=4, max_epochs=1, random_state=0, sfreq=sfreq, augment=augment,
        validation_fraction=None,
    ).fit(X, y)  # fmt: skip


def test_paper_recipe_at_100_hz_needs_no_clipping():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fit(100.0)


def test_paper_recipe_at_50_hz_is_clipped_with_a_warning():
    with pytest.warns(UserWarning, match=r"SquarePulse\(freq=\(0.5, 50\)\).*25 Hz"):
        clf = _fit(50.0)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_range_above_nyquist_is_refused():
    with pytest.raises(
        ValueError, match=r"SineNoise\(freq=\(30, 40\)\).*Nyquist frequency 25 Hz"
    ):
        _fit(50.0, augment=[SineNoise(freq=(30.0, 40.0))])


@pytest.mark.parametrize("sfreq", [50.0, 20.0])
def test_drawn_frequency_stays_below_nyquist(sfreq):
    rng = np.random.default_rng(0)
    x = np.zeros((1, 400))
    for _ in range(50):
        wave = SineNoise(amplitude=(1.0, 1.0), freq=(0.5, 1000.0), p=1.0)(x, rng, sfreq)
        spectrum = np.abs(np.fft.rfft(wave[0]))
        peak = np.fft.rfftfreq(400, 1 / sfreq)[np.argmax(spectrum)]
        assert peak <= sfreq / 2


def test_nested_recipes_are_walked():
    recipe = paper_augmentation()
    recipe.transforms.append(SquarePulse(freq=(1.0, 400.0)))
    with pytest.warns(UserWarning, match=r"SquarePulse\(freq=\(1, 400\)\)"):
        check_nyquist(recipe, 500.0)
