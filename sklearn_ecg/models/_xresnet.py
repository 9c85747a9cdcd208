"""XResNet1d: the "bag of tricks" ResNet in 1-D, as benchmarked on PTB-XL."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_choice, check_int
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import ConvBNAct, init_paper_weights_
from ._registry import register_model

_LAYERS = {
    18: (1, [2, 2, 2, 2]),
    34: (1, [3, 4, 6, 3]),
    50: (4, [3, 4, 6, 3]),
    101: (4, [3, 4, 23, 3]),
    152: (4, [3, 8, 36, 3]),
}


class XResBlock(nn.Module):
    """fastai ResBlock: zero-initialised last BN, average-pool shortcut (ResNet-D).

    Parameters
    ----------
    expansion : int
        1 for basic blocks, 4 for bottlenecks.
    n_in, n_hidden : int
        Input width before expansion and hidden width.
    stride : int
        Stride of the block.
    kernel_size : int
        Kernel of the non-1×1 convolutions.
    """

    def __init__(self, expansion, n_in, n_hidden, stride, kernel_size):
        super().__init__()
        n_out, n_in = n_hidden * expansion, n_in * expansion
        k = kernel_size
        if expansion == 1:
            convs = [
                ConvBNAct(n_in, n_hidden, k, stride),
                ConvBNAct(n_hidden, n_out, k, act=False, zero_bn=True),
            ]
        else:
            convs = [
                ConvBNAct(n_in, n_hidden, 1),
                ConvBNAct(n_hidden, n_hidden, k, stride),
                ConvBNAct(n_hidden, n_out, 1, act=False, zero_bn=True),
            ]
        self.convs = nn.Sequential(*convs)
        shortcut = []
        if stride != 1:
            shortcut.append(nn.AvgPool1d(stride, ceil_mode=True))
        if n_in != n_out:
            shortcut.append(ConvBNAct(n_in, n_out, 1, act=False))
        self.shortcut = nn.Sequential(*shortcut)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.convs(x) + self.shortcut(x))


@register_model("xresnet1d", aliases=("xresnet",))
class XResNet1d(ECGModule):
    __doc__ = f"""1-D XResNet (fastai's xresnet, as ported by Strodthoff et al.).

    Differences to ResNet1d: a three-convolution stem, average-pool shortcuts
    (ResNet-D), a zero-initialised last BN in every block, kernels of 5 taps and
    a concat-pooling (mean and max) head with normalisation and dropout (layer
    norm here, batch norm in fastai). In the
    PTB-XL benchmark ``xresnet1d101`` was among the strongest single models.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    depth : {{18, 34, 50, 101, 152}}, default=50
        Network depth.
    kernel_size : int, default=5
        Kernel of the stem and block convolutions.
    base_width : int, default=64
        Width of the first stage; the stages are ``base_width * (1, 2, 4, 8)``
        and the stem ``base_width * (1/2, 1/2, 1)``.
    hidden_size : int, default=512
        Width of the hidden linear layer of the head.
    drop_prob : float, default=0.5
        Dropout before the final layer (half of it before the hidden layer).

    References
    ----------
    .. [1] T. He et al., "Bag of tricks for image classification with
       convolutional neural networks", CVPR 2019.
    .. [2] N. Strodthoff, P. Wagner, T. Schaeffter and W. Samek, "Deep learning
       for ECG analysis: benchmarks and insights from PTB-XL", IEEE JBHI 25(5),
       1519–1528, 2021.

{model_example('XResNet1d', 'depth=18')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        depth: int = 50,
        kernel_size: int = 5,
        base_width: int = 64,
        hidden_size: int = 512,
        drop_prob: float = 0.5,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        check_choice(depth, "depth", set(_LAYERS))
        check_int(base_width, "base_width", 2)
        expansion, layers = _LAYERS[depth]
        k, w = kernel_size, base_width
        self.stem = nn.Sequential(
            ConvBNAct(n_leads, w // 2, k, stride=2),
            ConvBNAct(w // 2, w // 2, k),
            ConvBNAct(w // 2, w, k),
            nn.MaxPool1d(3, stride=2, padding=1),
        )
        # fastai: the first stage takes the stem's w channels (w // e before x e).
        widths = [w // expansion, w, 2 * w, 4 * w, 8 * w]
        strides = [1, 2, 2, 2]
        self.stages = nn.Sequential(
            *(
                _make_stage(expansion, widths[i], widths[i + 1], n, strides[i], k)
                for i, n in enumerate(layers)
            )
        )
        n_features = 8 * w * expansion
        # fastai's head uses BatchNorm1d on pooled features, which fails on a
        # training batch of one record; LayerNorm normalises per record instead.
        self.head = nn.Sequential(
            nn.LayerNorm(2 * n_features),
            nn.Dropout(drop_prob / 2),
            nn.Linear(2 * n_features, hidden_size),
            nn.ReLU(inplace=True),
            nn.LayerNorm(hidden_size),
            nn.Dropout(drop_prob),
        )
        self.final_layer = nn.Linear(hidden_size, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        z = self.stages(self.stem(x))
        return self.head(torch.cat([z.mean(-1), z.amax(-1)], 1))


def _make_stage(expansion, n_in, n_hidden, n_blocks, stride, k) -> nn.Sequential:
    return nn.Sequential(
        *(
            XResBlock(expansion, n_in if i == 0 else n_hidden, n_hidden,
                      stride if i == 0 else 1, k)
            for i in range(n_blocks)
        )
    )  # fmt: skip
