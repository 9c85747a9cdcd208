"""The PhysioNet/Computing in Cardiology Challenge 2021 metric.

The challenge scores 26 classes (30 SNOMED-CT codes: four pairs count as one
class, 713427006|59118001, 284470004|63593006, 427172004|17338001 and
733534002|164909002) with a reward matrix ``W``: predicting class ``k`` for a
record of class ``j`` earns ``W[j, k]``, each record's credit being divided by
the number of classes in the union of its labels and outputs. The total is
normalised so that a classifier that always outputs sinus rhythm (426783006)
scores 0 and a perfect one scores 1.

:func:`cinc2021_challenge_score` reproduces ``compute_challenge_metric`` of
github.com/physionetchallenges/evaluation-2021 (``evaluate_model.py``) with the
weights shipped as ``cinc2021_weights.csv`` (that repository's ``weights.csv``,
BSD 2-Clause, see ``cinc2021_weights.LICENSE``); the tests compare it with
numbers computed by that code.

References
----------
.. [1] Reyna, M. A. et al. (2021). Will two do? Varying dimensions in
   electrocardiography: the PhysioNet/Computing in Cardiology Challenge 2021.
   Computing in Cardiology 48.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
from sklearn.metrics import make_scorer

from ..utils._docs import fill_doc
from ._ptbxl_metrics import _check_pair
from ._scorers import _RETURNS_SCORER_DOC

#: SNOMED-CT code of sinus rhythm, the challenge's normalising "inactive" class.
SINUS_RHYTHM = "426783006"
_WEIGHTS_FILE = Path(__file__).with_name("cinc2021_weights.csv")


@functools.lru_cache(maxsize=4)
def _read_weights(path: str):
    lines = [
        line for line in Path(path).read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]  # fmt: skip
    table = [[cell.strip() for cell in line.split(",")] for line in lines]
    header = table[0][1:]
    rows = [row[0] for row in table[1:]]
    if header != rows or any(len(row) != len(header) + 1 for row in table[1:]):
        raise ValueError(
            f"The weights file {path!r} must be a square table whose first row and "
            "first column list the same classes, as the challenge's weights.csv."
        )
    values = np.array([[float(v) for v in row[1:]] for row in table[1:]])
    classes = tuple(frozenset(c.split("|")) for c in header)
    return classes, values


def load_cinc2021_weights(path=None) -> tuple[list[frozenset], np.ndarray]:
    """Load the scored classes and the reward matrix of the CinC 2021 challenge.

    Parameters
    ----------
    path : str or path-like, default=None
        A weights table in the challenge's ``weights.csv`` format (classes as
        row and column names, equivalent codes joined by ``|``; lines starting
        with ``#`` are skipped). None reads the table shipped with the package.

    Returns
    -------
    classes : list of frozenset of str
        The SNOMED-CT codes of each scored class (two codes for an equivalent
        pair).
    weights : ndarray of shape (n_classes, n_classes)
        ``weights[j, k]``: the reward for predicting class ``k`` on class ``j``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import load_cinc2021_weights
    >>> classes, weights = load_cinc2021_weights()
    >>> len(classes), weights.shape
    (26, (26, 26))
    >>> sorted(classes[5])
    ['59118001', '713427006']
    """
    classes, values = _read_weights(os.fspath(path or _WEIGHTS_FILE))
    return list(classes), values.copy()


def _class_map(codes, scored) -> np.ndarray:
    """Boolean (n_columns, n_scored): column ``c`` counts for scored class ``k``."""
    if isinstance(codes, str) or not hasattr(codes, "__len__"):
        raise TypeError(
            f"classes must be a sequence of SNOMED-CT codes, one per column, got "
            f"{codes!r}; e.g. classes=['426783006', '164889003']."
        )
    cols = [frozenset(str(c).strip() for c in str(code).split("|")) for code in codes]
    mapping = np.array([[bool(col & cls) for cls in scored] for col in cols])
    if not mapping.any():
        raise ValueError(
            f"None of classes={list(codes)[:10]} is a SNOMED-CT code scored by the "
            "CinC 2021 challenge; pass the codes of the columns (e.g. '164889003' "
            "for atrial fibrillation), see load_cinc2021_weights()."
        )
    return mapping.reshape(len(cols), len(scored))


def _modified_confusion(labels, outputs) -> np.ndarray:
    norm = np.maximum((labels | outputs).sum(axis=1), 1)
    return (labels / norm[:, None]).T @ outputs


def cinc2021_challenge_score(y_true, y_pred, *, classes, weights=None) -> float:
    """Compute the PhysioNet/CinC 2021 challenge metric of multi-label predictions.

    Columns are first mapped to the scored classes as the reference evaluation
    reads label and output files: a scored class is positive when any column
    with one of its codes is (so equivalent codes such as 713427006 and
    59118001 count as one class), and columns whose codes the challenge does not
    score (e.g. VEB 164884008) are ignored, for labels and outputs alike.

    Parameters
    ----------
    y_true : array-like of shape (n_records, n_columns)
        0/1 labels.
    y_pred : array-like of shape (n_records, n_columns)
        0/1 predictions.
    classes : sequence of str or int
        The SNOMED-CT code of each column (``"a|b"`` for several).
    weights : str or path-like, default=None
        Another weights table in the challenge's format; None uses the 2021 one.

    Returns
    -------
    score : float
        ``(observed - inactive) / (correct - inactive)``, where ``inactive`` is
        the score of always predicting sinus rhythm only and ``correct`` that of
        the true labels; 0.0 when these two are equal (as in the reference).

    Examples
    --------
    >>> from sklearn_ecg.metrics import cinc2021_challenge_score
    >>> codes = ["426783006", "164889003", "59118001", "713427006"]
    >>> y_true = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    >>> cinc2021_challenge_score(y_true, y_true, classes=codes)
    1.0
    >>> y_pred = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]  # equivalent code
    >>> cinc2021_challenge_score(y_true, y_pred, classes=codes)
    1.0
    >>> cinc2021_challenge_score(y_true, [[1, 0, 0, 0]] * 3, classes=codes)
    0.0
    """
    scored, w = _read_weights(os.fspath(weights or _WEIGHTS_FILE))
    sinus = [k for k, cls in enumerate(scored) if SINUS_RHYTHM in cls]
    if not sinus:
        raise ValueError(
            f"The weights table has no sinus rhythm class ({SINUS_RHYTHM}), which "
            "the challenge metric needs as its normaliser."
        )
    y_true, y_pred = _check_pair(y_true, y_pred)
    mapping = _class_map(classes, scored)
    if mapping.shape[0] != y_true.shape[1]:
        raise ValueError(
            f"classes has {mapping.shape[0]} codes but y_true has "
            f"{y_true.shape[1]} columns; pass one code per column."
        )
    m = mapping.astype(int)
    labels, outputs = (y_true @ m) > 0, (y_pred @ m) > 0
    inactive = np.zeros_like(labels)
    inactive[:, sinus[0]] = True
    observed, correct, baseline = (
        np.nansum(w * _modified_confusion(labels, out))
        for out in (outputs, labels, inactive)
    )
    if correct == baseline:
        return 0.0
    return float((observed - baseline) / (correct - baseline))


@fill_doc(returns_scorer=_RETURNS_SCORER_DOC)
def make_cinc2021_scorer(classes, *, weights=None):
    """Scorer for the CinC 2021 challenge metric of the estimator's ``predict``.

    Parameters
    ----------
    classes : sequence of str or int
        The SNOMED-CT code of each target column, in the order of ``y``.
    weights : str or path-like, default=None
        Another weights table in the challenge's format; None uses the 2021 one.

    %(returns_scorer)s
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn_ecg.metrics import make_cinc2021_scorer
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> X = Y[:, :1].astype(float)
    >>> scorer = make_cinc2021_scorer(["426783006", "164889003"])
    >>> scorer(KNeighborsClassifier(1).fit(X, Y), X, Y)
    1.0
    """
    scored, _ = _read_weights(os.fspath(weights or _WEIGHTS_FILE))
    _class_map(classes, scored)  # fail now, not at scoring time
    return make_scorer(
        cinc2021_challenge_score, response_method="predict",
        classes=list(classes), weights=weights,
    )  # fmt: skip
