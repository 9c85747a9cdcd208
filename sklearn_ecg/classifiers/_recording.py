"""Check records against a fitted classifier or Pipeline before predicting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..preprocessing import LeadSelector, Resampler
from ..utils import match_recording


def fitted_recording(est) -> tuple[float | None, tuple[str, ...] | None]:
    """Return a classifier's rate and leads: ``sfreq_``/``lead_names_`` or given.

    ``sfreq_``/``lead_names_`` are the parameters, or what a warm start adopted
    from its checkpoint when the parameter was None. An ensemble
    (``estimators_``) expects what its members expect; members that disagree
    raise, as no record can satisfy both.
    """
    members = getattr(est, "estimators_", None)
    if members is not None and not hasattr(est, "sfreq"):
        found = {fitted_recording(m) for m in members} - {(None, None)}
        if len(found) > 1:
            raise ValueError(
                f"The members of {type(est).__name__} expect different recordings "
                f"(sampling rate, leads): {sorted(found, key=str)}. Fit every member "
                "with the same sfreq and lead_names."
            )
        return found.pop() if found else (None, None)
    sfreq = getattr(est, "sfreq_", getattr(est, "sfreq", None))
    leads = getattr(est, "lead_names_", getattr(est, "lead_names", None))
    return sfreq, None if leads is None else tuple(leads)


def expected_recording(model) -> tuple[float | None, tuple[str, ...] | None]:
    """Return the sampling rate and lead names that records for ``model`` must have.

    For a classifier, its ``sfreq`` and ``lead_names`` (the rate and leads of
    the data it was fitted on; after a warm start that adopted them, the
    checkpoint's, in ``sfreq_`` and ``lead_names_``). For a Pipeline, those of
    its input, worked out backwards from the classifier: a
    :class:`~sklearn_ecg.preprocessing.Resampler` expects its own ``sfreq``, a
    :class:`~sklearn_ecg.preprocessing.LeadSelector` that selects by name
    expects its ``lead_names``, and a step with an ``sfreq`` parameter (a
    filter) supplies the rate when the classifier does not know it.

    Parameters
    ----------
    model : estimator or sklearn.pipeline.Pipeline
        A classifier, or a Pipeline ending in one.

    Returns
    -------
    sfreq : float or None
        Expected rate in Hz (None: unknown, not checked).
    lead_names : tuple of str or None
        Expected leads in order (None: unknown, not checked).

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier, expected_recording
    >>> from sklearn_ecg.preprocessing import Resampler
    >>> pipe = make_pipeline(Resampler(sfreq_out=100.0, sfreq=500.0),
    ...                      ECGResNetClassifier(sfreq=100.0, lead_names=["I"]))
    >>> expected_recording(pipe)
    (500.0, ('I',))
    """
    steps = [s for _, s in getattr(model, "steps", [("model", model)])]
    sfreq, leads = fitted_recording(steps[-1])
    for step in reversed(steps[:-1]):
        if isinstance(step, Resampler):
            sfreq = step.sfreq
        elif isinstance(step, LeadSelector):
            by_name = hasattr(step, "lead_indices_") and _selects_by_name(step.leads)
            leads = step.lead_names if by_name else None
        elif sfreq is None and isinstance(getattr(step, "sfreq", None), (int, float)):
            sfreq = step.sfreq
    return (
        None if sfreq is None else float(sfreq),
        None if leads is None else tuple(leads),
    )


def _selects_by_name(leads) -> bool:
    items = [leads] if isinstance(leads, str) else list(leads or [])
    return any(isinstance(item, str) for item in items)


def check_recording(
    model,
    X,
    *,
    sfreq: float | None = None,
    lead_names: Sequence[str] | None = None,
    resample: bool = False,
):
    """Check records' rate and leads against a fitted model; reorder leads by name.

    The check to run before ``model.predict(X)`` when ``model`` is a Pipeline
    (a classifier also takes ``sfreq=``/``lead_names=`` in ``predict`` itself),
    and the one ``sklearn-ecg predict``/``evaluate`` run. What is expected comes
    from :func:`expected_recording`; the comparison is
    :func:`sklearn_ecg.utils.match_recording`: leads given in another order (or
    with extra leads) are put in the model's order, a missing lead or another
    rate is a ValueError naming the fix.

    Parameters
    ----------
    model : estimator or sklearn.pipeline.Pipeline
        A fitted classifier, or a Pipeline ending in one.
    X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
        Records, as the loaders return them. Never modified.
    sfreq : float, default=None
        Sampling rate of ``X`` in Hz (a loader Bunch's ``sfreq``).
    lead_names : sequence of str, default=None
        Lead names of ``X`` in order (a loader Bunch's ``lead_names``).
    resample : bool, default=False
        Resample ``X`` to the model's rate with
        :class:`~sklearn_ecg.preprocessing.Resampler` instead of refusing a
        different rate.

    Returns
    -------
    X : ndarray or array-like
        The records to pass to ``model``: ``X`` itself when they already match.

    Raises
    ------
    ValueError
        On another rate (unless ``resample``) or a missing lead.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier, check_recording
    >>> clf = ECGResNetClassifier(sfreq=500.0, lead_names=["I", "II"])
    >>> X = np.zeros((1, 2, 8), dtype=np.float32)
    >>> X[:, 1] = 1.0
    >>> check_recording(clf, X, sfreq=500.0, lead_names=["II", "I"])[0, :, 0]
    array([1., 0.], dtype=float32)
    """
    want_sfreq, want_leads = expected_recording(model)
    if (
        resample
        and sfreq is not None
        and want_sfreq is not None
        and not np.isclose(float(sfreq), want_sfreq, rtol=1e-6, atol=0.0)
    ):
        X = Resampler(sfreq_out=want_sfreq, sfreq=float(sfreq)).fit_transform(X)
        sfreq = want_sfreq
    return match_recording(
        X,
        sfreq=sfreq,
        lead_names=lead_names,
        expected_sfreq=want_sfreq,
        expected_lead_names=want_leads,
    )
