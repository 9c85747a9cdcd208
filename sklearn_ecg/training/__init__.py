"""Training machinery that knows no estimator: losses, callbacks and seeding."""

from ._averaging import WeightAveraging
from ._callbacks import (
    ValidAUROC,
    make_early_stopping,
    make_lr_scheduler,
)
from ._losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
)
from ._mixup import BatchMixer
from ._seed import resolve_seed, seeded

__all__ = [
    "BCEWithLogitsLoss",
    "BatchMixer",
    "CrossEntropyLoss",
    "SigmoidFocalLoss",
    "SoftmaxFocalLoss",
    "ValidAUROC",
    "WeightAveraging",
    "make_early_stopping",
    "make_lr_scheduler",
    "resolve_seed",
    "seeded",
]
