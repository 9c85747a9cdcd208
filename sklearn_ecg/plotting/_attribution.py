"""Attribution of a prediction to leads and samples, in pure torch.

Both methods explain the module's **logit** output (before the sigmoid or
softmax), which is what integrated gradients' completeness property refers to.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def _as_module(model) -> nn.Module:
    module = getattr(model, "module_", model)
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"model must be a torch nn.Module or a fitted estimator with a "
            f"module_ attribute, got {type(model).__name__}; fit the estimator "
            "first."
        )
    return module


def _as_tensor(X, module):
    X = np.asarray(X, dtype=np.float32)
    if X.ndim == 2:
        X = X[None]
    if X.ndim != 3:
        raise ValueError(
            f"X must have shape (n_records, n_leads, n_times), got {X.shape}."
        )
    param = next(module.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    return torch.from_numpy(X).to(device)


def _targets(logits, target):
    """Output index per record: given, the only output, or the arg-max."""
    n = logits.shape[0]
    if target is None:
        if logits.shape[1] == 1:
            return torch.zeros(n, dtype=torch.long, device=logits.device)
        return logits.argmax(dim=1)
    target = torch.as_tensor(target, device=logits.device).long().reshape(-1)
    if target.numel() == 1:
        target = target.expand(n)
    if target.numel() != n or target.max() >= logits.shape[1] or target.min() < 0:
        raise ValueError(
            f"target must be an int or one int per record in "
            f"[0, {logits.shape[1] - 1}], got {target.tolist()}."
        )
    return target


class _EvalMode:
    """Put a module in eval mode (no dropout, frozen BN) and restore it after."""

    def __init__(self, module):
        self.module, self.was_training = module, module.training

    def __enter__(self):
        self.module.eval()

    def __exit__(self, *exc):
        self.module.train(self.was_training)


def integrated_gradients(
    model, X, *, target=None, baseline=None, n_steps: int = 64, batch_size: int = 64
) -> np.ndarray:
    """Integrated gradients of the target logit with respect to each sample.

    ``IG_i = (x_i - b_i) * mean over alpha of d f(b + alpha (x - b)) / d x_i``,
    with the trapezoidal rule over ``n_steps`` intervals. The attributions sum
    to ``f(x) - f(baseline)`` (completeness) up to the integration error.

    Parameters
    ----------
    model : torch.nn.Module or fitted estimator
        Maps ``(batch, n_leads, n_times)`` to logits ``(batch, n_outputs)``; an
        estimator's ``module_`` is used.
    X : array-like of shape (n_records, n_leads, n_times)
        Records to explain, preprocessed as the model expects.
    target : int, array-like of int or None, default=None
        Output (class) to explain per record; ``None`` takes the only output of
        a binary model or the arg-max otherwise.
    baseline : array-like broadcastable to X or None, default=None
        Reference input; ``None`` is all zeros (the isoelectric line after
        normalisation).
    n_steps : int, default=64
        Integration intervals. Networks with many ReLU/max-pool kinks converge
        slowly: check completeness (``attributions.sum()`` against the logit
        difference) and raise ``n_steps`` (e.g. to 512) if it is poor.
    batch_size : int, default=64
        Path points per forward pass; lower it if memory runs out.

    Returns
    -------
    attributions : ndarray of shape (n_records, n_leads, n_times)
        Contribution of every sample of every lead to the target logit.

    References
    ----------
    .. [1] Sundararajan, Taly and Yan, "Axiomatic attribution for deep
       networks", ICML 2017, arXiv:1703.01365.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from sklearn_ecg.plotting import integrated_gradients
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 1))
    >>> X = np.random.default_rng(0).normal(size=(1, 2, 12)).astype("float32")
    >>> attr = integrated_gradients(model, X)
    >>> logit = model(torch.from_numpy(X)) - model(torch.zeros(1, 2, 12))
    >>> bool(np.isclose(attr.sum(), logit.item(), atol=1e-4))
    True
    """
    for name, value in (("n_steps", n_steps), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}.")
    module = _as_module(model)
    x = _as_tensor(X, module)
    base = torch.zeros_like(x) if baseline is None else _as_tensor(baseline, module)
    base = base.expand_as(x)
    alphas = torch.linspace(0, 1, n_steps + 1, device=x.device)
    weights = torch.full_like(alphas, 1.0 / n_steps)
    weights[[0, -1]] /= 2  # trapezoidal rule
    out = torch.empty_like(x)
    with _EvalMode(module):
        tgt = _targets(module(x).detach(), target)
        for i in range(x.shape[0]):
            avg = torch.zeros_like(x[i])
            # Chunks of the path keep memory bounded for long 12-lead records.
            for start in range(0, alphas.numel(), batch_size):
                a = alphas[start : start + batch_size, None, None]
                path = (base[i] + a * (x[i] - base[i])).requires_grad_(True)
                logits = module(path)[:, tgt[i]]
                (grads,) = torch.autograd.grad(logits.sum(), path)
                w = weights[start : start + batch_size, None, None]
                avg += (w * grads).sum(dim=0)
            out[i] = (x[i] - base[i]) * avg
    return out.detach().cpu().numpy()


def _last_conv(module):
    convs = [m for m in module.modules() if isinstance(m, nn.Conv1d)]
    if not convs:
        raise ValueError(
            "the model has no nn.Conv1d layer for Grad-CAM; pass layer= "
            "explicitly or use integrated_gradients."
        )
    return convs[-1]


def grad_cam_1d(model, X, *, target=None, layer=None) -> np.ndarray:
    """1-D Grad-CAM: where in time a convolutional layer saw the evidence.

    Channel weights are the time-averaged gradients of the target logit with
    respect to the layer's output; the weighted sum of its feature maps is
    rectified, linearly upsampled to ``n_times`` and scaled to [0, 1] per
    record. It is shared by all leads (the layer mixes them).

    Parameters
    ----------
    model : torch.nn.Module or fitted estimator
        The network; an estimator's ``module_`` is used.
    X : array-like of shape (n_records, n_leads, n_times)
        Records to explain.
    target : int, array-like of int or None, default=None
        Output to explain, as in :func:`integrated_gradients`.
    layer : torch.nn.Module or None, default=None
        Layer whose output ``(batch, channels, time)`` is used; ``None`` takes
        the last ``nn.Conv1d``.

    Returns
    -------
    cam : ndarray of shape (n_records, n_times)
        Class activation map in [0, 1].

    References
    ----------
    .. [1] Selvaraju et al., "Grad-CAM: visual explanations from deep networks
       via gradient-based localization", ICCV 2017, arXiv:1610.02391.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from sklearn_ecg.plotting import grad_cam_1d
    >>> model = torch.nn.Sequential(torch.nn.Conv1d(2, 4, 5, padding=2),
    ...                             torch.nn.ReLU(), torch.nn.AdaptiveAvgPool1d(1),
    ...                             torch.nn.Flatten(), torch.nn.Linear(4, 1))
    >>> X = np.random.default_rng(0).normal(size=(3, 2, 50))
    >>> grad_cam_1d(model, X).shape
    (3, 50)
    """
    module = _as_module(model)
    x = _as_tensor(X, module)
    layer = _last_conv(module) if layer is None else layer
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(act=o))
    try:
        with _EvalMode(module):
            logits = module(x)
            tgt = _targets(logits.detach(), target)
            act = store["act"]
            score = logits.gather(1, tgt[:, None]).sum()
            (grads,) = torch.autograd.grad(score, act)
    finally:
        handle.remove()
    if act.ndim != 3:
        raise ValueError(
            f"layer output must be (batch, channels, time), got {tuple(act.shape)}."
        )
    cam = torch.relu((grads.mean(dim=2, keepdim=True) * act).sum(dim=1, keepdim=True))
    cam = nn.functional.interpolate(
        cam, size=x.shape[-1], mode="linear", align_corners=False
    )[:, 0]
    peak = cam.amax(dim=1, keepdim=True).clamp_min(1e-12)
    return (cam / peak).detach().cpu().numpy()


def lead_importance(attributions) -> np.ndarray:
    """Share of the total absolute attribution that falls on each lead.

    Parameters
    ----------
    attributions : array-like of shape ([n_records,] n_leads, n_times)
        Output of :func:`integrated_gradients`.

    Returns
    -------
    importance : ndarray of shape (n_leads,) or (n_records, n_leads)
        Non-negative, summing to 1 over leads.

    Examples
    --------
    >>> from sklearn_ecg.plotting import lead_importance
    >>> lead_importance([[1.0, -1.0], [0.0, 2.0]]).tolist()
    [0.5, 0.5]
    """
    a = np.abs(np.asarray(attributions, dtype=float)).sum(axis=-1)
    return a / np.clip(a.sum(axis=-1, keepdims=True), 1e-12, None)
