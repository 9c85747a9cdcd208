"""Polyphase resampling to a new sampling rate."""

from __future__ import annotations

import math
from fractions import Fraction

from scipy import signal

from ..utils import check_sfreq
from ._base import INPUT_ATTRIBUTES, _BaseECGTransformer, apply_chunked

# Largest up/down factor: keeps the polyphase filter short (ratios like 500 -> 360
# Hz are 18/25); rates that need more are almost certainly a unit mistake.
_MAX_FACTOR = 1000


def _rational_ratio(sfreq_out: float, sfreq: float) -> tuple[int, int]:
    ratio = Fraction(sfreq_out / sfreq).limit_denominator(_MAX_FACTOR)
    if (
        ratio.numerator > _MAX_FACTOR
        or abs(float(ratio) - sfreq_out / sfreq) > 1e-9 * sfreq_out / sfreq
    ):
        raise ValueError(
            f"sfreq_out / sfreq = {sfreq_out:g} / {sfreq:g} is not a ratio of "
            f"integers up to {_MAX_FACTOR}. Pick an sfreq_out with a simpler ratio "
            "to sfreq, e.g. 100.0, 250.0 or 500.0 Hz."
        )
    return ratio.numerator, ratio.denominator


class Resampler(_BaseECGTransformer):
    __doc__ = f"""Resample ECG records to a new sampling rate with a polyphase filter.

    The rate change ``sfreq_out / sfreq`` is written as a ratio of integers
    ``up / down`` and applied with :func:`scipy.signal.resample_poly` (Kaiser
    anti-aliasing filter, zero phase) along the time axis of all records and leads.
    The output has ``ceil(n_times * up / down)`` samples.

    Parameters
    ----------
    sfreq_out : float, default=100.0
        Target sampling rate in Hz.
    sfreq : float, default=500.0
        Sampling rate of the input records in Hz. The default, 500 Hz, is the rate
        of PTB-XL's high-resolution records, CPSC2018 and typical hospital exports.

    Attributes
    ----------
    up_ : int
        Up-sampling factor.
    down_ : int
        Down-sampling factor.
{INPUT_ATTRIBUTES}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import Resampler
    >>> X = np.zeros((3, 12, 5000), dtype=np.float32)
    >>> Resampler(sfreq_out=100.0, sfreq=500.0).fit_transform(X).shape
    (3, 12, 1000)
    """

    def __init__(self, sfreq_out=100.0, sfreq=500.0):
        self.sfreq_out = sfreq_out
        self.sfreq = sfreq

    def _check_params(self):
        sfreq = check_sfreq(self.sfreq)
        sfreq_out = check_sfreq(self.sfreq_out, "sfreq_out")
        return _rational_ratio(sfreq_out, sfreq)

    def _fit(self, X, params):
        self.up_, self.down_ = params

    def _n_times_out(self, n_times: int) -> int:
        up, down = self._check_params()
        return math.ceil(n_times * up / down)

    def _transform(self, X, params):
        up, down = params
        n_out = math.ceil(X.shape[-1] * up / down)
        return apply_chunked(
            X, lambda c: signal.resample_poly(c, up, down, axis=-1), n_out
        )
