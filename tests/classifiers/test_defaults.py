"""The estimators' "auto" defaults (issue 15): crops, augmentation rate, inference,
validation split and batch size, for every task, at 100 and 500 Hz, with and
without ``sfreq``."""

import numpy as np
import pytest

from sklearn_ecg.augmentation import basic_augmentation, paper_augmentation
from sklearn_ecg.classifiers import ECGClassifier, ECGResNetClassifier
from sklearn_ecg.classifiers._defaults import (
    augmentation_sfreq,
    auto_crop_length,
    resolve_batch_size,
    resolve_validation_fraction,
)

TINY = {"base_width": 4, "max_epochs": 1, "random_state": 0, "device": "cpu"}


def make_data(task, n=24, n_leads=2, n_times=1000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_leads, n_times)).astype(np.float32)
    if task == "binary":
        y = np.arange(n) % 2
    elif task == "multiclass":
        y = np.array(["a", "b", "c"])[np.arange(n) % 3]
    else:
        y = np.stack([np.arange(n) % 2, (np.arange(n) // 2) % 2], axis=1)
    return X, y


@pytest.mark.parametrize(
    ("sfreq", "n_times", "crop"),
    [
        (100.0, 1000, 250),  # 2.5 s at 100 Hz
        (500.0, 5000, 1250),  # 2.5 s at 500 Hz
        (None, 1000, 250),  # a quarter of the record
        (None, 5000, 1250),
        (500.0, 2500, 1250),  # 5 s records: still 2.5 s
        (None, 100, None),  # a 25-sample crop is too short: whole records
        (100.0, 400, None),  # 250 samples are over half of 400: whole records
        (20.0, 1000, None),  # 50 samples: too short
        (500.0, 1000, None),  # longer than the record
    ],
)
def test_auto_crop_length(sfreq, n_times, crop):
    assert auto_crop_length(sfreq, n_times) == crop


def test_augmentation_rate_assumes_ten_second_records_without_sfreq():
    assert augmentation_sfreq(None, 1000) == 100.0
    assert augmentation_sfreq(None, 5000) == 500.0
    assert augmentation_sfreq(250.0, 5000) == 250.0


@pytest.mark.parametrize(
    ("y", "task", "n_outputs", "expected"),
    [
        (np.r_[np.zeros(420), np.ones(60)], "binary", 1, None),  # 6 positives held out
        (np.r_[np.zeros(1750), np.ones(250)], "binary", 1, 0.1),  # 25 held out
        (np.r_[np.zeros(1900), np.ones(90)], "binary", 1, None),  # 9 held out
        (np.r_[np.zeros(900), np.ones(900)], "binary", 1, 0.1),
        (np.ones(990), "binary", 1, None),  # no negatives at all
        (np.repeat([0, 1, 2], [500, 500, 99]), "multiclass", 3, None),
        (np.repeat([0, 1, 2], [500, 500, 100]), "multiclass", 3, 0.1),
        # multi-label: the rarer class of every label counts, negatives included
        (np.c_[np.r_[np.zeros(1000), np.ones(1000)], np.ones(2000)], "multilabel", 2,
         None),
        (np.c_[np.r_[np.zeros(1000), np.ones(1000)], np.r_[np.zeros(100),
         np.ones(1900)]], "multilabel", 2, 0.1),
    ],
)  # fmt: skip
def test_auto_validation_fraction(y, task, n_outputs, expected):
    assert resolve_validation_fraction("auto", y, task, n_outputs, False) == expected


def test_auto_validation_fraction_holds_out_for_a_tuned_threshold():
    y = np.r_[np.zeros(42), np.ones(6)]
    assert resolve_validation_fraction("auto", y, "binary", 1, tuned=True) == 0.1
    assert resolve_validation_fraction(None, y, "binary", 1, tuned=True) is None
    assert resolve_validation_fraction(0.3, y, "binary", 1, tuned=False) == 0.3


def test_auto_batch_size():
    assert [resolve_batch_size("auto", n) for n in (10, 999, 1000, 5000)] == [
        16, 16, 64, 64,
    ]  # fmt: skip
    assert resolve_batch_size(8, 5000) == 8


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("sfreq", [100.0, 500.0])
def test_defaults_fit_every_task_with_and_without_sfreq(task, sfreq):
    """10 s records at 100 or 500 Hz: sfreq=None derives what sfreq gives."""
    n_times = int(10 * sfreq)
    X, y = make_data(task, n_times=n_times)
    fits = [ECGResNetClassifier(sfreq=rate, **TINY).fit(X, y) for rate in (sfreq, None)]
    crop = int(2.5 * sfreq)
    for est in fits:
        assert est.crop_length_ == crop
        assert est.batch_size_ == 16  # a small cohort
        assert "valid_loss" not in est.history_[-1]  # ... trained without a split
        assert len(est.history_) == est.n_epochs_ == 1
        transform = est._make_train_transform(np.random.default_rng(0))
        assert transform.sfreq == sfreq  # augmentation in Hz either way
        assert transform.crop.crop_length == crop
        assert transform(X[0]).shape == (2, crop)
        proba = est.predict_proba(X)
        n_cols = {"binary": 2, "multiclass": 3, "multilabel": 2}[task]
        assert proba.shape == (len(X), n_cols)
        assert np.isfinite(proba).all()
        if task != "multilabel":
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    # Same random_state, same derived values: the same network, bit for bit.
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))


def test_defaults_are_the_benchmark_recipe():
    """ECGResNetClassifier() is the PTB-XL zoo recipe, without needing sfreq."""
    X, y = make_data("binary", n=40)
    common = {**TINY, "max_epochs": 2, "batch_size": 64, "validation_fraction": None}
    default = ECGResNetClassifier(**common).fit(X, y)
    recipe = ECGResNetClassifier(
        **common, sfreq=100.0, crop_length=250, inference="sliding_mean",
        inference_stride=125, augment=[basic_augmentation(), paper_augmentation()],
        lr=3e-3, lr_schedule="onecycle", patience=None, label_smoothing=0.0,
    ).fit(X, y)  # fmt: skip  (40 records: no label smoothing)
    np.testing.assert_array_equal(default.predict_proba(X), recipe.predict_proba(X))
    assert ECGResNetClassifier().base_width == 32
    smoothed = ECGResNetClassifier(**common, label_smoothing=0.1).fit(X, y)
    assert not np.array_equal(smoothed.predict_proba(X), default.predict_proba(X))


@pytest.mark.parametrize(
    ("criterion", "task", "loss"),
    [
        ("auto", "binary", "BCEWithLogitsLoss"),
        ("auto", "multilabel", "BCEWithLogitsLoss"),
        ("auto", "multiclass", "CrossEntropyLoss"),
        ("focal", "binary", "SigmoidFocalLoss"),
        ("focal", "multiclass", "SoftmaxFocalLoss"),
    ],
)
@pytest.mark.parametrize("n", [24, 1000])
def test_auto_label_smoothing(criterion, task, loss, n):
    """0.1 with the (binary) cross-entropy from 1,000 training records on."""
    X, y = make_data(task, n=n, n_leads=1, n_times=64)
    kw = {**TINY, "validation_fraction": None, "batch_size": 256}
    est = ECGResNetClassifier(**kw, criterion=criterion).fit(X, y)
    assert type(est.criterion_).__name__ == loss
    eps = 0.1 if criterion == "auto" and n >= 1000 else 0.0
    assert est.label_smoothing_ == eps
    if criterion == "auto":
        assert est.criterion_.label_smoothing == eps
    # a split counts: 1,000 records less a tenth held out train without smoothing
    if n == 1000 and task == "binary":
        split = ECGResNetClassifier(**{**kw, "validation_fraction": 0.1}).fit(X, y)
        assert split.label_smoothing_ == 0.0


def test_label_smoothing_survives_a_round_trip_and_partial_fit():
    from sklearn_ecg.classifiers import get_fitted_state, set_fitted_state

    X, y = make_data("binary", n=1000, n_leads=1, n_times=64)
    kw = {**TINY, "validation_fraction": None, "batch_size": 256}
    est = ECGResNetClassifier(**kw).fit(X, y)
    assert est.label_smoothing_ == 0.1
    new = ECGResNetClassifier(**est.get_params())
    set_fitted_state(new, get_fitted_state(est), est.module_.state_dict())
    assert new.label_smoothing_ == new.criterion_.label_smoothing == 0.1
    est.partial_fit(X[:100], y[:100])  # a few records more: the same loss
    assert est.label_smoothing_ == est.criterion_.label_smoothing == 0.1
    # a state saved before label_smoothing_ existed: "auto" gives no smoothing
    old = {k: v for k, v in get_fitted_state(est).items() if k != "label_smoothing_"}
    legacy = ECGResNetClassifier(**est.get_params())
    set_fitted_state(legacy, old, est.module_.state_dict())
    assert legacy.criterion_.label_smoothing == 0.0


def test_short_records_train_whole_and_score_whole():
    X, y = make_data("binary", n_times=200)
    est = ECGResNetClassifier(**TINY).fit(X, y)
    assert est.crop_length_ is None
    assert est.predict_proba(X).shape == (24, 2)


def test_inference_is_read_at_prediction():
    X, y = make_data("binary")
    est = ECGResNetClassifier(**TINY).fit(X, y)
    auto = est.decision_function(X)
    est.set_params(inference="sliding_mean")
    np.testing.assert_array_equal(est.decision_function(X), auto)
    est.set_params(inference="center")
    assert not np.array_equal(est.decision_function(X), auto)


def test_auto_split_is_used_for_large_enough_data():
    X, y = make_data("binary", n=1000, n_leads=1, n_times=64)
    tiny = {k: v for k, v in TINY.items() if k != "base_width"}
    est = ECGClassifier(module_params={"base_width": 4}, **tiny).fit(X, y)
    assert est.crop_length_ is None  # a 16-sample crop would be too short
    assert "valid_loss" in est.history_[-1]
    assert est.batch_size_ == 16  # 900 records are trained on


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"batch_size": "big"}, "batch_size"),
        ({"validation_fraction": "half"}, "validation_fraction"),
        ({"crop_length": "long"}, "crop_length"),
        ({"inference": "automatic"}, "inference"),
        ({"augment": "strong"}, "augment"),
        ({"label_smoothing": "some"}, "label_smoothing"),
    ],
)
def test_bad_auto_like_values_raise(kw, match):
    X, y = make_data("binary")
    with pytest.raises((ValueError, TypeError), match=match):
        ECGResNetClassifier(**{**TINY, **kw}).fit(X, y)


def test_plain_training_is_a_read_only_set_of_estimator_parameters():
    from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier

    assert set(PLAIN_TRAINING) <= set(ECGResNetClassifier().get_params())
    with pytest.raises(TypeError):
        PLAIN_TRAINING["lr"] = 1.0  # shared by tests and benchmarks: never edited
    est = ECGResNetClassifier(**PLAIN_TRAINING)
    assert est.augment is None and est.crop_length is None and est.lr_schedule is None
