"""Inception1d: the InceptionTime network of Ismail Fawaz et al. (2020)."""

from __future__ import annotations

import torch
from torch import nn

from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import init_paper_weights_
from ._registry import register_model


class _InceptionModule(nn.Module):
    """Bottleneck → three parallel wide convolutions + max-pool branch → BN-ReLU."""

    def __init__(self, c_in: int, n_filters: int, kernel_size: int, bottleneck: int):
        super().__init__()
        use_bottleneck = bottleneck > 0 and c_in > 1
        self.bottleneck = (
            nn.Conv1d(c_in, bottleneck, 1, bias=False)
            if use_bottleneck
            else nn.Identity()
        )
        width = bottleneck if use_bottleneck else c_in
        # Kernel sizes k, k/2, k/4, made odd so "same" padding is symmetric.
        sizes = [(kernel_size // 2**i) // 2 * 2 + 1 for i in range(3)]
        self.convs = nn.ModuleList(
            nn.Conv1d(width, n_filters, k, padding=k // 2, bias=False) for k in sizes
        )
        self.pool_branch = nn.Sequential(
            nn.MaxPool1d(3, stride=1, padding=1),
            nn.Conv1d(c_in, n_filters, 1, bias=False),
        )
        self.bn_act = nn.Sequential(nn.BatchNorm1d(4 * n_filters), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.bottleneck(x)
        out = [conv(z) for conv in self.convs] + [self.pool_branch(x)]
        return self.bn_act(torch.cat(out, 1))


class _Shortcut(nn.Module):
    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.proj = nn.Sequential(
            nn.Conv1d(c_in, c_out, 1, bias=False), nn.BatchNorm1d(c_out)
        )

    def forward(self, x: torch.Tensor, res: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.proj(res))


@register_model("inception1d", aliases=("inceptiontime", "inception"))
class Inception1d(ECGModule):
    __doc__ = f"""InceptionTime: stacked inception modules with a residual every three.

    Parameters
    ----------
{SHAPE_PARAMETERS}
    n_filters : int, default=32
        Filters per branch; each module outputs ``4 * n_filters`` channels.
    depth : int, default=6
        Number of inception modules (a multiple of 3 adds a residual every 3).
    kernel_size : int, default=40
        Longest kernel; the others are half and a quarter of it. 40 samples are
        80 ms at 500 Hz (Strodthoff et al. 2020 used 40 at 100 Hz).
    bottleneck : int, default=32
        Width of the 1×1 bottleneck (0 disables it).
    drop_prob : float, default=0.0
        Dropout before the final layer.

    References
    ----------
    .. [1] H. Ismail Fawaz et al., "InceptionTime: finding AlexNet for time series
       classification", Data Min. Knowl. Disc. 34, 1936–1962 (2020).
    .. [2] N. Strodthoff et al., "Deep learning for ECG analysis: benchmarks and
       insights from PTB-XL", IEEE JBHI 25(5), 2021.

{model_example('Inception1d', 'n_filters=8, depth=3')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        n_filters: int = 32,
        depth: int = 6,
        kernel_size: int = 40,
        bottleneck: int = 32,
        drop_prob: float = 0.0,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        if depth < 1 or kernel_size < 4:
            raise ValueError(
                f"depth={depth} must be >= 1 and kernel_size={kernel_size} >= 4."
            )
        width = 4 * n_filters
        self.blocks = nn.ModuleList(
            _InceptionModule(n_leads if d == 0 else width, n_filters, kernel_size,
                             bottleneck)
            for d in range(depth)
        )  # fmt: skip
        self.shortcuts = nn.ModuleList(
            _Shortcut(n_leads if i == 0 else width, width) for i in range(depth // 3)
        )
        self.dropout = nn.Dropout(drop_prob)
        self.final_layer = nn.Linear(width, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        res = x
        for d, block in enumerate(self.blocks):
            x = block(x)
            if d % 3 == 2:
                x = self.shortcuts[d // 3](x, res)
                res = x
        return self.dropout(x.mean(-1))
