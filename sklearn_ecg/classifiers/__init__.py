"""classifiers."""

from ._export import to_onnx, to_torchscript

__all__ = ["to_onnx", "to_torchscript"]
