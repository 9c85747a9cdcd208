"""Training utilities: losses, callbacks, seeding and transfer learning."""

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
from ._checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    state_dict_sha256,
)
from ._crop import RandomCrop, TrainTransform, make_train_transform
from ._inference import INFERENCE_MODES, windowed_logits
from ._losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
)
from ._pretrained import PretrainedWeights
from ._seed import resolve_seed, seed_worker, seeded
from ._transfer import (
    GradualUnfreezing,
    WarmStartWarning,
    check_warm_start_compatible,
    discriminative_param_groups,
    freeze_modules,
    load_matching_weights,
    resolve_freeze,
    unfreeze_modules,
)
from ._warm_start import save_pretrained

__all__ = [
    "AmplitudeScale",
    "Augmentation",
    "BCEWithLogitsLoss",
    "BaselineWander",
    "Checkpoint",
    "CheckpointError",
    "Compose",
    "CrossEntropyLoss",
    "GaussianNoise",
    "GradualUnfreezing",
    "INFERENCE_MODES",
    "Identity",
    "LeadDropout",
    "OneOf",
    "PolarityFlip",
    "PretrainedWeights",
    "RandomCrop",
    "SigmoidFocalLoss",
    "SineNoise",
    "SoftmaxFocalLoss",
    "SquarePulse",
    "TimeDropout",
    "TimeShift",
    "TrainTransform",
    "ValidAUROC",
    "WarmStartWarning",
    "basic_augmentation",
    "check_warm_start_compatible",
    "discriminative_param_groups",
    "freeze_modules",
    "load_checkpoint",
    "load_matching_weights",
    "macro_auroc",
    "make_early_stopping",
    "make_lr_scheduler",
    "make_train_transform",
    "paper_augmentation",
    "resolve_augment",
    "resolve_freeze",
    "resolve_seed",
    "save_pretrained",
    "seed_worker",
    "seeded",
    "state_dict_sha256",
    "unfreeze_modules",
    "windowed_logits",
]
