"""Splitters for ECG datasets: patient-grouped and stratified.

Every splitter here keeps the records of one patient on one side of each split
when given the patients as ``groups`` (``load_*(...).patient_ids``):

- :class:`RepeatedStratifiedGroupKFold`: binary/multiclass ``y``, scikit-learn's
  :class:`~sklearn.model_selection.StratifiedGroupKFold` repeated with new seeds;
- :class:`MultilabelStratifiedGroupKFold` and
  :class:`RepeatedMultilabelStratifiedGroupKFold`: multi-label ``y``, iterative
  stratification over whole patients (:class:`MultilabelStratifiedKFold` does the
  same whenever ``groups`` is passed);
- :class:`PTBXLFoldSplit`: PTB-XL's official folds, patient-disjoint by design.

Groups may be of any hashable type (``"p0"``, 17, ...); :func:`check_groups`
validates them::

    from sklearn.model_selection import cross_val_score
    ds = load_ptbxl(path)
    cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=5, random_state=0)
    cross_val_score(clf, ds.data, y, groups=ds.patient_ids, cv=cv)
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.model_selection import BaseCrossValidator

# GroupsConsumerMixin makes the splitter request `groups` under metadata routing.
from sklearn.model_selection._split import GroupsConsumerMixin, _BaseKFold
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples, column_or_1d

from ..utils import check_groups
from ..utils._checks import check_label_matrix
from ..utils._docs import fill_doc

#: Docstring entries the splitters' ``split`` and ``get_n_splits`` share; fill a
#: line ``%(name)s`` with :func:`~sklearn_ecg.utils._docs.fill_doc`.
SPLIT_DOCS = {
    "x": """\
        Parameters
        ----------
        X : array-like of shape (n_records, ...)
            Data; only its length is used.""",
    "y_multilabel": """\
        y : array-like of shape (n_records, n_labels) or (n_records,)
            Multi-hot labels, or class labels.""",
    "groups_required": """\
        groups : array-like of shape (n_records,)
            Patient id (any hashable) of each record; required.""",
    "yields_folds": """\
        Yields
        ------
        train, test : ndarray of int
            Indices of the training and test records of each fold.""",
    "ignored_returns": """\
        Parameters
        ----------
        X, y, groups : object
            Ignored; present for API compatibility.

        Returns
        -------
        n_splits : int""",
}


def _fold_set(folds, name):
    if isinstance(folds, numbers.Integral):
        folds = (folds,)
    try:
        out = tuple(int(f) for f in folds)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an int or a sequence of ints, got {folds!r}."
        ) from None
    return out


class PTBXLFoldSplit(GroupsConsumerMixin, BaseCrossValidator):
    """Single train/test split on PTB-XL's official ``strat_fold`` column.

    PTB-XL assigns every record to one of ten stratified, patient-disjoint folds;
    the recommended protocol trains on folds 1-8, validates (model selection,
    early stopping, thresholds) on fold 9 and tests on fold 10. Pass the fold of
    each record as ``groups``. For hyper-parameter search use
    ``PTBXLFoldSplit(test_folds=9)`` (the default: fold 10 stays unseen), and
    ``PTBXLFoldSplit(train_folds=range(1, 10), test_folds=10)`` for the final
    evaluation. Records in neither set are left out.

    Parameters
    ----------
    train_folds : int or sequence of int, default=(1, 2, 3, 4, 5, 6, 7, 8)
        Folds used for training.
    test_folds : int or sequence of int, default=9
        Folds used for testing (or validation); must not overlap ``train_folds``.

    See Also
    --------
    sklearn_ecg.datasets.load_ptbxl : Returns ``strat_fold`` with the data.
    MultilabelStratifiedKFold : Folds for datasets without an official split.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import PTBXLFoldSplit
    >>> strat_fold = np.array([1, 2, 8, 9, 10, 10])
    >>> cv = PTBXLFoldSplit(test_folds=10)
    >>> train, test = next(cv.split(strat_fold, groups=strat_fold))
    >>> train.tolist(), test.tolist()
    ([0, 1, 2], [4, 5])
    """

    def __init__(self, train_folds=(1, 2, 3, 4, 5, 6, 7, 8), test_folds=9):
        self.train_folds = train_folds
        self.test_folds = test_folds

    def _folds(self):
        train = _fold_set(self.train_folds, "train_folds")
        test = _fold_set(self.test_folds, "test_folds")
        if set(train) & set(test) or not train or not test:
            raise ValueError(
                f"train_folds={train} and test_folds={test} must be non-empty and "
                "disjoint; e.g. train_folds=range(1, 9), test_folds=10."
            )
        return train, test

    @fill_doc(**SPLIT_DOCS)
    def split(self, X, y=None, groups=None):
        """Yield the one ``(train, test)`` index pair.

        %(x)s
        y : array-like, default=None
            Ignored.
        groups : array-like of shape (n_records,)
            The PTB-XL ``strat_fold`` of each record (``load_ptbxl(...).strat_fold``).

        Yields
        ------
        train, test : ndarray of int
            Indices of the training and test records.
        """
        train_f, test_f = self._folds()
        if groups is None:
            raise ValueError(
                "PTBXLFoldSplit needs the strat_fold of each record as groups, e.g. "
                "cross_val_score(..., groups=ds.strat_fold, cv=PTBXLFoldSplit())."
            )
        folds = column_or_1d(groups)
        if len(folds) != len(X):
            raise ValueError(
                f"groups has {len(folds)} entries but X has {len(X)} records; pass "
                "the strat_fold of the same records."
            )
        train = np.flatnonzero(np.isin(folds, train_f))
        test = np.flatnonzero(np.isin(folds, test_f))
        for name, idx, wanted in (("train", train, train_f), ("test", test, test_f)):
            if idx.size == 0:
                raise ValueError(
                    f"No record falls in the {name} folds {wanted}; the folds present "
                    f"are {sorted(np.unique(folds).tolist())}. Choose other folds."
                )
        yield train, test

    def _iter_test_indices(self, X=None, y=None, groups=None):
        yield from (test for _, test in self.split(X, y, groups))

    @fill_doc(**SPLIT_DOCS)
    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splits, always 1.

        %(ignored_returns)s
            1.
        """
        return 1


class MultilabelStratifiedKFold(GroupsConsumerMixin, _BaseKFold):
    """K-fold preserving the frequency of every label in multi-label data.

    Implements the iterative stratification of Sechidis et al. (2011): the
    rarest remaining label is distributed first, each of its records going to the
    fold that most lacks that label (ties: the fold that most lacks records, then
    random). Records without any label fill the folds that need records. With a
    1-D ``y`` each class is treated as one label.

    When ``groups`` (patient ids) are passed, whole groups are distributed instead
    of records (a group counts with all its labels and records, larger groups
    first), so no patient is on both sides of a split; see
    :class:`MultilabelStratifiedGroupKFold`, which requires them.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Shuffle the order in which records are assigned and break ties at random.
        Without shuffling, ties go to the lowest fold and the result is
        deterministic.
    random_state : int, RandomState instance or None, default=None
        Seed used when ``shuffle=True``.

    See Also
    --------
    RepeatedMultilabelStratifiedGroupKFold : Repeated with different seeds.

    References
    ----------
    .. [1] Sechidis, K., Tsoumakas, G., Vlahavas, I. (2011). On the stratification
       of multi-label data. ECML PKDD 2011, LNCS 6913, 145-158.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import MultilabelStratifiedKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1]])
    >>> cv = MultilabelStratifiedKFold(n_splits=2)
    >>> [Y[test].sum(axis=0).tolist() for _, test in cv.split(Y, Y)]
    [[2, 2], [2, 2]]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def _iter_test_indices(self, X=None, y=None, groups=None):
        Y = _as_label_matrix(y)
        codes = None if groups is None else check_groups(groups, Y.shape[0])
        fold_of = _iterative_stratification(
            Y, self.n_splits, self.shuffle, self.random_state, codes
        )
        for k in range(self.n_splits):
            yield np.flatnonzero(fold_of == k)

    @fill_doc(**SPLIT_DOCS)
    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        %(x)s
        %(y_multilabel)s
        groups : array-like of shape (n_records,), default=None
            Patient id (any hashable) of each record; records of one group are
            kept together. None splits records.

        %(yields_folds)s
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} needs y (multi-hot labels) to stratify."
            )
        return super().split(X, y, groups)


class MultilabelStratifiedGroupKFold(MultilabelStratifiedKFold):
    """Multi-label stratified K-fold that keeps each patient in one fold.

    :class:`MultilabelStratifiedKFold` with ``groups`` required: the iterative
    stratification distributes whole groups, each with the label counts and the
    number of records of its members. Groups may be of any hashable type.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2 and at most the number of groups.
    shuffle : bool, default=False
        Shuffle the order in which groups are assigned and break ties at random.
    random_state : int, RandomState instance or None, default=None
        Seed used when ``shuffle=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import MultilabelStratifiedGroupKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1]])
    >>> patients = ["a", "a", "b", "c", "d", "e"]
    >>> cv = MultilabelStratifiedGroupKFold(n_splits=2)
    >>> folds = [test for _, test in cv.split(Y, Y, patients)]
    >>> [sorted({patients[i] for i in test}) for test in folds]
    [['a', 'b', 'c'], ['d', 'e']]
    >>> [Y[test].sum(axis=0).tolist() for test in folds]
    [[2, 2], [2, 2]]
    """

    @fill_doc(**SPLIT_DOCS)
    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        %(x)s
        %(y_multilabel)s
        %(groups_required)s

        %(yields_folds)s
        """
        check_groups(groups, _num_samples(X))
        return super().split(X, y, groups)


def _as_label_matrix(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 1:
        _, inverse = np.unique(y, return_inverse=True)
        return np.eye(inverse.max() + 1, dtype=bool)[inverse]
    return check_label_matrix(
        y, "y", "multi-hot matrix of shape (n_records, n_labels) or a 1-D class vector"
    )


def _iterative_stratification(Y, n_splits, shuffle, random_state, groups=None):
    """Return the fold of each record; whole groups move together if given."""
    n = Y.shape[0]
    codes = np.arange(n) if groups is None else np.asarray(groups)
    n_units = int(codes.max()) + 1 if n else 0
    counts = np.zeros((n_units, Y.shape[1]))
    np.add.at(counts, codes, Y)
    sizes = np.bincount(codes, minlength=n_units)
    if n_splits > n_units:
        what = f"n={n}" if groups is None else f"the number of groups ({n_units})"
        raise ValueError(f"Cannot have n_splits={n_splits} greater than {what}.")
    fold_of = _assign_units(counts, sizes, n_splits, shuffle, random_state)
    if np.bincount(fold_of, minlength=n_splits).min() == 0:
        raise ValueError(
            f"Could not give every one of the n_splits={n_splits} folds a group; "
            "use fewer splits or more (smaller) groups."
        )
    return fold_of[codes]


def _assign_units(counts, sizes, n_splits, shuffle, random_state):
    """Sechidis et al. (2011), Algorithm 1, over units with label counts and sizes."""
    m = sizes.size
    rng = check_random_state(random_state) if shuffle else None
    order = rng.permutation(m) if shuffle else np.arange(m)
    order = order[np.argsort(-sizes[order], kind="stable")]  # larger units first
    counts, sizes = counts[order], sizes[order]
    need_all = np.full(n_splits, sizes.sum() / n_splits)
    need = np.outer(np.full(n_splits, 1 / n_splits), counts.sum(axis=0))  # (k, L)
    fold_of = np.full(m, -1)
    remaining = counts > 0
    while remaining.any():
        n_left = remaining.sum(axis=0)
        label = np.flatnonzero(n_left == n_left[n_left > 0].min())[0]
        for i in np.flatnonzero(remaining[:, label]):
            fold = _best_fold(need[:, label], need_all, rng)
            fold_of[i] = fold
            need[fold] -= counts[i]
            need_all[fold] -= sizes[i]
            remaining[i] = False
    for i in np.flatnonzero(fold_of < 0):  # units without labels
        fold_of[i] = _best_fold(need_all, need_all, rng)
        need_all[fold_of[i]] -= sizes[i]
    out = np.empty(m, dtype=int)
    out[order] = fold_of
    return out


def _best_fold(primary, secondary, rng):
    """Fold with the largest ``primary`` need, then ``secondary``, then random/first."""
    cand = np.flatnonzero(primary == primary.max())
    if cand.size > 1:
        cand = cand[secondary[cand] == secondary[cand].max()]
    if cand.size > 1 and rng is not None:
        return int(rng.choice(cand))
    return int(cand[0])
