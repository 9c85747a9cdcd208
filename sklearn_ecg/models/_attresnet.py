"""AttResNet (the seed paper's HSMNet): ResNet trunk + self-attention pooling."""

from __future__ import annotations

import torch
from torch import nn

from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import (
    SelfAttentionPooling,
    init_paper_weights_,
    resnet_trunk_length,
)
from ._registry import register_model
from ._resnet import TRUNK_PARAMETERS, ResNetTrunk1d


@register_model("attresnet1d", aliases=("attresnet", "hsmnet"))
class AttResNet1d(ECGModule):
    __doc__ = f"""Headless ResNet1d followed by one multi-head self-attention layer.

    The trunk's time steps become tokens, attend to each other once (Q = K = V,
    no positional encoding) and are averaged (or flattened) before the head.

    ``n_times`` fixes the head width when ``reduction="none"``.

    Parameters
    ----------
{SHAPE_PARAMETERS}
{TRUNK_PARAMETERS}
    num_heads : int, default=8
        Attention heads (the reference ignored this argument).
    reduction : {{"mean", "none"}}, default="mean"
        Token reduction; ``"none"`` ties the model to ``n_times``.
    drop_prob : float, default=0.0
        Dropout on the attention weights.

    References
    ----------
    .. [1] J. Marques and A. Oliveira, "Are ECGs enough? Deep learning
       classification of pulmonary embolism using electrocardiograms",
       arXiv:2503.08960, 2025.
    .. [2] K. He et al., "Deep residual learning for image recognition",
       CVPR 2016.

{model_example('AttResNet1d', 'base_width=8, num_heads=2')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        depth: int = 18,
        base_width: int = 64,
        num_heads: int = 8,
        reduction: str = "mean",
        drop_prob: float = 0.0,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        self.trunk = ResNetTrunk1d(n_leads, depth=depth, base_width=base_width)
        width = self.trunk.n_features_out
        self.attention = SelfAttentionPooling(width, num_heads, drop_prob, reduction)
        n_features = width
        if reduction == "none":
            n_features = width * resnet_trunk_length(n_times)
        self.final_layer = nn.Linear(n_features, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        tokens = self.trunk(x).transpose(1, 2)
        return self.attention(tokens)
