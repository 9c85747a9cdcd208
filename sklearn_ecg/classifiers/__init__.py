"""scikit-learn estimators that train deep networks on ECG records (via skorch)."""

from ._alexnet import ECGAlexNetClassifier
from ._attresnet import ECGAttResNetClassifier
from ._base import ECGClassifier
from ._crnn import ECGCRNNClassifier
from ._defaults import PLAIN_TRAINING
from ._ensemble import ECGEnsembleClassifier
from ._epoch import TrainingDivergedError
from ._export import to_onnx, to_torchscript
from ._fitted_state import FITTED_STATE, get_fitted_state, set_fitted_state
from ._inception import ECGInceptionClassifier
from ._params import AUTOCAST_DTYPES
from ._recording import check_recording, expected_recording
from ._resnet import ECGResNetClassifier
from ._restransformer import ECGResTransformerClassifier
from ._transformer import ECGTransformerClassifier
from ._vgg import ECGVGGClassifier
from ._wang import ECGResNetWangClassifier
from ._warm_start import save_pretrained
from ._xresnet import ECGXResNetClassifier
from ._zoo import ArchitectureClassifier, get_estimator_class

__all__ = [
    "AUTOCAST_DTYPES",
    "ArchitectureClassifier",
    "ECGAlexNetClassifier",
    "ECGAttResNetClassifier",
    "ECGCRNNClassifier",
    "ECGClassifier",
    "ECGEnsembleClassifier",
    "ECGInceptionClassifier",
    "ECGResNetClassifier",
    "ECGResNetWangClassifier",
    "ECGResTransformerClassifier",
    "ECGTransformerClassifier",
    "ECGVGGClassifier",
    "ECGXResNetClassifier",
    "FITTED_STATE",
    "PLAIN_TRAINING",
    "TrainingDivergedError",
    "check_recording",
    "expected_recording",
    "get_estimator_class",
    "get_fitted_state",
    "save_pretrained",
    "set_fitted_state",
    "to_onnx",
    "to_torchscript",
]
