"""Deep-learning classification of 12-lead ECGs inside scikit-learn.

The public API lives in the subpackages, following scikit-learn's layout::

    from sklearn_ecg.preprocessing import BandpassFilter
    from sklearn_ecg.classifiers import ECGResNetClassifier

Subpackages are imported lazily, so ``import sklearn_ecg`` stays cheap.
"""

import importlib

__version__ = "0.1.0.dev0"

_SUBMODULES = [
    "augmentation",
    "classifiers",
    "datasets",
    "metrics",
    "model_selection",
    "models",
    "persistence",
    "plotting",
    "preprocessing",
    "training",
    "transfer",
    "utils",
]

__all__ = [*_SUBMODULES, "__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
