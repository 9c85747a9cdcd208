"""ECGCRNNClassifier: the :class:`~sklearn_ecg.models.CRNN1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGCRNNClassifier(ArchitectureClassifier, model="crnn1d"):
    """Convolutional-recurrent ECG classifier (ResNet trunk + LSTM/GRU/RNN)."""

    _example_params = {"base_width": 4, "hidden_size": 8, "bidirectional": True}
