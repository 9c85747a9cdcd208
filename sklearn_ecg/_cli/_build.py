"""Turn ``--model``, ``--pretrained`` and ``--set`` into a scikit-learn Pipeline."""

from __future__ import annotations

import json
from pathlib import Path

from ._errors import CLIError


def parse_assignments(items: list[str] | None, *, option: str = "--set") -> dict:
    """Parse ``KEY=VALUE`` strings; values are read as JSON when they parse."""
    params = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise CLIError(
                f"{option} {item!r} is not KEY=VALUE, e.g. {option} lr=1e-3."
            )
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw  # a bare string such as focal or backbone
        params[key.strip()] = value
    return params


def resolve_estimator_class(model: str):
    """Return ``(estimator class, extra constructor kwargs)`` for ``--model``.

    ``model`` is an estimator class name of :mod:`sklearn_ecg.classifiers` or a
    name or alias of the model registry, looked up by
    :func:`sklearn_ecg.classifiers.get_estimator_class`. A model registered by
    the user, with no estimator of its own, is wrapped by the generic
    ``ECGClassifier(module=name)``.
    """
    from sklearn_ecg.classifiers import ECGClassifier, get_estimator_class
    from sklearn_ecg.models import list_models, resolve_model

    try:
        cls = get_estimator_class(model)
    except ValueError:
        raise CLIError(
            f"--model {model!r} is not a registered architecture; choose one of "
            f"{', '.join(list_models())} (or an estimator class name)."
        ) from None
    if cls is ECGClassifier and model.lower() in list_models(include_aliases=True):
        return cls, {"module": resolve_model(model).registry_name}
    return cls, {}


def check_model_args(model: str, params: dict, pretrained: str | None) -> None:
    """Check ``--model``, ``--set`` names and ``--pretrained`` without any data."""
    cls, kwargs = resolve_estimator_class(model)
    _check_names(cls(**kwargs), params)
    if pretrained is not None and not Path(pretrained).is_file():
        raise CLIError(f"--pretrained {pretrained!r}: no such checkpoint file.")


def build_pipeline(
    model: str,
    *,
    sfreq: float,
    lead_names=None,
    pretrained: str | None = None,
    device: str = "auto",
    random_state: int | None = 0,
    params: dict | None = None,
    preprocess: str = "default",
    verbose: int = 0,
):
    """Build ``Pipeline([filter, normaliser, classifier])`` for the command.

    Parameters are checked by scikit-learn's ``set_params``, so an unknown
    ``--set`` key gives an error naming it.
    """
    from sklearn.pipeline import Pipeline

    cls, kwargs = resolve_estimator_class(model)
    if pretrained is not None and not Path(pretrained).is_file():
        raise CLIError(f"--pretrained {pretrained!r}: no such checkpoint file.")
    clf = cls(**kwargs)
    base = dict(
        device=device,
        random_state=random_state,
        sfreq=float(sfreq),
        lead_names=None if lead_names is None else tuple(lead_names),
        warm_start_from=pretrained,
        verbose=verbose,
    )
    _set(clf, {**base, **(params or {})})
    return Pipeline([*preprocessing_steps(preprocess, sfreq), ("clf", clf)])


def _set(clf, params: dict) -> None:
    _check_names(clf, params)
    clf.set_params(**params)


def _check_names(clf, params: dict) -> None:
    valid = clf.get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise CLIError(
            f"--set {unknown[0]!r} is not a parameter of {type(clf).__name__}; "
            f"valid ones: {', '.join(sorted(valid))}."
        )


def preprocessing_steps(preprocess: str, sfreq: float) -> list:
    """Return the default ECG chain: zero-phase band-pass, then per-lead z-score."""
    if preprocess == "none":
        return []
    if preprocess != "default":
        raise CLIError(f"--preprocess {preprocess!r} is not one of default, none.")
    from sklearn_ecg.preprocessing import BandpassFilter, LeadNormalizer

    # 45 Hz keeps the QRS and drops 50/60 Hz mains; stay below Nyquist at 100 Hz.
    high = min(45.0, 0.45 * float(sfreq))
    return [
        ("filter", BandpassFilter(low_freq=0.5, high_freq=high, sfreq=float(sfreq))),
        ("normalize", LeadNormalizer(method="zscore")),
    ]


def check_args(args) -> None:
    """Fail on a bad ``--model``/``--set``/``--pretrained`` before reading data."""
    check_model_args(args.model, parse_assignments(args.params), args.pretrained)


def checked_data(args, default_split: str):
    """Check the model options, then load ``--data`` (see ``load_from_args``)."""
    from ._data import load_from_args

    check_args(args)
    return load_from_args(args, default_split)


def pipeline_from_args(args, data, *, verbose: int | None = None):
    """Build the pipeline of ``--model``/``--set``/``--pretrained`` for ``data``."""
    return build_pipeline(
        args.model,
        sfreq=data.sfreq,
        lead_names=data.lead_names,
        pretrained=args.pretrained,
        device=args.device,
        random_state=args.seed,
        params=parse_assignments(args.params),
        preprocess=args.preprocess,
        verbose=(0 if args.quiet else 1) if verbose is None else verbose,
    )
