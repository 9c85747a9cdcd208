"""A small timm-style model registry: models are found by name everywhere."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

_MODEL_REGISTRY: dict[str, type[nn.Module] | Callable[..., nn.Module]] = {}


def register_model(name: str | None = None, *, aliases: tuple[str, ...] = ()):
    """Register an ``nn.Module`` class (or factory) under a name.

    Parameters
    ----------
    name : str, default=None
        Registry name; defaults to the lower-cased class name.
    aliases : tuple of str, default=()
        Extra names resolving to the same model (e.g. ``"hsmnet"`` for AttResNet).

    Returns
    -------
    decorator : callable
        Class decorator that registers and returns the class unchanged.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.models import register_model, get_model
    >>> @register_model("doc_linear")
    ... class DocLinear(nn.Module):
    ...     def __init__(self, n_leads, n_times, n_outputs):
    ...         super().__init__()
    ...         self.final_layer = nn.Linear(n_leads * n_times, n_outputs)
    ...     def forward(self, x):
    ...         return self.final_layer(x.flatten(1))
    >>> get_model("doc_linear", n_leads=12, n_times=10, n_outputs=2).final_layer
    Linear(in_features=120, out_features=2, bias=True)
    """

    def decorator(cls):
        key = (name or cls.__name__).lower()
        for k in (key, *(a.lower() for a in aliases)):
            if k in _MODEL_REGISTRY and _MODEL_REGISTRY[k] is not cls:
                raise ValueError(
                    f"A model named {k!r} is already registered "
                    f"({_MODEL_REGISTRY[k]!r}); choose another name."
                )
            _MODEL_REGISTRY[k] = cls
        cls.registry_name = key
        return cls

    return decorator


def _ensure_builtin_models_loaded() -> None:
    # Importing the subpackage registers the built-in architectures.
    from sklearn_ecg import models  # noqa: F401


def resolve_model(name: str):
    """Return the class registered under ``name`` (case-insensitive).

    Parameters
    ----------
    name : str
        A name from :func:`list_models`.

    Returns
    -------
    cls : type
        The registered ``nn.Module`` class.

    Raises
    ------
    ValueError
        If no model is registered under that name; the message lists them.

    Examples
    --------
    >>> from sklearn_ecg.models import resolve_model
    >>> resolve_model("resnet1d").__name__
    'ResNet1d'
    """
    _ensure_builtin_models_loaded()
    key = str(name).lower()
    if key not in _MODEL_REGISTRY:
        raise ValueError(
            f"Unknown model {name!r}. Registered models: {', '.join(list_models())}. "
            "Register your own with sklearn_ecg.models.register_model."
        )
    return _MODEL_REGISTRY[key]


def get_model(name: str, **kwargs) -> nn.Module:
    """Build the model registered under ``name``.

    Parameters
    ----------
    name : str
        A name from :func:`list_models`.
    **kwargs
        Constructor arguments, at least ``n_leads``, ``n_times`` and ``n_outputs``.

    Returns
    -------
    model : torch.nn.Module
        A freshly initialised model.

    Examples
    --------
    >>> from sklearn_ecg.models import get_model
    >>> model = get_model("resnet1d", n_leads=12, n_times=1000, n_outputs=5)
    >>> model.final_layer.out_features
    5
    """
    return resolve_model(name)(**kwargs)


def list_models(*, include_aliases: bool = False) -> list[str]:
    """List the registered model names.

    Parameters
    ----------
    include_aliases : bool, default=False
        Whether to also list aliases.

    Returns
    -------
    names : list of str
        Sorted registry names.

    Examples
    --------
    >>> from sklearn_ecg.models import list_models
    >>> "resnet1d" in list_models()
    True
    """
    _ensure_builtin_models_loaded()
    if include_aliases:
        return sorted(_MODEL_REGISTRY)
    return sorted({cls.registry_name for cls in _MODEL_REGISTRY.values()})
