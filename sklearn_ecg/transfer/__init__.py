"""Transfer learning: checkpoints, pretrained weights, freezing, unfreezing.

The checkpoint format, the fingerprint of the training data (and the overlap
check against evaluation data), pretrained-weight handles, loading by name and shape,
freezing, discriminative learning rates and gradual unfreezing.
Nothing here knows the estimators: the classifiers call these functions (their
``warm_start_from``, ``freeze``, ``unfreeze_after`` and ``backbone_lr_ratio``
parameters) and write checkpoints with ``save_pretrained``.
"""

from ._checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    state_dict_sha256,
)
from ._fingerprint import (
    OverlapReport,
    TrainingFingerprint,
    TrainingOverlapError,
    signal_hashes,
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

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "GradualUnfreezing",
    "OverlapReport",
    "PretrainedWeights",
    "TrainingFingerprint",
    "TrainingOverlapError",
    "WarmStartWarning",
    "check_warm_start_compatible",
    "discriminative_param_groups",
    "freeze_modules",
    "load_checkpoint",
    "load_matching_weights",
    "resolve_freeze",
    "signal_hashes",
    "state_dict_sha256",
    "unfreeze_modules",
]
