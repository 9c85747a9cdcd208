"""ECGVGGClassifier: the :class:`~sklearn_ecg.models.VGG1d` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGVGGClassifier(ECGClassifier):
    __doc__ = f"""1-D VGG ECG classifier (depths 11/13/16/19, with or without BN).

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.VGG1d`
    (registry name ``"vgg1d"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    depth : {{11, 13, 16, 19}}, default=16
        Number of weight layers.
    batch_norm : bool, default=True
        Batch normalisation after each convolution.
    hidden_size : int, default=4096
        Width of the two hidden linear layers of the head.
    base_width : int, default=64
        Width of the first stage; the others scale with it.
    drop_prob : float, default=0.5
        Dropout in the head.
{TRAINING_PARAMETERS}

    Attributes
    ----------
    classes_, task_, n_outputs_, n_leads_in_, n_times_in_, n_epochs_, \
threshold_, module_, history_
        As in :class:`ECGClassifier`.

    References
    ----------
    .. [1] K. Simonyan and A. Zisserman, "Very deep convolutional networks for
       large-scale image recognition", ICLR 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGVGGClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGVGGClassifier(
    ...     depth=11, base_width=4, hidden_size=8, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "vgg1d"
    _module_params = (
        "depth",
        "batch_norm",
        "hidden_size",
        "base_width",
        "drop_prob",
    )

    def __init__(
        self,
        depth=16,
        batch_norm=True,
        hidden_size=4096,
        base_width=64,
        drop_prob=0.5,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.depth = depth
        self.batch_norm = batch_norm
        self.hidden_size = hidden_size
        self.base_width = base_width
        self.drop_prob = drop_prob
