"""ECGCRNNClassifier: the :class:`~sklearn_ecg.models.CRNN1d` estimator."""

from __future__ import annotations

from ._base import ECGClassifier
from ._params import TRAINING_PARAMETERS


class ECGCRNNClassifier(ECGClassifier):
    __doc__ = f"""Convolutional-recurrent ECG classifier (ResNet trunk + LSTM/GRU/RNN).

    A thin :class:`ECGClassifier` around :class:`sklearn_ecg.models.CRNN1d`
    (registry name ``"crnn1d"``): the architecture arguments below are forwarded
    to the module, and every training, augmentation and inference argument of
    :class:`ECGClassifier` is accepted as a keyword argument.

    Parameters
    ----------
    rnn_type : {{'lstm', 'gru', 'rnn'}}, default='lstm'
        Recurrent cell.
    hidden_size : int, default=256
        Hidden units per direction.
    num_layers : int, default=2
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Read the trunk tokens in both directions; the head
        sees the final forward and backward states.
    depth : {{18, 34, 50, 101, 152}}, default=18
        Depth of the ResNet trunk.
    base_width : int, default=64
        Width of the trunk's first stage.
    drop_prob : float, default=0.1
        Dropout between recurrent layers.
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
    >>> from sklearn_ecg.classifiers import ECGCRNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> clf = ECGCRNNClassifier(
    ...     base_width=4, hidden_size=8, bidirectional=True, max_epochs=1,
    ...     random_state=0,
    ... )
    >>> clf.fit(X, y).predict_proba(X).shape
    (40, 2)
    """

    _module_name = "crnn1d"
    _module_params = (
        "rnn_type",
        "hidden_size",
        "num_layers",
        "bidirectional",
        "depth",
        "base_width",
        "drop_prob",
    )

    def __init__(
        self,
        rnn_type="lstm",
        hidden_size=256,
        num_layers=2,
        bidirectional=False,
        depth=18,
        base_width=64,
        drop_prob=0.1,
        **kwargs,
    ):
        super().__init__(module=self._module_name, **kwargs)
        self.rnn_type = rnn_type
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.depth = depth
        self.base_width = base_width
        self.drop_prob = drop_prob
