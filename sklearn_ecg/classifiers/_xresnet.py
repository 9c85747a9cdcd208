"""ECGXResNetClassifier: the :class:`~sklearn_ecg.models.XResNet1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGXResNetClassifier(ArchitectureClassifier, model="xresnet1d"):
    """XResNet1d ECG classifier (fastai xresnet, Strodthoff et al. 2021)."""

    _example_params = {"depth": 18, "base_width": 4, "hidden_size": 8}
