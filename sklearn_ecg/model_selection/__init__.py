"""Model selection: Optuna hyper-parameter search, pruning and search spaces."""

from ._pruning import TrialPruningCallback
from ._search import OptunaSearchCV
from ._spaces import search_space

__all__ = ["OptunaSearchCV", "TrialPruningCallback", "search_space"]
