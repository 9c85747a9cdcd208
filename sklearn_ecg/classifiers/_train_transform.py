"""The estimator's train-time transform: a random crop, then the augmentation."""

from __future__ import annotations

import numpy as np

from ..augmentation import RandomCrop
from ..augmentation._recipes import resolve_augment


class TrainTransform:
    """Random crop then augmentation of one training sample.

    Built by :func:`make_train_transform`; holds its own generator so each
    estimator fit draws an independent, reproducible stream.

    Parameters
    ----------
    crop : RandomCrop or None
        Cropping step.
    augmentation : Augmentation or None
        Augmentation step.
    sfreq : float
        Sampling rate in Hz.
    rng : numpy.random.Generator
        The default random stream (used when the caller passes none).
    """

    def __init__(self, crop, augmentation, sfreq: float, rng: np.random.Generator):
        self.crop = crop
        self.augmentation = augmentation
        self.sfreq = sfreq
        self.rng = rng

    def __call__(self, x, rng: np.random.Generator | None = None):
        """Transform one sample, drawing from ``rng`` (default: own generator).

        A DataLoader worker passes its own generator so that workers draw
        independent, reproducible streams.
        """
        rng = self.rng if rng is None else rng
        if self.crop is not None:
            x = self.crop(x, rng)
        if self.augmentation is not None:
            x = self.augmentation(x, rng, self.sfreq)
        return x


def make_train_transform(
    augment, crop_length: int | None, sfreq: float, rng
) -> TrainTransform | None:
    """Build the per-sample training transform from estimator arguments.

    Parameters
    ----------
    augment : None, str, Augmentation or sequence of Augmentation
        See :func:`resolve_augment`.
    crop_length : int or None
        Random-crop length in samples (already validated); None keeps whole records.
    sfreq : float
        Sampling rate in Hz, used by frequency-based transforms.
    rng : int, numpy.random.Generator or None
        Seed or generator for every draw.

    Returns
    -------
    transform : TrainTransform or None
        None when neither augmentation nor cropping is requested.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers._train_transform import make_train_transform
    >>> tf = make_train_transform("paper", 250, 500.0, rng=0)
    >>> tf(np.zeros((12, 1000), dtype=np.float32)).shape
    (12, 250)
    """
    augmentation = resolve_augment(augment)
    if augmentation is None and crop_length is None:
        return None
    crop = RandomCrop(int(crop_length)) if crop_length is not None else None
    return TrainTransform(crop, augmentation, float(sfreq), np.random.default_rng(rng))
