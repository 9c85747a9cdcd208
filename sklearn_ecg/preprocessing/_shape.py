"""Shape transformers: crop or pad to a fixed length, select and reorder leads."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils import STANDARD_LEADS, check_choice, check_int
from ..utils._docs import fill_doc
from ._base import (
    _FIT_TAIL_DOC,
    INPUT_ATTRIBUTES,
    _BaseECGTransformer,
    apply_chunked,
)

_MODES = ("center", "start", "end")
_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _is_ragged_list(X) -> bool:
    """Tell whether ``X`` is a list or tuple of 2-D records (lengths may differ)."""
    return (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(hasattr(x, "ndim") and x.ndim == 2 for x in X)
    )


def _validate_ragged(estimator, X, *, reset: bool) -> list[np.ndarray]:
    """Validate a list of 2-D ``(n_leads, n_times_i)`` records of equal lead count."""
    records = []
    for i, x in enumerate(X):
        x = np.asarray(x)
        if x.dtype not in (np.float32, np.float64):
            x = x.astype(np.float32)
        if x.shape[-1] == 0 or not np.isfinite(x).all():
            raise ValueError(
                f"X[{i}] is empty or contains NaN or inf (shape {x.shape}). Remove or "
                "impute the bad samples before passing the records."
            )
        records.append(x)
    n_leads = {x.shape[0] for x in records}
    if len(n_leads) > 1:
        raise ValueError(
            f"The records in X have different lead counts {sorted(n_leads)}. Select "
            "the same leads in every record first (e.g. with LeadSelector)."
        )
    n_leads = n_leads.pop()
    if reset:
        estimator.n_features_in_ = n_leads
    elif hasattr(estimator, "n_features_in_") and n_leads != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_leads} leads, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} leads as input. Pass records with the leads "
            "seen in fit."
        )
    return records


def _fix_length(x: np.ndarray, n_times: int, mode: str, pad_mode: str) -> np.ndarray:
    """Crop or pad the last axis of ``x`` to ``n_times`` samples."""
    diff = x.shape[-1] - n_times
    if diff >= 0:
        start = {"start": 0, "center": diff // 2, "end": diff}[mode]
        return x[..., start : start + n_times]
    diff = -diff
    before = {"start": 0, "center": diff // 2, "end": diff}[mode]
    width = [(0, 0)] * (x.ndim - 1) + [(before, diff - before)]
    return np.pad(x, width, mode=pad_mode)


class FixedLength(_BaseECGTransformer):
    """Crop or pad every record to the same number of time samples.

    Accepts a 3-D array, a 2-D array (one lead), or a list of 2-D
    ``(n_leads, n_times_i)`` records of different lengths, such as CPSC2018's
    6-60 s recordings, and returns one array with ``n_times`` samples per lead.
    The length is in samples, so it depends on the sampling rate: 5,000 samples
    are 10 s at the 500 Hz (``sfreq=500.0``) used by the other transformers.

    Parameters
    ----------
    n_times : int, default=5000
        Output length in samples (10 s at 500 Hz).
    mode : {"center", "start", "end"}, default="center"
        Which part of a longer record is kept, and where a shorter one is padded:
        ``"center"`` keeps the middle and pads both sides equally, ``"start"``
        keeps the beginning and pads at the end (the seed paper's choice), and
        ``"end"`` keeps the end and pads at the beginning.
    pad_mode : {"constant", "edge", "reflect", "symmetric", "wrap"}, \
default="constant"
        How to pad, as in :func:`numpy.pad`; ``"constant"`` pads with zeros.

    Attributes
    ----------
    n_features_in_ : int
        Number of leads of 3-D or list input, or of time samples of 2-D input.
    n_leads_in_ : int
        Number of leads seen in fit (1 for 2-D input).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import FixedLength
    >>> records = [np.ones((12, 3000)), np.ones((12, 7500))]
    >>> FixedLength(n_times=5000).fit_transform(records).shape
    (2, 12, 5000)
    """

    def __init__(self, n_times=5000, mode="center", pad_mode="constant"):
        self.n_times = n_times
        self.mode = mode
        self.pad_mode = pad_mode

    def _check_params(self):
        check_choice(self.mode, "mode", _MODES)
        check_choice(self.pad_mode, "pad_mode", _PAD_MODES)
        return check_int(self.n_times, "n_times")

    @fill_doc(fit_tail=_FIT_TAIL_DOC)
    def fit(self, X, y=None):
        """Validate the parameters and the input.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, \
n_times), or list of ndarray of shape (n_leads, n_times_i)
        %(fit_tail)s
        """
        if not _is_ragged_list(X):
            return super().fit(X, y)
        self._check_params()
        self._fit_ndim = 3
        self.n_leads_in_ = _validate_ragged(self, X, reset=True)[0].shape[0]
        return self

    def transform(self, X):
        """Crop or pad every record to ``n_times`` samples.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, \
n_times), or list of ndarray of shape (n_leads, n_times_i)
            ECG records; 2-D input is one lead. Never modified.

        Returns
        -------
        X_out : ndarray of shape (n_records, n_leads, self.n_times)
            The records, with the input's float dtype; 2-D input gives 2-D output.
        """
        if not _is_ragged_list(X):
            return super().transform(X)
        n_times = self._check_params()
        records = _validate_ragged(self, X, reset=False)
        dtype = np.result_type(*records)
        out = np.empty((len(records), records[0].shape[0], n_times), dtype=dtype)
        for i, x in enumerate(records):
            out[i] = _fix_length(x, n_times, self.mode, self.pad_mode)
        return out

    def _n_times_out(self, n_times: int) -> int:
        return self._check_params()

    def _transform(self, X, n_times):
        return apply_chunked(
            X, lambda c: _fix_length(c, n_times, self.mode, self.pad_mode), n_times
        )


class LeadSelector(_BaseECGTransformer):
    __doc__ = f"""Select and reorder leads by name or index.

    Names match ``lead_names`` without regard to case (``"aVR"`` = ``"AVR"``);
    an unknown name raises an error listing the available ones. For 3-D input
    the features, in scikit-learn's sense, are the leads: ``n_features_in_`` is
    the number of input leads and :meth:`get_feature_names_out` returns the
    selected lead names. 2-D input is a single lead, so only that lead can be
    selected and the time samples are passed through. The sampling rate plays no
    role here; the other transformers default to ``sfreq=500.0`` Hz.

    Parameters
    ----------
    leads : str, int, list of str or int, or None, default=None
        Leads to keep, in output order; ``None`` keeps all of them. Duplicates
        are not allowed.
    lead_names : sequence of str, default=("I", "II", "III", "aVR", "aVL", \
"aVF", "V1", ..., "V6")
        Names of the input leads, in order (the standard 12-lead order by
        default). Only needed to match names, so its length must equal the
        number of leads of ``X`` when ``leads`` contains names.

    Attributes
    ----------
    lead_indices_ : ndarray of shape (n_leads_out,)
        Indices of the selected leads in the input.
{INPUT_ATTRIBUTES}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import LeadSelector
    >>> X = np.zeros((2, 12, 1000))
    >>> sel = LeadSelector(leads=["II", "avr", "V1"]).fit(X)
    >>> sel.transform(X).shape, list(sel.get_feature_names_out())
    ((2, 3, 1000), ['II', 'aVR', 'V1'])
    """

    def __init__(self, leads=None, lead_names=STANDARD_LEADS):
        self.leads = leads
        self.lead_names = lead_names

    def _check_lead_names(self, n_leads: int) -> dict:
        names = self.lead_names
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise TypeError(
                f"lead_names must be a sequence of strings, got {names!r}. Pass e.g. "
                "lead_names=('I', 'II', 'V1')."
            )
        lower = [n.lower() for n in names]
        if len(set(lower)) != len(lower) or len(lower) != n_leads:
            raise ValueError(
                f"lead_names must name each of the {n_leads} leads of X once "
                f"(case-insensitive); got {len(names)} names {list(names)}. Pass "
                "lead_names listing the leads of X in order."
            )
        return {name: i for i, name in enumerate(lower)}

    def _resolve(self, n_leads: int) -> np.ndarray:
        leads = self.leads
        if leads is None:
            return np.arange(n_leads)
        if isinstance(leads, (str, numbers.Integral)):
            leads = [leads]
        index, found = None, []
        for lead in leads:
            if isinstance(lead, str):
                index = index or self._check_lead_names(n_leads)
                if lead.lower() not in index:
                    raise ValueError(
                        f"Unknown lead {lead!r} in leads. Available leads: "
                        f"{list(self.lead_names)} (case-insensitive), or indices "
                        f"0..{n_leads - 1}."
                    )
                found.append(index[lead.lower()])
            elif isinstance(lead, numbers.Integral) and not isinstance(lead, bool):
                if not -n_leads <= lead < n_leads:
                    raise ValueError(
                        f"Lead index {lead} in leads is out of range for X with "
                        f"{n_leads} leads. Use indices 0..{n_leads - 1}."
                    )
                found.append(int(lead) % n_leads)
            else:
                raise TypeError(
                    f"leads must hold lead names (str) or indices (int), got "
                    f"{lead!r}. Pass e.g. leads=['I', 'II'] or leads=[0, 1]."
                )
        if len(set(found)) != len(found) or not found:
            raise ValueError(
                f"leads={self.leads!r} is empty or selects a lead twice. List each "
                "lead once."
            )
        return np.asarray(found, dtype=np.intp)

    def _fit(self, X, params):
        self.lead_indices_ = self._resolve(X.shape[1])

    def _transform(self, X, params):
        return X[:, self._resolve(X.shape[1]), :]

    def get_feature_names_out(self, input_features=None):
        """Names of the output features: the selected leads for 3-D input.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; by default ``lead_names`` when it matches the
            lead count (3-D input), otherwise ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            For 3-D input the selected lead names; for 2-D input (one lead, the
            features are time samples) the input feature names.
        """
        check_is_fitted(self)
        if self._fit_ndim == 2:
            return _check_feature_names_in(self, input_features)
        if input_features is None and len(self.lead_names) == self.n_leads_in_:
            input_features = list(self.lead_names)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(names, dtype=object)[self.lead_indices_]
