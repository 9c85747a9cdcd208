"""ECGTransformerClassifier: the TransformerEncoder1d estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGTransformerClassifier(ArchitectureClassifier, model="transformer1d"):
    """Transformer-encoder ECG classifier (conv or patch embedding)."""

    _example_params = {"embed_dim": 8, "num_heads": 2, "num_layers": 1}

    _default_overrides = {"patch_size": measured(5, "transformer1d")}

    _excluded_params = {
        "max_len": "length of the positional-encoding table, left at the model's "
        "5000 tokens (with the default 5-sample tokens: 50 s at 500 Hz)."
    }
