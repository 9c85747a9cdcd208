"""Export a fitted network with its probability head to TorchScript or ONNX.

The exported graph maps ``(batch, n_leads, n_times)`` float32 records to the
same probabilities as the estimator's ``predict_proba``: sigmoid for
multi-label (and single-logit binary) outputs, softmax for multiclass, and
``[1 - p, p]`` columns for a binary estimator. Preprocessing transformers of a
Pipeline are **not** part of the export; apply them before inference.

A model trained on crops (``crop_length_``) is exported with its windowed
scoring: the graph takes records of the fitted length ``n_times_in_``, cuts the
windows that ``predict_proba`` scores in a record of that length (``inference``
and ``inference_stride``) and combines their logits the same way. Windows are
fixed in the graph, so zero-padded records (which ``predict_proba`` windows
inside their unpadded part) are scored over their whole length instead.

The export is float32 on CPU. An estimator fitted with ``precision="bf16"`` or
``"fp16"`` predicts under autocast, so its ``predict_proba`` differs from the
exported model by that rounding; exact agreement (1e-5) holds for
``precision="32"``.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..training._heads import HEADS as _HEADS
from ..training._heads import TASK_HEADS as _TASK_HEADS
from ..training._heads import logits_to_proba
from ._defaults import resolve_inference
from ._inference import window_starts


class _ProbabilityModel(nn.Module):
    """A network (over fixed windows, if any) and the estimator's probability head."""

    def __init__(self, module: nn.Module, head: str, windows=None, reduce="mean"):
        super().__init__()
        self.module = module
        self.head = head
        self.windows = windows  # [(start, stop), ...] or None: the whole input
        self.reduce = reduce

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.windows is None:
            return logits_to_proba(self.module(x), self.head)
        z = torch.stack([self.module(x[..., a:b]) for a, b in self.windows])
        z = z.amax(dim=0) if self.reduce == "max" else z.mean(dim=0)
        return logits_to_proba(z, self.head)


def _windows(estimator):
    """Return the fixed windows of a crop-trained estimator's scoring, or None."""
    crop = getattr(estimator, "crop_length_", None)
    if crop is None:
        return None, "mean"
    inference = resolve_inference(estimator.inference, crop)
    stride = estimator.inference_stride or max(crop // 2, 1)
    starts = window_starts(int(estimator.n_times_in_), crop, inference, stride)
    reduce = "max" if inference == "sliding_max" else "mean"
    return [(int(a), int(a) + crop) for a in starts], reduce


def _infer_head(estimator) -> str:
    """Return the probability head matching the estimator's ``predict_proba``."""
    task = getattr(estimator, "task_", None)
    if task not in _TASK_HEADS:
        raise ValueError(
            f"cannot tell how {type(estimator).__name__} turns logits into "
            f"probabilities (task_={task!r}); pass head='sigmoid', 'softmax', "
            "'binary' or 'identity'."
        )
    return _TASK_HEADS[task]


def _example_from(estimator, example_input):
    if example_input is not None:
        x = np.asarray(example_input, dtype=np.float32)
        if x.ndim != 3:
            raise ValueError(
                f"example_input must have shape (n_records, n_leads, n_times), "
                f"got {x.shape}."
            )
        # Two records at least, so that the batch size is not baked in.
        return torch.from_numpy(np.concatenate([x, x])[: max(2, len(x))])
    n_leads = getattr(estimator, "n_leads_in_", None)
    n_times = getattr(estimator, "n_times_in_", None)
    if n_leads is None or n_times is None:
        raise ValueError(
            "example_input is required to trace a bare nn.Module; pass an "
            "array of shape (n_records, n_leads, n_times) such as X[:2]."
        )
    return torch.zeros(2, int(n_leads), int(n_times))


def _prepare(estimator, head, example_input):
    """Return the CPU probability model in eval mode and a CPU example batch."""
    module = getattr(estimator, "module_", estimator)
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"estimator must be a fitted estimator with module_ or an nn.Module, "
            f"got {type(estimator).__name__}; fit it first."
        )
    if head is None:
        head = "identity" if estimator is module else _infer_head(estimator)
    if head not in _HEADS:
        raise ValueError(f"head must be one of {_HEADS}, got head={head!r}.")
    example = _example_from(estimator, example_input)
    # Export a CPU copy: the fitted estimator (maybe on CUDA) stays untouched.
    windows, reduce = _windows(estimator) if estimator is not module else (None, "")
    model = _ProbabilityModel(copy.deepcopy(module).cpu(), head, windows, reduce)
    model = model.eval()
    return model, example


def to_torchscript(estimator, path, *, head=None, example_input=None) -> Path:
    """Save the network and its probability head as a traced TorchScript file.

    Parameters
    ----------
    estimator : fitted estimator or torch.nn.Module
        An estimator with ``module_`` and ``task_``, or a bare module.
    path : str or path-like
        Output file, conventionally ``*.pt``.
    head : {"sigmoid", "softmax", "binary", "identity"} or None, default=None
        Probability head; ``None`` takes the estimator's (``"identity"``, i.e.
        logits, for a bare module).
    example_input : array-like of shape (n_records, n_leads, n_times), default=None
        Input used for tracing; ``None`` uses zeros of the fitted shape.

    Returns
    -------
    path : pathlib.Path
        The written file. Load it with ``torch.jit.load(path)``; no package
        code is needed for inference.

    Notes
    -----
    PyTorch marks TorchScript as deprecated in favour of ``torch.export``; the
    format still loads in C++ (libtorch) and current PyTorch. Tracing records
    one execution path, which is right for the package's models (no
    data-dependent control flow at inference).

    Examples
    --------
    >>> import tempfile, numpy as np, torch
    >>> from sklearn_ecg.classifiers import to_torchscript
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(20, 3))
    >>> X = np.zeros((2, 2, 10), dtype="float32")
    >>> path = to_torchscript(net, tempfile.mkdtemp() + "/m.pt", head="sigmoid",
    ...                       example_input=X)
    >>> torch.jit.load(path)(torch.zeros(4, 2, 10)).shape
    torch.Size([4, 3])
    """
    model, example = _prepare(estimator, head, example_input)
    path = Path(path)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        traced = torch.jit.trace(model, example)
        traced.save(str(path))
    return path


def to_onnx(estimator, path, *, head=None, example_input=None, opset_version=None):
    """Save the network and its probability head as an ONNX model.

    Needs the ``onnx`` extra (``pip install 'sklearn-ecg[onnx]'``: onnx,
    onnxscript, and onnxruntime to run it). The batch dimension is dynamic;
    the input is named ``"ecg"`` and the output ``"proba"``.

    Parameters
    ----------
    estimator : fitted estimator or torch.nn.Module
        An estimator with ``module_`` and ``task_``, or a bare module.
    path : str or path-like
        Output file, conventionally ``*.onnx``.
    head : {"sigmoid", "softmax", "binary", "identity"} or None, default=None
        Probability head; ``None`` takes the estimator's.
    example_input : array-like of shape (n_records, n_leads, n_times), default=None
        Input used for export; ``None`` uses zeros of the fitted shape.
    opset_version : int or None, default=None
        ONNX opset; ``None`` uses the exporter's default.

    Returns
    -------
    path : pathlib.Path
        The written file. Run it with
        ``onnxruntime.InferenceSession(path).run(None, {"ecg": X})[0]``.

    Examples
    --------
    >>> import tempfile, numpy as np, torch
    >>> from sklearn_ecg.classifiers import to_onnx
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(20, 1))
    >>> X = np.zeros((2, 2, 10), dtype="float32")
    >>> path = to_onnx(net, tempfile.mkdtemp() + "/m.onnx", head="binary",
    ...                example_input=X)  # doctest: +SKIP
    """
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "to_onnx needs onnx and onnxscript; install them with: "
            "pip install 'sklearn-ecg[onnx]'"
        ) from exc
    model, example = _prepare(estimator, head, example_input)
    path = Path(path)
    batch = torch.export.Dim("batch", min=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example,), str(path), input_names=["ecg"],
            output_names=["proba"], dynamic_shapes=({0: batch},),
            opset_version=opset_version, dynamo=True, verbose=False,
        )  # fmt: skip
    return path
