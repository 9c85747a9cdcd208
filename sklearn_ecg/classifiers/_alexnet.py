"""ECGAlexNetClassifier: the :class:`~sklearn_ecg.models.AlexNet1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGAlexNetClassifier(ArchitectureClassifier, model="alexnet1d"):
    """1-D AlexNet ECG classifier (with batch normalisation)."""

    _example_params = {"base_width": 4, "hidden_size": 8}
