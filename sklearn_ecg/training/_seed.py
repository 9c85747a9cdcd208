"""Seeding that makes training reproducible without touching global RNG state."""

from __future__ import annotations

import contextlib
import numbers
import random

import numpy as np
import torch
from sklearn.utils import check_random_state

_MAX_SEED = 2**31 - 1


def resolve_seed(random_state) -> int:
    """Turn a scikit-learn ``random_state`` into an integer seed.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        An int is used as is; a ``RandomState`` is drawn from (so repeated fits
        differ, as in scikit-learn); ``None`` draws from numpy's global state.

    Returns
    -------
    seed : int
        A seed in ``[0, 2**31 - 1)``.

    Examples
    --------
    >>> from sklearn_ecg.training import resolve_seed
    >>> resolve_seed(7)
    7
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        if not 0 <= int(random_state) < 2**32:
            raise ValueError(
                f"random_state must be in [0, 2**32), got {random_state!r}."
            )
        return int(random_state) % _MAX_SEED
    return int(check_random_state(random_state).randint(_MAX_SEED))


@contextlib.contextmanager
def seeded(seed: int, device: torch.device | str = "cpu"):
    """Seed python, numpy and torch inside the block, then restore their state.

    Model initialisation, dropout and everything else drawing from the global
    generators becomes a function of ``seed`` only, and the caller's global
    random state is left exactly as it was.

    Parameters
    ----------
    seed : int
        The seed.
    device : str or torch.device, default="cpu"
        The training device; a CUDA device's generator is forked and seeded too.

    Yields
    ------
    None

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.training import seeded
    >>> with seeded(0):
    ...     a = torch.rand(1)
    >>> with seeded(0):
    ...     b = torch.rand(1)
    >>> bool(a == b)
    True
    """
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    with torch.random.fork_rng(devices=cuda, device_type="cuda"):
        random.seed(seed)
        np.random.seed(seed % 2**32)  # noqa: NPY002
        torch.manual_seed(seed)
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)  # noqa: NPY002


def seed_worker(worker_id: int) -> None:
    """``worker_init_fn`` giving each DataLoader worker its own reproducible streams.

    PyTorch seeds worker ``i`` with ``base_seed + i``, where ``base_seed`` is
    drawn from the loader's seeded generator; this propagates that seed to
    python, numpy and the dataset's own generator (``dataset.reseed``).

    Parameters
    ----------
    worker_id : int
        Index of the worker (unused: the torch seed already includes it).

    Examples
    --------
    >>> from sklearn_ecg.training._seed import seed_worker
    >>> seed_worker(0)  # a no-op outside DataLoader workers
    """
    info = torch.utils.data.get_worker_info()
    if info is None:
        return
    seed = torch.initial_seed() % 2**32
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002
    reseed = getattr(info.dataset, "reseed", None)
    if reseed is not None:
        reseed(seed)
