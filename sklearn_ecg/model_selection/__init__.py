"""Splitters (PTB-XL folds, multi-label stratification) and the Optuna search."""

from ._split import MultilabelStratifiedKFold, PTBXLFoldSplit

__all__ = ["MultilabelStratifiedKFold", "PTBXLFoldSplit"]
