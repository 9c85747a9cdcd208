"""Training utilities: losses, callbacks, seeding and transfer learning."""

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
    "BCEWithLogitsLoss",
    "Checkpoint",
    "CheckpointError",
    "CrossEntropyLoss",
    "GradualUnfreezing",
    "PretrainedWeights",
    "SigmoidFocalLoss",
    "SoftmaxFocalLoss",
    "ValidAUROC",
    "WarmStartWarning",
    "check_warm_start_compatible",
    "discriminative_param_groups",
    "freeze_modules",
    "load_checkpoint",
    "load_matching_weights",
    "macro_auroc",
    "make_early_stopping",
    "make_lr_scheduler",
    "resolve_freeze",
    "resolve_seed",
    "save_pretrained",
    "seed_worker",
    "seeded",
    "state_dict_sha256",
    "unfreeze_modules",
]
