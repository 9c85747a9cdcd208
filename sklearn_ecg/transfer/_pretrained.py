"""``PretrainedWeights``: the immutable handle that ``warm_start_from`` accepts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ._checkpoint import Checkpoint, CheckpointError, load_checkpoint

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, repr=False)
class PretrainedWeights:
    """A small immutable handle to pretrained weights, for ``warm_start_from``.

    It holds either a file path or the bytes of a checkpoint, optionally pinned to
    the SHA-256 of the weights. It is hashable, compares by value and ``copy`` /
    ``deepcopy`` return the handle itself, so :func:`sklearn.base.clone` keeps it
    at no cost and every clone (each CV fold, search candidate or Optuna trial)
    re-loads exactly the same weights at the start of its own ``fit``.

    Parameters
    ----------
    path : str or path-like, default=None
        Checkpoint file written by ``save_pretrained``.
    sha256 : str, default=None
        Expected :func:`state_dict_sha256` of the weights; loading fails if the file
        changed. :meth:`from_file` pins it automatically.
    data : bytes, default=None
        The checkpoint itself, for handles that live in memory
        (:meth:`from_checkpoint`, ``from_estimator``). Give ``path`` or ``data``.

    Examples
    --------
    >>> import copy, torch
    >>> from sklearn_ecg.transfer import Checkpoint, PretrainedWeights
    >>> ckpt = Checkpoint.from_module(torch.nn.Linear(2, 1), n_leads=1)
    >>> weights = PretrainedWeights.from_checkpoint(ckpt)
    >>> copy.deepcopy(weights) is weights
    True
    >>> weights.load().n_leads
    1
    """

    path: str | None = None
    sha256: str | None = None
    data: bytes | None = None

    def __post_init__(self):
        if (self.path is None) == (self.data is None):
            raise ValueError(
                "PretrainedWeights needs exactly one of path= or data=; use "
                "PretrainedWeights.from_file(path) or .from_checkpoint(checkpoint)."
            )
        if self.path is not None:
            if not isinstance(self.path, (str, os.PathLike)):
                raise TypeError(f"path must be a str or path-like, got {self.path!r}.")
            object.__setattr__(self, "path", os.fspath(self.path))
        if self.data is not None and not isinstance(self.data, bytes):
            raise TypeError(f"data must be bytes, got {type(self.data).__name__}.")
        if self.sha256 is not None and not _HEX64.match(str(self.sha256)):
            raise ValueError(
                f"sha256 must be 64 lower-case hex characters, got {self.sha256!r}."
            )

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> PretrainedWeights:
        """Verify the checkpoint at ``path`` and pin its weights' SHA-256."""
        return cls(path=path, sha256=load_checkpoint(path).sha256)

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> PretrainedWeights:
        """Hold a :class:`Checkpoint` in memory (as bytes), pinned to its hash."""
        return cls(data=checkpoint.to_bytes(), sha256=checkpoint.sha256)

    @classmethod
    def from_estimator(cls, estimator) -> PretrainedWeights:
        """Snapshot a fitted classifier (or a Pipeline ending in one) in memory.

        Use this instead of passing a fitted estimator to ``warm_start_from``:
        the handle survives :func:`sklearn.base.clone`, the estimator would not.
        The estimator builds its own checkpoint (its public ``to_checkpoint``
        method; a Pipeline's last step is asked with ``pipeline=`` set), so
        this module knows nothing about the estimators.
        """
        steps = getattr(estimator, "steps", None)
        final = steps[-1][1] if steps else estimator
        to_checkpoint = getattr(final, "to_checkpoint", None)
        if to_checkpoint is None:
            raise TypeError(
                f"{type(final).__name__} cannot write a checkpoint; pass a fitted "
                "sklearn-ecg classifier or a Pipeline whose last step is one."
            )
        ckpt = to_checkpoint(pipeline=estimator) if steps else to_checkpoint()
        return cls.from_checkpoint(ckpt)

    def load(self) -> Checkpoint:
        """Read, verify and return the checkpoint.

        Raises
        ------
        CheckpointError
            If the checkpoint is invalid or its weights differ from the pinned
            ``sha256``.
        """
        ckpt = load_checkpoint(self.path if self.path is not None else self.data)
        if self.sha256 is not None and ckpt.sha256 != self.sha256:
            raise CheckpointError(
                f"The weights at {self.path!r} changed since this handle was made: "
                f"expected sha256 {self.sha256[:12]}..., found {ckpt.sha256[:12]}.... "
                "Create a new handle with PretrainedWeights.from_file(path)."
            )
        return ckpt

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        # Immutable: sharing is safe and keeps sklearn.clone cheap.
        return self

    def __repr__(self) -> str:
        pin = f", sha256={self.sha256[:12]!r}..." if self.sha256 else ""
        if self.path is not None:
            return f"PretrainedWeights(path={self.path!r}{pin})"
        return f"PretrainedWeights(<in-memory, {len(self.data)} bytes>{pin})"


def as_pretrained_weights(value, name: str = "warm_start_from") -> PretrainedWeights:
    """Turn a ``warm_start_from`` value into a :class:`PretrainedWeights` handle.

    Parameters
    ----------
    value : str, path-like, PretrainedWeights or Checkpoint
        What the user passed.
    name : str, default="warm_start_from"
        Parameter name for error messages.

    Returns
    -------
    handle : PretrainedWeights

    Raises
    ------
    TypeError
        For a fitted or unfitted estimator (``sklearn.clone`` would silently drop
        its weights) and for any other type.

    Examples
    --------
    >>> from sklearn_ecg.transfer._pretrained import as_pretrained_weights
    >>> as_pretrained_weights("model.pt")
    PretrainedWeights(path='model.pt')
    """
    if isinstance(value, PretrainedWeights):
        return value
    if isinstance(value, Checkpoint):
        return PretrainedWeights.from_checkpoint(value)
    if isinstance(value, (str, os.PathLike)):
        return PretrainedWeights(path=value)
    if hasattr(value, "get_params") and hasattr(value, "fit"):
        raise TypeError(
            f"{name} got an estimator ({type(value).__name__}). sklearn.clone resets "
            "estimator-valued parameters, so its weights would be silently lost in "
            "cross-validation and searches. Pass a checkpoint instead: "
            f"{name}=est.save_pretrained('model.pt') or "
            f"{name}=PretrainedWeights.from_estimator(est)."
        )
    raise TypeError(
        f"{name} must be None, a checkpoint path or a PretrainedWeights handle, got "
        f"{type(value).__name__} {value!r}."
    )
