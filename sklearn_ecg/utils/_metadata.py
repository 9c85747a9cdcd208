"""Compare the sampling rate and lead names of input records with a model's."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import check_sfreq


def _names(lead_names, what: str) -> list[str]:
    if isinstance(lead_names, str) or not all(isinstance(n, str) for n in lead_names):
        raise TypeError(
            f"{what} must be a sequence of lead names (str), got {lead_names!r}; "
            "e.g. lead_names=['I', 'II', 'V1']."
        )
    names = list(lead_names)
    keys = [n.upper() for n in names]
    if len(set(keys)) != len(keys):
        dup = sorted({n for n, k in zip(names, keys) if keys.count(k) > 1})
        raise ValueError(f"{what} names a lead twice: {dup}; name each lead once.")
    return names


def match_recording(
    X,
    *,
    sfreq: float | None = None,
    lead_names: Sequence[str] | None = None,
    expected_sfreq: float | None = None,
    expected_lead_names: Sequence[str] | None = None,
):
    """Check records' rate and leads against a model's; reorder leads by name.

    The one check used wherever records meet a fitted model: the classifiers'
    ``predict``/``predict_proba``/``decision_function``/``score`` (their
    ``sfreq=``/``lead_names=`` arguments),
    :func:`sklearn_ecg.classifiers.check_recording` for a Pipeline, and
    ``sklearn-ecg predict``/``evaluate``. A side that is ``None`` (unknown) is
    not compared. Lead names match without regard to case (``aVR`` = ``AVR``).

    Parameters
    ----------
    X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
        Records; 2-D input is one lead. Never modified.
    sfreq : float, default=None
        Sampling rate of ``X`` in Hz.
    lead_names : sequence of str, default=None
        Names of the leads of ``X``, in order (one per lead).
    expected_sfreq : float, default=None
        The model's sampling rate in Hz.
    expected_lead_names : sequence of str, default=None
        The model's leads, in order.

    Returns
    -------
    X : ndarray or array-like
        ``X`` itself when nothing needs to change, otherwise a new array holding
        the model's leads in the model's order (extra leads left out).

    Raises
    ------
    ValueError
        If the rates differ (resample with
        :class:`~sklearn_ecg.preprocessing.Resampler`, or ``--resample`` in the
        CLI), if a lead of the model is missing from ``lead_names`` (select
        leads with :class:`~sklearn_ecg.preprocessing.LeadSelector` or use a
        model trained on these leads), or if ``lead_names`` does not name each
        lead of ``X`` once.
    TypeError
        If ``lead_names`` is not a sequence of str.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.utils import match_recording
    >>> X = np.arange(6.0).reshape(1, 3, 2)
    >>> match_recording(X, lead_names=["V1", "I", "II"],
    ...                 expected_lead_names=["I", "II", "V1"])[0, :, 0]
    array([2., 4., 0.])
    """
    if sfreq is not None and expected_sfreq is not None:
        got, want = check_sfreq(sfreq), check_sfreq(expected_sfreq)
        if not np.isclose(got, want, rtol=1e-6, atol=0.0):
            raise ValueError(
                f"The records are sampled at {got:g} Hz but the model expects "
                f"{want:g} Hz. Resample them first with sklearn_ecg.preprocessing."
                f"Resampler(sfreq={got:g}, sfreq_out={want:g}) (CLI: --resample)."
            )
    if lead_names is None or expected_lead_names is None:
        return X
    ours = _names(lead_names, "lead_names")
    model = _names(expected_lead_names, "the model's lead_names")
    X = X if hasattr(X, "ndim") and hasattr(X, "shape") else np.asarray(X)
    n_leads = X.shape[1] if X.ndim == 3 else 1
    if X.ndim not in (2, 3) or len(ours) != n_leads:
        raise ValueError(
            f"lead_names lists {len(ours)} leads ({ours}) but X of shape "
            f"{tuple(X.shape)} has {n_leads}; pass one name per lead of X, in order."
        )
    position = {n.upper(): i for i, n in enumerate(ours)}
    missing = [n for n in model if n.upper() not in position]
    if missing:
        raise ValueError(
            f"The records lack the lead(s) {missing} that the model uses (model: "
            f"{model}; records: {ours}). Use records with these leads, or a model "
            "trained on the leads you have (select them with sklearn_ecg."
            "preprocessing.LeadSelector before training)."
        )
    order = [position[n.upper()] for n in model]
    if order == list(range(n_leads)):
        return X
    return np.asarray(X)[:, order, :]
