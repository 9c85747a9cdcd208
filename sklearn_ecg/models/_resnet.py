"""ResNet1d: a 1-D port of torchvision's ResNet (He et al., 2016)."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_choice, check_int
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import BasicBlock1d, Bottleneck1d, conv1d, init_weights
from ._registry import register_model

#: Block type and blocks per stage for each supported depth (torchvision's table).
RESNET_DEPTHS = {
    18: (BasicBlock1d, (2, 2, 2, 2)),
    34: (BasicBlock1d, (3, 4, 6, 3)),
    50: (Bottleneck1d, (3, 4, 6, 3)),
    101: (Bottleneck1d, (3, 4, 23, 3)),
    152: (Bottleneck1d, (3, 8, 36, 3)),
}


#: numpydoc entries of the trunk arguments of the models built on ResNetTrunk1d.
TRUNK_PARAMETERS = """\
    depth : {18, 34, 50, 101, 152}, default=18
        Depth of the ResNet trunk.
    base_width : int, default=64
        Width of the trunk's first stage."""


class ResNetTrunk1d(nn.Sequential):
    """The headless ResNet1d: stem and four residual stages.

    Maps ``(batch, n_leads, T)`` to ``(batch, n_features_out, ceil(T / 32))``;
    other architectures (HSMNet, CRNN) reuse it as a feature extractor.

    Parameters
    ----------
    n_leads : int
        Input channels.
    depth : {18, 34, 50, 101, 152}, default=18
        Network depth.
    base_width : int, default=64
        Width of the first stage; the stages are ``base_width * (1, 2, 4, 8)``.
    kernel_size : int, default=7
        Length of the stem convolution (odd values keep the output centred).

    Attributes
    ----------
    n_features_out : int
        Channels of the trunk output (``8 * base_width * expansion``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models import ResNetTrunk1d
    >>> trunk = ResNetTrunk1d(12, depth=18, base_width=16)
    >>> trunk(torch.zeros(2, 12, 2048)).shape
    torch.Size([2, 128, 64])
    """

    def __init__(
        self, n_leads: int, depth: int = 18, base_width: int = 64, kernel_size: int = 7
    ):
        check_choice(depth, "depth", set(RESNET_DEPTHS))
        check_int(n_leads, "n_leads")
        check_int(base_width, "base_width")
        check_int(kernel_size, "kernel_size")
        block, counts = RESNET_DEPTHS[depth]
        layers = [
            conv1d(n_leads, base_width, kernel_size, stride=2),
            nn.BatchNorm1d(base_width),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(kernel_size=3, stride=2, padding=1),
        ]
        in_ch = base_width
        for stage, n_blocks in enumerate(counts):
            width = base_width * 2**stage
            blocks = []
            for i in range(n_blocks):
                stride = 2 if (stage > 0 and i == 0) else 1
                blocks.append(block(in_ch, width, stride))
                in_ch = width * block.expansion
            layers.append(nn.Sequential(*blocks))
        super().__init__(*layers)
        self.n_features_out = in_ch


@register_model("resnet1d", aliases=("resnet",))
class ResNet1d(ECGModule):
    __doc__ = f"""1-D ResNet for multi-lead ECG classification (torchvision layout).

    Stem ``Conv(k=kernel_size, stride 2) -> BN -> ReLU -> MaxPool(3, 2)``, four
    residual stages (widths ``base_width * (1, 2, 4, 8)``, stride 2 at the start
    of stages 2-4), global average pooling over time, optional dropout and a
    linear head ``final_layer``. With the defaults (``base_width=64``,
    ``kernel_size=7``) the layer shapes and parameter counts are those of the
    seed paper's ResNet1d (3,851,397 parameters for depth 18, 12 leads, 5
    outputs). Global pooling makes the model length-agnostic: ``n_times`` is
    only checked, so the same weights apply to longer or shorter records.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    depth : {{18, 34, 50, 101, 152}}, default=18
        Basic blocks for 18/34, bottleneck (v1.5) blocks for 50/101/152.
    base_width : int, default=64
        Channels of the first stage; smaller values give much faster models
        (the cost scales with ``base_width ** 2``).
    kernel_size : int, default=7
        Length of the **stem** convolution only; residual blocks always use
        3-tap convolutions as in torchvision. At 500 Hz a longer stem (e.g. 15)
        widens the first receptive field.
    drop_prob : float, default=0.0
        Dropout probability applied to the pooled features before
        ``final_layer`` (0 reproduces the paper's head).

    Attributes
    ----------
    trunk : ResNetTrunk1d
        The feature extractor (everything before pooling).
    final_layer : torch.nn.Linear
        The classification head.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Deep Residual Learning for Image
       Recognition", CVPR 2016, arXiv:1512.03385.
    .. [2] J. Marques and A. Oliveira, "Are ECGs enough?", arXiv:2503.08960, 2025.

{model_example('ResNet1d', 'base_width=16')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        depth: int = 18,
        base_width: int = 64,
        kernel_size: int = 7,
        drop_prob: float = 0.0,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        self.trunk = ResNetTrunk1d(n_leads, depth, base_width, kernel_size)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.dropout = nn.Dropout(drop_prob)
        self.final_layer = nn.Linear(self.trunk.n_features_out, n_outputs)
        init_weights(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the pooled features ``(batch, n_features_out)`` before the head."""
        return self.pool(self.trunk(x)).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to logits ``(batch, n_outputs)``.

        The dropout before the head is not part of :meth:`forward_features`, so
        that the features are those of the paper's model in training mode too.
        """
        return self.final_layer(self.dropout(self.forward_features(x)))
