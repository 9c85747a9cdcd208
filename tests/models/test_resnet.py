"""ResNet1d: layer layout, parameter counts, init and contract.

The counts are those of the paper's ResNets (Marques & Oliveira 2025,
arXiv:2503.08960); see docs/user_guide/reproducing.rst.
"""

import pytest
import torch

from sklearn_ecg.models import ResNet1d, ResNetTrunk1d, get_model, list_models

PAPER_COUNTS = {18: 3_851_397, 34: 7_225_733, 50: 15_969_413}


def n_params(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("depth,expected", sorted(PAPER_COUNTS.items()))
def test_parameter_counts_match_paper(depth, expected):
    model = get_model("resnet1d", n_leads=12, n_times=2048, n_outputs=5, depth=depth)
    assert n_params(model) == expected


@pytest.mark.slow
@pytest.mark.parametrize("depth,expected", [(101, 28_276_869), (152, 38_415_493)])
def test_parameter_counts_deep(depth, expected):
    model = ResNet1d(12, 2048, 5, depth=depth)
    assert n_params(model) == expected


def test_single_output_count():
    assert n_params(ResNet1d(12, 2048, 1)) == 3_849_345


def test_registered_and_shapes():
    assert "resnet1d" in list_models()
    model = ResNet1d(12, 2048, 5, base_width=8).eval()
    assert model.trunk(torch.zeros(2, 12, 2048)).shape == (2, 64, 64)  # T' = T/32
    out = model(torch.randn(2, 12, 2048))
    assert out.shape == (2, 5) and torch.isfinite(out).all()
    assert isinstance(model.final_layer, torch.nn.Linear)


def test_backward_and_odd_lengths():
    model = ResNet1d(1, 37, 3, base_width=4, kernel_size=15, drop_prob=0.5)
    out = model(torch.randn(4, 1, 37))
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert model.trunk[0].kernel_size == (15,)


def test_init_is_seeded_and_follows_spec():
    torch.manual_seed(0)
    a = ResNet1d(12, 100, 2, base_width=4)
    torch.manual_seed(0)
    b = ResNet1d(12, 100, 2, base_width=4)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    assert torch.all(a.final_layer.bias == 0)
    assert a.final_layer.weight.std().item() == pytest.approx(0.01, rel=0.3)
    bn = a.trunk[1]
    assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
    # construction has no side effects on BN statistics
    assert torch.all(bn.running_mean == 0)


def test_trunk_width_for_bottleneck():
    assert ResNetTrunk1d(12, depth=50, base_width=8).n_features_out == 8 * 8 * 4


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(depth=20), "depth"),
        (dict(base_width=0), "base_width"),
        (dict(drop_prob=1.0), "drop_prob"),
        (dict(n_outputs=0), "n_outputs"),
    ],
)
def test_invalid_arguments(kwargs, match):
    args = dict(n_leads=12, n_times=100, n_outputs=2) | kwargs
    with pytest.raises(ValueError, match=match):
        ResNet1d(**args)
