"""ECGInceptionClassifier: the :class:`~sklearn_ecg.models.Inception1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGInceptionClassifier(ArchitectureClassifier, model="inception1d"):
    """InceptionTime ECG classifier.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGInceptionClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGInceptionClassifier(
    ...     n_filters=2, depth=3, bottleneck=2, kernel_size=8, max_epochs=1
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
