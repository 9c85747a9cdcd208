"""ECGResNetWangClassifier: the :class:`~sklearn_ecg.models.ResNet1dWang` estimator."""

from ._zoo import ArchitectureClassifier


class ECGResNetWangClassifier(ArchitectureClassifier, model="resnet1d_wang"):
    """Compact residual ECG classifier: the package's fast CPU default."""

    _example_params = {"width": 4}
