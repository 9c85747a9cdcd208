"""The probability head: how a network's logits become probabilities.

The one implementation used by ``predict_proba``, the exported models
(TorchScript/ONNX) and the validation AUROC callback.
"""

from __future__ import annotations

import torch

#: The head matching each task's ``predict_proba``.
TASK_HEADS = {"binary": "binary", "multiclass": "softmax", "multilabel": "sigmoid"}
HEADS = ("sigmoid", "softmax", "binary", "identity")


def logits_to_proba(z: torch.Tensor, head: str) -> torch.Tensor:
    """Apply a probability head to a batch of logits (TorchScript-compatible).

    Parameters
    ----------
    z : torch.Tensor of shape (n_records, n_outputs)
        Logits.
    head : {"sigmoid", "softmax", "binary", "identity"}
        ``"sigmoid"`` per output, ``"softmax"`` over outputs, ``"binary"``:
        ``[1 - p, p]`` columns from the first logit, ``"identity"``: the logits.

    Returns
    -------
    proba : torch.Tensor
        The probabilities (or logits for ``"identity"``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training._heads import logits_to_proba
    >>> logits_to_proba(torch.zeros(1, 1), "binary").tolist()
    [[0.5, 0.5]]
    """
    if head == "sigmoid":
        return torch.sigmoid(z)
    if head == "softmax":
        return torch.softmax(z, dim=1)
    if head == "binary":
        p = torch.sigmoid(z.reshape(z.shape[0], -1)[:, :1])
        return torch.cat([1.0 - p, p], dim=1)
    return z
