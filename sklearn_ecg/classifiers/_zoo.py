"""The architecture estimators: one thin :class:`ECGClassifier` per registered model.

A thin estimator names its model (``model="vgg1d"``) and writes only what the
model cannot tell: its summary line, its example and any deliberate difference.
Its architecture arguments, their defaults and their documentation are read from
the model's constructor and docstring, so the two cannot drift apart.
"""

from __future__ import annotations

import inspect
import re
import textwrap

from sklearn_ecg.models import list_models, resolve_model

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS

#: Constructor arguments every model takes; the estimator sets them from the data.
SHAPE_ARGUMENTS = ("n_leads", "n_times", "n_outputs")

# Registry name -> the architecture's own estimator (filled as they are defined).
_ESTIMATORS: dict[str, type[ECGClassifier]] = {}

_SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}\n", re.M)

_INTRO = """
    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.{model}`
    (registry name ``"{name}"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.
"""

_EXAMPLE = """\
Examples
--------
>>> from sklearn_ecg.classifiers import {cls}
>>> from sklearn_ecg.datasets import make_ecg
>>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
>>> clf = {cls}({params}max_epochs=1, random_state=0{close})
>>> clf.fit(X, y).predict_proba(X).shape
(40, 2)
"""

_ATTRIBUTES = """
    Attributes
    ----------
    classes_, task_, n_outputs_, n_leads_in_, n_times_in_, n_epochs_, \
threshold_, module_, history_
        As in :class:`ECGClassifier`.
"""


def _sections(doc: str) -> dict[str, str]:
    """Split a numpydoc docstring into ``{"": summary, section title: body}``."""
    doc = inspect.cleandoc(doc)
    parts = _SECTION.split(doc)
    sections = {"": parts[0].strip("\n")}
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[title] = body.strip("\n")
    return sections


def _entries(body: str) -> dict[str, str]:
    """Map each parameter name of a ``Parameters`` body to its entry's text."""
    found = re.split(r"^(?=\S)", body, flags=re.M)
    return {entry.split(" :")[0]: entry.rstrip("\n") for entry in found if entry}


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.split("\n"))


def _parameter_doc(cls, entries: dict[str, str], name: str) -> str:
    entry = entries[name]
    if name in cls._default_overrides:
        default, reason = cls._default_overrides[name]
        head, _, rest = entry.partition("\n")
        head = re.sub(r"default=.*$", f"default={default!r}", head)
        reason = textwrap.indent(textwrap.fill(reason, 76), "    ")
        entry = f"{head}\n{rest}\n{reason}"
    return entry


def _build_doc(cls, model, names) -> str:
    own, from_model = _sections(cls.__doc__ or ""), _sections(model.__doc__)
    entries = _entries(from_model["Parameters"])
    params = "\n".join(_parameter_doc(cls, entries, name) for name in names)
    intro = _INTRO.format(model=model.__name__, name=model.registry_name)
    parts = [own[""], intro, "    Parameters\n    ----------", _indent(params)]
    parts += [TRAINING_PARAMETERS, _ATTRIBUTES]
    if "References" in from_model:
        parts.append(_indent(f"References\n----------\n{from_model['References']}\n"))
    if "Examples" in own:
        parts.append(_indent(f"Examples\n--------\n{own['Examples']}\n"))
    elif cls._example_params is not None:
        args = "".join(f"{k}={v!r}, " for k, v in cls._example_params.items())
        close = ""
        if len(cls.__name__) + len(args) > 48:  # wrap the call at 80 characters
            args, close = f"\n...     {args}", ",\n... "
        example = _EXAMPLE.format(cls=cls.__name__, params=args, close=close)
        parts.append(_indent(example))
    return "\n".join(parts)


def _make_init(params: list[inspect.Parameter]):
    names = [p.name for p in params]
    self_ = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    rest = inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)
    signature = inspect.Signature([self_, *params, rest])

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        ECGClassifier.__init__(
            self, module=self._module_name, **bound.arguments["kwargs"]
        )
        for name in names:
            setattr(self, name, bound.arguments[name])

    __init__.__signature__ = signature
    return __init__


class ArchitectureClassifier(ECGClassifier):
    """Base of the thin estimators: ``class X(ArchitectureClassifier, model=name)``.

    For the model registered as ``name`` it derives, when the subclass is
    defined: ``_module_name`` (the registry name), ``_module_params`` and the
    ``__init__`` signature (the model's constructor arguments but the shapes,
    with the model's defaults), and the docstring (the subclass's summary and
    ``Examples``, the model's parameter entries and references, and the shared
    training parameters). Two class attributes record deliberate differences:
    ``_default_overrides`` maps an argument to ``(default, reason)`` and
    ``_excluded_params`` maps a model argument left at its default to the reason.
    ``_example_params`` (tiny architecture arguments) gives the docstring a
    fitting example.
    A model registered by the user gets its own estimator the same way, and
    :func:`get_estimator_class` then finds it by the model's name.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.classifiers import ArchitectureClassifier, get_estimator_class
    >>> from sklearn_ecg.models import ECGModule, register_model
    >>> @register_model("doc_pool")
    ... class DocPool(ECGModule):
    ...     '''Mean over time, then a linear head.
    ...
    ...     Parameters
    ...     ----------
    ...     scale : float, default=1.0
    ...         Input gain.
    ...     '''
    ...     def __init__(self, n_leads, n_times, n_outputs, scale=1.0):
    ...         super().__init__(n_leads, n_times, n_outputs)
    ...         self.scale = scale
    ...         self.final_layer = nn.Linear(n_leads, n_outputs)
    ...     def forward_features(self, x):
    ...         return self.scale * x.mean(-1)
    >>> class DocPoolClassifier(ArchitectureClassifier, model="doc_pool"):
    ...     '''Mean-pooling ECG classifier.'''
    >>> DocPoolClassifier(scale=2.0, max_epochs=3).get_params()["scale"]
    2.0
    >>> get_estimator_class("doc_pool") is DocPoolClassifier
    True
    """

    #: Architecture arguments whose default differs from the model's: name ->
    #: (default, the reason, a sentence added to the parameter's documentation).
    _default_overrides: dict[str, tuple[object, str]] = {}
    #: Model arguments the estimator does not expose: name -> reason.
    _excluded_params: dict[str, str] = {}
    #: Small architecture arguments for the docstring's generated fit example
    #: (used when the subclass's docstring has no ``Examples`` section).
    _example_params: dict | None = None

    def __init_subclass__(cls, model: str | None = None, **kwargs):
        if model is not None:
            model_cls = resolve_model(model)
            params = [
                p.replace(
                    annotation=inspect.Parameter.empty,
                    default=cls._default_overrides.get(p.name, (p.default,))[0],
                )
                for p in inspect.signature(model_cls).parameters.values()
                if p.name not in SHAPE_ARGUMENTS + tuple(cls._excluded_params)
            ]
            names = tuple(p.name for p in params)
            cls._module_name = model_cls.registry_name
            cls._module_params = names
            cls.__doc__ = _build_doc(cls, model_cls, names)
            cls.__init__ = _make_init(params)
            _ESTIMATORS[cls._module_name] = cls
        super().__init_subclass__(**kwargs)


def get_estimator_class(name: str | type) -> type[ECGClassifier]:
    """Return the estimator class for a model or estimator name.

    The one lookup from names to estimators (the command line's ``--model`` and
    :func:`~sklearn_ecg.model_selection.search_space` use it).

    Parameters
    ----------
    name : str or type
        A name or alias of the model registry (``"resnet1d"``, ``"hsmnet"``,
        any case), or an estimator class of this package or its name
        (``"ECGResNetClassifier"``, any case).

    Returns
    -------
    cls : type
        The architecture's own estimator (for example
        :class:`ECGVGGClassifier` for ``"vgg"``), or :class:`ECGClassifier` for
        a model registered by the user without an estimator of its own; build
        that one as ``ECGClassifier(module=name)``.

    Raises
    ------
    ValueError
        If ``name`` is neither a registered model nor an estimator class; the
        message lists both.
    TypeError
        If ``name`` is neither a string nor a class.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import get_estimator_class
    >>> get_estimator_class("hsmnet").__name__
    'ECGAttResNetClassifier'
    >>> get_estimator_class("ecgresnetclassifier").__name__
    'ECGResNetClassifier'
    """
    if isinstance(name, type):
        name = name.__name__
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a model name or an estimator class; got {name!r} "
            f"of type {type(name).__name__}."
        )
    classes = [ECGClassifier, *_ESTIMATORS.values()]
    for cls in classes:
        if name.lower() == cls.__name__.lower():
            return cls
    if name.lower() in list_models(include_aliases=True):
        return _ESTIMATORS.get(resolve_model(name).registry_name, ECGClassifier)
    raise ValueError(
        f"name={name!r} is neither a registered model ({', '.join(list_models())}) "
        f"nor an estimator class ({', '.join(c.__name__ for c in classes)})."
    )
