"""Which classes a model folder may name, and their fitted state as data.

The allowlist is explicit: :class:`sklearn.pipeline.Pipeline` plus every public
estimator class of :mod:`sklearn_ecg.preprocessing` and
:mod:`sklearn_ecg.classifiers`, named by their public import path. Loading builds
objects only from this table; a name outside it is refused before anything is
built.
"""

from __future__ import annotations

import contextlib
import re
import warnings

import torch

from ._codec import ModelFormatError

#: Fitted attributes of an sklearn-ecg classifier besides ``module_`` (the
#: weights) and ``history_``; ``_threshold_spec`` is what ``partial_fit`` needs.
CLASSIFIER_STATE = (
    "n_features_in_", "feature_names_in_", "task_", "classes_", "n_outputs_",
    "n_leads_in_", "n_times_in_", "n_epochs_", "threshold_", "_threshold_spec",
    "pos_weight_", "warm_start_report_", "frozen_prefixes_", "sfreq_",
    "lead_names_",
)  # fmt: skip
_ATTR = re.compile(r"^_?[a-z][a-z0-9_]*$")


def allowed_classes() -> dict[str, type]:
    """Return the classes a model folder may name, keyed by public import path.

    Returns
    -------
    classes : dict of str to type
        ``{"sklearn.pipeline.Pipeline": Pipeline,
        "sklearn_ecg.preprocessing.BandpassFilter": BandpassFilter, ...}``.

    Examples
    --------
    >>> from sklearn_ecg.persistence import allowed_classes
    >>> "sklearn_ecg.classifiers.ECGResNetClassifier" in allowed_classes()
    True
    >>> "builtins.eval" in allowed_classes()
    False
    """
    from sklearn.base import BaseEstimator
    from sklearn.pipeline import Pipeline

    from sklearn_ecg import classifiers, preprocessing

    table = {"sklearn.pipeline.Pipeline": Pipeline}
    for package in (preprocessing, classifiers):
        for name in package.__all__:
            obj = getattr(package, name)
            if isinstance(obj, type) and issubclass(obj, BaseEstimator):
                table[f"{package.__name__}.{name}"] = obj
    return table


def class_name(obj, where: str) -> str:
    """Return the allowlisted name of ``type(obj)``; error if it is not allowed."""
    for name, cls in allowed_classes().items():
        if type(obj) is cls:
            return name
    cls = type(obj)
    raise ModelFormatError(
        f"{where} is a {cls.__module__}.{cls.__qualname__}, which save_model cannot "
        "store as data: only sklearn.pipeline.Pipeline and the public estimators of "
        "sklearn_ecg.preprocessing and sklearn_ecg.classifiers are allowed (see "
        "sklearn_ecg.persistence.allowed_classes())."
    )


def resolve_class(name, where: str) -> type:
    """Look ``name`` up in :func:`allowed_classes`; never import it."""
    table = allowed_classes()
    if not isinstance(name, str) or name not in table:
        raise ModelFormatError(
            f"{where} names the class {name!r}, which is not on sklearn-ecg's "
            "allowlist of model classes; refusing to build it. The model folder was "
            "edited or not written by save_model."
        )
    return table[name]


def is_classifier(obj) -> bool:
    """Whether ``obj`` is an sklearn-ecg network classifier (has weights)."""
    from sklearn_ecg.classifiers import ECGClassifier

    return isinstance(obj, ECGClassifier)


def fitted_state(obj) -> dict:
    """Return the fitted attributes that loading a step needs, as a dict."""
    if is_classifier(obj):
        state = {k: obj.__dict__[k] for k in CLASSIFIER_STATE if k in obj.__dict__}
        state["history_"] = [dict(row) for row in (obj.history_ or [])]
        return state
    params = obj.get_params(deep=False)
    return {k: v for k, v in vars(obj).items() if k not in params}


def check_state_keys(cls: type, state: dict, where: str) -> None:
    """Refuse attribute names that are not plain fitted-state names of ``cls``."""
    allowed = set(CLASSIFIER_STATE) | {"history_"}
    for key in state:
        if issubclass(cls, _classifier_base()):
            ok = key in allowed
        else:
            ok = bool(_ATTR.match(key)) and not hasattr(cls, key)
        if not ok:
            raise ModelFormatError(
                f"{where} sets the attribute {key!r}, which is not fitted state of "
                f"{cls.__name__}; refusing to load. The model folder was edited or "
                "not written by save_model."
            )


def _classifier_base() -> type:
    from sklearn_ecg.classifiers import ECGClassifier

    return ECGClassifier


def _device(est, device) -> torch.device:
    from sklearn_ecg.classifiers._params import resolve_device

    if device is not None:
        return resolve_device(device)
    try:
        return resolve_device(est.device)
    except ValueError:
        warnings.warn(
            f"The model was saved with device={est.device!r}, which is not "
            "available here; it is loaded on the CPU (pass device= to choose).",
            UserWarning,
            stacklevel=4,
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


def restore_classifier(est, state: dict, state_dict: dict, device=None) -> None:
    """Give a freshly built classifier its fitted state and weights.

    The estimator is initialised by its own ``initialize`` (so module shapes,
    freezing, criterion and optimizer follow the estimator's rules), without the
    warm start and without touching the global random state; then the saved
    history is restored and ``state_dict`` is loaded strictly. The optimizer
    starts afresh (its moments are not saved).
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
    try:
        est.module_.load_state_dict(state_dict, strict=True)
    except RuntimeError as exc:
        raise ModelFormatError(
            f"The saved weights do not fit the {type(est).__name__} described by the "
            f"manifest ({str(exc).splitlines()[0]}); the folder is damaged or edited."
        ) from None


def restore_transformer(obj, state: dict) -> None:
    """Set the fitted attributes of a transformer (names checked beforehand)."""
    for key, value in state.items():
        setattr(obj, key, value)
