"""ECGInceptionClassifier: the :class:`~sklearn_ecg.models.Inception1d` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGInceptionClassifier(ECGClassifier):
    __doc__ = f"""InceptionTime ECG classifier.

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.Inception1d`
    (registry name ``"inception1d"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    n_filters : int, default=32
        Filters per branch.
    depth : int, default=6
        Number of inception modules (residual every 3).
    kernel_size : int, default=40
        Longest kernel (the others are 1/2 and 1/4 of it).
    bottleneck : int, default=32
        Width of the 1x1 bottleneck (0 disables it).
    drop_prob : float, default=0.0
        Dropout before ``final_layer``.
{TRAINING_PARAMETERS}

    Attributes
    ----------
    classes_, task_, n_outputs_, n_leads_in_, n_times_in_, n_epochs_, \
threshold_, module_, history_
        As in :class:`ECGClassifier`.

    References
    ----------
    .. [1] H. Ismail Fawaz et al., "InceptionTime: finding AlexNet for time series
       classification", Data Min. Knowl. Disc. 34, 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGInceptionClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGInceptionClassifier(
    ...     n_filters=2, depth=3, bottleneck=2, kernel_size=8, max_epochs=1,
    ...     random_state=0,
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "inception1d"
    _module_params = (
        "n_filters",
        "depth",
        "kernel_size",
        "bottleneck",
        "drop_prob",
    )

    def __init__(
        self,
        n_filters=32,
        depth=6,
        kernel_size=40,
        bottleneck=32,
        drop_prob=0.0,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.n_filters = n_filters
        self.depth = depth
        self.kernel_size = kernel_size
        self.bottleneck = bottleneck
        self.drop_prob = drop_prob
