"""Windowed inference: score whole records with a model trained on crops."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..augmentation._crop import valid_length
from ..utils import check_choice, check_int
from ._defaults import resolve_inference
from ._epoch import check_finite_logits
from ._memmap import as_batch

INFERENCE_MODES = ("center", "sliding_mean", "sliding_max")


def window_starts(
    n_valid: int, crop_length: int, inference: str, stride: int
) -> np.ndarray:
    """Start indices of the evaluation windows of one record.

    Parameters
    ----------
    n_valid : int
        Unpadded length of the record (windows stay inside it when it is at
        least ``crop_length`` long, otherwise start at 0).
    crop_length : int
        Window length in samples.
    inference : {"center", "sliding_mean", "sliding_max"}
        One centred window, or all windows ``stride`` apart; the last one is
        aligned to the end of the valid region so no sample is left out.
    stride : int
        Step between sliding windows in samples.

    Returns
    -------
    starts : ndarray of int
        Sorted window starts.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._inference import window_starts
    >>> window_starts(5000, 2048, "center", 1024).tolist()
    [1476]
    >>> window_starts(5000, 2048, "sliding_mean", 1024).tolist()
    [0, 1024, 2048, 2952]
    """
    last = max(n_valid - crop_length, 0)
    if inference == "center":
        return np.array([last // 2])
    starts = np.arange(0, last + 1, stride)
    if starts[-1] != last:
        starts = np.append(starts, last)
    return starts


def check_windowing(crop_length, inference, stride, n_times: int) -> int | None:
    """Check ``crop_length``, ``inference`` and ``inference_stride`` (the one check).

    Parameters
    ----------
    crop_length : int or None
        Window (and training crop) length in samples; None: whole records.
    inference : str
        One of :data:`INFERENCE_MODES`.
    stride : int or None
        Step between sliding windows; ``crop_length // 2`` when None.
    n_times : int
        Samples per record; the crop must fit in it.

    Returns
    -------
    stride : int or None
        The resolved stride (None without ``crop_length``).

    Raises
    ------
    ValueError
        Naming the argument, the value received and the fix.
    """
    check_choice(inference, "inference", INFERENCE_MODES)
    check_int(stride, "inference_stride", 1, allow_none=True)
    if check_int(crop_length, "crop_length", 1, allow_none=True) is None:
        return None
    if crop_length > n_times:
        raise ValueError(
            f"crop_length={crop_length} exceeds the {n_times} samples of the "
            "records; lower crop_length or pad the records (FixedLength)."
        )
    return max(crop_length // 2, 1) if stride is None else int(stride)


def windowed_logits(
    forward: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    crop_length: int,
    inference: str = "center",
    inference_stride: int | None = None,
    batch_size: int = 128,
) -> np.ndarray:
    """Score whole records by windows of ``crop_length`` samples.

    Windows are drawn inside each record's unpadded region (see
    :func:`sklearn_ecg.augmentation.valid_length`) and their logits are
    combined per record: the centre window alone, the mean of the window logits,
    or their maximum (for sigmoid outputs the max of logits is the logit of the
    max probability). Evaluation is deterministic: no randomness is involved.

    Parameters
    ----------
    forward : callable
        Maps a float32 array ``(batch, n_leads, crop_length)`` to logits
        ``(batch, n_outputs)``.
    X : ndarray of shape (n_records, n_leads, n_times)
        Records, ``n_times >= crop_length``.
    crop_length : int
        Window length the model was trained on.
    inference : {"center", "sliding_mean", "sliding_max"}, default="center"
        How windows are chosen and combined.
    inference_stride : int, default=None
        Step between sliding windows; ``crop_length // 2`` when None.
    batch_size : int, default=128
        Windows per forward call.

    Returns
    -------
    logits : ndarray of shape (n_records, n_outputs)
        Combined logits.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.classifiers._inference import windowed_logits
    >>> X = np.arange(10, dtype=np.float32).reshape(1, 1, 10)
    >>> mean_fn = lambda w: w.mean(axis=(1, 2))[:, None]
    >>> windowed_logits(mean_fn, X, 4, "sliding_max", 2).tolist()
    [[7.5]]
    """
    stride = check_windowing(crop_length, inference, inference_stride, X.shape[-1])
    return score_windows(forward, X, crop_length, inference, stride, batch_size)


def score_windows(forward, X, crop_length, inference, stride, batch_size):
    """:func:`windowed_logits` for arguments already checked by ``fit``."""
    windows, owner = [], []
    for i, record in enumerate(X):
        for s in window_starts(valid_length(record), crop_length, inference, stride):
            windows.append(record[:, s : s + crop_length])
            owner.append(i)
    owner = np.asarray(owner)
    outs = [
        np.asarray(forward(np.stack(windows[b : b + batch_size]).astype(np.float32)))
        for b in range(0, len(windows), batch_size)
    ]
    logits = np.concatenate(outs).reshape(len(windows), -1)
    combined = np.empty((len(X), logits.shape[1]), dtype=logits.dtype)
    reduce = np.max if inference == "sliding_max" else np.mean
    for i in range(len(X)):
        combined[i] = reduce(logits[owner == i], axis=0)
    return combined


def predict_logits(est, X) -> np.ndarray:
    """Logits ``(n_records, n_outputs)`` of a fitted estimator for validated ``X``.

    Batched forward passes in eval mode, without gradients or augmentation. A
    crop-trained model scores each record by windows of ``crop_length_``
    samples combined as its ``inference`` says; non-finite logits raise
    :class:`~sklearn_ecg.classifiers.TrainingDivergedError`.

    Parameters
    ----------
    est : ECGClassifier
        The fitted (or being fitted) estimator.
    X : ndarray of shape (n_records, n_leads, n_times)
        Validated records (a memory map is read batch by batch).

    Returns
    -------
    logits : ndarray of shape (n_records, n_outputs)
    """
    est._set_training(False)
    step = max(int(est.batch_size_), 1)
    crop = est.crop_length_

    def forward(xb):
        with torch.no_grad():
            xb = torch.from_numpy(as_batch(xb))
            return est.infer(xb).float().cpu().numpy()

    if crop is None:
        logits = np.concatenate(
            [forward(X[i : i + step]) for i in range(0, len(X), step)]
        )
    else:
        # Arguments checked once at the start of fit (check_windowing).
        stride = est.inference_stride or max(crop // 2, 1)
        logits = score_windows(
            forward, X, crop, resolve_inference(est.inference, crop), stride, step
        )
    check_finite_logits(est, logits)
    return logits
