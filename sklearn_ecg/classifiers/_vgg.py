"""ECGVGGClassifier: the :class:`~sklearn_ecg.models.VGG1d` estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGVGGClassifier(ArchitectureClassifier, model="vgg1d"):
    """1-D VGG ECG classifier (depths 11/13/16/19, with or without BN)."""

    _example_params = {"depth": 11, "base_width": 4, "hidden_size": 8}

    _default_overrides = {
        "depth": measured(11, "vgg1d11_bn"),
        "base_width": measured(32, "vgg1d11_bn"),
        "hidden_size": measured(512, "vgg1d11_bn"),
    }
