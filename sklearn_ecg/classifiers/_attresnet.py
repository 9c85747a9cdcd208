"""ECGAttResNetClassifier: the :class:`~sklearn_ecg.models.AttResNet1d` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGAttResNetClassifier(ECGClassifier):
    __doc__ = f"""ResNet + self-attention ECG classifier (the seed paper's HSMNet).

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.AttResNet1d`
    (registry name ``"attresnet1d"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    depth : {{18, 34, 50, 101, 152}}, default=18
        Depth of the ResNet trunk.
    base_width : int, default=64
        Width of the trunk's first stage.
    num_heads : int, default=8
        Attention heads; must divide the token width.
    reduction : {{'mean', 'none'}}, default='mean'
        Average the attended tokens, or flatten them (ties the
        model to the training length).
    drop_prob : float, default=0.0
        Dropout on the attention weights.
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
    >>> from sklearn_ecg.classifiers import ECGAttResNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGAttResNetClassifier(
    ...     base_width=4, num_heads=2, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "attresnet1d"
    _module_params = (
        "depth",
        "base_width",
        "num_heads",
        "reduction",
        "drop_prob",
    )

    def __init__(
        self,
        depth=18,
        base_width=64,
        num_heads=8,
        reduction="mean",
        drop_prob=0.0,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.depth = depth
        self.base_width = base_width
        self.num_heads = num_heads
        self.reduction = reduction
        self.drop_prob = drop_prob
