"""VGG1d: the VGG family of Simonyan & Zisserman in one dimension."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_choice, check_int
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import init_paper_weights_
from ._registry import register_model

# torchvision's configurations A, B, D, E: widths of 3-tap convolutions, "M" = pool.
_CONFIGS = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M"]
    + [512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M"]
    + [512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


@register_model("vgg1d", aliases=("vgg",))
class VGG1d(ECGModule):
    __doc__ = f"""VGG network for 1-D signals (depths 11/13/16/19, with or without BN).

    Five stages of 3-tap convolutions separated by max-pooling halve the time axis
    five times; an adaptive average pool to 7 steps makes the head independent of
    the input length (the reference pooled in 2-D by mistake, which also averaged
    the channels, as noted by Marques & Oliveira 2025, arXiv:2503.08960).

    Any input length works: the pooling rounds up.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    depth : {{11, 13, 16, 19}}, default=16
        Number of weight layers (torchvision configurations A, B, D, E).
    batch_norm : bool, default=True
        Whether each convolution is followed by batch normalisation.
    drop_prob : float, default=0.5
        Dropout before the two hidden linear layers of the head.
    hidden_size : int, default=4096
        Width of the two hidden linear layers.
    base_width : int, default=64
        Width of the first stage; the others scale with it (64 is VGG's
        64-128-256-512-512).

    References
    ----------
    .. [1] K. Simonyan and A. Zisserman, "Very deep convolutional networks for
       large-scale image recognition", ICLR 2015, arXiv:1409.1556.

{model_example('VGG1d', 'depth=11, hidden_size=64')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        depth: int = 16,
        batch_norm: bool = True,
        drop_prob: float = 0.5,
        hidden_size: int = 4096,
        base_width: int = 64,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        check_choice(depth, "depth", set(_CONFIGS))
        check_int(base_width, "base_width")
        config = [c if c == "M" else c * base_width // 64 for c in _CONFIGS[depth]]
        self.features = _make_features(config, n_leads, batch_norm)
        self.pool = nn.AdaptiveAvgPool1d(7)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(8 * base_width * 7, hidden_size),
            nn.ReLU(inplace=True),
            nn.Dropout(drop_prob),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(inplace=True),
            nn.Dropout(drop_prob),
        )
        self.final_layer = nn.Linear(hidden_size, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        return self.classifier(self.pool(self.features(x)))


def _make_features(config, in_channels: int, batch_norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for item in config:
        if item == "M":
            # ceil_mode keeps short inputs alive (identical when 32 divides T).
            layers.append(nn.MaxPool1d(2, 2, ceil_mode=True))
            continue
        layers.append(nn.Conv1d(in_channels, item, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm1d(item))
        layers.append(nn.ReLU(inplace=True))
        in_channels = item
    return nn.Sequential(*layers)
