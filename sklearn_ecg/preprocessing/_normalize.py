"""Per-lead amplitude normalisation, per record or with statistics learned in fit."""

from __future__ import annotations

import numpy as np

from ..utils import check_choice
from ..utils._checks import is_finite_real
from ._base import _CHUNK_SAMPLES, INPUT_ATTRIBUTES, _BaseECGTransformer, apply_chunked

_METHODS = ("zscore", "minmax", "robust", "l2", "log", "none")
_SCOPES = ("record", "global")


def _record_stats(X: np.ndarray, method: str):
    """Centre and scale per record and lead, shape (n_records, n_leads, 1)."""
    if method == "zscore":
        center = X.mean(axis=-1, keepdims=True, dtype=np.float64)
        # Unbiased (N - 1) standard deviation, as in the seed paper.
        ss = np.square(X - center).sum(axis=-1, keepdims=True)
        return center, np.sqrt(ss / max(X.shape[-1] - 1, 1))
    if method == "minmax":
        lo = X.min(axis=-1, keepdims=True).astype(np.float64)
        return lo, X.max(axis=-1, keepdims=True) - lo
    if method == "robust":
        q1, med, q3 = np.quantile(X.astype(np.float64), [0.25, 0.5, 0.75], axis=-1)
        return med[..., None], (q3 - q1)[..., None]
    # l2
    return 0.0, np.sqrt(np.einsum("ijk,ijk->ij", X, X, dtype=np.float64))[..., None]


def _chunks(X: np.ndarray):
    step = max(1, _CHUNK_SAMPLES // max(1, X.shape[1] * X.shape[2]))
    for start in range(0, len(X), step):
        yield X[start : start + step]


def _global_stats(X: np.ndarray, method: str):
    """Centre and scale per lead over all records, shape (n_leads,)."""
    n_values = X.shape[0] * X.shape[2]
    if method == "zscore":
        center = X.sum(axis=(0, 2), dtype=np.float64) / n_values
        # Second pass over record chunks: no full-size float64 temporary.
        ss = sum(np.square(c - center[:, None]).sum(axis=(0, 2)) for c in _chunks(X))
        return center, np.sqrt(ss / max(n_values - 1, 1))
    if method == "minmax":
        lo = X.min(axis=(0, 2)).astype(np.float64)
        return lo, X.max(axis=(0, 2)) - lo
    if method == "robust":
        q1, med, q3 = np.quantile(X, [0.25, 0.5, 0.75], axis=(0, 2))
        return med.astype(np.float64), (q3 - q1).astype(np.float64)
    # l2: the root-mean-square record norm, so the scale does not grow with n_records.
    ss = sum(np.einsum("ijk,ijk->j", c, c, dtype=np.float64) for c in _chunks(X))
    return np.zeros(X.shape[1]), np.sqrt(ss / X.shape[0])


def _apply(X: np.ndarray, center, scale, eps: float) -> np.ndarray:
    denom = scale + eps
    # Only reachable with eps=0 on a flat lead: map it to 0 rather than NaN.
    denom = np.where(denom == 0, 1.0, denom)
    return (X - center) / denom


class LeadNormalizer(_BaseECGTransformer):
    __doc__ = f"""Normalise the amplitude of every lead.

    With ``scope="record"`` (default) the statistics are computed per record and
    per lead, so the transformer is stateless. With ``scope="global"`` per-lead
    statistics are learned in ``fit`` over all training records and time points,
    and reused in ``transform``. Flat leads never produce NaN: their scale is 0,
    so the output is 0 (``eps`` guards the division; with ``eps=0`` a zero scale
    is replaced by 1).

    The methods (``x`` is one lead, statistics over time, or over records and
    time for ``scope="global"``):

    - ``"zscore"``: ``(x - mean) / (std + eps)``, unbiased (N - 1) std;
    - ``"minmax"``: ``(x - min) / (max - min + eps)``, in [0, 1];
    - ``"robust"``: ``(x - median) / (Q3 - Q1 + eps)``, interpolated quantiles
      (:func:`numpy.quantile`; the seed paper used order statistics);
    - ``"l2"``: ``x / (||x||_2 + eps)``; the global scale is the root mean square
      of the training records' norms;
    - ``"log"``: ``sign(x) * log1p(|x|)``, stateless in both scopes. The seed
      paper's ``log(1 + |x|)`` dropped the sign, which flips negative deflections;
    - ``"none"``: identity (a convenient Optuna choice).

    The sampling rate plays no role here. Other transformers of this module
    default to ``sfreq=500.0`` Hz.

    Parameters
    ----------
    method : {{"zscore", "minmax", "robust", "l2", "log", "none"}}, default="zscore"
        The normalisation.
    scope : {{"record", "global"}}, default="record"
        Statistics per record (stateless) or learned per lead in ``fit``.
    eps : float, default=1e-8
        Added to the scale to avoid division by zero; must be >= 0.

    Attributes
    ----------
    center_ : ndarray of shape (n_leads,)
        Learned per-lead centre (``scope="global"`` with a centring method).
    scale_ : ndarray of shape (n_leads,)
        Learned per-lead scale (``scope="global"`` with a scaling method).
{INPUT_ATTRIBUTES}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import LeadNormalizer
    >>> X = np.random.default_rng(0).normal(3.0, 2.0, size=(4, 12, 1000))
    >>> Xn = LeadNormalizer(method="zscore").fit_transform(X)
    >>> bool(np.allclose(Xn.mean(axis=-1), 0))
    True
    >>> bool(np.allclose(Xn.std(axis=-1, ddof=1), 1))
    True
    """

    def __init__(self, method="zscore", scope="record", eps=1e-8):
        self.method = method
        self.scope = scope
        self.eps = eps

    def _is_stateless(self) -> bool:
        return self.scope != "global"

    def _check_params(self):
        check_choice(self.method, "method", _METHODS)
        check_choice(self.scope, "scope", _SCOPES)
        eps = self.eps
        if not is_finite_real(eps) or eps < 0:
            raise ValueError(
                f"eps must be a finite number >= 0, got {eps!r}. Pass e.g. eps=1e-8."
            )
        return float(eps)

    def _fit(self, X, params):
        if self.scope == "global" and self.method not in ("log", "none"):
            self.center_, self.scale_ = _global_stats(X, self.method)

    def _transform(self, X, eps):
        method = self.method
        if method == "none":
            return X.copy()
        if method == "log":
            return apply_chunked(X, lambda c: np.sign(c) * np.log1p(np.abs(c)))
        if self.scope == "global":
            center = np.asarray(self.center_)[:, None]
            scale = np.asarray(self.scale_)[:, None]
            return apply_chunked(X, lambda c: _apply(c, center, scale, eps))
        return apply_chunked(X, lambda c: _apply(c, *_record_stats(c, method), eps=eps))
