"""Patient-grouped and stratified splitters, PTB-XL folds and the Optuna search."""

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
    "MultilabelStratifiedGroupKFold",
    "MultilabelStratifiedKFold",
    "OptunaSearchCV",
    "PTBXLFoldSplit",
    "RepeatedMultilabelStratifiedGroupKFold",
    "RepeatedStratifiedGroupKFold",
    "TrialPruningCallback",
    "check_groups",
    "search_space",
]
