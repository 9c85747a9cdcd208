"""Train-time augmentations of single ECG samples.

Every transform acts on one sample of shape ``(n_leads, n_times)``, a numpy array
or a torch tensor, and draws its randomness from an explicit
:class:`numpy.random.Generator`, so a run is reproducible from ``random_state``.
Frequencies are in Hz and converted with the sampling rate ``sfreq``; amplitudes
are in the units of the (normally z-scored) signal. Transforms never modify
their input in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..utils._docs import fill_doc


def _as_like(values: np.ndarray, x):
    """Return ``values`` with the array type, dtype and device of ``x``."""
    if isinstance(x, torch.Tensor):
        return torch.as_tensor(values, dtype=x.dtype, device=x.device)
    return values.astype(x.dtype, copy=False)


#: The end of an augmentation's docstring up to its example's own lines.
_P_AND_IMPORTS = """\
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import {name}"""


def _augmentation_doc(**fragments: str):
    """Complete an augmentation's docstring from shared fragments.

    Its line ``%(p_and_imports)s`` becomes the entry of ``p`` (default 0.5), the
    Examples heading and the imports of numpy and the class; any other line
    ``%(name)s`` becomes ``fragments[name]`` (see ``utils._docs.fill_doc``).
    """

    def decorate(cls):
        tail = _P_AND_IMPORTS.format(name=cls.__name__)
        return fill_doc(p_and_imports=tail, **fragments)(cls)

    return decorate


class Augmentation:
    """Base class: apply :meth:`apply` with probability ``p``.

    Parameters
    ----------
    p : float, default=1.0
        Probability of applying the transform to a sample.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import PolarityFlip
    >>> flip = PolarityFlip(p=1.0)
    >>> flip(np.ones((2, 4)), np.random.default_rng(0), sfreq=500.0)[0, 0]
    np.float64(-1.0)
    """

    def __init__(self, p: float = 1.0):
        self.p = p

    def __call__(self, x, rng: np.random.Generator, sfreq: float):
        """Return an augmented copy of ``x`` (or ``x`` itself when skipped)."""
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"p={self.p!r} must lie in [0, 1].")
        if self.p < 1.0 and rng.random() >= self.p:
            return x
        return self.apply(x, rng, sfreq)

    def apply(self, x, rng: np.random.Generator, sfreq: float):
        """Transform one ``(n_leads, n_times)`` sample; subclasses implement it."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    __hash__ = None


class Identity(Augmentation):
    """Return the sample unchanged (an outcome of :func:`paper_augmentation`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import Identity
    >>> Identity()(np.ones((1, 3)), np.random.default_rng(0), 500.0).sum()
    np.float64(3.0)
    """

    def apply(self, x, rng, sfreq):
        """Return ``x``."""
        return x


@_augmentation_doc()
class GaussianNoise(Augmentation):
    """Add white Gaussian noise of standard deviation ``std``.

    Parameters
    ----------
    std : float, default=0.05
        Noise standard deviation, in signal units.
    %(p_and_imports)s
    >>> out = GaussianNoise(std=1.0, p=1.0)(np.zeros((12, 5000)),
    ...                                     np.random.default_rng(0), 500.0)
    >>> round(float(out.std()), 1)
    1.0
    """

    def __init__(self, std: float = 0.05, p: float = 0.5):
        super().__init__(p)
        self.std = std

    def apply(self, x, rng, sfreq):
        """Add the noise."""
        return x + _as_like(rng.normal(0.0, self.std, size=tuple(x.shape)), x)


@_augmentation_doc()
class AmplitudeScale(Augmentation):
    """Multiply by a gain drawn uniformly in ``scale`` (per lead or shared).

    Parameters
    ----------
    scale : tuple of float, default=(0.8, 1.2)
        Range of the gain.
    per_lead : bool, default=False
        Draw an independent gain for every lead.
    %(p_and_imports)s
    >>> out = AmplitudeScale((2.0, 2.0), p=1.0)(np.ones((1, 3)),
    ...                                         np.random.default_rng(0), 500.0)
    >>> out.tolist()
    [[2.0, 2.0, 2.0]]
    """

    def __init__(self, scale=(0.8, 1.2), per_lead: bool = False, p: float = 0.5):
        super().__init__(p)
        self.scale = scale
        self.per_lead = per_lead

    def apply(self, x, rng, sfreq):
        """Scale the sample."""
        n = x.shape[0] if self.per_lead else 1
        gain = rng.uniform(self.scale[0], self.scale[1], size=(n, 1))
        return x * _as_like(gain, x)


@_augmentation_doc()
class TimeShift(Augmentation):
    """Shift all leads in time by up to ``max_shift`` seconds, filling with zeros.

    Parameters
    ----------
    max_shift : float, default=0.2
        Largest shift in seconds, in either direction.
    %(p_and_imports)s
    >>> out = TimeShift(0.01, p=1.0)(np.ones((1, 100)), np.random.default_rng(0),
    ...                              100.0)
    >>> int((out == 0).sum())
    1
    """

    def __init__(self, max_shift: float = 0.2, p: float = 0.5):
        super().__init__(p)
        self.max_shift = max_shift

    def apply(self, x, rng, sfreq):
        """Shift the sample; vacated samples become zero."""
        max_n = int(round(self.max_shift * sfreq))
        shift = int(rng.integers(-max_n, max_n + 1)) if max_n > 0 else 0
        out = x * 0
        if shift > 0:
            out[..., shift:] = x[..., :-shift]
        elif shift < 0:
            out[..., :shift] = x[..., -shift:]
        else:
            out = out + x
        return out


@_augmentation_doc()
class PolarityFlip(Augmentation):
    """Multiply every lead by −1 (amplitude inversion, not time reversal).

    Parameters
    ----------
    %(p_and_imports)s
    >>> PolarityFlip(p=1.0)(np.ones((1, 2)), np.random.default_rng(0), 500.0).tolist()
    [[-1.0, -1.0]]
    """

    def __init__(self, p: float = 0.5):
        super().__init__(p)

    def apply(self, x, rng, sfreq):
        """Flip the sign."""
        return -x


@_augmentation_doc()
class TimeDropout(Augmentation):
    """Zero the same random time points in every lead (the rest is not rescaled).

    Parameters
    ----------
    rate : float, default=0.1
        Probability that a time point is zeroed.
    %(p_and_imports)s
    >>> out = TimeDropout(0.1, p=1.0)(np.ones((12, 5000)),
    ...                               np.random.default_rng(0), 500.0)
    >>> round(float((out[0] == 0).mean()), 1)
    0.1
    """

    def __init__(self, rate: float = 0.1, p: float = 0.5):
        super().__init__(p)
        self.rate = rate

    def apply(self, x, rng, sfreq):
        """Zero the drawn time points."""
        keep = rng.random(x.shape[-1]) >= self.rate
        return x * _as_like(keep[None, :].astype(np.float32), x)


@_augmentation_doc()
class LeadDropout(Augmentation):
    """Zero whole leads independently with probability ``rate``.

    Parameters
    ----------
    rate : float, default=0.2
        Probability that a lead is zeroed.
    %(p_and_imports)s
    >>> out = LeadDropout(1.0, p=1.0)(np.ones((3, 4)), np.random.default_rng(0), 1.0)
    >>> float(out.sum())
    0.0
    """

    def __init__(self, rate: float = 0.2, p: float = 0.5):
        super().__init__(p)
        self.rate = rate

    def apply(self, x, rng, sfreq):
        """Zero the drawn leads."""
        keep = rng.random(x.shape[0]) >= self.rate
        return x * _as_like(keep[:, None].astype(np.float32), x)


class Compose(Augmentation):
    """Apply each transform in turn (each with its own probability).

    Parameters
    ----------
    transforms : sequence of Augmentation
        The transforms.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import Compose, PolarityFlip
    >>> twice = Compose([PolarityFlip(p=1.0), PolarityFlip(p=1.0)])
    >>> twice(np.ones((1, 2)), np.random.default_rng(0), 500.0).tolist()
    [[1.0, 1.0]]
    """

    def __init__(self, transforms: Sequence[Augmentation]):
        super().__init__(1.0)
        self.transforms = list(transforms)

    def apply(self, x, rng, sfreq):
        """Chain the transforms."""
        for transform in self.transforms:
            x = transform(x, rng, sfreq)
        return x


class OneOf(Augmentation):
    """Apply exactly one transform, drawn with probabilities ``weights``.

    Parameters
    ----------
    transforms : sequence of Augmentation
        The candidates (each applied with its own ``p`` once chosen).
    weights : sequence of float, default=None
        Relative weights; uniform when None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import Identity, OneOf, PolarityFlip
    >>> aug = OneOf([Identity(), PolarityFlip(p=1.0)], weights=[0, 1])
    >>> aug(np.ones((1, 2)), np.random.default_rng(0), 500.0).tolist()
    [[-1.0, -1.0]]
    """

    def __init__(self, transforms: Sequence[Augmentation], weights=None):
        super().__init__(1.0)
        self.transforms = list(transforms)
        self.weights = weights

    def apply(self, x, rng, sfreq):
        """Draw one transform and apply it."""
        w = np.ones(len(self.transforms)) if self.weights is None else self.weights
        w = np.asarray(w, dtype=float)
        return self.transforms[rng.choice(len(w), p=w / w.sum())](x, rng, sfreq)
