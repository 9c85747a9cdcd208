"""Classification losses working on raw logits."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _as_buffer(value) -> torch.Tensor | None:
    if value is None:
        return None
    return torch.as_tensor(value, dtype=torch.float32)


class BCEWithLogitsLoss(nn.Module):
    """Binary cross-entropy on logits, with optional per-class ``pos_weight``.

    The targets are reshaped to the logits' shape, so a binary task can use a
    single logit ``(batch, 1)`` with targets of shape ``(batch,)``.

    Parameters
    ----------
    pos_weight : array-like of shape (n_outputs,), default=None
        Weight of the positive term of each output (``n_neg / n_pos`` balances
        the classes), as in :class:`torch.nn.BCEWithLogitsLoss`.
    label_smoothing : float in [0, 1), default=0.0
        Targets become ``y * (1 - eps) + eps / 2`` (0 and 1 move towards 1/2).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import BCEWithLogitsLoss
    >>> loss = BCEWithLogitsLoss(pos_weight=[3.0])
    >>> round(float(loss(torch.zeros(4, 1), torch.tensor([0, 1, 0, 0]))), 4)
    1.0397
    """

    def __init__(self, pos_weight=None, label_smoothing: float = 0.0):
        super().__init__()
        self.register_buffer("pos_weight", _as_buffer(pos_weight))
        self.label_smoothing = label_smoothing

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean loss over all ``batch * n_outputs`` terms."""
        target = target.reshape(logits.shape).to(logits.dtype)
        if self.label_smoothing:
            target = target * (1.0 - self.label_smoothing) + self.label_smoothing / 2
        return F.binary_cross_entropy_with_logits(
            logits, target, pos_weight=self.pos_weight
        )


class SigmoidFocalLoss(nn.Module):
    """Sigmoid focal loss of Lin et al. (2017) for binary and multi-label tasks.

    ``FL = -w * alpha_t * (1 - p_t) ** gamma * log(p_t)`` with ``p = sigmoid(z)``,
    ``p_t = p`` for positives and ``1 - p`` for negatives, ``alpha_t = alpha``
    for positives and ``1 - alpha`` for negatives, and ``w`` the optional
    ``pos_weight`` on positive terms; averaged over all ``batch * n_outputs``
    terms. ``gamma=0`` and ``alpha=None`` give plain BCE.

    Parameters
    ----------
    alpha : float or None, default=0.25
        Weight of positive terms in [0, 1]; ``None`` disables it. The seed
        study used 0.7.
    gamma : float, default=2.0
        Focusing parameter (>= 0).
    pos_weight : array-like of shape (n_outputs,), default=None
        Extra weight of positive terms per output.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss for
       Dense Object Detection", ICCV 2017, arXiv:1708.02002.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import SigmoidFocalLoss
    >>> loss = SigmoidFocalLoss(alpha=None, gamma=0.0)
    >>> round(float(loss(torch.zeros(2, 3), torch.ones(2, 3))), 4)
    0.6931
    """

    def __init__(self, alpha: float | None = 0.25, gamma: float = 2.0, pos_weight=None):
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.register_buffer("pos_weight", _as_buffer(pos_weight))

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean focal loss over all ``batch * n_outputs`` terms."""
        target = target.reshape(logits.shape).to(logits.dtype)
        # The stable BCE form gives -log(p_t) without exp overflow.
        ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        p = torch.sigmoid(logits)
        p_t = p * target + (1 - p) * (1 - target)
        loss = ce * (1 - p_t) ** self.gamma
        if self.alpha is not None:
            loss = loss * (self.alpha * target + (1 - self.alpha) * (1 - target))
        if self.pos_weight is not None:
            loss = loss * (1 + (self.pos_weight - 1) * target)
        return loss.mean()


class SoftmaxFocalLoss(nn.Module):
    """Multiclass focal loss: cross-entropy scaled by ``(1 - p_true) ** gamma``.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter (>= 0); 0 gives (weighted) cross-entropy.
    weight : array-like of shape (n_classes,), default=None
        Per-class weights, as in :class:`torch.nn.CrossEntropyLoss`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import SoftmaxFocalLoss
    >>> loss = SoftmaxFocalLoss(gamma=0.0)
    >>> round(float(loss(torch.zeros(2, 4), torch.tensor([0, 3]))), 4)
    1.3863
    """

    def __init__(self, gamma: float = 2.0, weight=None):
        super().__init__()
        self.gamma = gamma
        self.register_buffer("weight", _as_buffer(weight))

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean focal loss over the batch."""
        target = target.long()
        log_p = F.log_softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1)
        loss = -((1 - log_p.exp()) ** self.gamma) * log_p
        if self.weight is not None:
            loss = loss * self.weight[target]
        return loss.mean()


class CrossEntropyLoss(nn.CrossEntropyLoss):
    """:class:`torch.nn.CrossEntropyLoss` that accepts any integer target dtype.

    Parameters
    ----------
    weight : array-like of shape (n_classes,), default=None
        Per-class weights.
    label_smoothing : float in [0, 1), default=0.0
        As in :class:`torch.nn.CrossEntropyLoss`: the target distribution is
        ``(1 - eps) * one_hot + eps / n_classes``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import CrossEntropyLoss
    >>> round(float(CrossEntropyLoss()(torch.zeros(2, 4), torch.tensor([0, 3]))), 4)
    1.3863
    """

    def __init__(self, weight=None, label_smoothing: float = 0.0):
        super().__init__(weight=_as_buffer(weight), label_smoothing=label_smoothing)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over the batch."""
        return super().forward(logits, target.long())
