"""ECGVGGClassifier: the :class:`~sklearn_ecg.models.VGG1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGVGGClassifier(ArchitectureClassifier, model="vgg1d"):
    """1-D VGG ECG classifier (depths 11/13/16/19, with or without BN).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGVGGClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGVGGClassifier(depth=11, base_width=4, hidden_size=8, max_epochs=1)
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
