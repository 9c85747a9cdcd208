"""JSON cleaning shared by checkpoints and reports."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_json_safe(value: Any) -> Any:
    """Convert a value to plain JSON types; unknown objects become their ``repr``.

    The one JSON cleaner of the package: checkpoints store their metadata with it
    (readable with ``torch.load(weights_only=True)``) and the command line writes
    its reports with it.

    Parameters
    ----------
    value : object
        Any value, e.g. an estimator's ``get_params(deep=False)``.

    Returns
    -------
    safe : dict, list, str, int, float, bool or None
        A JSON-serialisable copy.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.utils import to_json_safe
    >>> to_json_safe({"a": np.float32(0.5), "b": (1, 2), "c": np.arange(2)})
    {'a': 0.5, 'b': [1, 2], 'c': [0, 1]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_json_safe(value.tolist())
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)
