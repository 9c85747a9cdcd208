import numpy as np
import pytest
from optuna.distributions import BaseDistribution, CategoricalDistribution

from sklearn_ecg.model_selection import search_space
from sklearn_ecg.model_selection._spaces import _ALIASES

NAMES = sorted(_ALIASES)


@pytest.mark.parametrize("name", NAMES)
def test_every_spelling_gives_the_same_space(name):
    space = search_space(name)
    assert space == search_space(name.lower())
    for alias in _ALIASES[name]:
        assert search_space(alias) == space
    fake_class = type(name, (), {})
    assert search_space(fake_class) == space
    assert all(isinstance(d, BaseDistribution) for d in space.values())
    assert all(k.startswith("clf__") for k in space)
    assert {"clf__lr", "clf__batch_size", "clf__drop_prob"} <= set(space)


@pytest.mark.parametrize("name", NAMES)
def test_gpu_ranges_reach_at_least_as_far_as_cpu_ranges(name):
    cpu, gpu = search_space(name), search_space(name, device="cuda")
    assert set(cpu) == set(gpu)
    grows = 0
    for key, dist in cpu.items():
        if isinstance(dist, CategoricalDistribution):
            numeric = [c for c in dist.choices if isinstance(c, (int, float))]
            if len(numeric) == len(dist.choices) and numeric:
                assert max(gpu[key].choices) >= max(numeric), key
                grows += max(gpu[key].choices) > max(numeric)
            else:
                assert set(dist.choices) == set(gpu[key].choices), key
        else:
            assert gpu[key].high >= dist.high, key
            grows += gpu[key].high > dist.high
    assert grows >= 1  # at least the batch size


def test_transformer_widths_divisible_by_every_head_count():
    for device in ("cpu", "cuda"):
        space = search_space("transformer", device=device)
        for width in space["clf__embed_dim"].choices:
            assert all(width % h == 0 for h in space["clf__num_heads"].choices)
        for name in ("restransformer", "attresnet"):
            space = search_space(name, device=device)
            for width in space["clf__base_width"].choices:
                assert all(width % h == 0 for h in space["clf__num_heads"].choices)


def test_preprocessing_and_warm_start_entries():
    space = search_space("crnn", clf=None, filt="bp", norm="ln", warm_start=True)
    assert {"bp__low_freq", "bp__high_freq", "ln__method", "rnn_type"} <= set(space)
    assert {"freeze", "backbone_lr_ratio", "unfreeze_after"} <= set(space)
    assert "freeze" not in search_space("crnn", clf=None)
    assert space["lr"].log and space["lr"].low == 1e-5
    low, high = space["bp__low_freq"], space["bp__high_freq"]
    assert low.high < min(high.choices)


def test_bad_names_and_devices():
    with pytest.raises(ValueError, match="name='lenet' has no search space"):
        search_space("lenet")
    with pytest.raises(ValueError, match="device='tpu'"):
        search_space("resnet", device="tpu")
    with pytest.raises(TypeError, match="name must be"):
        search_space(3)


def test_augmentation_and_crops_are_opt_in():
    base = search_space("resnet", clf=None)
    assert "augment" not in base and "crop_length" not in base
    space = search_space("resnet", clf=None, augment="study", crop_lengths=[512])
    assert space["augment"].choices == (None, "study")
    assert space["crop_length"].choices == (512,)
    gpu = search_space("resnet", clf=None, crop_lengths="auto", device="cuda")
    assert max(gpu["crop_length"].choices) == 5000


@pytest.mark.parametrize("sfreq", [100.0, 250.0, 500.0, 1000.0])
def test_filter_cutoffs_and_auto_crops_follow_sfreq(sfreq):
    """Every offered high cut-off is a valid BandpassFilter at that rate."""
    from sklearn_ecg.preprocessing import BandpassFilter

    space = search_space("resnet", filt="filt", crop_lengths="auto", sfreq=sfreq)
    highs = space["filt__high_freq"].choices
    assert highs and max(highs) < sfreq / 2
    X = np.zeros((1, 1, int(4 * sfreq)), dtype=np.float32)
    for high in highs:
        BandpassFilter(high_freq=high, sfreq=sfreq).fit_transform(X)
    crops = space["clf__crop_length"].choices
    assert crops == (round(2.048 * sfreq), round(4.096 * sfreq))


def test_filter_cutoffs_are_left_out_when_none_fits_and_bad_sfreq_raises():
    assert "filt__high_freq" not in search_space("resnet", filt="filt", sfreq=60.0)
    for bad in (0, -100.0, float("nan"), "500", True):
        with pytest.raises(ValueError, match="sfreq"):
            search_space("resnet", sfreq=bad)


def _pipeline_for(cls):
    from sklearn.pipeline import Pipeline

    from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

    return Pipeline(
        [("filt", BandpassFilter()), ("norm", LeadNormalizer()), ("clf", cls())]
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_key_is_a_real_parameter_of_the_estimator(name):
    """Once an estimator exists, every searched path must be one of its params."""
    import sklearn_ecg.classifiers as classifiers

    cls = getattr(classifiers, name, None)
    if cls is None:
        pytest.skip(f"{name} is not implemented yet")
    pipe = _pipeline_for(cls)
    space = search_space(cls, filt="filt", norm="norm")
    valid = set(pipe.get_params(deep=True))
    assert set(space) <= valid, sorted(set(space) - valid)
    # Every value of every categorical is accepted by set_params.
    for key, dist in space.items():
        if isinstance(dist, CategoricalDistribution):
            for choice in dist.choices:
                pipe.set_params(**{key: choice})
