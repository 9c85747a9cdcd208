"""ECGAttResNetClassifier: the :class:`~sklearn_ecg.models.AttResNet1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGAttResNetClassifier(ArchitectureClassifier, model="attresnet1d"):
    """ResNet + self-attention ECG classifier (the seed paper's HSMNet).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGAttResNetClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGAttResNetClassifier(base_width=4, num_heads=2, max_epochs=1)
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
