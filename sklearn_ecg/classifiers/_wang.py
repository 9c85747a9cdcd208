"""ECGResNetWangClassifier: the :class:`~sklearn_ecg.models.ResNet1dWang` estimator."""

from ._zoo import ArchitectureClassifier


class ECGResNetWangClassifier(ArchitectureClassifier, model="resnet1d_wang"):
    """Compact residual ECG classifier: the package's fast CPU default.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGResNetWangClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGResNetWangClassifier(width=4, max_epochs=1)
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
