"""ECGClassifier: the scikit-learn-compliant skorch base estimator."""

from __future__ import annotations

import inspect

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_consistent_length
from skorch import NeuralNetClassifier
from skorch.dataset import unpack_data

from ..metrics._thresholds import tune_thresholds
from ..models import resolve_model
from ..training import resolve_seed, seeded
from . import _defaults, _distributed, _params, _resume
from ._data import train_valid_split
from ._distributed import DistributedMixin
from ._inference import predict_logits
from ._loop import TrainingLoopMixin
from ._memmap import RecordStack, validate_records
from ._predict import PredictionMixin
from ._provenance import merge_training_data, record_training_data
from ._recipe import make_mixer
from ._targets import (
    check_threshold,
    encode_like,
    encode_targets,
    indicator,
    resolve_pos_weight,
)
from ._train_transform import make_train_transform
from ._warm_start import TransferMixin


class ECGClassifier(
    PredictionMixin,
    TransferMixin,
    DistributedMixin,
    TrainingLoopMixin,
    NeuralNetClassifier,
):
    __doc__ = _params.BASE_DOC

    #: Registry name of the architecture of a thin subclass (None: use ``module``).
    _module_name: str | None = None
    #: Constructor arguments that a subclass forwards to the module unchanged.
    _module_params: tuple[str, ...] = ()

    # skorch reads these in code paths we keep; class attributes (not instance
    # ones) so that they are not mistaken for hyper-parameters.
    history_ = None
    initialized_ = False
    virtual_params_: dict = {}
    init_context_ = None
    torch_load_kwargs = None
    compile = False
    # skorch's scoring callbacks re-predict their split through predict/
    # predict_proba (ECGDataset.X/.y) instead of reusing cached batch outputs.
    use_caching = False
    warm_start = False

    def __init__(
        self,
        module="resnet1d",
        *,
        lr=3e-3,
        max_epochs=30,
        batch_size="auto",
        optimizer="adamw",
        weight_decay=1e-2,
        criterion="auto",
        focal_alpha=0.25,
        focal_gamma=2.0,
        pos_weight=None,
        validation_fraction="auto",
        patience=None,
        lr_schedule="onecycle",
        device="auto",
        precision="32",
        random_state=None,
        verbose=0,
        num_workers=0,
        distributed="auto",
        threshold=0.5,
        sfreq=None,
        lead_names=None,
        augment="auto",
        crop_length="auto",
        inference="auto",
        inference_stride=None,
        warm_start_from=None,
        freeze="none",
        unfreeze_after=None,
        backbone_lr_ratio=None,
        weight_averaging=None,
        mixup=None,
        cutmix=None,
        label_smoothing="auto",
        data_path="auto",
        pretrained_overlap="raise",
        callbacks=None,
        module_params=None,
        checkpoint_dir=None,
    ):
        # skorch's __init__ is deliberately not called: it stores extra,
        # non-constructor attributes that scikit-learn would take for parameters.
        self.module = module
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.criterion = criterion
        self.focal_alpha = focal_alpha
        self.focal_gamma = focal_gamma
        self.pos_weight = pos_weight
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.device = device
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose
        self.num_workers = num_workers
        self.distributed = distributed
        self.threshold = threshold
        self.sfreq = sfreq
        self.lead_names = lead_names
        self.augment = augment
        self.crop_length = crop_length
        self.inference = inference
        self.inference_stride = inference_stride
        self.warm_start_from = warm_start_from
        self.freeze = freeze
        self.unfreeze_after = unfreeze_after
        self.backbone_lr_ratio = backbone_lr_ratio
        self.weight_averaging = weight_averaging
        self.mixup = mixup
        self.cutmix = cutmix
        self.label_smoothing = label_smoothing
        self.data_path = data_path
        self.pretrained_overlap = pretrained_overlap
        self.callbacks = callbacks
        self.module_params = module_params
        self.checkpoint_dir = checkpoint_dir

    def __init_subclass__(cls, **kwargs):
        # A thin subclass declares only its architecture arguments plus **kwargs;
        # give its __init__ the full signature so that scikit-learn's
        # get_params/clone/repr see every parameter (and no 'module').
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        own = [
            p
            for p in inspect.signature(init).parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        names = {p.name for p in own}
        base = inspect.signature(ECGClassifier.__init__).parameters.values()
        inherited = [
            p.replace(kind=p.KEYWORD_ONLY)
            for p in base
            if p.name not in names | {"self", "module"}
        ]
        init.__signature__ = inspect.Signature(own + inherited)

    # ---- scikit-learn's parameter protocol (skorch's is __dict__-based) ----
    _get_param_names = classmethod(BaseEstimator._get_param_names.__func__)
    __repr__ = BaseEstimator.__repr__

    def get_params(self, deep=True):
        """Get the estimator's parameters (scikit-learn semantics).

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of estimator-valued parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return BaseEstimator.get_params(self, deep=deep)

    def set_params(self, **params):
        """Set the estimator's parameters (scikit-learn semantics).

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : ECGClassifier
            This estimator.
        """
        return BaseEstimator.set_params(self, **params)

    @property
    def classes_(self):
        """ndarray: the class labels (label indices/names for multi-label)."""
        try:
            return self.__dict__["classes_"]
        except KeyError:
            raise AttributeError("classes_ is set by fit") from None

    @classes_.setter
    def classes_(self, value):
        self.__dict__["classes_"] = value

    def __sklearn_is_fitted__(self):
        return "module_" in self.__dict__ and "classes_" in self.__dict__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.classifier_tags.multi_label = True
        tags.non_deterministic = False
        return tags

    # ---------------------------------------------------------------- hooks --
    def _make_train_transform(self, rng):
        """Return the per-record training transform, or None.

        Random crops of ``crop_length_`` samples (inside each record's unpadded
        region) followed by the ``augment`` recipe (frequencies converted at
        ``sfreq``, or as if the records spanned 10 s); see
        :func:`sklearn_ecg.augmentation.RandomCrop`. Evaluation never uses
        it.

        Parameters
        ----------
        rng : numpy.random.Generator
            Generator seeded from ``random_state`` for draws made once per fit.

        Returns
        -------
        transform : callable or None
            ``transform(x, rng) -> x`` on one ``(n_leads, n_times)`` float32
            record; the dataset passes its own per-worker generator as ``rng``.
            Only applied to training batches.
        """
        return make_train_transform(
            _defaults.resolve_augment(self.augment), self.crop_length_,
            _defaults.augmentation_sfreq(self.sfreq, self.n_times_in_), rng,
        )  # fmt: skip

    def _predict_logits(self, X):
        """Logits ``(n_records, n_outputs)`` for validated 3-D float32 ``X``.

        The one place every prediction path (and validation scoring) gets its
        logits from; see :func:`~sklearn_ecg.classifiers._inference.predict_logits`.
        """
        return predict_logits(self, X)

    def validation_step(self, batch, **fit_params):
        """Score a validation batch exactly as :meth:`predict` would (no augment)."""
        Xi, yi = unpack_data(batch)
        X = Xi.detach().cpu().numpy() if torch.is_tensor(Xi) else np.asarray(Xi)
        y_pred = torch.from_numpy(self._predict_logits(X)).to(self.device_)
        with torch.no_grad():
            loss = self.get_loss(y_pred, yi, X=Xi, training=False)
        return {"loss": loss, "y_pred": y_pred}

    # -------------------------------------------------------------- building --
    def _module_kwargs(self):
        kwargs = {
            "n_leads": self.n_leads_in_,
            "n_times": self.crop_length_ or self.n_times_in_,
            "n_outputs": self.n_outputs_,
        }
        kwargs.update({name: getattr(self, name) for name in self._module_params})
        extra = dict(self.module_params or {})
        clash = sorted(set(extra) & set(kwargs))
        if clash:
            raise ValueError(
                f"module_params may not set {clash}: the shapes are inferred from "
                "the data and architecture arguments are constructor arguments."
            )
        kwargs.update(extra)
        return kwargs

    def initialize_module(self):
        """Build ``module_`` from the inferred shapes; apply the warm start."""
        spec = self._module_name or self.module
        cls = resolve_model(spec) if isinstance(spec, str) else spec
        module = self._apply_warm_start(cls(**self._module_kwargs()))
        self.module_ = module.to(self.device_)
        return self

    def initialize_criterion(self):
        """Build ``criterion_`` for the task (see the ``criterion`` parameter)."""
        crit = _params.make_criterion(self)
        self.criterion_ = crit.to(self.device_)
        return self

    def initialize_optimizer(self, triggered_directly=None):
        """Build ``optimizer_`` over :meth:`_configure_parameter_groups`."""
        opt_cls = _params.OPTIMIZERS.get(self.optimizer, self.optimizer)
        self.optimizer_ = opt_cls(
            self._configure_parameter_groups(),
            lr=self.lr,
            weight_decay=self.weight_decay,
        )
        return self

    def initialize(self):
        """Build callbacks, module, criterion, optimizer and history.

        skorch's own ``initialize`` is replaced (see docs/developer/skorch.rst):
        the module is built from the shapes inferred in ``fit`` and warm-started,
        and there are no routed ``module__``/``optimizer__`` parameters to check.
        skorch's guard against training a net trimmed for prediction is kept.
        """
        self.check_training_readiness()
        self._initialize_callbacks()
        with self._current_init_context("module"):
            self.initialize_module()
        with self._current_init_context("criterion"):
            self.initialize_criterion()
        with self._current_init_context("optimizer"):
            self.initialize_optimizer()
        self._initialize_history()
        self._grad_scaler = _params.make_grad_scaler(self)
        self.initialized_ = True
        return self

    # -------------------------------------------------------------- training --
    def fit(
        self, X, y, *, X_val=None, y_val=None, groups=None, record_ids=None,
        **fit_params,
    ):  # fmt: skip
        """Train the network on ECG records.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            ECG records (2-D input is one lead); cast to float32. A
            memory-mapped array (``np.load(path, mmap_mode="r")``) is not
            copied: each batch is read and cast on its own.
        y : array-like of shape (n_records,) or (n_records, n_labels)
            Class labels, or a 0/1 indicator matrix for multi-label tasks.
        X_val, y_val : array-like, default=None
            An explicit validation set (e.g. PTB-XL fold 9), used instead of the
            internal split of ``validation_fraction`` for early stopping, the
            best-epoch restore, ``valid_*`` history and threshold tuning; as in
            scikit-learn's ``HistGradientBoostingClassifier.fit``.
        groups : array-like of shape (n_records,), default=None
            Patient id of each record: the internal validation split keeps a
            patient on one side, and the ids enter ``training_fingerprint_``
            (and so the checkpoints). In a Pipeline: ``clf__groups=...``.
        record_ids : array-like of shape (n_records,), default=None
            Record id of each record, for ``training_fingerprint_``.
        **fit_params : dict
            Not supported (e.g. ``sample_weight``); passing any raises TypeError.

        Returns
        -------
        self : ECGClassifier
            The fitted estimator.
        """
        _params.reject_fit_params(fit_params)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None. Pass the labels of X."
            )
        X = validate_records(self, X, reset=True)  # a memory map stays a view
        _params.check_params(self, X)
        check_consistent_length(X, y)
        y_enc, self.task_, self.classes_, self.n_outputs_ = encode_targets(y)
        self.n_leads_in_, self.n_times_in_ = X.shape[1], X.shape[2]
        self._threshold_spec = check_threshold(
            self.threshold, self.task_, self.n_outputs_
        )
        self.pos_weight_ = resolve_pos_weight(
            self.pos_weight, y_enc, self.task_, self.n_outputs_
        )
        self.device_ = _params.resolve_device(self.device)
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        if X_val is None:
            record_training_data(self, X, groups=groups, record_ids=record_ids)
            return self._train(X, y_enc, initialize=True, groups=groups)
        X_val = self._validate_predict_X(X_val, fitting=True)
        record_training_data(
            self, X, groups=groups, record_ids=record_ids, extra_X=X_val
        )
        check_consistent_length(X_val, y_val)
        y_val = encode_like(y_val, self.task_, self.classes_)
        n = len(X)
        valid = np.arange(n, n + len(X_val))
        X, y_enc = RecordStack(X, X_val), np.concatenate([y_enc, y_val])
        return self._train(X, y_enc, initialize=True, split=(np.arange(n), valid))

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Continue training the fitted network on ``(X, y)`` for ``max_epochs``.

        The module, optimizer and history are kept; an unfitted estimator is
        simply fitted. ``y`` may only contain classes seen by the first fit.

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            ECG records shaped like the first fit's.
        y : array-like of shape (n_records,) or (n_records, n_labels)
            Targets of the same task.
        classes : None
            Not used (the classes are fixed by the first fit).
        **fit_params : dict
            Not supported; passing any raises TypeError.

        Returns
        -------
        self : ECGClassifier
            The updated estimator.
        """
        _params.reject_fit_params(fit_params)
        if not self.__sklearn_is_fitted__():
            return self.fit(X, y)
        X = self._validate_predict_X(X)
        _params.check_params(self, X)
        check_consistent_length(X, y)
        y_enc = encode_like(y, self.task_, self.classes_)
        merge_training_data(self, X)
        return self._train(X, y_enc, initialize=False)

    def _train(self, X, y_enc, *, initialize, split=None, groups=None):
        dist_state, seed = _distributed.setup(
            self, X, y_enc, resolve_seed(self.random_state)
        )
        fraction = _defaults.resolve_validation_fraction(
            self.validation_fraction, y_enc, self.task_, self.n_outputs_,
            tuned=isinstance(self._threshold_spec, str),
        )  # fmt: skip
        train_idx, valid_idx = split or train_valid_split(
            y_enc, self.task_, fraction, seed, groups=groups
        )
        self.batch_size_ = _defaults.resolve_batch_size(self.batch_size, len(train_idx))
        if initialize:  # partial_fit keeps the loss of the first fit
            self.label_smoothing_ = _defaults.resolve_label_smoothing(
                self.label_smoothing, self.criterion, len(train_idx)
            )
        if isinstance(self._threshold_spec, str) and valid_idx is None:
            raise ValueError(
                f"threshold={self.threshold!r} is tuned on the internal validation "
                "split, but validation_fraction is 0. Set validation_fraction > 0 "
                "or pass a float threshold."
            )
        spec = self._threshold_spec  # until _finish_fit: for EpochScoring(predict)
        if isinstance(spec, str) or (spec is not None and self.task_ == "binary"):
            self.threshold_ = 0.5 if isinstance(spec, str) else float(spec[0])
        else:
            self.threshold_ = spec
        self._fit_state = {
            "X": X, "y": y_enc, "train": train_idx, "valid": valid_idx,
            "seed": seed, "has_valid": valid_idx is not None, "dist": dist_state,
            "steps_per_epoch": int(np.ceil(len(train_idx) / self.batch_size_)),
            "mixer": make_mixer(self, seed),
        }  # fmt: skip
        try:
            with seeded(seed, self.device_):
                if initialize:
                    self.initialize()
                else:
                    self._initialize_callbacks()
                    self._grad_scaler = _params.make_grad_scaler(self)
                _resume.run_partial_fit(self, X, y_enc, initialize)
            self._finish_fit(X, y_enc, valid_idx)
        finally:
            del self._fit_state
            self._grad_scaler = None
        return self

    def _finish_fit(self, X, y_enc, valid_idx):
        hist = self.history_
        best = [h["epoch"] for h in hist if h.get("valid_loss_best")]
        self.n_epochs_ = best[-1] if best else len(hist)
        self.threshold_ = spec = self._threshold_spec
        if isinstance(self._threshold_spec, str):
            proba = self._positive_proba(self._predict_logits(X[valid_idx]))
            y_valid = indicator(y_enc[valid_idx], self.task_, self.n_outputs_)
            self.threshold_ = tune_thresholds(y_valid, proba, self._threshold_spec)
        if self.task_ == "binary" and self.threshold_ is not None:
            self.threshold_ = float(self.threshold_[0])
        self._threshold_spec = spec
