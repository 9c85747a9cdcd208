"""A fingerprint of an :class:`OptunaSearchCV` search, kept in its study.

A study reused by name (``load_if_exists=True``) must hold the *same* search: the
same estimator class, search space, data, scoring, CV and direction. Otherwise a
second search would run no trial and return another experiment's best parameters.
The fingerprint is a small JSON dict stored in the study's user attributes; a
resumed search compares it field by field and refuses any difference.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from typing import Any

import numpy as np
import optuna
import scipy.sparse as sp
from optuna.distributions import distribution_to_json
from optuna.trial import TrialState

FINGERPRINT_KEY = "sklearn_ecg:search_fingerprint"
# At most this many values of an array enter its content hash.
_N_SAMPLED = 65_536


def content_hash(a) -> dict[str, Any] | None:
    """Shape, dtype and a hash of a strided sample of ``a`` (``None`` for ``None``).

    Cheap on large or memory-mapped arrays: at most ``_N_SAMPLED`` values, spread
    evenly over the whole array, are read.
    """
    if a is None:
        return None
    if sp.issparse(a):
        a = a.tocsr()
        sample = np.concatenate([_sample(a.data), _sample(a.indices), a.indptr[-1:]])
        return {"shape": list(a.shape), "dtype": str(a.dtype), "hash": _hash(sample)}
    if not isinstance(a, np.ndarray):
        a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "hash": _hash(_sample(a))}


def _sample(a: np.ndarray) -> np.ndarray:
    if a.size <= _N_SAMPLED:
        return np.ascontiguousarray(a).ravel()
    flat = np.linspace(0, a.size - 1, _N_SAMPLED).astype(np.int64)
    # Fancy indexing reads only the sampled values (also from a np.memmap).
    return np.ascontiguousarray(a[np.unravel_index(flat, a.shape)])


def _hash(values: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    if values.dtype == object:
        h.update(repr(values.tolist()).encode())
    else:
        h.update(values.tobytes())
    return h.hexdigest()


def _describe_scoring(scoring) -> str:
    if scoring is None:
        return "estimator.score"
    if isinstance(scoring, str):
        return scoring
    if hasattr(scoring, "_score_func"):  # a scikit-learn scorer: its repr is stable
        return repr(scoring)
    name = getattr(scoring, "__qualname__", type(scoring).__qualname__)
    return f"{getattr(scoring, '__module__', '')}.{name}"


def _describe_cv(cv, splits) -> str:
    if hasattr(cv, "split") and type(cv).__name__ != "_CVIterableWrapper":
        return repr(cv)
    # An iterable of (train, test) pairs: describe the splits themselves.
    digest = _hash(
        np.concatenate([np.r_[len(tr), tr, len(te), te] for tr, te in splits])
    )
    return f"iterable of {len(splits)} splits ({digest})"


def _describe_space(param_distributions) -> dict[str, str]:
    out = {}
    for name in sorted(param_distributions):
        try:
            out[name] = distribution_to_json(param_distributions[name])
        except (TypeError, ValueError):
            out[name] = repr(param_distributions[name])
    return out


def search_fingerprint(search, X, y, groups, cv, splits) -> dict[str, Any]:
    """Return the JSON-safe fingerprint of ``search`` fitted on ``X, y`` with ``cv``."""
    est = type(search.estimator)
    return {
        "estimator": f"{est.__module__}.{est.__qualname__}",
        "param_distributions": _describe_space(search.param_distributions),
        "X": content_hash(X),
        "y": content_hash(y),
        "groups": content_hash(groups),
        "scoring": _describe_scoring(search.scoring),
        "cv": _describe_cv(cv, splits),
        "direction": "maximize",
    }


def check_fingerprint(study: optuna.study.Study, fingerprint: dict[str, Any]) -> None:
    """Store ``fingerprint`` in a new study; refuse a study holding another search.

    Raises
    ------
    ValueError
        If the study's stored fingerprint differs; the message names each field.
    """
    # JSON round trip: the storage keeps lists where we built tuples.
    fingerprint = json.loads(json.dumps(fingerprint))
    stored = study.user_attrs.get(FINGERPRINT_KEY)
    if stored is None:
        # Enqueued (WAITING) trials are fine: only trials that ran were another's.
        ran = [s for s in TrialState if s != TrialState.WAITING]
        n_trials = len(study.get_trials(deepcopy=False, states=ran))
        if n_trials:
            warnings.warn(
                f"Study {study.study_name!r} holds {n_trials} trials but no search "
                "fingerprint (made by another tool or an older sklearn-ecg), so "
                "OptunaSearchCV cannot check that they come from this search; it "
                "stores this search's fingerprint and continues.",
                UserWarning,
                stacklevel=3,
            )
        study.set_user_attr(FINGERPRINT_KEY, fingerprint)
        # Read back: of two different searches racing on one new study, the one
        # whose fingerprint was overwritten sees the other's and stops here.
        stored = study.user_attrs.get(FINGERPRINT_KEY, fingerprint)
    diff = [k for k in fingerprint if stored.get(k) != fingerprint[k]]
    if diff:
        lines = "\n".join(
            f"  {k}: stored {stored.get(k)!r}, this search {fingerprint[k]!r}"
            for k in diff
        )
        raise ValueError(
            f"study_name={study.study_name!r} in this storage holds another search; "
            f"differing fields: {', '.join(diff)}.\n{lines}\nUse a new study_name "
            "for this search (or load_if_exists=False to make reusing a name an "
            "error), or delete the old study with optuna.delete_study(...) to "
            "start over."
        )
