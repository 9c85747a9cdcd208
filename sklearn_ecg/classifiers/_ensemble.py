"""ECGEnsembleClassifier: averaging ensembles of seeds and of architectures."""

from __future__ import annotations

import numbers
import os
import re

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from ..metrics._thresholds import tune_thresholds
from ..utils._docs import fill_doc
from ._predict import proba_to_labels
from ._targets import encode_like, indicator

VOTING = ("soft", "logit")
TUNED = ("f1", "youden", "gmean")

#: The one parameter of the prediction methods, and the Returns heading.
_X_RETURNS_DOC = """\
        Parameters
        ----------
        X : array-like
            Records shaped like the training data.

        Returns
        -------"""


def _own_checkpoint_dir(member, name: str) -> None:
    """Give a member with a ``checkpoint_dir`` its own subfolder (name + seed)."""
    params = member.get_params(deep=False)
    if params.get("checkpoint_dir") is not None:
        safe = re.sub(r"[^0-9A-Za-z_-]+", "_", name)  # stays inside the folder
        folder = os.path.join(os.fspath(params["checkpoint_dir"]), safe)
        member.set_params(checkpoint_dir=folder)


def _fit_member(est, X, y, X_val, y_val):
    if X_val is None:
        return est.fit(X, y)
    return est.fit(X, y, X_val=X_val, y_val=y_val)


def _logit(p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p) - np.log1p(-p)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class ECGEnsembleClassifier(ClassifierMixin, BaseEstimator):
    """Average several fitted classifiers: seeds and architectures alike.

    Unlike scikit-learn's ``VotingClassifier`` it accepts multi-label targets
    (a 2-D 0/1 ``y``) as well as binary and multiclass ones. Each member is
    cloned and fitted on the same data; with ``seeds`` every member is fitted
    once per seed (``random_state=seed``), the usual ensemble of seeds. A
    member with a ``checkpoint_dir`` resumes in its own subfolder of it, named
    after the member (``member_names_``). The members must be classifiers with
    ``predict_proba`` returning one column per class (binary, multiclass) or per
    label (multi-label), as every estimator of :mod:`sklearn_ecg.classifiers`
    does.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples
        The member templates (unfitted; they are cloned, never modified).
    voting : {"soft", "logit"}, default="soft"
        ``"soft"``: weighted mean of the members' probabilities;
        ``"logit"``: weighted mean of their log-odds (per output for binary and
        multi-label tasks, log-probabilities renormalised by softmax for
        multiclass), which lets confident members count more. Both are
        computed record by record, so a record's score never depends on the
        other records of the batch (why rank averaging is not offered).
    weights : array-like of shape (n_estimators,), default=None
        Weight of each entry of ``estimators`` (shared by its seed copies);
        equal when None.
    seeds : None, int or sequence of int, default=None
        Fit each member once per seed with ``random_state`` set to it; an int
        ``n`` means seeds ``0 .. n-1``. None fits each member once, as given.
    threshold : float, array-like, "members" or {"f1", "youden", "gmean"}, \
default=0.5
        Decision threshold on the averaged positive probability (binary) or on
        each label's (multi-label; a float or one per label). ``"members"``:
        the mean of the members' fitted ``threshold_``. A method name tunes it
        by :func:`sklearn_ecg.metrics.tune_thresholds` on ``X_val``/``y_val``
        (required then). Ignored for multiclass tasks.
    n_jobs : int, default=None
        Members fitted in parallel by joblib (None: one at a time).

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, seed copies next to each other.
    member_names_ : list of str
        ``"name"`` or ``"name_s<seed>"`` for each fitted member.
    member_weights_ : ndarray of shape (n_members,)
        Normalised weight of each fitted member.
    classes_ : ndarray
        Class labels (label indices or names for multi-label ``y``).
    task_ : {"binary", "multiclass", "multilabel"}
        The task of the members.
    threshold_ : float, ndarray or None
        Threshold(s) used by :meth:`predict` (None for multiclass).
    n_features_in_ : int
        As the members set it.

    See Also
    --------
    sklearn.ensemble.VotingClassifier : The single-label version.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGEnsembleClassifier, ECGResNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2, 64)).astype("float32")
    >>> y = np.c_[np.arange(40) % 2, np.arange(40) % 3 == 0].astype(int)
    >>> member = ECGResNetClassifier(base_width=4, max_epochs=1,
    ...                              validation_fraction=None)
    >>> ens = ECGEnsembleClassifier([("resnet", member)], seeds=2).fit(X, y)
    >>> ens.member_names_
    ['resnet_s0', 'resnet_s1']
    >>> ens.predict_proba(X).shape, ens.predict(X).shape
    ((40, 2), (40, 2))
    """

    def __init__(
        self,
        estimators,
        *,
        voting="soft",
        weights=None,
        seeds=None,
        threshold=0.5,
        n_jobs=None,
    ):
        self.estimators = estimators
        self.voting = voting
        self.weights = weights
        self.seeds = seeds
        self.threshold = threshold
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.classifier_tags.multi_label = True
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------- checking --
    def _check_estimators(self):
        est = self.estimators
        if (
            not isinstance(est, (list, tuple))
            or not est
            or not all(isinstance(e, tuple) and len(e) == 2 for e in est)
        ):
            raise ValueError(
                "estimators must be a non-empty list of (name, estimator) tuples, "
                f"got {est!r}."
            )
        names = [str(name) for name, _ in est]
        if len(set(names)) != len(names):
            raise ValueError(f"estimators names must be unique, got {names}.")
        for name, member in est:
            if not hasattr(member, "predict_proba"):
                raise TypeError(
                    f"estimator {name!r} ({type(member).__name__}) has no "
                    "predict_proba; use probabilistic classifiers."
                )
        return names

    def _check_seeds(self):
        seeds = self.seeds
        if seeds is None:
            return [None]
        if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
            if seeds < 1:
                raise ValueError(f"seeds={seeds!r} must be >= 1 as an int.")
            return list(range(int(seeds)))
        try:
            seeds = [int(s) for s in seeds]
        except (TypeError, ValueError):
            raise ValueError(
                f"seeds must be None, an int or a list of ints, got {self.seeds!r}."
            ) from None
        if not seeds or len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must be distinct and non-empty, got {seeds}.")
        return seeds

    def _check_weights(self, n):
        if self.weights is None:
            return np.ones(n)
        w = np.asarray(self.weights, dtype=float)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or w.min() < 0 or not w.sum():
            raise ValueError(
                f"weights must be {n} non-negative numbers (one per estimator) with "
                f"a positive sum, got {self.weights!r}."
            )
        return w

    # -------------------------------------------------------------- fitting --
    def fit(self, X, y, *, X_val=None, y_val=None):
        """Fit every member (and seed copy) on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            Training records, passed to each member unchanged.
        y : array-like of shape (n_records,) or (n_records, n_labels)
            Class labels, or a 0/1 indicator matrix for multi-label tasks.
        X_val, y_val : array-like, default=None
            An explicit validation set, passed to each member's ``fit`` and used
            to tune a named ``threshold``.

        Returns
        -------
        self : ECGEnsembleClassifier
            The fitted ensemble.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None. Pass the labels of X."
            )
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        if self.voting not in VOTING:
            raise ValueError(f"voting must be one of {VOTING}, got {self.voting!r}.")
        names = self._check_estimators()
        weights = self._check_weights(len(names))
        seeds = self._check_seeds()
        members, self.member_names_, w = [], [], []
        for (name, template), weight in zip(self.estimators, weights):
            for seed in seeds:
                member = clone(template)
                if seed is not None:
                    member.set_params(random_state=seed)
                members.append(member)
                self.member_names_.append(name if seed is None else f"{name}_s{seed}")
                _own_checkpoint_dir(member, self.member_names_[-1])
                w.append(weight)
        self.member_weights_ = np.asarray(w) / np.sum(w)
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_member)(m, X, y, X_val, y_val) for m in members
        )
        self._check_members()
        self.threshold_ = self._resolve_threshold(X_val, y_val)
        return self

    def _check_members(self):
        first = self.estimators_[0]
        self.classes_ = first.classes_
        self.task_ = getattr(first, "task_", None) or _infer_task(first)
        for name, member in zip(self.member_names_, self.estimators_):
            if not np.array_equal(np.asarray(member.classes_), self.classes_):
                raise ValueError(
                    f"member {name!r} learned classes {member.classes_!r}, not "
                    f"{self.classes_!r} like the first member."
                )
        if hasattr(first, "n_features_in_"):
            self.n_features_in_ = first.n_features_in_

    def _resolve_threshold(self, X_val, y_val):
        spec = self.threshold
        if self.task_ == "multiclass":
            return None
        n_out = 1 if self.task_ == "binary" else len(self.classes_)
        if isinstance(spec, str):
            if spec == "members":
                values = [np.asarray(m.threshold_, float) for m in self.estimators_]
                thr = np.mean(values, axis=0)
            elif spec in TUNED:
                if X_val is None:
                    raise ValueError(
                        f"threshold={spec!r} is tuned on X_val/y_val; pass them to "
                        "fit, or use a float threshold or 'members'."
                    )
                y_ind = indicator(
                    encode_like(y_val, self.task_, self.classes_), self.task_, n_out
                )
                thr = tune_thresholds(y_ind, self._positive(X_val), spec)
            else:
                raise ValueError(
                    f"threshold={spec!r} is not a known method; use a float, an "
                    f"array, 'members' or one of {TUNED}."
                )
        else:
            thr = np.asarray(spec, dtype=float)
            if thr.ndim > 1 or (thr.ndim == 1 and thr.shape[0] != n_out):
                raise ValueError(
                    f"threshold must be a float or {n_out} values, got {spec!r}."
                )
        thr = np.broadcast_to(np.asarray(thr, float), (n_out,)).copy()
        return float(thr[0]) if self.task_ == "binary" else thr

    # ----------------------------------------------------------- prediction --
    def _member_probas(self, X):
        check_is_fitted(self)
        probas = [np.asarray(m.predict_proba(X), dtype=float) for m in self.estimators_]
        return np.stack(probas)  # (n_members, n_records, n_columns)

    def _scores(self, X):
        """Weighted mean of probabilities (soft) or log-odds (logit)."""
        probas, w = self._member_probas(X), self.member_weights_
        if self.voting == "soft":
            return np.tensordot(w, probas, axes=1)
        if self.task_ == "multiclass":
            z = np.tensordot(w, np.log(np.clip(probas, 1e-12, None)), axes=1)
            z = np.exp(z - z.max(axis=1, keepdims=True))
            return z / z.sum(axis=1, keepdims=True)
        return _sigmoid(np.tensordot(w, _logit(probas), axes=1))

    def _positive(self, X):
        proba = self._scores(X)
        return proba[:, 1] if self.task_ == "binary" else proba

    @fill_doc(x_returns=_X_RETURNS_DOC)
    def predict_proba(self, X):
        """Averaged probabilities, shaped like the members' ``predict_proba``.

        %(x_returns)s
        proba : ndarray of shape (n_records, n_classes) or (n_records, n_labels)
            Binary: ``[1 - p, p]``; multiclass rows sum to 1; multi-label: one
            probability per label.
        """
        proba = self._scores(X)
        if self.task_ == "binary":
            proba = np.c_[1.0 - proba[:, 1], proba[:, 1]]
        return proba

    @fill_doc(x_returns=_X_RETURNS_DOC)
    def decision_function(self, X):
        """Log-odds of the averaged probabilities (log-probabilities, multiclass).

        %(x_returns)s
        scores : ndarray of shape (n_records,) or (n_records, n_outputs)
            Larger means more likely positive / more likely class.
        """
        proba = self._scores(X)
        if self.task_ == "multiclass":
            return np.log(np.clip(proba, 1e-12, None))
        return _logit(proba[:, 1] if self.task_ == "binary" else proba)

    @fill_doc(x_returns=_X_RETURNS_DOC)
    def predict(self, X):
        """Labels from ``threshold_`` (binary, multi-label) or the argmax.

        %(x_returns)s
        y_pred : ndarray of shape (n_records,) or (n_records, n_labels)
            Class labels, or a 0/1 indicator matrix for multi-label tasks.
        """
        return proba_to_labels(
            self._scores(X), self.task_, self.classes_, self.threshold_
        )


def _infer_task(member) -> str:
    """Task of a member without ``task_`` (a plain scikit-learn classifier)."""
    return "binary" if len(member.classes_) == 2 else "multiclass"
