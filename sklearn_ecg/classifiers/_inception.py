"""ECGInceptionClassifier: the :class:`~sklearn_ecg.models.Inception1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGInceptionClassifier(ArchitectureClassifier, model="inception1d"):
    """InceptionTime ECG classifier."""

    _example_params = {"n_filters": 2, "depth": 3, "bottleneck": 2, "kernel_size": 8}
