"""A fit that the resume tests kill (``python _resume_worker.py DIR VAL``).

It fits :func:`make_estimator` on :func:`make_data` with ``checkpoint_dir=DIR``;
a callback sleeps after the second epoch, so that the test can SIGKILL it while
it is training, with the second epoch's checkpoint on disk.

``torchrun ... _resume_worker.py DIR ddp-MODE`` runs :func:`ddp_fit` instead.
"""

import sys
import time

import numpy as np
from skorch.callbacks import Callback

from sklearn_ecg.classifiers import ECGResNetClassifier

MAX_EPOCHS = 4


def make_data():
    """48 two-lead records of 256 samples, two classes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 2, 256)).astype("float32")
    y = np.arange(48) % 2
    X[y == 1, 0] += 0.5
    return X, y


def make_estimator(validation_fraction, **params):
    """The default recipe (crops, augmentation on the batch path, one-cycle)."""
    return ECGResNetClassifier(
        base_width=4, max_epochs=MAX_EPOCHS, batch_size=8, device="cpu",
        random_state=0, validation_fraction=validation_fraction, **params,
    )  # fmt: skip


class SleepAfterSecondEpoch(Callback):
    """Hold the fit after epoch 2 (extra callbacks are not fingerprinted)."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            time.sleep(120)


class DieAfterSecondEpoch(Callback):
    """Every rank stops after epoch 2, its checkpoint written (a stand-in kill)."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise RuntimeError("killed")


def ddp_fit(out, mode):
    """A distributed fit: ``ref`` (no checkpoint), ``die`` or ``resume``."""
    import json
    import os
    from pathlib import Path

    import torch
    from _ddp_worker import TinyNet, data

    from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGClassifier

    out = Path(out)
    X, y = data()
    clf = ECGClassifier(
        TinyNet, **{**PLAIN_TRAINING, "batch_size": 16}, max_epochs=4,
        random_state=0, device="cpu",
        callbacks=[DieAfterSecondEpoch()] if mode == "die" else None,
        checkpoint_dir=None if mode == "ref" else str(out / "ckpt"),
    )  # fmt: skip
    try:
        clf.fit(X, y)
    except RuntimeError:
        return
    if int(os.environ.get("RANK", 0)) == 0:
        (out / f"{mode}.json").write_text(json.dumps(clf.history_[:, "train_loss"]))
        torch.save(clf.module_.state_dict(), out / f"{mode}.pt")


if __name__ == "__main__":
    if sys.argv[2].startswith("ddp-"):
        ddp_fit(sys.argv[1], sys.argv[2][4:])
        sys.exit()
    import torch

    torch.set_num_threads(1)  # as the test process (tests/conftest.py)
    folder, val = sys.argv[1], sys.argv[2]
    fraction = None if val == "None" else float(val)
    X, y = make_data()
    make_estimator(
        fraction, checkpoint_dir=folder, callbacks=[SleepAfterSecondEpoch()]
    ).fit(X, y)
