"""scikit-learn estimators that train deep networks on ECG records (via skorch)."""

from ._base import ECGClassifier
from ._export import to_onnx, to_torchscript
from ._resnet import ECGResNetClassifier

__all__ = ["ECGClassifier", "ECGResNetClassifier", "to_onnx", "to_torchscript"]
