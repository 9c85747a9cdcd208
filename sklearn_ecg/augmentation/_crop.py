"""Random training crops inside the unpadded part of a record."""

from __future__ import annotations

import numpy as np
import torch


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
    >>> from sklearn_ecg.augmentation._crop import valid_length
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
    >>> from sklearn_ecg.augmentation import RandomCrop
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
