"""Registry-wide contract tests: every registered model builds, runs and trains."""

import pytest
import torch
from torch import nn

from sklearn_ecg.models import get_model, list_models, resolve_model

# Tiny hyper-parameters per registered model, for fast forward/backward tests.
# A registered model without an entry fails ``test_every_model_has_a_case``.
CASES = {
    "alexnet1d": {"hidden_size": 32},
    "inception1d": {"n_filters": 4, "depth": 3, "bottleneck": 4},
    "resnet1d_wang": {"width": 8},
    "transformer1d": {"embed_dim": 16, "num_heads": 2, "num_layers": 1},
    "vgg1d": {"depth": 11, "hidden_size": 32},
    "xresnet1d": {"depth": 18, "hidden_size": 16},
}

# Models whose default configuration is too heavy for a 5,000-sample forward pass
# in the fast suite (the tiny configurations above still run at 5,000 samples).
HEAVY = {"alexnet1d", "vgg1d", "xresnet1d"}

N_LEADS, N_OUTPUTS = 12, 3


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def build(name, n_times, **kw):
    torch.manual_seed(0)
    return get_model(name, n_leads=N_LEADS, n_times=n_times, n_outputs=N_OUTPUTS, **kw)


def test_every_model_has_a_case():
    missing = set(list_models()) - set(CASES)
    assert not missing, f"registered models without a test case: {sorted(missing)}"
    assert not set(CASES) - set(list_models()), "CASES names unregistered models"


@pytest.mark.parametrize("n_times", [1000, 5000])
@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_shape_and_finite(name, n_times):
    model = build(name, n_times, **CASES[name]).eval()
    with torch.no_grad():
        out = model(torch.randn(2, N_LEADS, n_times))
    assert out.shape == (2, N_OUTPUTS)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_config_forward(name):
    model = build(name, 1000).eval()
    with torch.no_grad():
        out = model(torch.randn(2, N_LEADS, 1000))
    assert out.shape == (2, N_OUTPUTS) and torch.isfinite(out).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HEAVY))
def test_default_config_forward_5000(name):
    model = build(name, 5000).eval()
    with torch.no_grad():
        out = model(torch.randn(1, N_LEADS, 5000))
    assert out.shape == (1, N_OUTPUTS) and torch.isfinite(out).all()


@pytest.mark.parametrize("name", sorted(CASES))
def test_backward_reaches_every_parameter(name):
    model = build(name, 1000, **CASES[name]).train()
    model(torch.randn(4, N_LEADS, 1000)).square().mean().backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, f"parameters without gradient: {no_grad}"
    assert all(torch.isfinite(p.grad).all() for p in model.parameters())
    assert model.final_layer.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_final_layer_contract_and_head_replacement(name):
    model = build(name, 1000, **CASES[name]).eval()
    head = model.final_layer
    assert isinstance(head, nn.Linear) and head.out_features == N_OUTPUTS
    # Transfer learning swaps the head: the model must then emit one logit.
    model.final_layer = nn.Linear(head.in_features, 1)
    with torch.no_grad():
        assert model(torch.randn(2, N_LEADS, 1000)).shape == (2, 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_construction_has_no_side_effects(name, capsys):
    model = build(name, 1000, **CASES[name])
    assert capsys.readouterr().out == ""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            # A train-mode dummy pass at construction would have moved these.
            assert int(m.num_batches_tracked) == 0
            assert torch.all(m.running_mean == 0) and torch.all(m.running_var == 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_initialisation_is_seedable(name):
    a = build(name, 1000, **CASES[name]).state_dict()
    b = build(name, 1000, **CASES[name]).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(
    "name", ["vgg1d", "alexnet1d", "transformer1d", "xresnet1d", "inception1d"]
)
def test_bad_arguments_raise_with_the_argument_name(name):
    with pytest.raises((ValueError, TypeError), match="n_outputs"):
        get_model(name, n_leads=12, n_times=1000, n_outputs=0)


def test_aliases_resolve_to_the_same_class():
    assert resolve_model("vgg") is resolve_model("vgg1d")
    assert resolve_model("InceptionTime") is resolve_model("inception1d")


# (registry name, kwargs, expected count) at 12 leads, 2048 samples, 5 outputs:
# PAPER_SPEC §2.10, "Package" column. VGG differs from the reference because the
# reference pooled in 2-D (49 features); 1-D pooling to 7 steps gives 3,584.
PAPER_COUNTS = [
    ("alexnet1d", {}, 23_883_397),
    *[
        ("vgg1d", {"depth": d, "batch_norm": bn}, n)
        for d, bn, n in [
            (11, False, 34_563_013),
            (11, True, 34_568_517),
            (13, False, 34_624_645),
            (13, True, 34_630_533),
            (16, False, 36_395_397),
            (16, True, 36_403_845),
            (19, False, 38_166_149),
            (19, True, 38_177_157),
        ]
    ],
    ("transformer1d", {"embed_dim": 256, "patch_size": 1}, 1_590_277),
    ("transformer1d", {"embed_dim": 512, "patch_size": 1}, 6_326_277),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    PAPER_COUNTS,
    ids=[f"{n}-{'-'.join(map(str, k.values()))}" for n, k, _ in PAPER_COUNTS],
)
def test_parameter_counts_match_the_paper(name, kwargs, expected):
    # Meta tensors hold no data: counting needs no memory and no initialisation.
    with torch.device("meta"):
        model = get_model(name, n_leads=12, n_times=2048, n_outputs=5, **kwargs)
    assert abs(n_params(model) - expected) <= 0.02 * expected
