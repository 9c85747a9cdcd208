"""ECGTransformerClassifier: the TransformerEncoder1d estimator."""

from ._zoo import ArchitectureClassifier


class ECGTransformerClassifier(ArchitectureClassifier, model="transformer1d"):
    """Transformer-encoder ECG classifier (conv or patch embedding)."""

    _example_params = {"embed_dim": 8, "num_heads": 2, "num_layers": 1}

    _excluded_params = {
        "max_len": "length of the positional-encoding table, left at the model's "
        "5000 tokens (with the default 10-sample tokens: 100 s at 500 Hz)."
    }
