"""Ship a pretrained checkpoint to the workers of a Dask cluster once.

Cross-validation, :func:`compare_arms` and ``sklearn-ecg study`` run their fits
through joblib, so ``joblib.parallel_config(backend="dask")`` puts them on a
Dask cluster. joblib's Dask backend sends every batch of fits with its own
copy of the estimator, and its ``scatter=[...]`` option only replaces the
*top-level* arguments of a task (matched by identity), not a checkpoint held in
an estimator's ``warm_start_from``. So the checkpoint bytes would travel with
every fit. :func:`broadcast_pretrained` instead scatters them to every worker
and returns a :class:`~sklearn_ecg.transfer.PretrainedWeights` handle that
pickles to its Dask key: each fit then carries a few hundred bytes, and each
worker process receives the checkpoint once and keeps it in its own memory
(``_CACHE``). Dask's active memory manager may drop the extra replicas of a
scattered key that no task depends on; a worker without one fetches its copy
from the cluster once, so "once per worker" holds either way.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from ..transfer._checkpoint import CheckpointError, load_checkpoint
from ..transfer._pretrained import PretrainedWeights, as_pretrained_weights

__all__ = ["broadcast_pretrained"]

_INSTALL = 'install it with `pip install "sklearn-ecg[dask]"`'

#: Per process: Dask key -> checkpoint bytes, the few most recently used. A
#: worker keeps its copy here between fits, so it is read (or fetched) once.
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()
#: Per process: how the bytes of broadcast handles were obtained. ``"scattered"``:
#: from the worker's own store (put there by the broadcast); ``"fetched"``: over
#: the network (a worker that joined after the broadcast); ``"cached"``: from
#: ``_CACHE``. Read by the tests and the benchmark through ``_stats``.
_STATS = {"scattered": 0, "fetched": 0, "cached": 0}
#: Client side: (client id, sha256) -> its handle, so one checkpoint is
#: broadcast once per client however many arms use it.
_HANDLES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def import_distributed(what: str = "Dask"):
    """Return the ``distributed`` module, or raise an ImportError naming the fix."""
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(
            f"{what} needs dask.distributed, which is not installed; {_INSTALL}."
        ) from exc
    return distributed


@dataclass(frozen=True, repr=False, eq=True)
class _BroadcastWeights(PretrainedWeights):
    """A :class:`PretrainedWeights` whose bytes live on a Dask cluster."""

    key: str | None = None

    def __post_init__(self):
        if self.path is not None or self.data is not None or not self.key:
            raise ValueError("use broadcast_pretrained(client, weights).")

    def __reduce__(self):
        # What a fit carries: the key and the pin, never the bytes.
        return (_BroadcastWeights, (None, self.sha256, None, self.key))

    def _bytes(self) -> bytes:
        with _LOCK:  # a worker with several threads still gets them once
            data = _CACHE.get(self.key)
            if data is not None:
                _CACHE.move_to_end(self.key)
                _STATS["cached"] += 1
                return data
            data = _from_local_worker(self.key)
            if data is not None:
                _STATS["scattered"] += 1
            else:
                data = _fetch(self.key)
                _STATS["fetched"] += 1
            _remember(self.key, data)
            return data

    def load(self):
        """Read the checkpoint (once per process) and verify it."""
        ckpt = load_checkpoint(self._bytes())
        if self.sha256 is not None and ckpt.sha256 != self.sha256:
            raise CheckpointError(
                f"The broadcast checkpoint {self.key!r} does not match its pin "
                f"sha256 {self.sha256[:12]}...; broadcast it again."
            )
        return ckpt

    def __repr__(self) -> str:
        pin = f", sha256={self.sha256[:12]!r}..." if self.sha256 else ""
        return f"PretrainedWeights(<broadcast to Dask as {self.key!r}>{pin})"


def _remember(key: str, data: bytes) -> None:
    _CACHE[key] = data
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def _from_local_worker(key: str):
    """Return the bytes from this process's Dask worker store, or None."""
    try:
        from distributed.worker import Worker, get_worker
    except ImportError:
        return None
    try:
        workers = [get_worker()]
    except ValueError:
        workers = list(Worker._instances)
    for worker in workers:
        try:
            return worker.data[key]
        except KeyError:
            continue
    return None


def _fetch(key: str) -> bytes:
    distributed = import_distributed("A broadcast checkpoint")
    try:
        client = distributed.get_client()
    except ValueError as exc:
        raise CheckpointError(
            f"The broadcast checkpoint {key!r} is not in this process and no Dask "
            "client is running to fetch it; keep the client (and the handle that "
            "broadcast_pretrained returned) alive while the fits run."
        ) from exc
    # Ask the scheduler, which holds the key while the client's handle lives.
    reply = client.sync(client.scheduler.gather, keys=[key])
    if reply.get("status") != "OK":
        raise CheckpointError(
            f"The broadcast checkpoint {key!r} is no longer on the Dask cluster; keep "
            "the handle that broadcast_pretrained returned alive while fits run."
        )
    return reply["data"][key]


def _stats() -> dict:
    """Return how this process read broadcast checkpoints (for the tests)."""
    return dict(_STATS)


def broadcast_pretrained(client, weights) -> PretrainedWeights:
    """Send a checkpoint to every Dask worker once, for ``warm_start_from``.

    The checkpoint's bytes are scattered to all the workers of ``client`` and
    the returned handle pickles to their Dask key, so the estimators of a
    cross-validation, of :func:`compare_arms` or of a search carry only the key
    to each fit. A worker process takes the checkpoint from its own store the
    first time a fit needs it and keeps it for the next fits; a worker without
    a copy (one that joined later, or whose replica Dask's memory manager
    dropped) fetches it from the cluster once. The weights
    stay pinned to their SHA-256 and stay on the cluster while the returned
    handle (or an estimator holding it) is alive on the client. Broadcasting
    the same weights to the same client again returns the same handle.

    Parameters
    ----------
    client : distributed.Client or None
        The cluster's client; ``None`` uses the current default client
        (``distributed.get_client()``).
    weights : str, path-like, PretrainedWeights or Checkpoint
        Anything ``warm_start_from`` accepts; a path is read here, on the
        client, so the workers need no access to the file.

    Returns
    -------
    handle : PretrainedWeights
        Use it as ``warm_start_from`` (or ``clf__warm_start_from``).

    Raises
    ------
    ImportError
        If dask.distributed is not installed.

    See Also
    --------
    compare_arms : Broadcasts the arms' checkpoints itself under a Dask backend.

    Examples
    --------
    >>> import torch
    >>> from distributed import Client
    >>> from sklearn_ecg.model_selection import broadcast_pretrained
    >>> from sklearn_ecg.transfer import Checkpoint
    >>> ckpt = Checkpoint.from_module(torch.nn.Linear(2, 1), n_leads=1)
    >>> with Client(processes=False, n_workers=1, dashboard_address=None) as client:
    ...     weights = broadcast_pretrained(client, ckpt)
    ...     print(weights.load().sha256 == ckpt.sha256)
    True
    """
    distributed = import_distributed("broadcast_pretrained")
    handle = as_pretrained_weights(weights, "weights")
    client = distributed.get_client() if client is None else client
    if isinstance(handle, _BroadcastWeights):
        if getattr(handle, "_client_id", None) == client.id:
            return handle
        # broadcast to another cluster: send its bytes to this one
        data = handle._bytes()
        sha256 = load_checkpoint(data).sha256
    else:
        ckpt = handle.load()
        data = handle.data if handle.data is not None else ckpt.to_bytes()
        sha256 = ckpt.sha256
    found = _HANDLES.get((client.id, sha256))
    if found is not None:
        return found
    future = client.scatter(data, broadcast=True, hash=False)
    out = _BroadcastWeights(sha256=sha256, key=str(future.key))
    # The future keeps the bytes on the cluster as long as the handle lives.
    object.__setattr__(out, "_future", future)
    object.__setattr__(out, "_client_id", client.id)
    _remember(out.key, data)
    _HANDLES[(client.id, sha256)] = out
    return out


def broadcast_arm_weights(estimator, client):
    """Return a clone of ``estimator`` whose ``warm_start_from`` are broadcast."""
    from sklearn.base import clone

    from ._overlap import _warm_start_params

    params = _warm_start_params(estimator)
    if not params:
        return estimator
    return clone(estimator).set_params(
        **{k: broadcast_pretrained(client, v) for k, v in params.items()}
    )


def active_dask_client():
    """Return the client of joblib's active Dask backend, or None."""
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    return getattr(backend, "client", None) if _is_dask(backend) else None


def _is_dask(backend) -> bool:
    return type(backend).__name__ == "DaskDistributedBackend"
