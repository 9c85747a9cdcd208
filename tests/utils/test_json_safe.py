import json
import math
from pathlib import Path

import numpy as np

from sklearn_ecg.utils import to_json_safe


def test_to_json_safe_converts_every_kind_and_leaves_the_input_alone():
    value = {
        1: np.float32(0.5),
        "int": np.int64(3),
        "bool": np.bool_(True),
        "nan": float("nan"),
        "inf": np.float64(-np.inf),
        "tuple": (1, np.arange(2)),
        "set": {2},
        "path": Path("a") / "b.pt",
        "type": np.ndarray,
        "obj": object.__new__(type("Thing", (), {"__repr__": lambda s: "<thing>"})),
    }
    before = dict(value)
    out = to_json_safe(value)
    assert out == {
        "1": 0.5,
        "int": 3,
        "bool": True,
        "nan": None,
        "inf": None,
        "tuple": [1, [0, 1]],
        "set": [2],
        "path": str(Path("a") / "b.pt"),
        "type": "numpy.ndarray",
        "obj": "<thing>",
    }
    assert type(out["int"]) is int and type(out["bool"]) is bool
    json.dumps(out, allow_nan=False)  # strict JSON
    assert math.isnan(value["nan"]) and value == before
