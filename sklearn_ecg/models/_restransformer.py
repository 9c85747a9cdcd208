"""ResTransformer1d: a ResNet trunk followed by a Transformer encoder."""

from __future__ import annotations

import torch
from torch import nn

from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import SinusoidalPositionalEncoding, init_paper_weights_
from ._registry import register_model
from ._resnet import TRUNK_PARAMETERS, ResNetTrunk1d
from ._transformer import make_encoder


@register_model("restransformer1d", aliases=("restransformer", "res_transformer"))
class ResTransformer1d(ECGModule):
    __doc__ = f"""ResNet trunk tokens, sinusoidal positions and a post-LN Transformer.

    The token width is the trunk's output width (the reference passed a fixed
    "resnet18" flag whatever the trunk); tokens are averaged before the head.
    Tokens are ``8 * base_width`` wide for depths 18/34.

    Parameters
    ----------
{SHAPE_PARAMETERS}
{TRUNK_PARAMETERS}
    num_heads : int, default=4
        Attention heads; must divide the token width.
    num_layers : int, default=2
        Encoder layers.
    drop_prob : float, default=0.1
        Dropout in the encoder and after the positional encoding.

    References
    ----------
    .. [1] J. Marques and A. Oliveira, "Are ECGs enough?", arXiv:2503.08960,
       2025.
    .. [2] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.

{model_example('ResTransformer1d', 'base_width=8, num_heads=2')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        depth: int = 18,
        base_width: int = 64,
        num_heads: int = 4,
        num_layers: int = 2,
        drop_prob: float = 0.1,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        self.trunk = ResNetTrunk1d(n_leads, depth=depth, base_width=base_width)
        width = self.trunk.n_features_out
        self.pos_encoding = SinusoidalPositionalEncoding(width, 5000, drop_prob)
        self.encoder = make_encoder(width, num_heads, num_layers, 4 * width, drop_prob)
        self.final_layer = nn.Linear(width, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        tokens = self.pos_encoding(self.trunk(x).transpose(1, 2))
        return self.encoder(tokens).mean(1)
