"""A fit that the resume tests kill (``python _resume_worker.py DIR VAL``).

It fits :func:`make_estimator` on :func:`make_data` with ``checkpoint_dir=DIR``;
a callback sleeps after the second epoch, so that the test can SIGKILL it while
it is training, with the second epoch's checkpoint on disk.
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


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)  # as the test process (tests/conftest.py)
    folder, val = sys.argv[1], sys.argv[2]
    fraction = None if val == "None" else float(val)
    X, y = make_data()
    make_estimator(
        fraction, checkpoint_dir=folder, callbacks=[SleepAfterSecondEpoch()]
    ).fit(X, y)
