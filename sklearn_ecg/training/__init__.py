"""Training utilities: losses, callbacks, seeding (and, later, augmentation)."""

from ._augment import (
    AmplitudeScale,
    Augmentation,
    BaselineWander,
    Compose,
    GaussianNoise,
    Identity,
    LeadDropout,
    OneOf,
    PolarityFlip,
    SineNoise,
    SquarePulse,
    TimeDropout,
    TimeShift,
    basic_augmentation,
    paper_augmentation,
    resolve_augment,
)
from ._callbacks import (
    ValidAUROC,
    macro_auroc,
    make_early_stopping,
    make_lr_scheduler,
)
from ._crop import RandomCrop, TrainTransform, make_train_transform
from ._inference import INFERENCE_MODES, windowed_logits
from ._losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
)
from ._seed import resolve_seed, seed_worker, seeded

__all__ = [
    "AmplitudeScale",
    "Augmentation",
    "BCEWithLogitsLoss",
    "BaselineWander",
    "Compose",
    "CrossEntropyLoss",
    "GaussianNoise",
    "INFERENCE_MODES",
    "Identity",
    "LeadDropout",
    "OneOf",
    "PolarityFlip",
    "RandomCrop",
    "SigmoidFocalLoss",
    "SineNoise",
    "SoftmaxFocalLoss",
    "SquarePulse",
    "TimeDropout",
    "TimeShift",
    "TrainTransform",
    "ValidAUROC",
    "basic_augmentation",
    "macro_auroc",
    "make_early_stopping",
    "make_lr_scheduler",
    "make_train_transform",
    "paper_augmentation",
    "resolve_augment",
    "resolve_seed",
    "seed_worker",
    "seeded",
    "windowed_logits",
]
