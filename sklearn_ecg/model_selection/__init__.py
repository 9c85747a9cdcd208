"""Splitters, the Optuna search and the comparison of arms over the same folds."""

from ._compare import ArmComparison, compare_arms
from ._dask import broadcast_pretrained
from ._pruning import TrialPruningCallback
from ._repeated_split import (
    RepeatedMultilabelStratifiedGroupKFold,
    RepeatedStratifiedGroupKFold,
)
from ._search import OptunaSearchCV
from ._spaces import search_space
from ._split import (
    MultilabelStratifiedGroupKFold,
    MultilabelStratifiedKFold,
    PTBXLFoldSplit,
    check_groups,
)

__all__ = [
    "ArmComparison",
    "MultilabelStratifiedGroupKFold",
    "MultilabelStratifiedKFold",
    "OptunaSearchCV",
    "PTBXLFoldSplit",
    "RepeatedMultilabelStratifiedGroupKFold",
    "RepeatedStratifiedGroupKFold",
    "TrialPruningCallback",
    "broadcast_pretrained",
    "check_groups",
    "compare_arms",
    "search_space",
]
