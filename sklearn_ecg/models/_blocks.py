"""Building blocks shared by the 1-D convolutional architectures."""

from __future__ import annotations

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


class BasicBlock1d(nn.Module):
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

    expansion = 1

    def __init__(self, in_ch: int, width: int, stride: int = 1):
        super().__init__()
        self.conv1 = conv1d(in_ch, width, 3, stride)
        self.bn1 = nn.BatchNorm1d(width)
        self.conv2 = conv1d(width, width, 3)
        self.bn2 = nn.BatchNorm1d(width)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _projection(in_ch, width, stride)

    def forward(self, x):
        """Map ``(batch, in_ch, T)`` to ``(batch, width, ceil(T / stride))``."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck1d(nn.Module):
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
        super().__init__()
        out_ch = width * self.expansion
        self.conv1 = conv1d(in_ch, width, 1)
        self.bn1 = nn.BatchNorm1d(width)
        self.conv2 = conv1d(width, width, 3, stride)
        self.bn2 = nn.BatchNorm1d(width)
        self.conv3 = conv1d(width, out_ch, 1)
        self.bn3 = nn.BatchNorm1d(out_ch)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _projection(in_ch, out_ch, stride)

    def forward(self, x):
        """Map ``(batch, in_ch, T)`` to ``(batch, 4 * width, ceil(T / stride))``."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


def init_weights(module: nn.Module) -> None:
    """Apply the package's initialisation (PAPER_SPEC §2.9) to every submodule.

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
