"""A fitted network classifier's state as plain data, and its restoration.

The estimator package owns which private attributes make up its fitted state;
:mod:`sklearn_ecg.persistence` saves and restores models through these two
public functions and never reads or writes those attributes itself.
"""

from __future__ import annotations

import contextlib
import warnings

import torch

from ._params import resolve_device

#: Fitted attributes of a network classifier besides ``module_`` (the weights)
#: and ``history_``; ``_threshold_spec`` is what ``partial_fit`` needs.
FITTED_STATE = (
    "n_features_in_", "feature_names_in_", "task_", "classes_", "n_outputs_",
    "n_leads_in_", "n_times_in_", "n_epochs_", "threshold_", "_threshold_spec",
    "pos_weight_", "warm_start_report_", "frozen_prefixes_", "sfreq_",
    "lead_names_", "crop_length_", "batch_size_", "label_smoothing_",
)  # fmt: skip


def get_fitted_state(est) -> dict:
    """Return a fitted network classifier's state (weights aside) as a dict.

    Parameters
    ----------
    est : ECGClassifier
        A fitted estimator.

    Returns
    -------
    state : dict
        The attributes of :data:`FITTED_STATE` the estimator has, and
        ``history_`` as a list of dicts.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier, get_fitted_state
    >>> get_fitted_state(ECGResNetClassifier())
    {'history_': []}
    """
    state = {k: est.__dict__[k] for k in FITTED_STATE if k in est.__dict__}
    state["history_"] = [dict(row) for row in (getattr(est, "history_", None) or [])]
    return state


def _device(est, device) -> torch.device:
    if device is not None:
        return resolve_device(device)
    try:
        return resolve_device(est.device)
    except ValueError:
        warnings.warn(
            f"The model was saved with device={est.device!r}, which is not "
            "available here; it is loaded on the CPU (pass device= to choose).",
            UserWarning,
            stacklevel=5,
        )
        return torch.device("cpu")


@contextlib.contextmanager
def _without_warm_start(est):
    # The saved weights replace any warm start: building the module must not
    # read ``warm_start_from`` (a file that may not exist here).
    saved = est.warm_start_from
    est.warm_start_from = None
    try:
        yield
    finally:
        est.warm_start_from = saved


def set_fitted_state(est, state: dict, state_dict: dict, device=None) -> None:
    """Give a freshly built classifier a saved fitted state and weights.

    The estimator is initialised by its own ``initialize`` (so module shapes,
    freezing, criterion and optimizer follow the estimator's rules), without the
    warm start and without touching the global random state; then the saved
    history is restored and ``state_dict`` is loaded strictly. The optimizer
    starts afresh (its moments are not saved), so a later ``partial_fit``
    starts a new learning-rate schedule instead of resuming the saved one.

    Parameters
    ----------
    est : ECGClassifier
        An unfitted estimator with the saved parameters.
    state : dict
        As returned by :func:`get_fitted_state` (keys checked by the caller).
    state_dict : dict of str to torch.Tensor
        The module's weights.
    device : str or None, default=None
        Where to load; None uses ``est.device``, or the CPU with a warning when
        that device is not available here.

    Raises
    ------
    RuntimeError
        From :meth:`torch.nn.Module.load_state_dict` when the weights do not
        fit the module.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import (
    ...     ECGResNetWangClassifier, get_fitted_state, set_fitted_state)
    >>> X = np.random.default_rng(0).normal(size=(8, 2, 64)).astype(np.float32)
    >>> y = np.array([0, 1] * 4)
    >>> est = ECGResNetWangClassifier(max_epochs=1, width=4, batch_size=4,
    ...     validation_fraction=None, random_state=0).fit(X, y)
    >>> new = ECGResNetWangClassifier(**est.get_params())
    >>> set_fitted_state(new, get_fitted_state(est), est.module_.state_dict())
    >>> bool((new.predict_proba(X) == est.predict_proba(X)).all())
    True
    """
    from skorch.history import History

    for key, value in state.items():
        if key != "history_":
            setattr(est, key, value)
    est.device_ = _device(est, device)
    with _without_warm_start(est), torch.random.fork_rng(devices=[]):
        est.initialize()
    est.history_ = History(state.get("history_", []))
    for key in ("warm_start_report_", "frozen_prefixes_"):
        if key in state:
            setattr(est, key, state[key])
    est.module_.load_state_dict(state_dict, strict=True)
