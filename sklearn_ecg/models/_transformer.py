"""TransformerEncoder1d: a convolutional or patch embedding and a Transformer."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_choice
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import SinusoidalPositionalEncoding, init_paper_weights_
from ._registry import register_model


def make_encoder(
    d_model: int, num_heads: int, num_layers: int, ffn_size: int, drop_prob: float
) -> nn.TransformerEncoder:
    """Post-LN Transformer encoder with ReLU FFN and no final norm (as the paper).

    Parameters
    ----------
    d_model, num_heads, num_layers, ffn_size : int
        Token width, attention heads, encoder layers and feed-forward width.
    drop_prob : float
        Dropout inside each layer.

    Returns
    -------
    encoder : torch.nn.TransformerEncoder
        Batch-first encoder.

    Examples
    --------
    >>> from sklearn_ecg.models._transformer import make_encoder
    >>> enc = make_encoder(16, 4, 1, 32, 0.1)
    >>> enc.layers[0].self_attn.num_heads
    4
    """
    if d_model % num_heads:
        raise ValueError(
            f"num_heads={num_heads} must divide the token width {d_model}."
        )
    layer = nn.TransformerEncoderLayer(
        d_model,
        num_heads,
        dim_feedforward=ffn_size,
        dropout=drop_prob,
        activation="relu",
        batch_first=True,
        norm_first=False,
    )
    # The nested-tensor fast path warns for post-LN layers; it gives nothing here.
    return nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)


@register_model("transformer1d", aliases=("transformer",))
class TransformerEncoder1d(ECGModule):
    __doc__ = f"""Transformer encoder over embedded ECG tokens.

    The paper embedded every raw sample with a 3-tap convolution, which costs
    O(T²) attention at 5,000 samples. Here the embedding is either that
    convolution followed by average pooling over ``patch_size`` samples
    (``embedding="conv"``; ``patch_size=1`` is the paper's model) or a
    non-overlapping patch projection as in ViT (``embedding="patch"``). Tokens get
    a sinusoidal positional encoding and are pooled by their mean or a learned
    CLS token.

    ``n_times // patch_size`` tokens must not exceed ``max_len``.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    embed_dim : int, default=128
        Token width E (the paper used 256 or 512).
    num_heads : int, default=4
        Attention heads; must divide ``embed_dim``.
    num_layers : int, default=2
        Encoder layers.
    embedding : {{"conv", "patch"}}, default="conv"
        How samples become tokens (see above).
    patch_size : int, default=10
        Samples per token (20 ms at 500 Hz).
    pooling : {{"mean", "cls"}}, default="mean"
        How tokens are reduced to one vector.
    drop_prob : float, default=0.1
        Dropout in the encoder layers and after the positional encoding.
    max_len : int, default=5000
        Longest accepted token sequence.

    References
    ----------
    .. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
    .. [2] A. Dosovitskiy et al., "An image is worth 16x16 words", ICLR 2021.

{model_example('TransformerEncoder1d', 'embed_dim=32')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        embed_dim: int = 128,
        num_heads: int = 4,
        num_layers: int = 2,
        embedding: str = "conv",
        patch_size: int = 10,
        pooling: str = "mean",
        drop_prob: float = 0.1,
        max_len: int = 5000,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        check_choice(embedding, "embedding", ("conv", "patch"))
        check_choice(pooling, "pooling", ("mean", "cls"))
        if not 1 <= patch_size <= n_times:
            raise ValueError(f"patch_size={patch_size} must lie in [1, n_times].")
        if embedding == "conv":
            conv = nn.Conv1d(n_leads, embed_dim, 3, padding=1)
            pool = nn.AvgPool1d(patch_size) if patch_size > 1 else nn.Identity()
            self.embed = nn.Sequential(conv, pool)
        else:
            self.embed = nn.Conv1d(n_leads, embed_dim, patch_size, stride=patch_size)
        self.pooling = pooling
        if pooling == "cls":
            self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_encoding = SinusoidalPositionalEncoding(embed_dim, max_len, drop_prob)
        self.encoder = make_encoder(
            embed_dim, num_heads, num_layers, 4 * embed_dim, drop_prob
        )
        self.final_layer = nn.Linear(embed_dim, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        tokens = self.pos_encoding(self.embed(x).transpose(1, 2))
        if self.pooling == "cls":
            cls = self.cls_token.expand(tokens.shape[0], -1, -1)
            return self.encoder(torch.cat([cls, tokens], 1))[:, 0]
        return self.encoder(tokens).mean(1)

