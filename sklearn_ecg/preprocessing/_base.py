"""Shared machinery of the ECG transformers: validation, tags and chunking."""

from __future__ import annotations

import os
import sys

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils import validate_ecg
from ..utils._checks import is_finite_real
from ..utils._docs import fill_doc

# Records are processed in chunks of about this many samples (all leads and time
# points), so scipy's float64 temporaries stay near 8 MiB each whatever the input.
_CHUNK_SAMPLES = 2**20

#: numpydoc entries of the attributes every ECG transformer learns in ``fit``.
INPUT_ATTRIBUTES = """\
    n_features_in_ : int
        Number of leads of 3-D input, or of time samples of 2-D input, seen in fit.
    n_leads_in_ : int
        Number of leads seen in fit (1 for 2-D input)."""


class ShortRecordWarning(UserWarning):
    """Warning raised when a record is too short for a filter's full edge padding.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ecg.preprocessing import ShortRecordWarning
    >>> warnings.simplefilter("ignore", ShortRecordWarning)
    """


def external_stacklevel() -> int:
    """Return the ``stacklevel`` that points a warning at the user's code.

    Counted from the caller of this function, skipping frames inside this package
    and scikit-learn (whose ``set_output`` wrappers add a varying number).
    """
    import sklearn

    inside = tuple(
        os.path.dirname(os.path.dirname(m.__file__)) + os.sep + m.__name__ + os.sep
        for m in (sys.modules[__package__.split(".")[0]], sklearn)
    )
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(inside):
        frame, level = frame.f_back, level + 1
    return level


def _input_ndim(X) -> int:
    """Return the number of dimensions of ``X`` (arrays are not converted)."""
    if hasattr(X, "ndim"):
        return X.ndim
    try:
        return np.asarray(X, dtype=object).ndim
    except (TypeError, ValueError):
        # Let the shared validator produce its (clearer) error message.
        return 3


def apply_chunked(X: np.ndarray, func, n_times_out: int | None = None) -> np.ndarray:
    """Apply ``func`` to record chunks of a 3-D array, writing into one output array.

    ``func`` maps a ``(n_chunk, n_leads, n_times)`` array to an array of shape
    ``(n_chunk, n_leads, n_times_out)``; its result is cast to ``X.dtype``.
    """
    n_records, n_leads, n_times = X.shape
    n_times_out = n_times if n_times_out is None else n_times_out
    out = np.empty((n_records, n_leads, n_times_out), dtype=X.dtype)
    step = max(1, _CHUNK_SAMPLES // max(1, n_leads * max(n_times, n_times_out)))
    for start in range(0, n_records, step):
        chunk = slice(start, start + step)
        out[chunk] = func(X[chunk])
    return out


def check_frequency(value, name: str, sfreq: float, *, allow_none: bool = False):
    """Check a frequency in Hz lies strictly between 0 and the Nyquist frequency."""
    if value is None and allow_none:
        return None
    nyquist = sfreq / 2.0
    if not is_finite_real(value) or not 0 < value < nyquist:
        raise ValueError(
            f"{name} must be a frequency in Hz strictly between 0 and the Nyquist "
            f"frequency sfreq/2 = {nyquist:g} Hz (sfreq={sfreq:g}); got {value!r}. "
            f"Lower {name}, or pass the true sampling rate of your records as sfreq."
        )
    return float(value)


#: The end of the Parameters and the Returns of every transformer's ``fit``.
_FIT_TAIL_DOC = """\
            ECG records; 2-D input is one lead.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
""".rstrip()


class _BaseECGTransformer(TransformerMixin, BaseEstimator):
    """Base of the ECG transformers: validation, 2-D handling, tags and chunking.

    Subclasses implement ``_check_params`` (validate the hyper-parameters and
    return what the computation needs), ``_transform`` (3-D in, 3-D out) and,
    when stateful, ``_fit``. 2-D input is read as one lead and returned as 2-D.
    """

    #: Minimum number of time samples ``transform`` accepts.
    _min_times = 1

    def _is_stateless(self) -> bool:
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.requires_fit = not self._is_stateless()
        return tags

    def _check_params(self):
        return None

    def _n_times_out(self, n_times: int) -> int | None:
        """Output length for ``n_times`` input samples; ``None``: unchanged."""
        return None

    def _fit(self, X, params):
        return None

    @fill_doc(fit_tail=_FIT_TAIL_DOC)
    def fit(self, X, y=None):
        """Validate the parameters and the input; learn statistics if any.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
        %(fit_tail)s
        """
        params = self._check_params()
        self._fit_ndim = _input_ndim(X)
        X = validate_ecg(self, X, reset=True)
        self.n_leads_in_ = X.shape[1]
        self._fit(X, params)
        return self

    def transform(self, X):
        """Transform ECG records along the time axis.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            ECG records; 2-D input is one lead. Never modified.

        Returns
        -------
        X_out : ndarray of shape (n_records, n_leads_out, n_times_out)
            The transformed records, with the input's float dtype (float32 or
            float64; other dtypes become float32). 2-D input gives 2-D output.
        """
        if not self._is_stateless():
            check_is_fitted(self)
        params = self._check_params()
        two_d = _input_ndim(X) == 2
        X = validate_ecg(self, X, reset=False, min_times=self._min_times)
        out = self._transform(X, params)
        return out[:, 0, :] if two_d and out.shape[1] == 1 else out

    def get_feature_names_out(self, input_features=None):
        """Get output feature names.

        For 3-D input the features are the leads, which pass through unchanged.
        For 2-D input (one lead) they are the time samples: unchanged names when
        the length is kept, otherwise ``<classname>0, <classname>1, ...``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; ``x0, x1, ...`` by default, or the column names
            of a DataFrame seen in fit.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The output feature names.
        """
        check_is_fitted(self, "n_features_in_")
        names = _check_feature_names_in(self, input_features)
        n_out = self._n_times_out(self.n_features_in_)
        if self._fit_ndim != 2 or n_out is None:
            return names
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)
