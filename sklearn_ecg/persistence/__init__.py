"""Save and load fitted models as data: JSON, numpy arrays and torch tensors.

A saved model never contains code. :func:`save_model` writes a folder with a JSON
manifest (classes named from an explicit allowlist, their parameters and fitted
attributes, the input sampling rate and lead names, file digests), an ``.npz``
file of arrays and the network weights as a ``save_pretrained`` checkpoint.
:func:`load_model` rebuilds only allowlisted classes and reads every file
without unpickling, so a model folder received from someone else cannot run
code. Pickled folders of older versions load only with ``allow_pickle=True``.
"""

from ._codec import ModelFormatError
from ._folder import load_manifest, load_model, save_model
from ._state import allowed_classes

__all__ = [
    "ModelFormatError",
    "allowed_classes",
    "load_manifest",
    "load_model",
    "save_model",
]
