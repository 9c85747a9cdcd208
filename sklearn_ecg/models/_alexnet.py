"""AlexNet1d: torchvision's AlexNet in one dimension, with batch norm."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_int
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import init_paper_weights_
from ._registry import register_model

_MIN_TIMES = 63  # shortest input the stem and the three max-pools accept


def _conv(c_in: int, c_out: int, k: int, stride: int = 1, pad: int = 0):
    # Conv → BN → ReLU everywhere (the reference put ReLU before BN in block 4).
    return [
        nn.Conv1d(c_in, c_out, k, stride=stride, padding=pad),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
    ]


@register_model("alexnet1d", aliases=("alexnet",))
class AlexNet1d(ECGModule):
    __doc__ = f"""1-D AlexNet with batch normalisation after each convolution.

    Inputs shorter than 63 samples (the least the strided stem and three
    pools accept) are zero-padded at the end.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    drop_prob : float, default=0.5
        Dropout before each hidden linear layer of the head.
    hidden_size : int, default=4096
        Width of the two hidden linear layers.
    base_width : int, default=64
        Width of the first convolution; the others scale with it (64 gives
        AlexNet's 64-192-384-256-256).

    References
    ----------
    .. [1] A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet classification
       with deep convolutional neural networks", NeurIPS 2012.

{model_example('AlexNet1d', 'hidden_size=64')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        drop_prob: float = 0.5,
        hidden_size: int = 4096,
        base_width: int = 64,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        check_int(base_width, "base_width")
        w1, w2, w3, w4 = (c * base_width // 64 for c in (64, 192, 384, 256))
        self.features = nn.Sequential(
            *_conv(n_leads, w1, 11, stride=4, pad=2),
            nn.MaxPool1d(3, 2),
            *_conv(w1, w2, 5, pad=2),
            nn.MaxPool1d(3, 2),
            *_conv(w2, w3, 3, pad=1),
            *_conv(w3, w4, 3, pad=1),
            *_conv(w4, w4, 3, pad=1),
            nn.MaxPool1d(3, 2),
        )
        self.pool = nn.AdaptiveAvgPool1d(6)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(drop_prob),
            nn.Linear(w4 * 6, hidden_size),
            nn.ReLU(inplace=True),
            nn.Dropout(drop_prob),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(inplace=True),
        )
        self.final_layer = nn.Linear(hidden_size, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        if x.shape[-1] < _MIN_TIMES:
            x = nn.functional.pad(x, (0, _MIN_TIMES - x.shape[-1]))
        return self.classifier(self.pool(self.features(x)))
