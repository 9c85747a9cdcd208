"""ECGAttResNetClassifier: the :class:`~sklearn_ecg.models.AttResNet1d` estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGAttResNetClassifier(ArchitectureClassifier, model="attresnet1d"):
    """ResNet + self-attention ECG classifier (the seed paper's HSMNet)."""

    _example_params = {"base_width": 4, "num_heads": 2}

    _default_overrides = {
        "base_width": measured(32, "attresnet1d18"),
        "num_heads": measured(4, "attresnet1d18"),
    }
