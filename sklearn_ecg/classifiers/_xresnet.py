"""ECGXResNetClassifier: the :class:`~sklearn_ecg.models.XResNet1d` estimator."""

from ._zoo import ArchitectureClassifier


class ECGXResNetClassifier(ArchitectureClassifier, model="xresnet1d"):
    """XResNet1d ECG classifier (fastai xresnet, Strodthoff et al. 2021).

    Examples
    --------
    >>> from sklearn_ecg.classifiers import ECGXResNetClassifier
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(40, sfreq=100.0, duration=2.0, random_state=0, return_X_y=True)
    >>> clf = ECGXResNetClassifier(depth=18, base_width=4, hidden_size=8, max_epochs=1)
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """
