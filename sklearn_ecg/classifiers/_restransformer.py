"""ECGResTransformerClassifier: the ResTransformer1d estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGResTransformerClassifier(ArchitectureClassifier, model="restransformer1d"):
    """ResNet trunk + Transformer encoder ECG classifier."""

    _example_params = {"base_width": 4, "num_heads": 2, "num_layers": 1}

    _default_overrides = {"base_width": measured(32, "restransformer1d18")}
