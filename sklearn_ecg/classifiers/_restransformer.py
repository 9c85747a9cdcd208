"""ECGResTransformerClassifier: the ResTransformer1d estimator."""

from ._zoo import ArchitectureClassifier


class ECGResTransformerClassifier(ArchitectureClassifier, model="restransformer1d"):
    """ResNet trunk + Transformer encoder ECG classifier.

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGResTransformerClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGResTransformerClassifier(
    ...     base_width=4, num_heads=2, num_layers=1, max_epochs=1
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
