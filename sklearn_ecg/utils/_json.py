"""Converting results and metadata to plain JSON types."""

from __future__ import annotations

import math
from pathlib import PurePath
from typing import Any

import numpy as np


def to_json_safe(value: Any) -> Any:
    """Convert a value to plain JSON types that every JSON reader accepts.

    NumPy scalars and arrays become Python numbers and lists, tuples and sets
    become lists, dict keys become strings, paths become strings, classes become
    their qualified name, non-finite floats (NaN, inf) become ``None`` (JSON has
    no NaN) and any other object becomes its ``repr``.

    Parameters
    ----------
    value : object
        Any value, e.g. a result dict or an estimator's ``get_params(deep=False)``.

    Returns
    -------
    safe : dict, list, str, int, float, bool or None
        A JSON-serialisable copy; ``value`` itself is not modified.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.utils import to_json_safe
    >>> to_json_safe({"a": np.float32(0.5), "b": (1, 2), "c": np.arange(2),
    ...               "d": float("nan")})
    {'a': 0.5, 'b': [1, 2], 'c': [0, 1], 'd': None}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_json_safe(value.tolist())
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)
