"""Patient ids (``groups``): the one validation and integer encoding."""

from __future__ import annotations

import numpy as np
import pandas as pd


def check_groups(groups, n_samples: int | None = None) -> np.ndarray:
    """Validate patient ids (or any groups) and encode them as integers.

    Parameters
    ----------
    groups : array-like of shape (n_samples,)
        One hashable group label per record (str, int, ...); missing values
        (None, NaN) are refused.
    n_samples : int, default=None
        The number of records ``groups`` must have.

    Returns
    -------
    codes : ndarray of int of shape (n_samples,)
        ``codes[i] == codes[j]`` exactly when records ``i`` and ``j`` share a
        group; codes follow the order of first appearance.

    Raises
    ------
    ValueError
        If ``groups`` is None, not 1-D, misaligned with the records, or has
        missing values.

    Examples
    --------
    >>> from sklearn_ecg.utils import check_groups
    >>> check_groups(["p0", "p1", "p0", 7]).tolist()
    [0, 1, 0, 2]
    """
    if groups is None:
        raise ValueError(
            "This splitter needs groups (e.g. patient ids) to keep each patient on "
            "one side of every split: pass groups=ds.patient_ids to split(), "
            "cross_validate() or the search's fit()."
        )
    values = np.asarray(groups, dtype=object)
    if values.ndim != 1:
        raise ValueError(
            f"groups must be 1-D (one id per record), got shape {values.shape}."
        )
    if n_samples is not None and values.shape[0] != n_samples:
        raise ValueError(
            f"groups has {values.shape[0]} entries but there are {n_samples} "
            "records; pass the group (patient id) of each record, in order."
        )
    missing = pd.isna(values)
    if missing.any():
        raise ValueError(
            f"groups has {int(missing.sum())} missing value(s) (e.g. record "
            f"{int(np.flatnonzero(missing)[0])}); give every record a patient id, "
            "e.g. its own record id when the patient is unknown."
        )
    codes, _ = pd.factorize(values, sort=False)
    return codes.astype(np.intp)
