"""Splitters (PTB-XL folds, multi-label stratification) and the Optuna search."""

from ._pruning import TrialPruningCallback
from ._search import OptunaSearchCV
from ._spaces import search_space
from ._split import MultilabelStratifiedKFold, PTBXLFoldSplit

__all__ = [
    "MultilabelStratifiedKFold",
    "OptunaSearchCV",
    "PTBXLFoldSplit",
    "TrialPruningCallback",
    "search_space",
]
