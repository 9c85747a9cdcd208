"""Random training crops and the per-sample training transform."""

from __future__ import annotations

import numbers

import numpy as np
import torch

from ._augment import resolve_augment


def valid_length(x) -> int:
    """Count the samples before a constant tail (zero padding, even z-scored).

    Parameters
    ----------
    x : ndarray or Tensor of shape (n_leads, n_times)
        One sample.

    Returns
    -------
    n_valid : int
        Index just after the last sample where any lead differs from the final
        sample; ``n_times`` for an unpadded record.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.training._crop import valid_length
    >>> valid_length(np.r_[np.arange(1.0, 6), np.zeros(5)][None])
    5
    """
    arr = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    differs = np.any(arr != arr[:, -1:], axis=0)
    idx = np.flatnonzero(differs)
    n_times = arr.shape[-1]
    n_valid = int(idx[-1]) + 1 if idx.size else n_times
    # A one-sample "tail" is just the last sample, not padding.
    return n_times if n_times - n_valid <= 1 else n_valid


class RandomCrop:
    """Crop ``crop_length`` samples at a random start within the valid region.

    The start is uniform over positions keeping the crop inside the unpadded part
    of the record (all of it when the record is shorter than the crop).

    Parameters
    ----------
    crop_length : int
        Crop length in samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.training import RandomCrop
    >>> RandomCrop(250)(np.zeros((12, 1000)), np.random.default_rng(0)).shape
    (12, 250)
    """

    def __init__(self, crop_length: int):
        self.crop_length = crop_length

    def __call__(self, x, rng: np.random.Generator):
        """Return a random crop of one ``(n_leads, n_times)`` sample."""
        n_times = x.shape[-1]
        if self.crop_length > n_times:
            raise ValueError(
                f"crop_length={self.crop_length} exceeds the record length {n_times}."
            )
        last = max(min(valid_length(x), n_times) - self.crop_length, 0)
        start = int(rng.integers(0, last + 1))
        return x[..., start : start + self.crop_length]


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
        Random-crop length in samples; None keeps whole records.
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
    >>> from sklearn_ecg.training import make_train_transform
    >>> tf = make_train_transform("paper", 250, 500.0, rng=0)
    >>> tf(np.zeros((12, 1000), dtype=np.float32)).shape
    (12, 250)
    """
    augmentation = resolve_augment(augment)
    if crop_length is not None and (
        not isinstance(crop_length, numbers.Integral)
        or isinstance(crop_length, bool)
        or crop_length < 1
    ):
        raise ValueError(
            f"crop_length={crop_length!r} must be None or a positive int (samples)."
        )
    if augmentation is None and crop_length is None:
        return None
    crop = RandomCrop(int(crop_length)) if crop_length is not None else None
    return TrainTransform(crop, augmentation, float(sfreq), np.random.default_rng(rng))
