"""Shared parameter checks: integers, floats and choices.

Every estimator, transformer and loader of the package validates its scalar
parameters with these, so an invalid value always gets the same kind of
message: the parameter's name, the value received and what is expected.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._docs import fill_doc

_NUMBER_PARAMETERS_DOC = """\
    Parameters
    ----------
    value : object
        The value received (``bool`` is refused).
    name : str
        Parameter name for the message."""


def _check_doc(returns: str, what: str):
    """Complete a check's docstring: Returns, Raises and the Examples' import.

    The line ``%(returns_raises_imports)s`` becomes a Returns entry ``value`` of
    type ``returns``, a Raises entry for the ValueError that names the
    parameter, the value and ``what``, and the Examples heading with the import
    of the check; ``%(number_parameters)s`` becomes the Parameters heading and
    the entries of ``value`` (a number, not a bool) and ``name``.
    """

    def decorate(func):
        return fill_doc(
            number_parameters=_NUMBER_PARAMETERS_DOC,
            returns_raises_imports=f"""\
    Returns
    -------
    value : {returns}

    Raises
    ------
    ValueError
        Naming the parameter, the value and {what}.

    Examples
    --------
    >>> from sklearn_ecg.utils import {func.__name__}"""
        )(func)

    return decorate


def is_finite_real(value) -> bool:
    """Whether ``value`` is a finite real number (``bool`` is not one).

    Examples
    --------
    >>> from sklearn_ecg.utils._checks import is_finite_real
    >>> is_finite_real(2.5), is_finite_real(True), is_finite_real(float("nan"))
    (True, False, False)
    """
    return (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and bool(np.isfinite(value))
    )


def check_label_matrix(
    y,
    name: str,
    what: str = "multi-label indicator matrix of shape (n_records, n_classes)",
) -> np.ndarray:
    """Check ``y`` is a 2-D 0/1 matrix and return it as booleans.

    Examples
    --------
    >>> from sklearn_ecg.utils._checks import check_label_matrix
    >>> check_label_matrix([[0, 1], [1, 1]], "y_true").tolist()
    [[False, True], [True, True]]
    """
    y = np.asarray(y)
    if y.ndim != 2 or not np.isin(y, (0, 1)).all():
        raise ValueError(
            f"{name} must be a 0/1 {what}, got shape {y.shape}; binarise labels "
            "with sklearn.preprocessing.MultiLabelBinarizer."
        )
    return y.astype(bool)


@_check_doc("int or None", "the expected range")
def check_int(value, name: str, minimum: int = 1, *, allow_none: bool = False):
    """Check an integer parameter is at least ``minimum`` and return it as int.

    %(number_parameters)s
    minimum : int, default=1
        Smallest accepted value.
    allow_none : bool, default=False
        Accept (and return) None.

    %(returns_raises_imports)s
    >>> check_int(3, "order")
    3
    >>> check_int(0, "order")
    Traceback (most recent call last):
    ...
    ValueError: order must be an integer >= 1, got order=0. Pass e.g. order=1.
    """
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        none = "None or " if allow_none else ""
        raise ValueError(
            f"{name} must be {none}an integer >= {minimum}, got {name}={value!r}. "
            f"Pass e.g. {name}={max(minimum, 1)}."
        )
    return int(value)


@_check_doc("float or None", "the interval")
def check_float(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
    allow_none: bool = False,
):
    """Check a real parameter lies in an interval and return it as float.

    %(number_parameters)s
    low, high : float or None, default=None
        Bounds of the interval (None: unbounded on that side).
    include_low, include_high : bool, default=True
        Whether each bound is part of the interval.
    allow_none : bool, default=False
        Accept (and return) None.

    %(returns_raises_imports)s
    >>> check_float(0.5, "p", low=0, high=1)
    0.5
    >>> check_float(2, "p", low=0, high=1)
    Traceback (most recent call last):
    ...
    ValueError: p must be a float in [0, 1], got p=2.
    """
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and low is not None:
        ok = value >= low if include_low else value > low
    if ok and high is not None:
        ok = value <= high if include_high else value < high
    if not ok:
        left = ("[" if include_low else "(") + ("-inf" if low is None else f"{low:g}")
        right = ("inf" if high is None else f"{high:g}") + (
            "]" if include_high else ")"
        )
        none = "None or " if allow_none else ""
        raise ValueError(
            f"{name} must be {none}a float in {left}, {right}, got {name}={value!r}."
        )
    return float(value)


@_check_doc("object", "every accepted value")
def check_choice(value, name: str, choices):
    """Check a parameter is one of ``choices`` and return it.

    Parameters
    ----------
    value : object
        The value received.
    name : str
        Parameter name for the message.
    choices : collection
        The accepted values (a set is listed sorted, a sequence in order).

    %(returns_raises_imports)s
    >>> check_choice("median", "method", ("mean", "median"))
    'median'
    >>> check_choice("max", "method", ("mean", "median"))
    Traceback (most recent call last):
    ...
    ValueError: Unknown method='max'. Use one of ['mean', 'median'].
    """
    try:
        ok = value in choices
    except TypeError:  # an unhashable value against a set or dict
        ok = False
    if not ok:
        listed = (
            sorted(choices) if isinstance(choices, (set, frozenset)) else list(choices)
        )
        raise ValueError(f"Unknown {name}={value!r}. Use one of {listed}.")
    return value
