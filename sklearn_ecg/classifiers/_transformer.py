"""ECGTransformerClassifier: the TransformerEncoder1d estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGTransformerClassifier(ECGClassifier):
    __doc__ = f"""Transformer-encoder ECG classifier (conv or patch embedding).

    A thin :class:`ECGClassifier` around
    :class:`sklearn_ecg.models.TransformerEncoder1d` (registry name
    ``"transformer1d"``): the architecture arguments below are forwarded to the
    module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    embed_dim : int, default=128
        Token width.
    num_heads : int, default=4
        Attention heads; must divide ``embed_dim``.
    num_layers : int, default=2
        Encoder layers.
    embedding : {{'conv', 'patch'}}, default='conv'
        Token embedding (3-tap convolution + average pooling, or
        non-overlapping patches).
    patch_size : int, default=10
        Samples per token.
    pooling : {{'mean', 'cls'}}, default='mean'
        Token pooling.
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
    .. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGTransformerClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGTransformerClassifier(
    ...     embed_dim=8, num_heads=2, num_layers=1, max_epochs=1, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "transformer1d"
    _module_params = (
        "embed_dim",
        "num_heads",
        "num_layers",
        "embedding",
        "patch_size",
        "pooling",
        "drop_prob",
    )

    def __init__(
        self,
        embed_dim=128,
        num_heads=4,
        num_layers=2,
        embedding="conv",
        patch_size=10,
        pooling="mean",
        drop_prob=0.1,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.num_layers = num_layers
        self.embedding = embedding
        self.patch_size = patch_size
        self.pooling = pooling
        self.drop_prob = drop_prob
