"""Building blocks shared by the 1-D convolutional architectures."""

from __future__ import annotations

import math

import torch
from torch import nn


def conv1d(in_ch: int, out_ch: int, kernel_size: int = 3, stride: int = 1) -> nn.Conv1d:
    """Bias-free 1-D convolution with 'same'-style padding (``kernel_size // 2``).

    Parameters
    ----------
    in_ch, out_ch : int
        Input and output channels.
    kernel_size : int, default=3
        Kernel length.
    stride : int, default=1
        Stride.

    Returns
    -------
    conv : torch.nn.Conv1d
        The convolution (no bias: a BatchNorm always follows it).

    Examples
    --------
    >>> from sklearn_ecg.models._blocks import conv1d
    >>> conv1d(12, 64, 7, 2).padding
    (3,)
    """
    return nn.Conv1d(
        in_ch, out_ch, kernel_size, stride=stride, padding=kernel_size // 2, bias=False
    )


def _projection(in_ch: int, out_ch: int, stride: int) -> nn.Module | None:
    # torchvision's option B shortcut: a 1x1 conv + BN only when the shape changes.
    if stride == 1 and in_ch == out_ch:
        return None
    return nn.Sequential(conv1d(in_ch, out_ch, 1, stride), nn.BatchNorm1d(out_ch))


class _ResidualBlock1d(nn.Module):
    """Residual block: ``conv{i}``/``bn{i}`` pairs, ReLU between, projection shortcut.

    ``convs`` lists ``(kernel_size, stride)`` per convolution; the inner ones
    have ``width`` channels, the last ``expansion * width``.
    """

    expansion = 1

    def __init__(self, in_ch: int, width: int, convs):
        super().__init__()
        widths = [in_ch] + [width] * (len(convs) - 1) + [width * self.expansion]
        for i, (kernel_size, stride) in enumerate(convs, start=1):
            setattr(
                self, f"conv{i}", conv1d(widths[i - 1], widths[i], kernel_size, stride)
            )
            setattr(self, f"bn{i}", nn.BatchNorm1d(widths[i]))
        self.n_convs = len(convs)
        self.relu = nn.ReLU(inplace=True)
        stride = max(s for _, s in convs)
        self.downsample = _projection(in_ch, widths[-1], stride)

    def forward(self, x):
        """Map ``(batch, in_ch, T)`` to ``(batch, out_ch, ceil(T / stride))``.

        ``out_ch`` is ``expansion * width``.
        """
        identity = x if self.downsample is None else self.downsample(x)
        out = x
        for i in range(1, self.n_convs + 1):
            out = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(out))
            if i < self.n_convs:
                out = self.relu(out)
        return self.relu(out + identity)


class BasicBlock1d(_ResidualBlock1d):
    """Two-convolution residual block of ResNet-18/34, in 1-D.

    Parameters
    ----------
    in_ch : int
        Input channels.
    width : int
        Output channels (``expansion == 1``).
    stride : int, default=1
        Stride of the first convolution.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models._blocks import BasicBlock1d
    >>> BasicBlock1d(8, 16, stride=2)(torch.zeros(2, 8, 100)).shape
    torch.Size([2, 16, 50])
    """

    def __init__(self, in_ch: int, width: int, stride: int = 1):
        super().__init__(in_ch, width, [(3, stride), (3, 1)])


class Bottleneck1d(_ResidualBlock1d):
    """Bottleneck residual block (torchvision v1.5: stride on the 3-tap conv), in 1-D.

    Parameters
    ----------
    in_ch : int
        Input channels.
    width : int
        Inner width; the block outputs ``4 * width`` channels.
    stride : int, default=1
        Stride of the middle convolution.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models._blocks import Bottleneck1d
    >>> Bottleneck1d(8, 16, stride=2)(torch.zeros(2, 8, 100)).shape
    torch.Size([2, 64, 50])
    """

    expansion = 4

    def __init__(self, in_ch: int, width: int, stride: int = 1):
        super().__init__(in_ch, width, [(1, 1), (3, stride), (1, 1)])


def init_weights(module: nn.Module) -> None:
    """Apply the package's initialisation (Marques & Oliveira 2025) to every module.

    Convolutions get Kaiming-normal (fan_out, ReLU) weights, linear layers
    N(0, 0.01²), batch norms weight 1 and bias 0; all biases start at 0. Draws
    come from torch's current generator, so seeding it makes models reproducible.

    Parameters
    ----------
    module : torch.nn.Module
        The model to initialise in place.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.models._blocks import init_weights
    >>> lin = nn.Linear(4, 2)
    >>> init_weights(lin)
    >>> lin.bias.detach().abs().sum().item()
    0.0
    """
    for m in module.modules():
        if isinstance(m, nn.Conv1d | nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


# ---------------------------------------------------------------------------
# Model-zoo blocks: initialisation, positional encoding, conv units
# ---------------------------------------------------------------------------


def init_paper_weights_(module: nn.Module) -> nn.Module:
    """Initialise a model in place as in Marques & Oliveira (2025, arXiv:2503.08960).

    Convolutions get Kaiming-normal weights (fan-out, ReLU), linear layers
    N(0, 0.01²), batch norms weight 1 and bias 0, attention projections
    Xavier-uniform, recurrent layers Xavier-uniform input-to-hidden and orthogonal
    hidden-to-hidden weights. All biases are zero, except the LSTM forget gate
    whose two bias vectors sum to 1.

    Parameters
    ----------
    module : torch.nn.Module
        The model to initialise; its submodules are visited recursively.

    Returns
    -------
    module : torch.nn.Module
        The same module, for chaining.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.models._blocks import init_paper_weights_
    >>> layer = init_paper_weights_(nn.Linear(4, 2))
    >>> float(layer.bias.detach().abs().sum())
    0.0
    """
    # Convolutions, linear layers and batch norms as the ResNet (init_weights).
    init_weights(module)
    for m in module.modules():
        if isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.RNNBase):
            _init_rnn_(m)
    # After init_weights, because attention's out_proj is also an nn.Linear.
    for m in module.modules():
        if isinstance(m, nn.MultiheadAttention):
            _init_attention_(m)
        elif isinstance(m, ConvBNAct):
            m.reset_bn_()
    return module


def _init_attention_(m: nn.MultiheadAttention) -> None:
    nn.init.xavier_uniform_(m.in_proj_weight)
    nn.init.zeros_(m.in_proj_bias)
    nn.init.xavier_uniform_(m.out_proj.weight)
    nn.init.zeros_(m.out_proj.bias)


def _init_rnn_(m: nn.RNNBase) -> None:
    for name, param in m.named_parameters():
        if name.startswith("weight_ih"):
            nn.init.xavier_uniform_(param)
        elif name.startswith("weight_hh"):
            nn.init.orthogonal_(param)
        elif name.startswith("bias"):
            nn.init.zeros_(param)
            if isinstance(m, nn.LSTM) and name.startswith("bias_ih"):
                # Gates are ordered (input, forget, cell, output). PyTorch adds
                # bias_ih and bias_hh, so set one of them only: a total of 1.
                param.data[m.hidden_size : 2 * m.hidden_size] = 1.0


class SinusoidalPositionalEncoding(nn.Module):
    """Add the sinusoidal positional encoding of Vaswani et al. (2017).

    The table is a non-persistent buffer: it follows ``.to(device)`` but is not
    stored in the state dict, so checkpoints stay independent of ``max_len``.

    Parameters
    ----------
    d_model : int
        Token width; must be even.
    max_len : int, default=5000
        Longest token sequence accepted; longer inputs raise ``ValueError``.
    drop_prob : float, default=0.0
        Dropout applied after the addition.

    References
    ----------
    .. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models._blocks import SinusoidalPositionalEncoding
    >>> pe = SinusoidalPositionalEncoding(8, max_len=16)
    >>> pe(torch.zeros(2, 10, 8)).shape
    torch.Size([2, 10, 8])
    """

    def __init__(self, d_model: int, max_len: int = 5000, drop_prob: float = 0.0):
        super().__init__()
        if d_model % 2:
            raise ValueError(
                f"d_model={d_model} must be even for the sinusoidal encoding."
            )
        pos = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(
            torch.arange(0, d_model, 2, dtype=torch.float32)
            * (-math.log(10000.0) / d_model)
        )
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(pos * div)
        table[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("table", table, persistent=False)
        self.max_len = max_len
        self.dropout = nn.Dropout(drop_prob)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Add the encoding to tokens of shape ``(batch, n_tokens, d_model)``."""
        n_tokens = x.shape[1]
        if n_tokens > self.max_len:
            raise ValueError(
                f"The input has {n_tokens} tokens but the positional encoding holds "
                f"max_len={self.max_len}; increase max_len or embed with a larger "
                "stride/patch size."
            )
        return self.dropout(x + self.table[:n_tokens])


class ConvBNAct(nn.Sequential):
    """Conv1d (no bias) → BatchNorm1d → activation, with "same" padding.

    Parameters
    ----------
    in_channels, out_channels : int
        Channel counts.
    kernel_size : int, default=3
        Odd kernel size; padding is ``kernel_size // 2``.
    stride : int, default=1
        Convolution stride.
    act : bool, default=True
        Whether to end with a ReLU.
    zero_bn : bool, default=False
        Start the batch-norm weight at zero, so a residual branch starts as the
        identity (He et al. 2019, "bag of tricks").
    groups : int, default=1
        Convolution groups (``in_channels`` for a depthwise convolution).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models._blocks import ConvBNAct
    >>> ConvBNAct(12, 16, 5, stride=2)(torch.zeros(1, 12, 100)).shape
    torch.Size([1, 16, 50])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        act: bool = True,
        zero_bn: bool = False,
        groups: int = 1,
    ):
        conv = nn.Conv1d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=kernel_size // 2,
            bias=False,
            groups=groups,
        )
        bn = nn.BatchNorm1d(out_channels)
        layers = [conv, bn] + ([nn.ReLU(inplace=True)] if act else [])
        super().__init__(*layers)
        self.zero_bn = zero_bn

    def reset_bn_(self) -> None:
        """Re-apply the zero-BN start after a global initialisation."""
        if self.zero_bn:
            nn.init.zeros_(self[1].weight)


class SelfAttentionPooling(nn.Module):
    """One multi-head self-attention layer (Q = K = V) and a token reduction.

    No positional encoding, residual, LayerNorm or feed-forward block: this is
    the attention stage of the seed paper's HSMNet.

    Parameters
    ----------
    embed_dim : int
        Token width.
    num_heads : int, default=8
        Attention heads; must divide ``embed_dim``.
    drop_prob : float, default=0.0
        Dropout on the attention weights.
    reduction : {"mean", "none"}, default="mean"
        Average the attended tokens, or flatten them (the output width is then
        ``n_tokens * embed_dim``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models._blocks import SelfAttentionPooling
    >>> SelfAttentionPooling(16, 4)(torch.zeros(2, 10, 16)).shape
    torch.Size([2, 16])
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int = 8,
        drop_prob: float = 0.0,
        reduction: str = "mean",
    ):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(
                f"num_heads={num_heads} must divide the token width {embed_dim}."
            )
        if reduction not in ("mean", "none"):
            raise ValueError(f"reduction={reduction!r} must be 'mean' or 'none'.")
        self.attention = nn.MultiheadAttention(
            embed_dim, num_heads, dropout=drop_prob, batch_first=True
        )
        self.reduction = reduction

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_tokens, embed_dim)`` to pooled features."""
        attended, _ = self.attention(tokens, tokens, tokens, need_weights=False)
        return attended.mean(1) if self.reduction == "mean" else attended.flatten(1)


def resnet_trunk_length(n_times: int, kernel_size: int = 7) -> int:
    """Time steps out of the ResNet trunk (stem stride 2, max-pool, 3 strided stages).

    Parameters
    ----------
    n_times : int
        Input samples.
    kernel_size : int, default=7
        Stem kernel (padding ``kernel_size // 2``).

    Returns
    -------
    n_steps : int
        ``ceil(n_times / 32)`` for odd kernels.

    Examples
    --------
    >>> from sklearn_ecg.models._blocks import resnet_trunk_length
    >>> resnet_trunk_length(2048), resnet_trunk_length(5000)
    (64, 157)
    """
    t = (n_times + 2 * (kernel_size // 2) - kernel_size) // 2 + 1
    t = (t - 1) // 2 + 1  # MaxPool1d(3, 2, padding=1)
    for _ in range(3):
        t = (t - 1) // 2 + 1  # 3-tap stride-2 conv with padding 1
    return t
