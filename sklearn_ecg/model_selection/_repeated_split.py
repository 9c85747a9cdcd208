"""Repeated patient-grouped stratified K-fold splitters."""

from __future__ import annotations

import numbers

from sklearn.model_selection import BaseCrossValidator, StratifiedGroupKFold
from sklearn.model_selection._split import GroupsConsumerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples

from ..utils._docs import fill_doc
from ._split import SPLIT_DOCS, MultilabelStratifiedGroupKFold, check_groups

#: The parameters of both repeated splitters.
_PARAMETERS_DOC = """\
    Parameters
    ----------
    n_splits : int, default=5
        Number of folds per repeat, at least 2 and at most the number of groups.
    n_repeats : int, default=10
        Number of repeats.
    random_state : int, RandomState instance or None, default=None
        Controls the shuffles; an int gives the same splits on every call."""


class _RepeatedGroupSplits(GroupsConsumerMixin, BaseCrossValidator):
    """Repeat a grouped, shuffled K-fold with seeds drawn from one generator."""

    _splitter = None

    def __init__(self, *, n_splits=5, n_repeats=10, random_state=None):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state

    @fill_doc(**SPLIT_DOCS)
    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        %(x)s
        y : array-like of shape (n_records,) or (n_records, n_labels)
            Targets to stratify on.
        %(groups_required)s

        Yields
        ------
        train, test : ndarray of int
            Indices of each fold of each repeat, repeat by repeat.
        """
        n_repeats = self.n_repeats
        if (
            isinstance(n_repeats, bool)
            or not isinstance(n_repeats, numbers.Integral)
            or n_repeats < 1
        ):
            raise ValueError(f"n_repeats must be an int >= 1, got {n_repeats!r}.")
        if y is None:
            raise ValueError(f"{type(self).__name__} needs y to stratify.")
        codes = check_groups(groups, _num_samples(X))
        rng = check_random_state(self.random_state)
        for _ in range(n_repeats):
            cv = self._splitter(n_splits=self.n_splits, shuffle=True, random_state=rng)
            yield from cv.split(X, y, codes)

    @fill_doc(**SPLIT_DOCS)
    def get_n_splits(self, X=None, y=None, groups=None):
        """Return ``n_splits * n_repeats``.

        %(ignored_returns)s
            The number of (train, test) pairs ``split`` yields.
        """
        return self.n_splits * self.n_repeats


@fill_doc(parameters=_PARAMETERS_DOC)
class RepeatedStratifiedGroupKFold(_RepeatedGroupSplits):
    """Stratified group K-fold repeated with different shuffles.

    scikit-learn's :class:`~sklearn.model_selection.StratifiedGroupKFold`
    (``shuffle=True``) run ``n_repeats`` times with seeds drawn from
    ``random_state``, as :class:`~sklearn.model_selection.RepeatedStratifiedKFold`
    does for records: in every repeat each record is tested exactly once and no
    group (patient) is on both sides of a split. For binary or multiclass ``y``;
    groups may be of any hashable type (``"p0"``, 17, ...).

    %(parameters)s

    See Also
    --------
    RepeatedMultilabelStratifiedGroupKFold : The same for multi-label ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import RepeatedStratifiedGroupKFold
    >>> y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    >>> patients = ["p0", "p0", "p1", "p1", "p2", "p3", "p4", "p5"]
    >>> cv = RepeatedStratifiedGroupKFold(n_splits=2, n_repeats=3, random_state=0)
    >>> cv.get_n_splits()
    6
    >>> all(not {patients[i] for i in tr} & {patients[i] for i in te}
    ...     for tr, te in cv.split(y, y, patients))
    True
    """

    _splitter = StratifiedGroupKFold


@fill_doc(parameters=_PARAMETERS_DOC)
class RepeatedMultilabelStratifiedGroupKFold(_RepeatedGroupSplits):
    """Multi-label stratified group K-fold repeated with different shuffles.

    :class:`MultilabelStratifiedGroupKFold` (``shuffle=True``) run ``n_repeats``
    times with seeds drawn from ``random_state``: in every repeat each record is
    tested exactly once and no group (patient) is on both sides of a split.

    %(parameters)s

    See Also
    --------
    RepeatedStratifiedGroupKFold : The same for binary or multiclass ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import RepeatedMultilabelStratifiedGroupKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1], [0, 0], [1, 0]])
    >>> patients = [0, 0, 1, 2, 3, 4, 5, 6]
    >>> cv = RepeatedMultilabelStratifiedGroupKFold(
    ...     n_splits=2, n_repeats=2, random_state=0)
    >>> tests = [test for _, test in cv.split(Y, Y, patients)]
    >>> sorted(np.concatenate(tests[:2]).tolist())  # repeat 1 tests each record once
    [0, 1, 2, 3, 4, 5, 6, 7]
    >>> cv.get_n_splits()
    4
    """

    _splitter = MultilabelStratifiedGroupKFold
