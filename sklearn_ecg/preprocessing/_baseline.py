"""Baseline-wander removal: median filters, high-pass or the seed paper's wavelet."""

from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

from ..utils import check_choice, check_sfreq
from ._base import INPUT_ATTRIBUTES, _BaseECGTransformer, apply_chunked
from ._filters import sosfiltfilt_chunked

_METHODS = ("median", "highpass", "wavelet")
# The seed paper gives up after this many DWT levels (flat or zero leads).
_MAX_LEVELS = 100


def _import_pywt():
    try:
        import pywt
    except ImportError as exc:
        raise ImportError(
            "BaselineWanderRemover(method='wavelet') needs PyWavelets, which is not "
            'installed. Install the extra with `pip install "sklearn-ecg[wavelet]"` '
            "(or `pip install PyWavelets`), or use method='median' or 'highpass'."
        ) from exc
    return pywt


def _odd_samples(seconds: float, sfreq: float) -> int:
    """Odd window length in samples closest to ``seconds`` (a median needs a centre)."""
    n = max(1, int(round(seconds * sfreq)))
    return n if n % 2 else n + 1


def _running_median(X: np.ndarray, size: int) -> np.ndarray:
    """Compute a running median along the last axis (reflected edges), vectorised.

    Equal to ``ndimage.median_filter(X, size, axes=(-1,))``, but about 30 times
    faster: scipy's fast rank filter only handles 1-D input, so the signals are
    laid end to end, each with its own reflected edges (``numpy.pad``'s
    "symmetric" is ndimage's "reflect"), so no window spans two signals.
    """
    half = size // 2
    width = [(0, 0)] * (X.ndim - 1) + [(half, half)]
    padded = np.pad(X, width, mode="symmetric")
    med = ndimage.median_filter(padded.reshape(-1), size=size, mode="reflect")
    return med.reshape(padded.shape)[..., half : half + X.shape[-1]]


def _median_baseline(X: np.ndarray, sfreq: float) -> np.ndarray:
    """Two-stage 200 ms then 600 ms running median along the last axis."""
    first = _running_median(X, _odd_samples(0.2, sfreq))
    return _running_median(first, _odd_samples(0.6, sfreq))


def _stop_levels(energies: np.ndarray) -> np.ndarray:
    """First level L >= 2 (1-based) whose detail energy is a strict local minimum.

    ``energies`` has shape ``(n_levels, n_signals)``; returns 0 where none exists.
    """
    e = energies
    is_min = (e[1:-1] < e[:-2]) & (e[1:-1] < e[2:])  # row i is level i + 2
    found = is_min.any(axis=0)
    return np.where(found, is_min.argmax(axis=0) + 2, 0)


def _wavelet_baseline(X: np.ndarray) -> np.ndarray:
    """Seed paper's db4 baseline, vectorised over signals.

    The method of Marques & Oliveira 2025, arXiv:2503.08960.

    One-level symmetric db4 DWTs are applied to the whole chunk at once, level by
    level, until every signal has found its stopping level or the level cap is hit.
    Signals without a stopping level (flat or zero leads) get a zero baseline.
    """
    pywt = _import_pywt()
    flat = X.reshape(-1, X.shape[-1])
    approx, energies = [flat], []
    decided = np.zeros(len(flat), dtype=bool)
    while len(energies) < _MAX_LEVELS + 1:
        a, d = pywt.dwt(approx[-1], "db4", mode="symmetric", axis=-1)
        approx.append(a)
        energies.append(np.einsum("ij,ij->i", d, d, dtype=np.float64))
        if len(energies) >= 3:
            decided = _stop_levels(np.asarray(energies)) > 0
            if decided.all():
                break
    levels = _stop_levels(np.asarray(energies))
    levels[levels > _MAX_LEVELS] = 0
    baseline = np.zeros_like(flat)
    for level in np.unique(levels[levels > 0]):
        rows = levels == level
        b = approx[level][rows]
        for k in range(level, 0, -1):
            # Details zeroed; trim the reconstruction to the finer level's length.
            b = pywt.idwt(b, None, "db4", mode="symmetric", axis=-1)
            b = b[:, : approx[k - 1].shape[-1]]
        baseline[rows] = b
    return baseline.reshape(X.shape)


class BaselineWanderRemover(_BaseECGTransformer):
    __doc__ = f"""Remove baseline wander (slow drift) from ECG records.

    Three methods, all applied along the time axis of every record and lead:

    - ``"median"``: the classic two-stage running median. A 200 ms median removes
      the QRS complexes and P waves, a 600 ms median of that removes the T waves,
      and the result, the baseline, is subtracted. Edges are reflected.
    - ``"highpass"``: a zero-phase 0.5 Hz Butterworth high-pass of order 4
      (:class:`BandpassFilter` with ``low_freq=0.5, high_freq=None``).
    - ``"wavelet"``: the seed paper's method. One-level ``db4`` DWTs (symmetric
      extension) are applied repeatedly to the approximation; the first level
      L >= 2 whose detail energy is below those of levels L-1 and L+1 is chosen,
      its approximation is reconstructed to full length with the details zeroed,
      and this baseline is subtracted. Flat or zero leads, which have no such
      level, get a zero baseline after at most 100 levels. Needs PyWavelets
      (``pip install "sklearn-ecg[wavelet]"``).

    Parameters
    ----------
    method : {{"median", "highpass", "wavelet"}}, default="median"
        The baseline estimator.
    sfreq : float, default=500.0
        Sampling rate of the records in Hz, used to size the median windows and
        the high-pass. The default, 500 Hz, is the rate of PTB-XL's
        high-resolution records, CPSC2018 and typical hospital exports.

    Attributes
    ----------
{INPUT_ATTRIBUTES}

    See Also
    --------
    BandpassFilter : A band-pass also removes drift below its low cut-off.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import BaselineWanderRemover
    >>> t = np.arange(5000) / 500.0
    >>> X = (1.0 + 0.5 * np.sin(2 * np.pi * 0.2 * t))[None, None, :]
    >>> Xc = BaselineWanderRemover(method="median").fit_transform(X)
    >>> bool(np.abs(Xc[..., 500:-500]).max() < 0.05)
    True
    """

    def __init__(self, method="median", sfreq=500.0):
        self.method = method
        self.sfreq = sfreq

    def _check_params(self):
        method = check_choice(self.method, "method", _METHODS)
        sfreq = check_sfreq(self.sfreq)
        if method == "highpass":
            if sfreq <= 1.0:
                raise ValueError(
                    f"method='highpass' cuts at 0.5 Hz, which needs sfreq > 1 Hz; "
                    f"got sfreq={sfreq!r}. Pass the true sampling rate."
                )
            return signal.butter(4, 0.5, btype="highpass", fs=sfreq, output="sos")
        if method == "wavelet":
            _import_pywt()
        return sfreq

    def _transform(self, X, params):
        if self.method == "highpass":
            return sosfiltfilt_chunked(X, params, type(self).__name__)
        if self.method == "median":
            return apply_chunked(X, lambda c: c - _median_baseline(c, params))
        return apply_chunked(X, lambda c: c - _wavelet_baseline(c))
