"""Transform records chunk by chunk into a new memory-mapped ``.npy`` file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..utils import check_int


def transform_to_memmap(transformer, X, path, *, chunk_records=256, overwrite=False):
    """Apply a fitted transformer to ``X`` chunk by chunk, writing a ``.npy`` file.

    Only ``chunk_records`` records of ``X`` and of the output are in memory at a
    time, so ``X`` may be a memory-mapped array larger than memory (for example
    ``load_ptbxl(..., mmap_mode="r")`` or ``np.load(path, mmap_mode="r")``).
    Every transformer of :mod:`sklearn_ecg.preprocessing` (and a Pipeline of
    them) transforms each record on its own, so the file equals
    ``transformer.transform(X)``. Stateful transformers must be fitted first (on
    a subset if ``X`` does not fit in memory).

    Parameters
    ----------
    transformer : object with ``transform``
        A fitted transformer (or Pipeline) mapping records to records.
    X : array-like of shape (n_records, ...)
        The records; read ``chunk_records`` at a time.
    path : str or path-like
        The ``.npy`` file to write.
    chunk_records : int, default=256
        Records transformed per call.
    overwrite : bool, default=False
        Whether an existing ``path`` may be replaced.

    Returns
    -------
    X_out : numpy.memmap
        The written file, opened read-only (``np.load(path, mmap_mode="r")``).

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_ecg.preprocessing import BandpassFilter, transform_to_memmap
    >>> X = np.random.default_rng(0).normal(size=(10, 2, 500)).astype("float32")
    >>> path = os.path.join(tempfile.mkdtemp(), "filtered.npy")
    >>> out = transform_to_memmap(BandpassFilter(), X, path, chunk_records=4)
    >>> out.shape, bool(np.allclose(out, BandpassFilter().transform(X)))
    ((10, 2, 500), True)
    """
    chunk = check_int(chunk_records, "chunk_records", 1)
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"path={str(path)!r} exists; pass overwrite=True to replace it, or "
            "choose another file."
        )
    if len(X) == 0:
        raise ValueError("X holds no records; nothing to transform.")
    first = np.asarray(transformer.transform(X[:chunk]))
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=first.dtype, shape=(len(X), *first.shape[1:])
    )
    out[: len(first)] = first
    for start in range(chunk, len(X), chunk):
        out[start : start + chunk] = transformer.transform(X[start : start + chunk])
    out.flush()
    del out
    return np.load(path, mmap_mode="r")
