"""Zero-phase IIR filters: Butterworth band-pass and mains notch."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import signal

from ..utils import check_int, check_sfreq
from ..utils._checks import is_finite_real
from ._base import (
    INPUT_ATTRIBUTES,
    ShortRecordWarning,
    _BaseECGTransformer,
    apply_chunked,
    check_frequency,
    external_stacklevel,
)


def _default_padlen(sos: np.ndarray) -> int:
    """Return the edge padding :func:`scipy.signal.sosfiltfilt` uses by default."""
    n_zeros = min((sos[:, 2] == 0).sum(), (sos[:, 5] == 0).sum())
    return int(3 * (2 * len(sos) + 1 - n_zeros))


def sosfiltfilt_chunked(X: np.ndarray, sos: np.ndarray, owner: str) -> np.ndarray:
    """Zero-phase ``sos`` filtering of a 3-D array along time, chunk by chunk.

    Records shorter than scipy's default edge padding are filtered with the padding
    reduced to ``n_times - 1`` and a :class:`ShortRecordWarning`.
    """
    # Fitted arrays may be read-only after unpickling; scipy wants its own copy.
    sos = np.array(sos, dtype=np.float64, copy=True)
    n_times = X.shape[-1]
    padlen = _default_padlen(sos)
    if n_times <= padlen:
        warnings.warn(
            f"{owner}: records of {n_times} samples are shorter than the filter's "
            f"edge padding of {padlen} samples; the padding is reduced to "
            f"{n_times - 1}, so the first and last samples carry edge transients. "
            "Use longer records for exact results.",
            ShortRecordWarning,
            stacklevel=external_stacklevel(),
        )
        padlen = n_times - 1
    return apply_chunked(
        X, lambda chunk: signal.sosfiltfilt(sos, chunk, axis=-1, padlen=padlen)
    )


class _SOSFilter(_BaseECGTransformer):
    """Stateless zero-phase filter defined by second-order sections ``sos_``."""

    # Two samples allow one sample of odd-extension padding at each edge.
    _min_times = 2

    def _fit(self, X, params):
        self.sos_ = params

    def _transform(self, X, params):
        return sosfiltfilt_chunked(X, params, type(self).__name__)


class BandpassFilter(_SOSFilter):
    __doc__ = f"""Zero-phase Butterworth band-pass, low-pass or high-pass filter.

    The filter is designed in second-order sections and applied forward and
    backward with :func:`scipy.signal.sosfiltfilt` along the time axis of all
    records and leads at once, so it adds no phase shift and its effective order
    is twice ``order``. The gain is -6 dB at each cut-off.

    Records shorter than scipy's default edge padding (``3 * (2 * n_sections + 1)``
    samples, 27 for the default design) are filtered with the padding reduced to
    ``n_times - 1`` and a :class:`ShortRecordWarning`; records of fewer than 2
    samples are rejected.

    Parameters
    ----------
    low_freq : float or None, default=0.5
        Lower cut-off in Hz. ``None`` makes the filter a low-pass.
    high_freq : float or None, default=45.0
        Upper cut-off in Hz, below the Nyquist frequency ``sfreq / 2``. ``None``
        makes the filter a high-pass.
    sfreq : float, default=500.0
        Sampling rate of the records in Hz. The default, 500 Hz, is the rate of
        PTB-XL's high-resolution records, CPSC2018 and typical hospital exports.
    order : int, default=4
        Butterworth order of each edge (doubled by the forward-backward pass).

    Attributes
    ----------
    sos_ : ndarray of shape (n_sections, 6)
        The second-order sections of the designed filter.
{INPUT_ATTRIBUTES}

    See Also
    --------
    NotchFilter : Remove mains interference.
    BaselineWanderRemover : Remove baseline drift.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import BandpassFilter
    >>> X = np.random.default_rng(0).normal(size=(2, 12, 5000)).astype(np.float32)
    >>> Xf = BandpassFilter(low_freq=0.5, high_freq=45.0).fit_transform(X)
    >>> Xf.shape, Xf.dtype
    ((2, 12, 5000), dtype('float32'))
    """

    def __init__(self, low_freq=0.5, high_freq=45.0, sfreq=500.0, order=4):
        self.low_freq = low_freq
        self.high_freq = high_freq
        self.sfreq = sfreq
        self.order = order

    def _check_params(self):
        sfreq = check_sfreq(self.sfreq)
        order = check_int(self.order, "order")
        low = check_frequency(self.low_freq, "low_freq", sfreq, allow_none=True)
        high = check_frequency(self.high_freq, "high_freq", sfreq, allow_none=True)
        if low is None and high is None:
            raise ValueError(
                "low_freq and high_freq are both None, which leaves nothing to "
                "filter. Set low_freq for a high-pass, high_freq for a low-pass, or "
                "both for a band-pass."
            )
        if low is not None and high is not None and low >= high:
            raise ValueError(
                f"low_freq ({low!r} Hz) must be below high_freq ({high!r} Hz). Swap "
                "them, or set one of them to None for a high- or low-pass."
            )
        if low is None:
            wn, btype = high, "lowpass"
        elif high is None:
            wn, btype = low, "highpass"
        else:
            wn, btype = (low, high), "bandpass"
        return signal.butter(order, wn, btype=btype, fs=sfreq, output="sos")


class NotchFilter(_SOSFilter):
    __doc__ = f"""Zero-phase notch filter removing mains interference and its harmonics.

    Each notch is a second-order IIR filter (:func:`scipy.signal.iirnotch`) at
    ``k * freq`` for ``k = 1 .. harmonics``; harmonics at or above the Nyquist
    frequency are skipped. All notches are cascaded into one set of second-order
    sections and applied forward and backward with :func:`scipy.signal.sosfiltfilt`,
    so the gain at each notch frequency is zero and there is no phase shift.
    Short records get the reduced edge padding described in :class:`BandpassFilter`.

    Parameters
    ----------
    freq : float, default=50.0
        Mains frequency in Hz (50 in Europe and most of Asia, 60 in the Americas),
        below the Nyquist frequency ``sfreq / 2``.
    quality : float, default=30.0
        Quality factor: the -3 dB width of each notch is ``freq / quality`` Hz.
    sfreq : float, default=500.0
        Sampling rate of the records in Hz. The default, 500 Hz, is the rate of
        PTB-XL's high-resolution records, CPSC2018 and typical hospital exports.
    harmonics : int, default=1
        Number of notches: 1 removes ``freq`` only, 3 also removes ``2 * freq``
        and ``3 * freq`` where they lie below Nyquist.

    Attributes
    ----------
    sos_ : ndarray of shape (n_notches, 6)
        The second-order sections, one per notch.
{INPUT_ATTRIBUTES}

    See Also
    --------
    BandpassFilter : Butterworth band-pass filter.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import NotchFilter
    >>> t = np.arange(5000) / 500.0
    >>> X = np.sin(2 * np.pi * 50.0 * t)[None, None, :]
    >>> Xf = NotchFilter(freq=50.0).fit_transform(X)
    >>> bool(np.abs(Xf[..., 1000:4000]).max() < 0.03)
    True
    """

    def __init__(self, freq=50.0, quality=30.0, sfreq=500.0, harmonics=1):
        self.freq = freq
        self.quality = quality
        self.sfreq = sfreq
        self.harmonics = harmonics

    def _check_params(self):
        sfreq = check_sfreq(self.sfreq)
        freq = check_frequency(self.freq, "freq", sfreq)
        harmonics = check_int(self.harmonics, "harmonics")
        quality = self.quality
        if not is_finite_real(quality) or quality <= 0:
            raise ValueError(
                f"quality must be a positive number, got {quality!r}. The notch "
                "width is freq / quality Hz; pass e.g. quality=30.0."
            )
        freqs = [k * freq for k in range(1, harmonics + 1) if k * freq < sfreq / 2]
        sections = [
            signal.tf2sos(*signal.iirnotch(f, float(quality), fs=sfreq)) for f in freqs
        ]
        return np.vstack(sections)
