"""CRNN1d: a ResNet trunk followed by a recurrent network (LSTM, GRU or RNN)."""

from __future__ import annotations

import torch
from torch import nn

from ..utils import check_choice, check_int
from ._base import SHAPE_PARAMETERS, ECGModule, model_example
from ._blocks import init_paper_weights_
from ._registry import register_model
from ._resnet import TRUNK_PARAMETERS, ResNetTrunk1d

_RNNS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


@register_model("crnn1d", aliases=("crnn", "rnn"))
class CRNN1d(ECGModule):
    __doc__ = f"""Convolutional-recurrent network: ResNet trunk tokens read by an RNN.

    The head reads the final hidden state of the last layer; for a
    bidirectional RNN, the final forward and backward states are concatenated
    (the reference read ``out[:, -1]``, which gives the backward direction one
    step of context, and crashed for bidirectional GRU/RNN).

    Parameters
    ----------
{SHAPE_PARAMETERS}
    rnn_type : {{"lstm", "gru", "rnn"}}, default="lstm"
        Recurrent cell.
    hidden_size : int, default=256
        Hidden units per direction.
    num_layers : int, default=2
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Run the recurrence in both directions.
{TRUNK_PARAMETERS}
    drop_prob : float, default=0.1
        Dropout between recurrent layers (ignored when ``num_layers == 1``).

    References
    ----------
    .. [1] J. Marques and A. Oliveira, "Are ECGs enough?", arXiv:2503.08960,
       2025.
    .. [2] S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural
       Computation 9(8), 1997; K. Cho et al., "Learning phrase representations
       using RNN encoder-decoder", EMNLP 2014.

{model_example('CRNN1d', 'base_width=8, hidden_size=16, bidirectional=True')}"""

    def __init__(
        self,
        n_leads: int,
        n_times: int,
        n_outputs: int,
        rnn_type: str = "lstm",
        hidden_size: int = 256,
        num_layers: int = 2,
        bidirectional: bool = False,
        depth: int = 18,
        base_width: int = 64,
        drop_prob: float = 0.1,
    ):
        super().__init__(n_leads, n_times, n_outputs, drop_prob)
        check_choice(rnn_type, "rnn_type", tuple(_RNNS))
        check_int(num_layers, "num_layers")
        check_int(hidden_size, "hidden_size")
        self.trunk = ResNetTrunk1d(n_leads, depth=depth, base_width=base_width)
        self.rnn = _RNNS[rnn_type](
            self.trunk.n_features_out,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=drop_prob if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
        )
        self.n_directions = 2 if bidirectional else 1
        self.final_layer = nn.Linear(hidden_size * self.n_directions, n_outputs)
        init_paper_weights_(self)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the input of ``final_layer``."""
        _, state = self.rnn(self.trunk(x).transpose(1, 2))
        h_n = state[0] if isinstance(state, tuple) else state
        # h_n is (num_layers * directions, batch, hidden); keep the last layer's.
        return h_n[-self.n_directions :].transpose(0, 1).flatten(1)
