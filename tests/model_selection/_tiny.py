"""Tiny, deterministic skorch nets and data for the search tests."""

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.dataset import ValidSplit
from torch import nn


class TinyNet(nn.Module):
    """Flatten + linear; seeded initialisation so folds do not share RNG state."""

    def __init__(self, n_in=2 * 32, seed=0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.final_layer = nn.Linear(n_in, 2)
        with torch.no_grad():
            self.final_layer.weight.copy_(0.01 * torch.randn(2, n_in, generator=gen))
            self.final_layer.bias.zero_()

    def forward(self, x):
        return self.final_layer(x.flatten(1))


def tiny_net(**kw):
    params = dict(
        module=TinyNet,
        max_epochs=6,
        lr=0.1,
        batch_size=32,
        optimizer=torch.optim.SGD,
        criterion=nn.CrossEntropyLoss,
        train_split=ValidSplit(4, stratified=True),
        iterator_train__shuffle=False,
        verbose=0,
        device="cpu",
    )
    params.update(kw)
    return NeuralNetClassifier(**params)


def tiny_ecg(n=96, seed=0):
    """Two-lead, 32-sample records; class 1 has a bump on lead 0."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 2, 32)).astype(np.float32)
    X[y == 1, 0, 10:20] += 1.5
    return X, y.astype(np.int64)
