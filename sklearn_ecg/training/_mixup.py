"""Mixup and CutMix of training batches of 1-D signals."""

from __future__ import annotations

import numpy as np
import torch


class BatchMixer:
    """Mix each training batch with a shuffled copy of itself (mixup/CutMix).

    Per batch, ``lam ~ Beta(alpha, alpha)`` and a random pairing ``perm``:

    - **mixup** (Zhang et al. 2018, arXiv:1710.09412):
      ``x = lam * x + (1 - lam) * x[perm]``;
    - **CutMix** (Yun et al. 2019, arXiv:1905.04899) in time: one random segment
      of ``round((1 - lam) * n_times)`` samples of every lead is taken from
      ``x[perm]``, and ``lam`` becomes the kept fraction.

    With both alphas set, each batch uses one of them with probability 1/2.
    The targets are mixed through the loss, ``lam * L(z, y) + (1 - lam) *
    L(z, y[perm])`` (:meth:`loss`), which for BCE and cross-entropy equals the
    loss on the mixed (soft) labels, multi-label targets included, and works
    with every criterion of the package.

    Parameters
    ----------
    mixup : float or None
        Beta parameter of mixup; None or 0 disables it.
    cutmix : float or None
        Beta parameter of CutMix; None or 0 disables it.
    seed : int
        Seed of the mixer's own numpy generator, so fits are reproducible.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import BatchMixer
    >>> mixer = BatchMixer(mixup=0.4, cutmix=None, seed=0)
    >>> x = torch.arange(8.0).reshape(4, 1, 2)
    >>> xm, perm, lam = mixer.mix(x)
    >>> torch.allclose(xm, lam * x + (1 - lam) * x[perm])
    True
    """

    def __init__(self, mixup: float | None, cutmix: float | None, seed: int):
        self.mixup = mixup or 0.0
        self.cutmix = cutmix or 0.0
        self.rng = np.random.default_rng(int(seed))

    def mix(self, x: torch.Tensor):
        """Return ``(mixed x, perm, lam)`` for a ``(batch, leads, times)`` tensor."""
        rng = self.rng
        perm = torch.from_numpy(rng.permutation(x.shape[0])).to(x.device)
        use_cutmix = self.cutmix > 0 and (self.mixup <= 0 or rng.random() < 0.5)
        if not use_cutmix:
            lam = float(rng.beta(self.mixup, self.mixup))
            return lam * x + (1.0 - lam) * x[perm], perm, lam
        n_times = x.shape[-1]
        width = int(round((1.0 - rng.beta(self.cutmix, self.cutmix)) * n_times))
        start = int(rng.integers(0, n_times - width + 1))
        out = x.clone()
        out[..., start : start + width] = x[perm][..., start : start + width]
        return out, perm, 1.0 - width / n_times

    @staticmethod
    def loss(criterion, logits, y, perm, lam: float):
        """``lam * criterion(logits, y) + (1 - lam) * criterion(logits, y[perm])``."""
        return lam * criterion(logits, y) + (1.0 - lam) * criterion(logits, y[perm])
