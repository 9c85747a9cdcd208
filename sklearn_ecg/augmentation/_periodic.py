"""Frequency-drawing augmentations and their Nyquist check.

:class:`BaselineWander`, :class:`SineNoise` and :class:`SquarePulse` add a wave
whose frequency, in Hz, is drawn from a ``freq`` range; :func:`check_nyquist`
checks those ranges against a sampling rate before training.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._augment import Augmentation, _as_like, _augmentation_doc


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


@_augmentation_doc()
class BaselineWander(Augmentation):
    """Add a slow sinusoidal drift (respiration-like baseline wander).

    Parameters
    ----------
    amplitude : tuple of float, default=(0.05, 0.5)
        Range of the drift amplitude.
    freq : tuple of float, default=(0.05, 0.5)
        Range of the drift frequency in Hz.
    %(p_and_imports)s
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


def _wave_parameters(amplitude: str, freq: str, cycles: str) -> str:
    """Return the Parameters heading and the ``amplitude``/``freq`` entries.

    ``amplitude`` and ``freq`` are the defaults as the signature writes them;
    ``cycles`` is the paper's frequency range in cycles/sample at 500 Hz.
    """
    return f"""\
    Parameters
    ----------
    amplitude : tuple of float, default={amplitude}
        Range of ``a`` (the paper's values).
    freq : tuple of float, default={freq}
        Range of ``f`` in Hz (the paper's {cycles} cycles/sample at 500 Hz)."""


@_augmentation_doc(wave=_wave_parameters("(0.25, 1.0)", "(0.5, 10.0)", "0.001–0.02"))
class SineNoise(_PeriodicNoise):
    """Add ``a·sin(2πft)`` (zero phase) to every lead; f in Hz.

    %(wave)s
    %(p_and_imports)s
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


@_augmentation_doc(wave=_wave_parameters("(0.005, 0.02)", "(0.5, 50.0)", "0.001–0.1"))
class SquarePulse(_PeriodicNoise):
    """Add a ±a square wave of frequency f (50 % duty cycle) to every lead.

    %(wave)s
    %(p_and_imports)s
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
