"""Plain PyTorch ECG architectures and their registry.

Every model maps ``(batch, n_leads, n_times)`` to logits ``(batch, n_outputs)`` and
names its classification layer ``final_layer``.
"""

from ._registry import get_model, list_models, register_model, resolve_model
from ._resnet import ResNet1d, ResNetTrunk1d

__all__ = [
    "ResNet1d",
    "ResNetTrunk1d",
    "get_model",
    "list_models",
    "register_model",
    "resolve_model",
]
