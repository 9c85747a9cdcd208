"""Glue of the training-recipe options: weight averaging, mixup/CutMix, smoothing.

Each option is a parameter whose default leaves training exactly as before; the
estimator-agnostic parts live in :mod:`sklearn_ecg.training`.
"""

from __future__ import annotations

from ..training import BatchMixer, WeightAveraging
from ..training._averaging import AVERAGING
from ..utils import check_choice, check_float
from ._defaults import is_auto

#: Documentation of the recipe parameters (part of TRAINING_PARAMETERS).
RECIPE_PARAMETERS = """\
    weight_averaging : {None, "ema", "swa"}, default=None
        Average the weights with :class:`torch.optim.swa_utils.AveragedModel`
        (:class:`sklearn_ecg.training.WeightAveraging`). ``"ema"``: exponential
        moving average after every step (decay 0.999 with TensorFlow's
        warm-up), batch-norm buffers averaged too; ``"swa"``: equal average of
        the end-of-epoch weights of the second half of ``max_epochs``, batch-norm
        statistics recomputed on the training batches. Validation scores the
        averaged weights, so early stopping and the best-epoch restore use them;
        without validation they are the final weights.
    mixup : float or None, default=None
        Mixup of training batches with ``lam ~ Beta(mixup, mixup)`` (e.g. 0.2);
        targets are mixed through the loss (multi-label labels too).
    cutmix : float or None, default=None
        CutMix in time with ``Beta(cutmix, cutmix)``; with ``mixup`` as well,
        each batch uses one of the two at random.
    label_smoothing : "auto" or float in [0, 0.5), default="auto"
        BCE targets become ``y * (1 - eps) + eps / 2``; cross-entropy uses
        PyTorch's ``label_smoothing``. ``"auto"``: 0.1 from 1,000 training
        records on (chosen on the validation fold of the PTB-XL subset
        benchmark), 0 below (small cohorts showed no gain) and with
        ``criterion="focal"``; ``label_smoothing_`` holds the value used. A
        non-zero float is not available with ``criterion="focal"``."""


def check_recipe_params(est) -> None:
    """Validate the recipe parameters (called by the one parameter check)."""
    check_choice(est.weight_averaging, "weight_averaging", [None, *AVERAGING])
    check_float(est.mixup, "mixup", low=0, allow_none=True)
    check_float(est.cutmix, "cutmix", low=0, allow_none=True)
    if is_auto(est.label_smoothing):
        return
    check_float(
        est.label_smoothing, "label_smoothing", low=0, high=0.5, include_high=False
    )
    if est.label_smoothing and est.criterion == "focal":
        raise ValueError(
            f"label_smoothing={est.label_smoothing!r} is not available with "
            "criterion='focal'; use criterion='auto' or label_smoothing=0."
        )


def averaging_callback(est) -> list:
    """Return the ``("weight_averaging", WeightAveraging)`` entry, or nothing."""
    if est.weight_averaging is None:
        return []
    start = est.max_epochs // 2 + 1
    callback = WeightAveraging(est.weight_averaging, swa_start=start)
    return [("weight_averaging", callback)]


def make_mixer(est, seed: int) -> BatchMixer | None:
    """Return the batch mixer of this fit, or None when neither option is set."""
    if not est.mixup and not est.cutmix:
        return None
    return BatchMixer(est.mixup, est.cutmix, seed + 2)
