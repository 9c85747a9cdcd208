import numpy as np
import pytest
import torch
from optuna.distributions import BaseDistribution, CategoricalDistribution

from sklearn_ecg import classifiers, models
from sklearn_ecg.classifiers import ECGClassifier, get_estimator_class
from sklearn_ecg.cli import build_parser
from sklearn_ecg.model_selection import search_space
from sklearn_ecg.models import list_models, register_model, resolve_model

# Every built-in registered architecture (models registered by tests or doctests
# are left out); a built-in model without a space or an estimator fails below.
NAMES = [n for n in list_models() if resolve_model(n).__name__ in models.__all__]


def _spellings(name):
    """Every alias of ``name`` and its estimator's class name in three cases."""
    aliases = [a for a in list_models(include_aliases=True) if resolve_model(a)
               is resolve_model(name)]  # fmt: skip
    cls_name = get_estimator_class(name).__name__
    return [*aliases, name.upper(), cls_name, cls_name.lower()]


def test_the_builtin_models_are_found():
    assert len(NAMES) == 10 and "resnet1d_wang" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_model_has_a_space_and_an_estimator(name):
    space = search_space(name)
    cls = get_estimator_class(name)
    assert cls is not ECGClassifier and cls.__name__ in classifiers.__all__
    assert cls._module_name == name
    for spelling in _spellings(name):
        assert get_estimator_class(spelling) is cls
        assert search_space(spelling) == space, spelling
    assert search_space(cls) == space
    assert all(isinstance(d, BaseDistribution) for d in space.values())
    assert all(k.startswith("clf__") for k in space)
    assert {"clf__lr", "clf__batch_size", "clf__drop_prob"} <= set(space)


@pytest.mark.parametrize(
    "name",
    ["crnn1d", "attresnet1d", "restransformer1d", "resnet1d_wang",
     "ECGResNetWangClassifier", "resnet", "rnn", "res_transformer", "inception"],
)  # fmt: skip
def test_names_that_used_to_fail_or_work_have_a_space(name):
    # The first five had no space before the registry became the only name table;
    # the last four were spellings of the old private alias table.
    assert "clf__drop_prob" in search_space(name)


@pytest.mark.parametrize("name", NAMES)
def test_tune_command_accepts_every_registered_model(name):
    from sklearn_ecg._cli._build import check_model_args

    args = build_parser().parse_args(
        ["tune", "--data", "synthetic:pe:40", "--model", name, "--out", "unused"]
    )
    assert args.model == name
    check_model_args(args.model, {}, None)  # the check tune runs before any data
    assert search_space(args.model, device="cpu")


def _sample(space, seed=0):
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    return study.ask(space).params


@pytest.mark.parametrize("name", NAMES)
def test_sampled_architectures_build_and_run(name):
    import torch

    from sklearn_ecg.models import get_model

    cls = get_estimator_class(name)
    for seed in range(2):
        params = _sample(search_space(name, clf=None), seed)
        arch = {k: v for k, v in params.items() if k in cls._module_params}
        assert arch, params
        model = get_model(name, n_leads=12, n_times=256, n_outputs=2, **arch).eval()
        with torch.no_grad():
            assert model(torch.zeros(2, 12, 256)).shape == (2, 2)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_sampled_configuration_fits_a_tiny_estimator(name):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 12, 256)).astype(np.float32)
    y = np.repeat([0, 1], 8)
    params = _sample(search_space(name, clf=None))
    est = get_estimator_class(name)(**params, max_epochs=1, random_state=0)
    proba = est.fit(X, y).predict_proba(X)
    assert proba.shape == (16, 2) and np.isfinite(proba).all()


def test_models_without_a_space_and_unknown_names_raise():
    @register_model("spaces_test_mean")
    class _Mean(torch.nn.Module):
        def __init__(self, n_leads, n_times, n_outputs):
            super().__init__()
            self.final_layer = torch.nn.Linear(n_leads, n_outputs)

    assert get_estimator_class("spaces_test_mean") is ECGClassifier
    with pytest.raises(ValueError, match="'spaces_test_mean' has no ready search"):
        search_space("spaces_test_mean")
    with pytest.raises(ValueError, match="generic ECGClassifier"):
        search_space(ECGClassifier)


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
    with pytest.raises(ValueError, match="name='lenet' is neither a registered"):
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
    """Every searched path must be one of the estimator's parameters."""
    cls = get_estimator_class(name)
    pipe = _pipeline_for(cls)
    space = search_space(cls, filt="filt", norm="norm")
    valid = set(pipe.get_params(deep=True))
    assert set(space) <= valid, sorted(set(space) - valid)
    # Every value of every categorical is accepted by set_params.
    for key, dist in space.items():
        if isinstance(dist, CategoricalDistribution):
            for choice in dist.choices:
                pipe.set_params(**{key: choice})
