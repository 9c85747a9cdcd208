"""One shared input check for every estimator and transformer of the package."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import validate_data

from ._checks import is_finite_real

#: The standard 12-lead order used by PTB-XL, CPSC2018 and most hospital exports.
STANDARD_LEADS = (
    "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
)  # fmt: skip


def validate_ecg(
    estimator,
    X,
    *,
    reset: bool,
    dtype=(np.float32, np.float64),
    copy: bool = False,
    min_times: int = 1,
) -> np.ndarray:
    """Validate ECG input and return it as a 3-D float array.

    Built on :func:`sklearn.utils.validation.validate_data` with ``allow_nd=True``,
    so ``n_features_in_`` is set on ``reset=True`` and checked otherwise. For 3-D
    input ``n_features_in_`` is the number of leads; for 2-D input, which is read
    as one lead, it is the number of time samples, as scikit-learn expects for
    2-D data.

    Parameters
    ----------
    estimator : estimator instance
        The estimator that validates the data; receives ``n_features_in_``.
    X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
        ECG records. 2-D input is treated as a single lead.
    reset : bool
        Whether to (re)set ``n_features_in_`` (``True`` in ``fit``).
    dtype : type or tuple of types, default=(np.float32, np.float64)
        Accepted dtypes; input of another dtype is cast to the first one.
    copy : bool, default=False
        Whether to force a copy.
    min_times : int, default=1
        Minimum number of time samples.

    Returns
    -------
    X : ndarray of shape (n_records, n_leads, n_times)
        The validated array; a view of the input when no cast or copy is needed.

    Raises
    ------
    ValueError
        If ``X`` is 0-D, 1-D or more than 3-D, empty, or contains NaN or inf, or if
        its lead count differs from the one seen in fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn_ecg.utils import validate_ecg
    >>> validate_ecg(BaseEstimator(), np.zeros((4, 100)), reset=True).shape
    (4, 1, 100)
    """
    X_in = X
    _reject_low_ndim(X_in)
    if hasattr(X_in, "ndim") and X_in.ndim > 3:
        raise ValueError(
            f"X must be 3-D (n_records, n_leads, n_times) or 2-D (n_records, n_times)"
            f" for a single lead; got an array of shape {X_in.shape}. Reshape or "
            "squeeze the extra axes before passing it."
        )
    if getattr(X_in, "size", None) == 0 and X_in.ndim in (2, 3):
        # Keep sklearn's "0 feature(s) (shape=...) while a minimum of" wording.
        unit = "feature(s)" if X_in.ndim == 2 else "time sample(s)"
        raise ValueError(
            f"X is empty: found array with {X_in.shape[0]} sample(s) (records) and "
            f"{X_in.shape[-1]} {unit} (shape={X_in.shape}) while a minimum of 1 is "
            f"required by {type(estimator).__name__}. Pass at least one record "
            "with at least one lead and one time sample; check how X was loaded."
        )
    n_expected = getattr(estimator, "n_features_in_", None)
    if (
        not reset
        and n_expected is not None
        and getattr(X_in, "ndim", None) == 3
        and X_in.shape[1] != n_expected
    ):
        # Keep sklearn's wording (callers match it) and say that features are leads.
        raise ValueError(
            f"X has {X_in.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {n_expected} features as input (for 3-D X the features are "
            f"the leads: {X_in.shape[1]} given, {n_expected} seen in fit). Pass "
            "records with the leads used in fit (e.g. via "
            "sklearn_ecg.preprocessing.LeadSelector), or refit."
        )
    try:
        X = validate_data(
            estimator,
            X,
            reset=reset,
            allow_nd=True,
            dtype=list(dtype) if isinstance(dtype, tuple) else dtype,
            copy=copy,
            ensure_all_finite=True,
            ensure_min_samples=1,
            ensure_min_features=1,
        )
    except ValueError as exc:
        if str(exc).startswith("Complex data not supported"):
            # scikit-learn appends the whole array to this message.
            raise ValueError(
                "Complex data not supported: ECG records must be real. Pass the "
                "real part (X.real) or the magnitude (np.abs(X)) if that is meant."
            ) from None
        raise
    if X.ndim == 2:
        X = X[:, np.newaxis, :]
    elif X.ndim != 3:
        raise ValueError(
            f"X must be 3-D (n_records, n_leads, n_times) or 2-D (n_records, n_times)"
            f" for a single lead; got an array of shape {X.shape}. Reshape or "
            "squeeze the extra axes before passing it."
        )
    if X.shape[-1] < min_times:
        raise ValueError(
            f"X has {X.shape[-1]} time samples, but at least {min_times} are needed "
            f"by {type(estimator).__name__}. Use longer records or pad them with "
            "sklearn_ecg.preprocessing.FixedLength."
        )
    return X


def _reject_low_ndim(X) -> None:
    """Refuse 0-D and 1-D input in one line (scikit-learn prints the array)."""
    if hasattr(X, "ndim"):
        ndim = X.ndim
    elif isinstance(X, (list, tuple, numbers.Number)):
        try:
            ndim = np.ndim(X)
        except ValueError:  # a ragged list: left to validate_data's own message
            return
    else:  # other array-likes: validate_data converts and checks them
        return
    if ndim < 2:
        shape = getattr(X, "shape", np.shape(X))
        raise ValueError(
            f"X must be 3-D (n_records, n_leads, n_times) or 2-D (n_records, "
            f"n_times); got a {ndim}-D input of shape {shape}. Reshape your data: "
            "X.reshape(1, -1) for one record of one lead, X[np.newaxis] for one "
            "record."
        )


def check_sfreq(sfreq, name: str = "sfreq") -> float:
    """Check a sampling rate in Hz and return it as a float.

    Parameters
    ----------
    sfreq : float
        Sampling rate in Hz; must be finite and positive.
    name : str, default="sfreq"
        The parameter's name, used in the error message.

    Returns
    -------
    sfreq : float
        The validated rate.

    Raises
    ------
    ValueError
        If ``sfreq`` is not a finite positive number.

    Examples
    --------
    >>> from sklearn_ecg.utils import check_sfreq
    >>> check_sfreq(500)
    500.0
    """
    if not is_finite_real(sfreq) or sfreq <= 0:
        raise ValueError(
            f"{name} must be a positive sampling rate in Hz, got {sfreq!r}. Pass the "
            "rate of your recordings, e.g. sfreq=500.0."
        )
    return float(sfreq)
