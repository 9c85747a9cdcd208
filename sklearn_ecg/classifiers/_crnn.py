"""ECGCRNNClassifier: the :class:`~sklearn_ecg.models.CRNN1d` estimator."""

from ._defaults import measured
from ._zoo import ArchitectureClassifier


class ECGCRNNClassifier(ArchitectureClassifier, model="crnn1d"):
    """Convolutional-recurrent ECG classifier (ResNet trunk + LSTM/GRU/RNN)."""

    _example_params = {"base_width": 4, "hidden_size": 8, "bidirectional": True}

    _default_overrides = {
        "base_width": measured(32, "crnn1d18_bilstm"),
        "hidden_size": measured(64, "crnn1d18_bilstm"),
        "bidirectional": measured(True, "crnn1d18_bilstm"),
    }
