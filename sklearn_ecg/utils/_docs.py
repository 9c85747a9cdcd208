"""Docstring fragments shared by several public functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def fill_doc(**fragments: str) -> Callable[[T], T]:
    """Return a decorator that puts shared text into a docstring.

    Each line ``%(name)s`` (its indentation included) of the decorated object's
    docstring is replaced by ``fragments[name]``, so that parameter entries
    several functions share are written once. A placeholder without a fragment
    raises at import time.

    Parameters
    ----------
    **fragments : str
        The texts, already indented as they stand in the docstring.

    Returns
    -------
    decorator : callable
        Sets ``obj.__doc__`` and returns ``obj``.

    Raises
    ------
    KeyError
        If the docstring names a placeholder no fragment fills.

    Examples
    --------
    >>> from sklearn_ecg.utils._docs import fill_doc
    >>> @fill_doc(x="    x : int")
    ... def f(x):
    ...     '''Double.
    ...
    ...     Parameters
    ...     ----------
    ... %(x)s
    ...     '''
    ...     return 2 * x
    >>> print(f.__doc__.splitlines()[4].strip())
    x : int
    """

    def decorate(obj: T) -> T:
        obj.__doc__ = re.sub(
            r"^ *%\((\w+)\)s",
            lambda m: fragments[m.group(1)],
            obj.__doc__ or "",
            flags=re.MULTILINE,
        )
        return obj

    return decorate


#: The body of a package error class's docstring, after its summary line.
_VALUE_ERROR_DOC = """\
    Subclasses :class:`ValueError`, so ``except ValueError`` also catches it.

    Examples
    --------
    >>> from sklearn_ecg.{package} import {error}, {loader}
    >>> try:
    ...     {loader}({arg})
    ... except {error} as exc:
    ...     print(type(exc).__name__)
    {error}
    """


def value_error_doc(package: str, loader: str, arg: str) -> Callable[[T], T]:
    """Return a decorator that completes a package error class's docstring.

    The class's one-line docstring gets the shared body: that it subclasses
    :class:`ValueError`, and an example in which ``loader(arg)``, imported from
    ``sklearn_ecg.<package>``, raises it.

    Parameters
    ----------
    package : str
        The subpackage that exports the error and the loader.
    loader : str
        A public function of that subpackage that raises the error.
    arg : str
        The source text of an argument that makes ``loader`` raise.

    Returns
    -------
    decorator : callable
        Completes ``cls.__doc__`` and returns ``cls``.

    Examples
    --------
    >>> from sklearn_ecg.utils._docs import value_error_doc
    >>> @value_error_doc("transfer", "load_checkpoint", "b''")
    ... class CheckpointError(ValueError):
    ...     '''Bad checkpoint.'''
    >>> CheckpointError.__doc__.splitlines()[2].strip()
    'Subclasses :class:`ValueError`, so ``except ValueError`` also catches it.'
    """

    def decorate(cls: T) -> T:
        body = _VALUE_ERROR_DOC.format(
            error=cls.__name__, package=package, loader=loader, arg=arg
        )
        cls.__doc__ = f"{cls.__doc__}\n\n{body}"
        return cls

    return decorate
