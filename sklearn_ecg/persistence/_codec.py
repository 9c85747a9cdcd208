"""Typed JSON encoding of parameters and fitted attributes, arrays kept aside.

Every value that is not a JSON scalar is written as a small tagged dict, so that
decoding is unambiguous and never evaluates anything::

    {"type": "tuple", "items": [...]}        {"type": "list", "items": [...]}
    {"type": "dict", "items": {"key": ...}}  {"type": "ndarray", "key": "a0"}
    {"type": "scalar", "key": "a1"}          {"type": "torch_optimizer", "name": "SGD"}
    {"type": "model", "name": "resnet1d"}    {"type": "pretrained_weights", ...}

``ndarray`` and ``scalar`` values live in an ``.npz`` file read with
``numpy.load(allow_pickle=False)``; only numeric, boolean and string dtypes are
stored (an object array of strings is stored as strings and flagged).
"""

from __future__ import annotations

import numpy as np

from ..utils._docs import value_error_doc

_PLAIN = (bool, int, float, str, type(None))
_ARRAY_KINDS = "biufcUS"


@value_error_doc("persistence", "load_model", '"no/such/folder"')
class ModelFormatError(ValueError):
    """A model cannot be saved as data, or a model folder is unreadable or unsafe."""


class ArrayStore:
    """Collects the arrays of an encoding under generated keys ``a0, a1, ...``."""

    def __init__(self, arrays: dict | None = None):
        self.arrays = {} if arrays is None else arrays

    def add(self, array: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return key

    def get(self, key, where: str) -> np.ndarray:
        if not isinstance(key, str) or key not in self.arrays:
            raise ModelFormatError(
                f"{where} refers to array {key!r}, which the model folder's array "
                "file does not hold; the folder is damaged or was edited."
            )
        return self.arrays[key]


def _cannot(where: str, value, why: str = "") -> ModelFormatError:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return ModelFormatError(
        f"{where} holds a {type(value).__name__} ({text}), which cannot be saved as "
        f"data{why}. sklearn-ecg saves only numbers, strings, arrays, lists, dicts, "
        "registered model names and torch optimizer classes, never code; set it to "
        "such a value (e.g. None, or a name instead of an object) before saving."
    )


def _encode_array(value: np.ndarray, where: str, store: ArrayStore) -> dict:
    if value.dtype == object:
        if not all(isinstance(v, str) for v in value.ravel()):
            raise _cannot(where, value, " (an object array that is not all strings)")
        return {"type": "ndarray", "key": store.add(value.astype(str)), "object": True}
    if value.dtype.kind not in _ARRAY_KINDS:
        raise _cannot(where, value, f" (arrays of dtype {value.dtype} are not stored)")
    return {"type": "ndarray", "key": store.add(np.array(value))}


def _encode_class(value: type, where: str) -> dict:
    import torch

    if issubclass(value, torch.optim.Optimizer) and (
        getattr(torch.optim, value.__name__, None) is value
    ):
        return {"type": "torch_optimizer", "name": value.__name__}
    name = getattr(value, "registry_name", None)
    if isinstance(name, str):
        from sklearn_ecg.models import resolve_model

        try:
            if resolve_model(name) is value:
                return {"type": "model", "name": name}
        except ValueError:
            pass
    raise _cannot(where, value, " (a class that is neither a registered model nor "
                  "a torch.optim optimizer)")  # fmt: skip


def _encode_weights(value, where: str) -> dict:
    if value.path is None:
        raise ModelFormatError(
            f"{where} holds in-memory PretrainedWeights, which are not saved with "
            "the model; write them to a file with save_pretrained and pass "
            "PretrainedWeights.from_file(path), or set it to None before saving."
        )
    return {"type": "pretrained_weights", "path": value.path, "sha256": value.sha256}


def encode(value, where: str, store: ArrayStore):
    """Encode ``value`` as JSON-safe data; raise :class:`ModelFormatError` if code.

    Parameters
    ----------
    value : object
        A parameter or fitted attribute.
    where : str
        What ``value`` is, for error messages (``"step 'clf' parameter 'lr'"``).
    store : ArrayStore
        Receives the arrays.

    Returns
    -------
    encoded : JSON-safe object
    """
    from sklearn_ecg.transfer import PretrainedWeights

    if isinstance(value, np.generic):
        if value.dtype.kind not in _ARRAY_KINDS:
            raise _cannot(where, value)
        return {"type": "scalar", "key": store.add(np.asarray(value))}
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value, where, store)
    if isinstance(value, (list, tuple)):
        items = [encode(v, f"{where}[{i}]", store) for i, v in enumerate(value)]
        return {"type": type(value).__name__ if type(value) in (list, tuple) else
                "list", "items": items}  # fmt: skip
    if isinstance(value, dict):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise _cannot(where, value, f" (a dict with non-string key {bad[0]!r})")
        items = {k: encode(v, f"{where}[{k!r}]", store) for k, v in value.items()}
        return {"type": "dict", "items": items}
    if isinstance(value, type):
        return _encode_class(value, where)
    if isinstance(value, PretrainedWeights):
        return _encode_weights(value, where)
    raise _cannot(where, value)


def _bad(where: str, value) -> ModelFormatError:
    text = repr(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return ModelFormatError(
        f"{where} has an invalid encoded value {text}; the model folder is damaged "
        "or was edited by hand. Re-create it with save_model."
    )


def _decode_tagged(value: dict, where: str, store: ArrayStore):
    kind = value.get("type")
    if kind in ("list", "tuple") and isinstance(value.get("items"), list):
        items = [
            decode(v, f"{where}[{i}]", store) for i, v in enumerate(value["items"])
        ]
        return items if kind == "list" else tuple(items)
    if kind == "dict" and isinstance(value.get("items"), dict):
        return {str(k): decode(v, f"{where}[{k!r}]", store)
                for k, v in value["items"].items()}  # fmt: skip
    if kind == "ndarray":
        array = store.get(value.get("key"), where)
        return array.astype(object) if value.get("object") is True else array
    if kind == "scalar":
        array = store.get(value.get("key"), where)
        if array.ndim != 0:
            raise _bad(where, value)
        return array[()]
    return _decode_named(value, kind, where)


def _decode_named(value: dict, kind, where: str):
    name = value.get("name")
    if kind == "torch_optimizer" and isinstance(name, str):
        import torch

        cls = getattr(torch.optim, name, None)
        if isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer):
            return cls
    if kind == "model" and isinstance(name, str):
        from sklearn_ecg.models import resolve_model

        try:
            return resolve_model(name)
        except ValueError as exc:
            raise ModelFormatError(f"{where}: {exc}") from None
    if kind == "pretrained_weights":
        from sklearn_ecg.transfer import PretrainedWeights

        try:
            return PretrainedWeights(path=value.get("path"), sha256=value.get("sha256"))
        except (TypeError, ValueError):
            pass
    raise _bad(where, value)


def decode(value, where: str, store: ArrayStore):
    """Inverse of :func:`encode`; never imports or calls anything named in the data.

    Parameters
    ----------
    value : JSON-safe object
        An encoded value read from a manifest.
    where : str
        What it is, for error messages.
    store : ArrayStore
        The arrays read from the model folder.

    Returns
    -------
    value : object
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return _decode_tagged(value, where, store)
    raise _bad(where, value)
