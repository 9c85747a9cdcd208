"""ECGAlexNetClassifier: the :class:`~sklearn_ecg.models.AlexNet1d` estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGAlexNetClassifier(ArchitectureClassifier, model="alexnet1d"):
    """1-D AlexNet ECG classifier (with batch normalisation)."""

    _example_params = {"base_width": 4, "hidden_size": 8}

    _default_overrides = {
        "base_width": measured(32, "alexnet1d"),
        "hidden_size": measured(512, "alexnet1d"),
    }
