"""Training utilities: losses, callbacks and transfer learning (warm start)."""

from ._checkpoint import (
    Checkpoint,
    CheckpointError,
    PretrainedWeights,
    load_checkpoint,
    state_dict_sha256,
)
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

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "GradualUnfreezing",
    "PretrainedWeights",
    "WarmStartWarning",
    "check_warm_start_compatible",
    "discriminative_param_groups",
    "freeze_modules",
    "load_checkpoint",
    "load_matching_weights",
    "resolve_freeze",
    "state_dict_sha256",
    "unfreeze_modules",
]
