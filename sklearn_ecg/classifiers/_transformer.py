"""ECGTransformerClassifier: the TransformerEncoder1d estimator."""

from ._zoo import ArchitectureClassifier


class ECGTransformerClassifier(ArchitectureClassifier, model="transformer1d"):
    """Transformer-encoder ECG classifier (conv or patch embedding).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGTransformerClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGTransformerClassifier(
    ...     embed_dim=8, num_heads=2, num_layers=1, max_epochs=1
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _excluded_params = {
        "max_len": "length of the positional-encoding table, left at the model's "
        "5000 tokens (with the default 10-sample tokens: 100 s at 500 Hz)."
    }
