"""Splitters, the Optuna search and the comparison of arms over the same folds."""

from ._compare import ArmComparison, compare_arms
from ._pruning import TrialPruningCallback
from ._search import OptunaSearchCV
from ._spaces import search_space
from ._split import MultilabelStratifiedKFold, PTBXLFoldSplit

__all__ = [
    "ArmComparison",
    "MultilabelStratifiedKFold",
    "OptunaSearchCV",
    "PTBXLFoldSplit",
    "TrialPruningCallback",
    "compare_arms",
    "search_space",
]
