"""One process of the distributed-fit test (run by torchrun, or imported).

``python -m torch.distributed.run --nproc_per_node 2 _ddp_worker.py OUT`` fits
the same tiny network on the same data in each process; rank 0 writes what the
test compares with a single-process fit (``fit_and_dump(OUT)`` in the test).
"""

import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Checkpoint

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGClassifier


class TinyNet(torch.nn.Module):
    """A convolution and a linear layer: no BatchNorm, no dropout."""

    def __init__(self, n_leads, n_times, n_outputs):
        super().__init__()
        self.conv = torch.nn.Conv1d(n_leads, 4, 5)
        self.final_layer = torch.nn.Linear(4, n_outputs)

    def forward(self, x):
        return self.final_layer(torch.relu(self.conv(x)).mean(-1))


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2, 64)).astype("float32")
    y = np.arange(50) % 2
    X[y == 1, 0] += 0.5
    return X, y


def fit_and_dump(out):
    """Fit (distributed when started by torchrun); rank 0 writes the results."""
    out, rank = Path(out), int(os.environ.get("RANK", 0))
    world = int(os.environ.get("WORLD_SIZE", 1))
    X, y = data()
    # 45 training records in global batches of 16: the last one (13) is cut
    # unevenly (7 + 6), which the per-rank loss weights must handle exactly.
    checkpoint = Checkpoint(dirname=str(out / f"rank{rank}"), f_history="history.json")
    # The plain recipe (a 10 % split, no crops or augmentation): the two fits
    # then see the same records in the same order.
    clf = ECGClassifier(
        TinyNet, **{**PLAIN_TRAINING, "batch_size": 16}, max_epochs=4,
        random_state=0, device="cpu", callbacks=[("checkpoint", checkpoint)],
    )  # fmt: skip
    clf.fit(X, y)
    if rank != 0:
        return
    again = pickle.loads(pickle.dumps(clf))
    np.save(out / f"proba_{world}.npy", clf.predict_proba(X))
    result = {
        "train_loss": [h["train_loss"] for h in clf.history_],
        "valid_loss": [h["valid_loss"] for h in clf.history_],
        "batch_sizes": [
            b["train_batch_size"]
            for b in clf.history_[-1, "batches"]
            if "train_batch_size" in b
        ],
        "module_type": type(clf.module_).__name__,
        "pickled_equal": bool(
            np.array_equal(again.predict_proba(X), clf.predict_proba(X))
        ),
    }
    (out / f"result_{world}.json").write_text(json.dumps(result))


if __name__ == "__main__":
    fit_and_dump(sys.argv[1])
