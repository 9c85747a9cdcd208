"""Plain PyTorch ECG architectures and their registry.

Every built-in model subclasses :class:`ECGModule`: it maps
``(batch, n_leads, n_times)`` to logits ``(batch, n_outputs)``, stores its shape
arguments and names its classification layer ``final_layer``.
"""

from ._alexnet import AlexNet1d
from ._attresnet import AttResNet1d
from ._base import ECGModule, check_model_args
from ._crnn import CRNN1d
from ._inception import Inception1d
from ._registry import get_model, list_models, register_model, resolve_model
from ._resnet import ResNet1d, ResNetTrunk1d
from ._restransformer import ResTransformer1d
from ._transformer import TransformerEncoder1d
from ._vgg import VGG1d
from ._wang import ResNet1dWang
from ._xresnet import XResNet1d

__all__ = [
    "AlexNet1d",
    "AttResNet1d",
    "CRNN1d",
    "ECGModule",
    "Inception1d",
    "ResNet1d",
    "ResNet1dWang",
    "ResNetTrunk1d",
    "ResTransformer1d",
    "TransformerEncoder1d",
    "VGG1d",
    "XResNet1d",
    "check_model_args",
    "get_model",
    "list_models",
    "register_model",
    "resolve_model",
]
