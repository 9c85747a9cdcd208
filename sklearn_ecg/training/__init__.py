"""Training utilities: losses, callbacks and transfer learning (warm start)."""

from ._checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    state_dict_sha256,
)
from ._pretrained import PretrainedWeights
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
    "save_pretrained",
    "state_dict_sha256",
    "unfreeze_modules",
]
