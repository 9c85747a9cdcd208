"""Which classes a model folder may name, and their fitted state as data.

The allowlist is explicit: :class:`sklearn.pipeline.Pipeline` plus every public
estimator class of :mod:`sklearn_ecg.preprocessing` and
:mod:`sklearn_ecg.classifiers`, named by their public import path. Loading builds
objects only from this table; a name outside it is refused before anything is
built.
"""

from __future__ import annotations

import re

from ._codec import ModelFormatError

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
        from sklearn_ecg.classifiers import get_fitted_state

        return get_fitted_state(obj)
    params = obj.get_params(deep=False)
    return {k: v for k, v in vars(obj).items() if k not in params}


def check_state_keys(cls: type, state: dict, where: str) -> None:
    """Refuse attribute names that are not plain fitted-state names of ``cls``."""
    from sklearn_ecg.classifiers import FITTED_STATE

    allowed = set(FITTED_STATE) | {"history_"}
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


def restore_classifier(est, state: dict, state_dict: dict, device=None) -> None:
    """Give a freshly built classifier its fitted state and weights.

    Through :func:`sklearn_ecg.classifiers.set_fitted_state`; weights that do not
    fit the module raise :class:`ModelFormatError`.
    """
    from sklearn_ecg.classifiers import set_fitted_state

    try:
        set_fitted_state(est, state, state_dict, device)
    except RuntimeError as exc:
        raise ModelFormatError(
            f"The saved weights do not fit the {type(est).__name__} described by the "
            f"manifest ({str(exc).splitlines()[0]}); the folder is damaged or edited."
        ) from None


def restore_transformer(obj, state: dict) -> None:
    """Set the fitted attributes of a transformer (names checked beforehand)."""
    for key, value in state.items():
        setattr(obj, key, value)
