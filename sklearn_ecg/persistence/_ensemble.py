"""Model-folder encoding of :class:`~sklearn_ecg.classifiers.ECGEnsembleClassifier`.

An ensemble is stored as data like any other step: its parameters, its
unfitted member templates (class and parameters), each fitted member as a
classifier node with its own weights file, and its remaining fitted attributes.
"""

from __future__ import annotations

from ._codec import ModelFormatError, decode, encode
from ._state import check_state_keys, class_name, fitted_state, resolve_class

ENSEMBLE = "sklearn_ecg.classifiers.ECGEnsembleClassifier"


def encode_ensemble(writer, obj, params: dict, where: str) -> dict:
    """Encode a fitted ensemble (``writer`` encodes every fitted member).

    Parameters
    ----------
    writer : object
        The folder writer; ``writer.node`` encodes a fitted step and
        ``writer._params`` a parameter dict.
    obj : ECGEnsembleClassifier
        The fitted ensemble.
    params : dict
        Its ``get_params(deep=False)``.
    where : str
        Where it sits in the model, for error messages.

    Returns
    -------
    spec : dict
        The manifest entry.
    """
    params = dict(params)
    templates = [
        [str(name), {"class": class_name(est, f"{where} member {name!r}"),
                     "params": writer._params(est.get_params(deep=False), where)}]
        for name, est in params.pop("estimators")
    ]  # fmt: skip
    state = fitted_state(obj)
    members = state.pop("estimators_")
    return {
        "class": ENSEMBLE,
        "params": writer._params(params, where),
        "estimators": templates,
        "members": [
            writer.node(m, f"{where} fitted member {i}") for i, m in enumerate(members)
        ],
        "fitted": {k: encode(v, f"{where} attribute {k!r}", writer.store)
                   for k, v in state.items()},  # fmt: skip
    }


def decode_ensemble(reader, spec: dict, where: str):
    """Rebuild a fitted ensemble from its manifest entry.

    Parameters
    ----------
    reader : object
        The folder reader; ``reader.node`` rebuilds a fitted step and
        ``reader._params`` decodes a parameter dict.
    spec : dict
        The manifest entry written by :func:`encode_ensemble`.
    where : str
        Where it sits in the model, for error messages.

    Returns
    -------
    ensemble : ECGEnsembleClassifier
        The fitted ensemble.
    """
    cls = resolve_class(spec.get("class"), where)
    templates, members = spec.get("estimators"), spec.get("members")
    if not (isinstance(templates, list) and isinstance(members, list) and members):
        raise ModelFormatError(
            f"{where}: an ensemble needs 'estimators' and 'members' lists."
        )
    estimators = []
    for item in templates:
        pair = isinstance(item, list) and len(item) == 2
        if not (pair and isinstance(item[1], dict)):
            raise ModelFormatError(f"{where}: 'estimators' must be [name, spec] pairs.")
        name, tmpl = str(item[0]), item[1]
        member_cls = resolve_class(tmpl.get("class"), f"{where} member {name!r}")
        template = member_cls(**reader._params(tmpl.get("params"), where))
        estimators.append((name, template))
    obj = cls(estimators=estimators, **reader._params(spec.get("params"), where))
    state = spec.get("fitted")
    if not isinstance(state, dict):
        raise ModelFormatError(f"{where} lacks its fitted attributes.")
    check_state_keys(cls, state, where)
    for key, value in state.items():
        setattr(obj, key, decode(value, f"{where} attribute {key!r}", reader.store))
    obj.estimators_ = [
        reader.node(m, f"{where} fitted member {i}") for i, m in enumerate(members)
    ]
    return obj
