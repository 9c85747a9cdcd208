"""The estimators' data-derived defaults: every ``"auto"`` value, resolved in ``fit``.

Measured on the PTB-XL subset benchmark and on small cohorts (the training user
guide and ``benchmarks/README.md`` give the figures). An ``"auto"`` value depends
only on the sampling rate when it is known, and on the records and targets given
to ``fit`` when it is not:

- ``crop_length="auto"``: random crops of :data:`AUTO_CROP_SECONDS` seconds, or a
  quarter of the record when ``sfreq`` is None (2.5 s of a 10 s record); whole
  records when that crop would be under :data:`MIN_AUTO_CROP` samples or longer
  than half the record.
- ``inference="auto"``: ``"sliding_mean"`` over windows of the crop, or the whole
  record without a crop.
- ``augment="auto"``: the ``"basic"`` recipe followed by the ``"paper"`` one.
- Augmentation frequencies and durations are in Hz and seconds; without
  ``sfreq`` the records are taken to span :data:`ASSUMED_RECORD_SECONDS` s.
- ``validation_fraction="auto"``: hold out :data:`AUTO_VALIDATION_FRACTION` of the
  records only when that part keeps at least :data:`MIN_VALID_RECORDS` records
  and :data:`MIN_VALID_PER_CLASS` records of each class of every output (or when
  a named ``threshold`` must be tuned on it); otherwise train the whole budget
  on every record and keep the last weights.
- ``batch_size="auto"``: :data:`SMALL_BATCH` records per batch when fewer than
  :data:`SMALL_COHORT` records are trained on (more optimiser steps for small
  cohorts), else :data:`LARGE_BATCH`.
- ``label_smoothing="auto"``: :data:`AUTO_LABEL_SMOOTHING` with the binary
  cross-entropy and the cross-entropy from :data:`SMALL_COHORT` training
  records on; 0 below (small cohorts showed no gain) and with the focal loss
  (which has no smoothing).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ..augmentation import Compose, basic_augmentation, paper_augmentation
from ..utils._docs import fill_doc

#: Length of the ``crop_length="auto"`` training crops, in seconds.
AUTO_CROP_SECONDS = 2.5
#: Record duration assumed when ``sfreq`` is None (PTB-XL, CPSC, Chapman: 10 s).
ASSUMED_RECORD_SECONDS = 10.0
#: Shortest automatic crop, in samples (the ResNets downsample 32 times).
MIN_AUTO_CROP = 64
#: Part held out by ``validation_fraction="auto"`` when the data allow it.
AUTO_VALIDATION_FRACTION = 0.1
#: Smallest held-out part ``validation_fraction="auto"`` accepts, in records ...
MIN_VALID_RECORDS = 100
#: ... and in records of the rarer class of every output.
MIN_VALID_PER_CLASS = 10
#: ``batch_size="auto"``: batches of SMALL_BATCH below SMALL_COHORT training
#: records, else LARGE_BATCH.
SMALL_COHORT, SMALL_BATCH, LARGE_BATCH = 1000, 16, 64
#: ``label_smoothing="auto"`` with the (binary) cross-entropy, from SMALL_COHORT
#: training records on.
AUTO_LABEL_SMOOTHING = 0.1


#: The plain training settings: no crops, no augmentation, a constant learning
#: rate, a 10 % early-stopping split, batches of 64, no label smoothing and
#: centre inference (the package's defaults before the measured recipe). An
#: ablation baseline for benchmarks, and fast, stable settings for API tests on
#: tiny data:
#: ``ECGResNetClassifier(**PLAIN_TRAINING)``.
PLAIN_TRAINING = MappingProxyType(
    {
        "lr": 1e-3, "lr_schedule": None, "patience": 5, "batch_size": 64,
        "validation_fraction": 0.1, "crop_length": None, "augment": None,
        "inference": "center", "label_smoothing": 0.0,
    }
)  # fmt: skip


_RECORD_DOC = """\
    sfreq : float or None
        Sampling rate in Hz, if known.
    n_times : int
        Samples per training record."""

#: Docstring entries of the functions that derive a default from the records.
_DOCS = {
    "n_train": """\
    n_train : int
        Records trained on (after the validation split).""",
    "record": _RECORD_DOC,
    "record_parameters": f"""\
    Parameters
    ----------
{_RECORD_DOC}

    Returns
    -------""",
}


def is_auto(value) -> bool:
    return isinstance(value, str) and value == "auto"


@fill_doc(**_DOCS)
def auto_crop_length(sfreq: float | None, n_times: int) -> int | None:
    """Return the crop length that ``crop_length="auto"`` gives.

    %(record_parameters)s
    crop_length : int or None
        ``round(2.5 * sfreq)`` with a sampling rate, else ``n_times // 4``; None
        (whole records) when that is under 64 samples or over half the record.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import auto_crop_length
    >>> auto_crop_length(100.0, 1000), auto_crop_length(500.0, 5000)
    (250, 1250)
    >>> auto_crop_length(None, 5000), auto_crop_length(None, 100)
    (1250, None)
    """
    crop = round(AUTO_CROP_SECONDS * sfreq) if sfreq else n_times // 4
    if crop < MIN_AUTO_CROP or 2 * crop > n_times:
        return None
    return int(crop)


@fill_doc(**_DOCS)
def augmentation_sfreq(sfreq: float | None, n_times: int) -> float:
    """Return the rate that augmentations convert Hz and seconds with.

    %(record_parameters)s
    rate : float
        ``sfreq``, or ``n_times / 10``: records of unknown rate span 10 s.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import augmentation_sfreq
    >>> augmentation_sfreq(None, 5000), augmentation_sfreq(250.0, 5000)
    (500.0, 250.0)
    """
    return float(sfreq) if sfreq else n_times / ASSUMED_RECORD_SECONDS


def resolve_augment(augment):
    """Replace ``augment="auto"`` by its recipe: ``"basic"`` then ``"paper"``.

    Parameters
    ----------
    augment : object
        The estimator's ``augment`` argument.

    Returns
    -------
    augment : object
        A :class:`~sklearn_ecg.augmentation.Compose` for ``"auto"``, else
        ``augment`` unchanged.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import resolve_augment
    >>> [type(t).__name__ for t in resolve_augment("auto").transforms]
    ['Compose', 'OneOf']
    """
    if is_auto(augment):
        return Compose([basic_augmentation(), paper_augmentation()])
    return augment


@fill_doc(**_DOCS)
def resolve_windowing(crop_length, inference, sfreq, n_times: int):
    """Resolve ``crop_length="auto"`` and ``inference="auto"``.

    Parameters
    ----------
    crop_length, inference : object
        The estimator's arguments.
    %(record)s

    Returns
    -------
    crop_length : object
        :func:`auto_crop_length` for ``"auto"``, else unchanged.
    inference : object
        ``"sliding_mean"`` with a crop or ``"center"`` without one for
        ``"auto"``, else unchanged.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import resolve_windowing
    >>> resolve_windowing("auto", "auto", None, 1000)
    (250, 'sliding_mean')
    >>> resolve_windowing(None, "auto", 100.0, 1000)
    (None, 'center')
    """
    if is_auto(crop_length):
        crop_length = auto_crop_length(sfreq, n_times)
    return crop_length, resolve_inference(inference, crop_length)


def resolve_inference(inference, crop_length):
    """Resolve ``inference="auto"`` for a model trained on ``crop_length`` crops.

    Read at every prediction, so ``set_params(inference=...)`` after ``fit``
    changes how a crop-trained model scores records.

    Parameters
    ----------
    inference : object
        The estimator's ``inference``.
    crop_length : int or None
        The resolved crop length.

    Returns
    -------
    inference : object
        ``"sliding_mean"`` with a crop, ``"center"`` without one, for ``"auto"``;
        else unchanged.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import resolve_inference
    >>> resolve_inference("auto", 250), resolve_inference("sliding_max", 250)
    ('sliding_mean', 'sliding_max')
    """
    if is_auto(inference):
        return "center" if crop_length is None else "sliding_mean"
    return inference


def _rarest_class_count(y_enc: np.ndarray, task: str, n_outputs: int) -> int:
    """Count the records of the rarer class of the rarest output."""
    if task == "multiclass":
        return int(np.bincount(y_enc.astype(int), minlength=n_outputs).min())
    y = y_enc.reshape(len(y_enc), -1)
    positives = y.sum(axis=0)
    return int(np.minimum(positives, len(y) - positives).min())


def resolve_validation_fraction(fraction, y_enc, task: str, n_outputs: int, tuned):
    """Resolve ``validation_fraction="auto"`` for the encoded targets of a fit.

    Parameters
    ----------
    fraction : object
        The estimator's ``validation_fraction``.
    y_enc : ndarray
        Encoded targets of the records given to ``fit``.
    task : {"binary", "multiclass", "multilabel"}
        The task.
    n_outputs : int
        Number of classes (multiclass) or outputs.
    tuned : bool
        Whether a named ``threshold`` is tuned on the held-out records.

    Returns
    -------
    fraction : float or None
        For ``"auto"``: 0.1 when the held-out tenth keeps at least 100 records
        and 10 of each class of every output, or when ``tuned``; None (no
        split) otherwise. Any other value is returned unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers._defaults import resolve_validation_fraction
    >>> y = np.r_[np.zeros(420), np.ones(60)]  # 480 records, 12.5 % positives
    >>> print(resolve_validation_fraction("auto", y, "binary", 1, tuned=False))
    None
    >>> resolve_validation_fraction("auto", np.tile(y, 3), "binary", 1, tuned=False)
    0.1
    """
    if not is_auto(fraction):
        return fraction
    frac = AUTO_VALIDATION_FRACTION
    enough = (
        frac * len(y_enc) >= MIN_VALID_RECORDS
        and frac * _rarest_class_count(y_enc, task, n_outputs) >= MIN_VALID_PER_CLASS
    )
    return frac if enough or tuned else None


@fill_doc(**_DOCS)
def resolve_batch_size(batch_size, n_train: int) -> int:
    """Resolve ``batch_size="auto"`` for ``n_train`` training records.

    Parameters
    ----------
    batch_size : object
        The estimator's ``batch_size``.
    %(n_train)s

    Returns
    -------
    batch_size : int
        For ``"auto"``: 16 below 1,000 training records, else 64. Any other value
        unchanged.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import resolve_batch_size
    >>> resolve_batch_size("auto", 320), resolve_batch_size("auto", 1442)
    (16, 64)
    """
    if not is_auto(batch_size):
        return batch_size
    return SMALL_BATCH if n_train < SMALL_COHORT else LARGE_BATCH


@fill_doc(**_DOCS)
def resolve_label_smoothing(label_smoothing, criterion, n_train: int) -> float:
    """Resolve ``label_smoothing="auto"`` for a fit on ``n_train`` records.

    Parameters
    ----------
    label_smoothing : object
        The estimator's ``label_smoothing``.
    criterion : str
        The estimator's ``criterion``.
    %(n_train)s

    Returns
    -------
    label_smoothing : float
        For ``"auto"``: 0.1 from 1,000 training records on, else 0.0; always
        0.0 with ``criterion="focal"``. Any other value unchanged.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import resolve_label_smoothing
    >>> resolve_label_smoothing("auto", "auto", 1442)
    0.1
    >>> resolve_label_smoothing("auto", "auto", 320)
    0.0
    >>> resolve_label_smoothing("auto", "focal", 1442)
    0.0
    >>> resolve_label_smoothing(0.2, "bce", 50)
    0.2
    """
    if not is_auto(label_smoothing):
        return label_smoothing
    if criterion == "focal" or n_train < SMALL_COHORT:
        return 0.0
    return AUTO_LABEL_SMOOTHING


def measured(default, row: str) -> tuple[object, str]:
    """Return an architecture default measured on the PTB-XL benchmark (zoo).

    Parameters
    ----------
    default : object
        The estimator's default for one architecture argument.
    row : str
        The row of the ``benchmarks/README.md`` model zoo that measured it.

    Returns
    -------
    override : tuple
        ``(default, reason)``, an entry of an architecture estimator's
        ``_default_overrides``.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._defaults import measured
    >>> measured(32, "vgg1d11_bn")[0]
    32
    """
    return default, (
        f"The estimator's default, {default!r}, is the size measured with the "
        "default training recipe on the PTB-XL subset benchmark "
        f"(``benchmarks/README.md``, model zoo row ``{row}``)."
    )
