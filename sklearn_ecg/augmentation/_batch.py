"""Vectorised batch versions of the crops and augmentations.

:func:`batch_augment` applies any built-in :class:`Augmentation` (and
``Compose``/``OneOf`` trees of them) to a whole ``(batch, leads, times)``
tensor on its own device, drawing every random quantity per record from a
:class:`torch.Generator` on that device. Each record gets the same distribution
of transforms as the per-record path (same probabilities, ranges and choices);
only the random stream differs. :func:`batch_crop` draws one random crop per
record inside its unpadded region.
"""

from __future__ import annotations

import math

import torch

from . import _augment as aug
from . import _periodic as wave


def _uniform(gen, shape, bounds, like):
    low, high = float(bounds[0]), float(bounds[1])
    u = torch.rand(shape, generator=gen, device=like.device, dtype=like.dtype)
    return low + (high - low) * u


def _times(x, sfreq):
    return torch.arange(x.shape[-1], device=x.device, dtype=x.dtype) / sfreq


def _gaussian(t, x, gen, sfreq):
    noise = torch.randn(x.shape, generator=gen, device=x.device, dtype=x.dtype)
    return x + t.std * noise


def _gain(t, x, gen, sfreq):
    n = x.shape[1] if t.per_lead else 1
    return x * _uniform(gen, (x.shape[0], n, 1), t.scale, x)


def _wander(t, x, gen, sfreq):
    b = x.shape[0]
    amp = _uniform(gen, (b, 1, 1), t.amplitude, x)
    f = _uniform(gen, (b, 1, 1), t.freq, x)
    phase = _uniform(gen, (b, x.shape[1], 1), (0.0, 2 * math.pi), x)
    return x + amp * torch.sin(2 * math.pi * f * _times(x, sfreq) + phase)


def _periodic(t, x, gen, sfreq):
    b = x.shape[0]
    amp = _uniform(gen, (b, 1, 1), t.amplitude, x)
    f = _uniform(gen, (b, 1, 1), t.freq, x)
    sin = torch.sin(2 * math.pi * f * _times(x, sfreq))
    if isinstance(t, wave.SquarePulse):
        return x + torch.where(sin >= 0, amp, -amp)
    return x + amp * sin


def _shift(t, x, gen, sfreq):
    max_n = int(round(t.max_shift * sfreq))
    if max_n <= 0:
        return x.clone()
    shift = torch.randint(
        -max_n, max_n + 1, (x.shape[0], 1, 1), generator=gen, device=x.device
    )
    src = torch.arange(x.shape[-1], device=x.device) - shift
    valid = (src >= 0) & (src < x.shape[-1])
    idx = src.clamp(0, x.shape[-1] - 1).expand(-1, x.shape[1], -1)
    return torch.gather(x, 2, idx) * valid


def _time_dropout(t, x, gen, sfreq):
    keep = torch.rand((x.shape[0], 1, x.shape[-1]), generator=gen, device=x.device)
    return x * (keep >= t.rate)


def _lead_dropout(t, x, gen, sfreq):
    keep = torch.rand((x.shape[0], x.shape[1], 1), generator=gen, device=x.device)
    return x * (keep >= t.rate)


def _compose(t, x, gen, sfreq):
    for child in t.transforms:
        x = batch_augment(child, x, gen, sfreq)
    return x


def _one_of(t, x, gen, sfreq):
    n = len(t.transforms)
    w = torch.ones(n) if t.weights is None else torch.as_tensor(t.weights)
    w = w.to(device=x.device, dtype=torch.float64)
    choice = torch.multinomial(w / w.sum(), x.shape[0], replacement=True, generator=gen)
    out = x.clone()
    for k, child in enumerate(t.transforms):
        rows = (choice == k).nonzero().flatten()  # a transform runs on its rows only
        if rows.numel():
            out[rows] = batch_augment(child, x[rows], gen, sfreq)
    return out


_KERNELS = {
    aug.Identity: lambda t, x, gen, sfreq: x,
    aug.GaussianNoise: _gaussian,
    aug.AmplitudeScale: _gain,
    wave.BaselineWander: _wander,
    wave.SineNoise: _periodic,
    wave.SquarePulse: _periodic,
    aug.TimeShift: _shift,
    aug.PolarityFlip: lambda t, x, gen, sfreq: -x,
    aug.TimeDropout: _time_dropout,
    aug.LeadDropout: _lead_dropout,
    aug.Compose: _compose,
    aug.OneOf: _one_of,
}


def is_batchable(augmentation) -> bool:
    """Whether :func:`batch_augment` implements ``augmentation`` (and its children).

    Subclasses of the built-in transforms are not assumed to behave like them.

    Examples
    --------
    >>> from sklearn_ecg.augmentation import paper_augmentation
    >>> from sklearn_ecg.augmentation._batch import is_batchable
    >>> is_batchable(paper_augmentation()), is_batchable(object())
    (True, False)
    """
    if augmentation is None:
        return True
    if type(augmentation) not in _KERNELS:
        return False
    children = getattr(augmentation, "transforms", None)
    if isinstance(augmentation, (aug.Compose, aug.OneOf)):
        return all(is_batchable(c) for c in children)
    return True


def batch_augment(augmentation, x: torch.Tensor, gen: torch.Generator, sfreq: float):
    """Augment every record of a ``(batch, leads, times)`` tensor independently.

    Parameters
    ----------
    augmentation : Augmentation
        A built-in transform or a ``Compose``/``OneOf`` of them
        (see :func:`is_batchable`).
    x : torch.Tensor of shape (batch, leads, times)
        Floating-point records; not modified.
    gen : torch.Generator
        Generator on ``x.device``.
    sfreq : float
        Sampling rate in Hz.

    Returns
    -------
    out : torch.Tensor
        The augmented batch; each record is transformed with probability
        ``augmentation.p`` (drawn per record).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.augmentation import PolarityFlip
    >>> from sklearn_ecg.augmentation._batch import batch_augment
    >>> gen = torch.Generator().manual_seed(0)
    >>> out = batch_augment(PolarityFlip(p=0.5), torch.ones(1000, 1, 2), gen, 500.0)
    >>> 0.45 < float((out[:, 0, 0] < 0).float().mean()) < 0.55
    True
    """
    if not 0.0 <= augmentation.p <= 1.0:
        raise ValueError(f"p={augmentation.p!r} must lie in [0, 1].")
    kernel = _KERNELS[type(augmentation)]
    if augmentation.p >= 1.0:
        return kernel(augmentation, x, gen, sfreq)
    hit = torch.rand(x.shape[0], generator=gen, device=x.device) < augmentation.p
    rows = hit.nonzero().flatten()
    out = x.clone()
    if rows.numel():
        out[rows] = kernel(augmentation, x[rows], gen, sfreq)
    return out


def valid_lengths(X: torch.Tensor) -> torch.Tensor:
    """Unpadded length of every record, as :func:`valid_length` computes it.

    Parameters
    ----------
    X : torch.Tensor of shape (n_records, leads, times)
        Records.

    Returns
    -------
    lengths : torch.Tensor of shape (n_records,), int64
        Index after the last sample differing from the final one; ``times``
        when the constant tail is at most one sample long.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.augmentation._batch import valid_lengths
    >>> x = torch.zeros(2, 1, 10)
    >>> x[0, 0, :5] = 1.0
    >>> x[1] = torch.arange(10.0)
    >>> valid_lengths(x).tolist()
    [5, 10]
    """
    n_times = X.shape[-1]
    differs = (X != X[..., -1:]).any(dim=1)  # (n, times)
    pos = torch.arange(1, n_times + 1, device=X.device)
    last = (differs * pos).amax(dim=1)  # 0 when the record is constant
    last = torch.where(last == 0, torch.full_like(last, n_times), last)
    return torch.where(n_times - last <= 1, torch.full_like(last, n_times), last)


def batch_crop(x, lengths, crop_length: int, gen: torch.Generator):
    """Crop ``crop_length`` samples per record at a uniform start inside its length.

    Parameters
    ----------
    x : torch.Tensor of shape (batch, leads, times)
        Records.
    lengths : torch.Tensor of shape (batch,)
        Unpadded lengths (:func:`valid_lengths`).
    crop_length : int
        Crop length in samples (at most ``times``).
    gen : torch.Generator
        Generator on ``x.device``.

    Returns
    -------
    crops : torch.Tensor of shape (batch, leads, crop_length)
        As :class:`RandomCrop` draws them: start uniform in
        ``[0, max(min(length, times) - crop_length, 0)]``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.augmentation._batch import batch_crop
    >>> gen = torch.Generator().manual_seed(0)
    >>> x = torch.arange(10.0).repeat(3, 1, 1)
    >>> batch_crop(x, torch.tensor([10, 10, 4]), 4, gen)[2, 0].tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    n_times = x.shape[-1]
    last = (lengths.clamp(max=n_times) - crop_length).clamp(min=0)
    u = torch.rand(x.shape[0], generator=gen, device=x.device, dtype=torch.float64)
    start = torch.minimum((u * (last + 1)).long(), last)
    idx = start[:, None, None] + torch.arange(crop_length, device=x.device)
    return torch.gather(x, 2, idx.expand(-1, x.shape[1], -1))
