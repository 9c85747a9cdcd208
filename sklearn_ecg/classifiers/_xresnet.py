"""ECGXResNetClassifier: the :class:`~sklearn_ecg.models.XResNet1d` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGXResNetClassifier(ECGClassifier):
    __doc__ = f"""XResNet1d ECG classifier (fastai xresnet, Strodthoff et al. 2021).

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.XResNet1d`
    (registry name ``"xresnet1d"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    depth : {{18, 34, 50, 101, 152}}, default=50
        Network depth.
    kernel_size : int, default=5
        Kernel of the stem and block convolutions.
    base_width : int, default=64
        Width of the first stage; the others scale with it.
    hidden_size : int, default=512
        Width of the hidden layer of the head.
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
    .. [1] N. Strodthoff et al., "Deep learning for ECG analysis: benchmarks and
       insights from PTB-XL", IEEE JBHI 25(5), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGXResNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGXResNetClassifier(
    ...     depth=18, base_width=4, hidden_size=8, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "xresnet1d"
    _module_params = (
        "depth",
        "kernel_size",
        "base_width",
        "hidden_size",
        "drop_prob",
    )

    def __init__(
        self,
        depth=50,
        kernel_size=5,
        base_width=64,
        hidden_size=512,
        drop_prob=0.5,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.depth = depth
        self.kernel_size = kernel_size
        self.base_width = base_width
        self.hidden_size = hidden_size
        self.drop_prob = drop_prob
