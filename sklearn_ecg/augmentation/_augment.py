"""Train-time augmentations of single ECG samples.

Every transform acts on one sample of shape ``(n_leads, n_times)``, a numpy array
or a torch tensor, and draws its randomness from an explicit
:class:`numpy.random.Generator`, so a run is reproducible from ``random_state``.
Frequencies are in Hz and converted with the sampling rate ``sfreq``; amplitudes
are in the units of the (normally z-scored) signal. Transforms never modify
their input in place.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import torch


def _as_like(values: np.ndarray, x):
    """Return ``values`` with the array type, dtype and device of ``x``."""
    if isinstance(x, torch.Tensor):
        return torch.as_tensor(values, dtype=x.dtype, device=x.device)
    return values.astype(x.dtype, copy=False)


def _uniform(rng: np.random.Generator, bounds) -> float:
    low, high = bounds
    return float(rng.uniform(low, high))


def _wave_draw(x, rng: np.random.Generator, sfreq: float, amplitude, freq):
    """Sample times (s) of ``x`` and one amplitude then one frequency (Hz) draw.

    Frequencies are drawn below the Nyquist frequency ``sfreq / 2`` (see
    :func:`check_nyquist`).
    """
    t = np.arange(x.shape[-1]) / sfreq
    low, high = freq
    return t, _uniform(rng, amplitude), _uniform(rng, (low, min(high, sfreq / 2)))


def _leaves(augmentation):
    """Yield the transforms inside ``Compose``/``OneOf`` trees."""
    children = getattr(augmentation, "transforms", None)
    if children is None:
        yield augmentation
        return
    for child in children:
        yield from _leaves(child)


def check_nyquist(augmentation, sfreq: float) -> None:
    """Check the frequency ranges of an augmentation against ``sfreq / 2``.

    Transforms with a ``freq`` range in Hz (``SineNoise``, ``SquarePulse``,
    ``BaselineWander``) draw their frequency below the Nyquist frequency: a
    range reaching above it is clipped to it, with a warning; a range lying
    wholly at or above it is an error. The classifiers call this in ``fit``.

    Parameters
    ----------
    augmentation : Augmentation
        A transform, or a ``Compose``/``OneOf`` of transforms.
    sfreq : float
        Sampling rate of the records in Hz.

    Raises
    ------
    ValueError
        If a ``freq`` range starts at or above ``sfreq / 2``.

    Warns
    -----
    UserWarning
        Naming each transform whose range is clipped.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ecg.augmentation import check_nyquist, paper_augmentation
    >>> check_nyquist(paper_augmentation(), 100.0)  # 50 Hz square wave: at Nyquist
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_nyquist(paper_augmentation(), 50.0)
    >>> "clipped to 25 Hz" in str(caught[0].message)
    True
    """
    nyquist = float(sfreq) / 2
    clipped = []
    for leaf in _leaves(augmentation):
        freq = getattr(leaf, "freq", None)
        if freq is None:
            continue
        low, high = freq
        name = f"{type(leaf).__name__}(freq=({low:g}, {high:g}))"
        if low >= nyquist:
            raise ValueError(
                f"{name} draws frequencies at or above the Nyquist frequency "
                f"{nyquist:g} Hz of sfreq={sfreq:g} Hz. Lower its freq range below "
                f"{nyquist:g} Hz, leave it out, or train on records sampled faster."
            )
        if high > nyquist:
            clipped.append(name)
    if clipped:
        warnings.warn(
            f"{', '.join(clipped)} reach above the Nyquist frequency {nyquist:g} Hz "
            f"of sfreq={sfreq:g} Hz: their frequencies are clipped to {nyquist:g} Hz. "
            f"Pass freq=(low, {nyquist:g}) or less to silence this.",
            UserWarning,
            stacklevel=3,
        )


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


class GaussianNoise(Augmentation):
    """Add white Gaussian noise of standard deviation ``std``.

    Parameters
    ----------
    std : float, default=0.05
        Noise standard deviation, in signal units.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import GaussianNoise
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


class AmplitudeScale(Augmentation):
    """Multiply by a gain drawn uniformly in ``scale`` (per lead or shared).

    Parameters
    ----------
    scale : tuple of float, default=(0.8, 1.2)
        Range of the gain.
    per_lead : bool, default=False
        Draw an independent gain for every lead.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import AmplitudeScale
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


class BaselineWander(Augmentation):
    """Add a slow sinusoidal drift (respiration-like baseline wander).

    Parameters
    ----------
    amplitude : tuple of float, default=(0.05, 0.5)
        Range of the drift amplitude.
    freq : tuple of float, default=(0.05, 0.5)
        Range of the drift frequency in Hz.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import BaselineWander
    >>> out = BaselineWander(p=1.0)(np.zeros((2, 5000)), np.random.default_rng(0),
    ...                             500.0)
    >>> bool(np.abs(out).max() <= 0.5)
    True
    """

    def __init__(self, amplitude=(0.05, 0.5), freq=(0.05, 0.5), p: float = 0.5):
        super().__init__(p)
        self.amplitude = amplitude
        self.freq = freq

    def apply(self, x, rng, sfreq):
        """Add the drift, with a random phase per lead."""
        t, amp, f = _wave_draw(x, rng, sfreq, self.amplitude, self.freq)
        phase = rng.uniform(0, 2 * np.pi, size=(x.shape[0], 1))
        return x + _as_like(amp * np.sin(2 * np.pi * f * t + phase), x)


class TimeShift(Augmentation):
    """Shift all leads in time by up to ``max_shift`` seconds, filling with zeros.

    Parameters
    ----------
    max_shift : float, default=0.2
        Largest shift in seconds, in either direction.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import TimeShift
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


class PolarityFlip(Augmentation):
    """Multiply every lead by −1 (amplitude inversion, not time reversal).

    Parameters
    ----------
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import PolarityFlip
    >>> PolarityFlip(p=1.0)(np.ones((1, 2)), np.random.default_rng(0), 500.0).tolist()
    [[-1.0, -1.0]]
    """

    def __init__(self, p: float = 0.5):
        super().__init__(p)

    def apply(self, x, rng, sfreq):
        """Flip the sign."""
        return -x


class TimeDropout(Augmentation):
    """Zero the same random time points in every lead (the rest is not rescaled).

    Parameters
    ----------
    rate : float, default=0.1
        Probability that a time point is zeroed.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import TimeDropout
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


class LeadDropout(Augmentation):
    """Zero whole leads independently with probability ``rate``.

    Parameters
    ----------
    rate : float, default=0.2
        Probability that a lead is zeroed.
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import LeadDropout
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


class _PeriodicNoise(Augmentation):
    """Add a periodic wave of random amplitude and frequency to every lead."""

    def __init__(self, amplitude, freq, p: float):
        super().__init__(p)
        self.amplitude = amplitude
        self.freq = freq

    def apply(self, x, rng, sfreq):
        """Add the wave."""
        t, amp, f = _wave_draw(x, rng, sfreq, self.amplitude, self.freq)
        return x + _as_like(self._wave(2 * np.pi * f * t, amp)[None, :], x)


class SineNoise(_PeriodicNoise):
    """Add ``a·sin(2πft)`` (zero phase) to every lead; f in Hz.

    Parameters
    ----------
    amplitude : tuple of float, default=(0.25, 1.0)
        Range of ``a`` (the paper's values).
    freq : tuple of float, default=(0.5, 10.0)
        Range of ``f`` in Hz (the paper's 0.001–0.02 cycles/sample at 500 Hz).
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import SineNoise
    >>> out = SineNoise((1.0, 1.0), (1.0, 1.0), p=1.0)(
    ...     np.zeros((1, 500)), np.random.default_rng(0), 500.0)
    >>> round(float(out.max()), 3)
    1.0
    """

    def __init__(self, amplitude=(0.25, 1.0), freq=(0.5, 10.0), p: float = 0.5):
        super().__init__(amplitude, freq, p)

    @staticmethod
    def _wave(phase, amp):
        return amp * np.sin(phase)


class SquarePulse(_PeriodicNoise):
    """Add a ±a square wave of frequency f (50 % duty cycle) to every lead.

    Parameters
    ----------
    amplitude : tuple of float, default=(0.005, 0.02)
        Range of ``a`` (the paper's values).
    freq : tuple of float, default=(0.5, 50.0)
        Range of ``f`` in Hz (the paper's 0.001–0.1 cycles/sample at 500 Hz).
    p : float, default=0.5
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.augmentation import SquarePulse
    >>> out = SquarePulse((0.01, 0.01), p=1.0)(np.zeros((1, 500)),
    ...                                        np.random.default_rng(0), 500.0)
    >>> sorted(set(np.round(out[0], 3).tolist()))
    [-0.01, 0.01]
    """

    def __init__(self, amplitude=(0.005, 0.02), freq=(0.5, 50.0), p: float = 0.5):
        super().__init__(amplitude, freq, p)

    @staticmethod
    def _wave(phase, amp):
        # sign(sin) is scipy.signal.square at 50 % duty, except exactly at zeros.
        return np.where(np.sin(phase) >= 0, amp, -amp)


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
