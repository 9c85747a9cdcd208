"""Parameter documentation, validation and resolution for ECGClassifier."""

from __future__ import annotations

import torch

from ..augmentation import check_nyquist
from ..augmentation._recipes import resolve_augment
from ..training import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
)
from ..training._callbacks import LR_SCHEDULES
from ..transfer._fingerprint import OVERLAP_OPTIONS
from ..utils import check_choice, check_float, check_int, check_sfreq
from . import _defaults
from ._batch_path import DATA_PATH_PARAMETER, check_data_path
from ._distributed import check_distributed
from ._inference import check_windowing
from ._recipe import RECIPE_PARAMETERS, check_recipe_params
from ._resume import CHECKPOINT_DIR_PARAMETER, check_checkpoint_dir
from ._warm_start import check_transfer_params

OPTIMIZERS = {
    "adamw": torch.optim.AdamW,
    "adam": torch.optim.Adam,
    "sgd": torch.optim.SGD,
}
CRITERIA = ("auto", "bce", "cross_entropy", "focal")
#: ``precision`` values and the ``torch.autocast`` dtype each one trains under
#: (``None``: plain float32, no autocast).
AUTOCAST_DTYPES = {"32": None, "bf16": torch.bfloat16, "fp16": torch.float16}

#: Documentation of every shared (training, task, inference) parameter; thin
#: subclasses include it after their architecture parameters.
TRAINING_PARAMETERS = """\
    lr : float, default=3e-3
        Learning rate (the peak rate with ``lr_schedule="onecycle"``).
    max_epochs : int, default=30
        Maximum number of training epochs.
    batch_size : int or "auto", default="auto"
        Records per batch, for training and prediction. A training set smaller
        than ``batch_size`` is one (smaller) batch; no batch is ever dropped.
        ``"auto"``: 16 below 1,000 training records (small cohorts get four
        times the optimiser steps), else 64; ``batch_size_`` is the value used.
    optimizer : {"adamw", "adam", "sgd"} or torch optimizer class, default="adamw"
        Optimiser, built with ``lr`` and ``weight_decay``.
    weight_decay : float, default=1e-2
        Weight decay (decoupled for AdamW).
    criterion : {"auto", "bce", "cross_entropy", "focal"}, default="auto"
        Loss. ``"auto"``: BCE on one logit for binary, cross-entropy for
        multiclass, BCE per label for multi-label tasks. ``"focal"``: sigmoid
        focal loss (binary, multi-label) or softmax focal loss (multiclass).
        ``"bce"`` is not valid for multiclass, ``"cross_entropy"`` only for it.
    focal_alpha : float or None, default=0.25
        Positive-term weight of the sigmoid focal loss (the seed study used 0.7).
    focal_gamma : float, default=2.0
        Focusing parameter of the focal loss.
    pos_weight : None, "balanced" or array-like, default=None
        Weight of the positive term per output (binary: 1 value, multi-label:
        one per label) or, for multiclass tasks, cross-entropy class weights.
        ``"balanced"`` computes ``n_neg / n_pos`` (multiclass: scikit-learn's
        balanced class weights) from the ``y`` passed to each ``fit``, so it
        stays right inside every CV fold.
    validation_fraction : float, None or "auto", default="auto"
        Fraction of the training records held out (stratified) to monitor
        ``valid_loss``/``valid_auroc``, stop early and restore the best epoch's
        weights, and tune a named ``threshold``. ``0`` or ``None`` disables it:
        every record trains for ``max_epochs`` and the last weights are kept.
        ``"auto"``: hold out 0.1 only when that keeps at least 100 records and
        10 of each class of every output (about 1,000 records at 12.5 %
        positives), or when a named ``threshold`` needs tuning; otherwise no
        split, since a small held-out part makes the best-epoch choice noise.
        Ignored when ``fit`` gets ``X_val``.
    patience : int or None, default=None
        Epochs without ``valid_loss`` improvement before stopping. ``None``
        never stops early (the best weights are still restored), which the
        one-cycle schedule needs to finish its cycle.
    lr_schedule : {None, "onecycle", "cosine", "plateau"}, default="onecycle"
        Learning-rate schedule (a skorch ``LRScheduler``); ``"onecycle"``
        warms up to ``lr`` and anneals to almost 0 over ``max_epochs``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        Training and prediction device; ``"auto"`` picks CUDA when available.
    precision : {"32", "bf16", "fp16"}, default="32"
        Mixed precision through ``torch.autocast`` (with a ``GradScaler`` for
        ``"fp16"``). The loss is always computed in float32.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split, shuffling, dropout
        and augmentation. With an int, CPU fits are bit-identical whatever the
        global random state, which fitting leaves untouched.
    verbose : int, default=0
        0 is silent; 1 shows skorch's progress bar and per-epoch table.
    num_workers : int, default=0
        DataLoader worker processes for training.
    distributed : {"auto", False}, default="auto"
        ``"auto"``: when ``fit`` runs in one of several processes started by
        ``torchrun`` (``WORLD_SIZE`` > 1, or ``torch.distributed`` already
        initialised), train one model together with the other processes through
        ``DistributedDataParallel`` (``gloo`` on the CPU, ``nccl`` on CUDA, one
        GPU per process from ``LOCAL_RANK``). Every process passes the same data;
        ``batch_size`` stays the global batch size, shared out among the
        processes; only rank 0 runs the callbacks that write files or print. In a
        single process it changes nothing. ``False``: always train alone. See
        the scaling guide.
    threshold : float, array-like or {"f1", "youden", "gmean"}, default=0.5
        Decision threshold on the positive probability (binary) or on each
        label's probability (multi-label; a float or one value per label).
        ``"f1"``, ``"youden"`` (max TPR - FPR) and ``"gmean"`` (max
        sqrt(sensitivity * specificity), the study's metric) are tuned per
        output on the validation data only (the internal split, or ``X_val``),
        by :func:`sklearn_ecg.metrics.tune_thresholds`. Ignored (must stay 0.5)
        for multiclass tasks.
    sfreq : float, default=None
        Sampling rate of ``X`` in Hz. Metadata: stored with the model, checked
        on warm starts and at prediction (``predict(X, sfreq=...)``), and used
        to express augmentation in Hz and the ``"auto"`` crop in seconds. When
        None, the records are taken to span 10 s (as in PTB-XL and most 12-lead
        databases) for both, unless the rate is adopted from ``warm_start_from``.
    lead_names : list of str, default=None
        Names of the leads of ``X``; stored with the model, checked on warm
        starts, and used at prediction to put records given with
        ``lead_names=`` in this order. None: adopted from ``warm_start_from``.
    augment : None, str, Augmentation or list of Augmentation, default="auto"
        Train-time augmentation of each training record, seeded by
        ``random_state`` and never applied at prediction or validation scoring.
        ``"paper"``: the seed study's one-of-7 recipe; ``"basic"``: noise, gain,
        baseline wander and time shift; ``"auto"``: ``"basic"`` then
        ``"paper"``; ``None``: none; or objects from
        :mod:`sklearn_ecg.augmentation`. Frequencies are in Hz (see ``sfreq``).
    crop_length : int, None or "auto", default="auto"
        Train on random crops of this many samples, drawn inside each record's
        unpadded region; predictions then score whole records by windows.
        ``None``: whole records. ``"auto"``: 2.5 s (``round(2.5 * sfreq)``), or a
        quarter of the record without ``sfreq``; whole records when that is
        under 64 samples or over half the record. ``crop_length_`` is the value
        used.
    inference : {"auto", "center", "sliding_mean", "sliding_max"}, default="auto"
        With a crop: score the centre window, or the mean or maximum of the
        logits of sliding windows. Whole records without one. ``"auto"``:
        ``"sliding_mean"`` with a crop.
    inference_stride : int, default=None
        Step between sliding windows in samples (``crop_length // 2`` if None).
    warm_start_from : str, path-like or PretrainedWeights, default=None
        Pretrained checkpoint (written by ``save_pretrained``) to initialise the
        module from at the start of every ``fit``; ``sklearn.clone`` keeps it, so
        each CV fold or search candidate starts from the same weights. Tensors
        are matched by name and shape, ``final_layer`` is re-initialised when the
        outputs or classes differ, and ``warm_start_report_`` lists what was
        loaded. Lead-count, lead-order, sampling-rate and architecture
        mismatches raise. A fitted estimator is refused: pass
        ``est.save_pretrained(path)`` or ``PretrainedWeights.from_estimator(est)``.
    freeze : "none", "backbone" or list of str, default="none"
        Parts of the module kept frozen: ``"backbone"`` is everything but
        ``final_layer``; a list names module prefixes (e.g. ``["trunk.0"]``).
        Frozen parameters get no gradient and do not change (weight decay
        included), and frozen batch-norm layers stay in eval mode, so their
        running statistics do not move either.
    unfreeze_after : int, default=None
        Gradual unfreezing: train with ``freeze`` for this many epochs, then
        unfreeze everything (history key ``"frozen"`` records each epoch).
    backbone_lr_ratio : float in (0, 1], default=None
        Discriminative learning rate: the backbone trains at
        ``lr * backbone_lr_ratio``, ``final_layer`` at ``lr``.
<recipe>
    pretrained_overlap : {"raise", "warn", "ignore"}, default="raise"
        What a warm start does when the checkpoint's training data (its
        fingerprint: record ids, patient ids, signal hashes) contains records
        or patients of this fit's training data, a sign that the evaluation
        data overlaps the pretraining source: refuse with
        :class:`~sklearn_ecg.transfer.TrainingOverlapError`, warn, or ignore.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra callbacks, run after the built-in ones (e.g. an Optuna pruning
        callback reading ``history[-1, "valid_auroc"]``).
    module_params : dict, default=None
        Extra keyword arguments for the module's constructor.
<checkpoint>""".replace(
    "<recipe>", RECIPE_PARAMETERS + "\n" + DATA_PATH_PARAMETER
).replace("<checkpoint>", CHECKPOINT_DIR_PARAMETER)

BASE_DOC = f"""Deep-learning ECG classifier: a scikit-learn estimator on skorch.

    The base of every architecture estimator. The task is read from ``y`` as in
    scikit-learn: **binary** (one logit, BCE, ``predict_proba`` of shape
    ``(n, 2)``), **multiclass** (cross-entropy, ``(n, n_classes)``) or
    **multi-label** (2-D 0/1 ``y``, BCE per label, ``predict_proba`` and
    ``predict`` of shape ``(n, n_labels)``). Labels of any type go through a
    ``LabelEncoder``. Input shapes are inferred in ``fit`` and stored as fitted
    attributes; parameters are never modified.

    Parameters
    ----------
    module : str or torch.nn.Module class, default="resnet1d"
        A name from :func:`sklearn_ecg.models.list_models` or a module class
        whose constructor takes ``n_leads``, ``n_times`` and ``n_outputs``.
{TRAINING_PARAMETERS}

    Attributes
    ----------
    classes_ : ndarray
        Class labels; for multi-label ``y`` the label indices (or the
        DataFrame's column names).
    task_ : {{"binary", "multiclass", "multilabel"}}
        The task inferred from ``y``.
    n_outputs_ : int
        Number of logits (1 for binary tasks).
    n_leads_in_, n_times_in_ : int
        Shape of the training records.
    n_features_in_ : int
        Leads of 3-D input (time samples of 2-D input), as scikit-learn sets it.
    n_epochs_ : int
        The epoch whose weights are kept (best ``valid_loss``), like ``n_iter_``.
    crop_length_ : int or None
        The training crop (and window) length used; ``crop_length`` resolved.
    batch_size_ : int
        Records per batch; ``batch_size`` resolved.
    label_smoothing_ : float
        The label smoothing of the loss; ``label_smoothing`` resolved.
    threshold_ : float, ndarray of shape (n_labels,) or None
        Decision threshold(s) used by ``predict`` (None for multiclass).
    pos_weight_ : ndarray or None
        The resolved positive/class weights.
    device_ : torch.device
        The device the module lives on.
    module_ : torch.nn.Module
        The trained network (in eval mode after prediction).
    history_ : skorch.History
        Per-epoch records. Keys: ``epoch``, ``train_loss``, ``valid_loss``,
        ``valid_auroc`` (macro AUROC on the internal validation split; NaN when
        no label has both classes there), ``valid_loss_best``,
        ``valid_auroc_best``, ``dur``, and ``event_lr`` with a schedule;
        ``frozen`` (bool) with ``unfreeze_after``.
    training_fingerprint_ : sklearn_ecg.transfer.TrainingFingerprint
        What the estimator was trained on (signal hashes of ``X`` and
        ``X_val``, and the ``record_ids``/``groups`` given to ``fit``);
        checkpoints written by ``save_pretrained`` carry it.
    pretrained_overlap_ : dict or None
        With ``warm_start_from``: what the overlap guard compared and found.
    warm_start_report_ : dict or None
        With ``warm_start_from``: ``{"loaded", "reinitialized", "skipped"}``
        lists of tensor names (module tensors taken from the checkpoint, module
        tensors left at their fresh initialisation such as a new head, and
        checkpoint tensors not used), and ``"adopted"``: the metadata taken
        from the checkpoint because the parameter was None (e.g.
        ``["sfreq=500"]``). None without a warm start.
    sfreq_, lead_names_ : float, tuple of str or None
        The rate and leads records are checked against at prediction:
        ``sfreq``/``lead_names``, or the checkpoint's when adopted.
    frozen_prefixes_ : tuple of str
        Module-name prefixes frozen by ``freeze`` (empty when nothing is).

    See Also
    --------
    sklearn_ecg.classifiers.ECGResNetClassifier : The 1-D ResNet estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers import ECGClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2, 64)).astype("float32")
    >>> y = np.repeat(["normal", "pe"], 20)
    >>> X[y == "pe", 0] += 1.0
    >>> clf = ECGClassifier(
    ...     module_params=dict(base_width=4), max_epochs=2, random_state=0
    ... ).fit(X, y)
    >>> clf.predict_proba(X).shape
    (40, 2)
    >>> clf.classes_
    array(['normal', 'pe'], dtype='<U6')
    """


def check_params(est, X) -> None:
    """Check every parameter: the one check, run once at the start of ``fit``.

    Checks every hyper-parameter (through the shared helpers of
    :mod:`sklearn_ecg.utils`), the metadata against ``X``, the augmentation,
    crop and inference arguments and the transfer-learning arguments. The
    checks that need the built module or the checkpoint run when they are built.
    Sets ``crop_length_``, ``crop_length`` resolved for ``X`` (see
    :mod:`sklearn_ecg.classifiers._defaults`).

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted.
    X : ndarray of shape (n_records, n_leads, n_times)
        The validated training records.

    Raises
    ------
    ValueError, TypeError
        Naming the parameter, the value received and the fix.
    """
    check_float(est.lr, "lr", low=0, include_low=False)
    check_int(est.max_epochs, "max_epochs", 1)
    if not _defaults.is_auto(est.batch_size):
        check_int(est.batch_size, "batch_size", 1)
    check_int(est.num_workers, "num_workers", 0)
    check_distributed(est.distributed)
    check_int(est.patience, "patience", 1, allow_none=True)
    check_float(est.weight_decay, "weight_decay", low=0)
    if not _defaults.is_auto(est.validation_fraction):
        check_float(
            est.validation_fraction, "validation_fraction", low=0, high=1,
            include_high=False, allow_none=True,
        )  # fmt: skip
    if not (
        isinstance(est.optimizer, type)
        and issubclass(est.optimizer, torch.optim.Optimizer)
    ):
        check_choice(est.optimizer, "optimizer", list(OPTIMIZERS))
    check_choice(est.criterion, "criterion", CRITERIA)
    check_choice(est.precision, "precision", list(AUTOCAST_DTYPES))
    check_choice(est.lr_schedule, "lr_schedule", LR_SCHEDULES)
    check_float(est.focal_gamma, "focal_gamma", low=0)
    check_float(est.focal_alpha, "focal_alpha", low=0, high=1, allow_none=True)
    if est.module_params is not None and not isinstance(est.module_params, dict):
        raise ValueError(
            f"module_params must be None or a dict, got {est.module_params!r}."
        )
    _check_metadata(est, X)
    _check_augment(est, X.shape[2])
    crop, inference = _defaults.resolve_windowing(
        est.crop_length, est.inference, est.sfreq, X.shape[2]
    )
    check_windowing(crop, inference, est.inference_stride, X.shape[2])
    est.crop_length_ = crop
    check_transfer_params(est)
    check_recipe_params(est)
    check_data_path(est)
    check_choice(est.pretrained_overlap, "pretrained_overlap", OVERLAP_OPTIONS)
    check_checkpoint_dir(est)


def _check_augment(est, n_times: int) -> None:
    # Invalid recipes raise here; frequencies are checked against the Nyquist
    # frequency of the rate the augmentation will use (sfreq, or the assumed one).
    augmentation = resolve_augment(_defaults.resolve_augment(est.augment))
    if augmentation is not None:
        check_nyquist(augmentation, _defaults.augmentation_sfreq(est.sfreq, n_times))


def reject_fit_params(fit_params) -> None:
    """Refuse fit parameters instead of silently ignoring them."""
    if fit_params:
        raise TypeError(
            f"fit() got unsupported fit parameters {sorted(fit_params)}; "
            "sample_weight and other fit parameters are not supported. Use "
            "pos_weight='balanced' to reweight classes."
        )


def _check_metadata(est, X) -> None:
    """Check ``sfreq`` and ``lead_names``; set ``sfreq_`` and ``lead_names_``.

    The fitted copies are what prediction checks records against; a warm start
    may fill them from its checkpoint when the parameters are None.
    """
    est.sfreq_ = None if est.sfreq is None else check_sfreq(est.sfreq)
    est.lead_names_ = None
    if est.lead_names is not None:
        names = list(est.lead_names)
        if len(names) != X.shape[1] or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"lead_names must list {X.shape[1]} lead names (one per lead of X), "
                f"got {est.lead_names!r}."
            )
        est.lead_names_ = tuple(names)


def resolve_device(device) -> torch.device:
    """Resolve ``device``; fail clearly if CUDA is requested but absent."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}."
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} but CUDA is not available; use device='auto' or 'cpu'."
        )
    if resolved.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}.")
    return resolved


def make_criterion(est) -> torch.nn.Module:
    """Build the loss for the estimator's task and ``criterion`` parameter."""
    task, crit, weights = est.task_, est.criterion, est.pos_weight_
    smoothing = getattr(est, "label_smoothing_", None)
    if smoothing is None:  # saved before label_smoothing_ existed: size unknown
        smoothing = _defaults.resolve_label_smoothing(est.label_smoothing, crit, 0)
    if task == "multiclass":
        if crit == "bce":
            raise ValueError(
                "criterion='bce' needs a binary or multi-label y; use "
                "'cross_entropy' (or 'auto') for multiclass targets."
            )
        if crit == "focal":
            return SoftmaxFocalLoss(gamma=est.focal_gamma, weight=weights)
        return CrossEntropyLoss(weight=weights, label_smoothing=smoothing)
    if crit == "cross_entropy":
        raise ValueError(
            f"criterion='cross_entropy' needs a multiclass y, got a {task} task; "
            "use 'bce', 'focal' or 'auto'."
        )
    if crit == "focal":
        return SigmoidFocalLoss(est.focal_alpha, est.focal_gamma, pos_weight=weights)
    return BCEWithLogitsLoss(pos_weight=weights, label_smoothing=smoothing)


def make_grad_scaler(est):
    """Return a ``GradScaler`` for fp16 training, else None."""
    if est.precision != "fp16":
        return None
    return torch.amp.GradScaler(est.device_.type)
