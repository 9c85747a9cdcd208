"""ECGAlexNetClassifier: the :class:`~sklearn_ecg.models.AlexNet1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGAlexNetClassifier(ArchitectureClassifier, model="alexnet1d"):
    """1-D AlexNet ECG classifier (with batch normalisation).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGAlexNetClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGAlexNetClassifier(base_width=4, hidden_size=8, max_epochs=1)
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
