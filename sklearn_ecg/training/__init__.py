"""Training utilities: losses, callbacks, seeding (and, later, augmentation)."""

from ._callbacks import (
    ValidAUROC,
    macro_auroc,
    make_early_stopping,
    make_lr_scheduler,
)
from ._losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
)
from ._seed import resolve_seed, seed_worker, seeded

__all__ = [
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "SigmoidFocalLoss",
    "SoftmaxFocalLoss",
    "ValidAUROC",
    "macro_auroc",
    "make_early_stopping",
    "make_lr_scheduler",
    "resolve_seed",
    "seed_worker",
    "seeded",
]
