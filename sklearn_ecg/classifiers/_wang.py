"""ECGResNetWangClassifier: the :class:`~sklearn_ecg.models.ResNet1dWang` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGResNetWangClassifier(ECGClassifier):
    __doc__ = f"""Compact residual ECG classifier: the package's fast CPU default.

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.ResNet1dWang`
    (registry name ``"resnet1d_wang"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    width : int, default=64
        Filters of the first block (the others have twice as many).
    kernel_size : int, default=5
        Kernel of the first convolution of each block.
    stem_stride : int, default=1
        Average-pool the input by this factor first.
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
    .. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from scratch
       with deep neural networks: a strong baseline", IJCNN 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGResNetWangClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGResNetWangClassifier(
    ...     width=4, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "resnet1d_wang"
    _module_params = (
        "width",
        "kernel_size",
        "stem_stride",
        "drop_prob",
    )

    def __init__(self, width=64, kernel_size=5, stem_stride=1, drop_prob=0.0, **kwargs):
        super().__init__(module=self._module_name, **kwargs)
        self.width = width
        self.kernel_size = kernel_size
        self.stem_stride = stem_stride
        self.drop_prob = drop_prob
