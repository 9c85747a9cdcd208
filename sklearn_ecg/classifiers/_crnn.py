"""ECGCRNNClassifier: the :class:`~sklearn_ecg.models.CRNN1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGCRNNClassifier(ArchitectureClassifier, model="crnn1d"):
    """Convolutional-recurrent ECG classifier (ResNet trunk + LSTM/GRU/RNN).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGCRNNClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGCRNNClassifier(
    ...     base_width=4, hidden_size=8, bidirectional=True, max_epochs=1
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
