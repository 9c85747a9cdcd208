"""Validation of the estimator's augmentation, crop and inference arguments."""

from __future__ import annotations

import numbers

from ..training import INFERENCE_MODES, resolve_augment


def _is_pos_int(value) -> bool:
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    return is_int and value > 0


def check(est, n_times: int) -> None:
    """Check ``augment``, ``crop_length``, ``inference`` and ``inference_stride``.

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted.
    n_times : int
        Samples per training record.

    Raises
    ------
    ValueError
        Naming the argument, the value received and the fix.
    TypeError
        If ``augment`` is neither None, a recipe name nor augmentation objects.
    """
    augmentation = resolve_augment(est.augment)
    if augmentation is not None and est.sfreq is None:
        raise ValueError(
            f"augment={est.augment!r} draws frequencies in Hz and needs the "
            "sampling rate: pass sfreq=<Hz> (e.g. sfreq=500)."
        )
    crop = est.crop_length
    if crop is not None and not _is_pos_int(crop):
        raise ValueError(
            f"crop_length={crop!r} must be None or a positive int (samples)."
        )
    if crop is not None and crop > n_times:
        raise ValueError(
            f"crop_length={crop} exceeds the {n_times} samples of the training "
            "records; lower crop_length or pad the records (FixedLength)."
        )
    if est.inference not in INFERENCE_MODES:
        raise ValueError(
            f"inference={est.inference!r} must be one of {list(INFERENCE_MODES)}."
        )
    stride = est.inference_stride
    if stride is not None and not _is_pos_int(stride):
        raise ValueError(
            f"inference_stride={stride!r} must be None or a positive int (samples)."
        )
