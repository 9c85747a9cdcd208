"""ECGResTransformerClassifier: the ResTransformer1d estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGResTransformerClassifier(ECGClassifier):
    __doc__ = f"""ResNet trunk + Transformer encoder ECG classifier.

    A thin :class:`ECGClassifier` around
    :class:`sklearn_ecg.models.ResTransformer1d` (registry name
    ``"restransformer1d"``): the architecture arguments below are forwarded to the
    module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    depth : {{18, 34, 50, 101, 152}}, default=18
        Depth of the ResNet trunk.
    base_width : int, default=64
        Width of the trunk's first stage.
    num_heads : int, default=4
        Attention heads; must divide the token width.
    num_layers : int, default=2
        Encoder layers.
    drop_prob : float, default=0.1
        Dropout in the encoder.
{TRAINING_PARAMETERS}

    Attributes
    ----------
    classes_, task_, n_outputs_, n_leads_in_, n_times_in_, n_epochs_, \
threshold_, module_, history_
        As in :class:`ECGClassifier`.

    References
    ----------
    .. [1] J. Marques and A. Oliveira, "Are ECGs enough?", arXiv:2503.08960, 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGResTransformerClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGResTransformerClassifier(
    ...     base_width=4, num_heads=2, num_layers=1, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "restransformer1d"
    _module_params = (
        "depth",
        "base_width",
        "num_heads",
        "num_layers",
        "drop_prob",
    )

    def __init__(
        self,
        depth=18,
        base_width=64,
        num_heads=4,
        num_layers=2,
        drop_prob=0.1,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.depth = depth
        self.base_width = base_width
        self.num_heads = num_heads
        self.num_layers = num_layers
        self.drop_prob = drop_prob
