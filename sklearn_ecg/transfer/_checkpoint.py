"""Self-describing, safely loadable checkpoints and the ``PretrainedWeights`` handle.

A checkpoint is one file written by :func:`torch.save` that holds **only** tensors and
plain containers of ``str``/``int``/``float``/``bool``/``None``, so that
``torch.load(..., weights_only=True)`` reads it and no arbitrary object is ever
unpickled. Its layout (format version 1) is::

    {
        "format": "sklearn-ecg-checkpoint",
        "format_version": 1,
        "sha256": "<hex digest of the weights, see state_dict_sha256>",
        "state_dict": {name: tensor, ...},
        "metadata": {  # JSON-safe
            "architecture": "resnet1d", "architecture_params": {...},
            "n_leads": 12, "n_times": 1000, "lead_names": [...], "sfreq": 100.0,
            "crop_length": None, "task": "multilabel", "classes": [...],
            "classes_dtype": "<U4", "preprocessing": [...],
            "package_version": "0.1.0", "torch_version": "2.13.0",
        },
        "training_data": {  # optional: what the weights were trained on
            "rule": "v1: ...", "n_records": 912,
            "signal_hashes": int64 tensor (uint64 bits, sorted),
            "raw_signal_hashes": int64 tensor or None,
            "record_ids": [...] or None, "patient_ids": [...] or None,
        },
    }

``training_data`` (see :class:`~sklearn_ecg.transfer.TrainingFingerprint`) is
outside the weights' SHA-256; readers that do not know it ignore it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import torch

from ..utils import to_json_safe
from ..utils._docs import value_error_doc
from ._fingerprint import TrainingFingerprint

FORMAT_TAG = "sklearn-ecg-checkpoint"
FORMAT_VERSION = 1
_NOT_METADATA = ("state_dict", "sha256", "training_data")
_TASKS = ("binary", "multiclass", "multilabel")


@value_error_doc("transfer", "load_checkpoint", 'b"not a checkpoint"')
class CheckpointError(ValueError):
    """A checkpoint is unreadable, unsafe, tampered with or of the wrong format."""


def state_dict_sha256(state_dict: dict[str, torch.Tensor]) -> str:
    """SHA-256 of a state dict under a canonical byte serialisation.

    Tensors are visited in sorted name order. For each one the digest is fed a
    length-prefixed JSON header ``{"name", "dtype", "shape"}`` and then the raw
    little-endian bytes of the contiguous CPU tensor, also length-prefixed. The hash
    therefore depends on names, dtypes, shapes and exact bit patterns only: not on
    the device, on the insertion order or on how ``torch.save`` lays out the file.

    Parameters
    ----------
    state_dict : dict of str to torch.Tensor
        For example ``module.state_dict()``.

    Returns
    -------
    digest : str
        64 lower-case hexadecimal characters.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.transfer import state_dict_sha256
    >>> a = state_dict_sha256({"w": torch.zeros(2)})
    >>> b = state_dict_sha256({"w": torch.zeros(2, dtype=torch.float64)})
    >>> len(a), a == b
    (64, False)
    """
    digest = hashlib.sha256(b"sklearn-ecg-state-dict-v1\0")
    for name in sorted(state_dict):
        tensor = state_dict[name]
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(
                f"state_dict[{name!r}] is a {type(tensor).__name__}, not a tensor; "
                "only tensors can be hashed and stored in a checkpoint."
            )
        tensor = tensor.detach().to("cpu").contiguous()
        header = json.dumps(
            {"name": name, "dtype": str(tensor.dtype), "shape": list(tensor.shape)},
            sort_keys=True,
        ).encode()
        # A uint8 view exposes the exact bit pattern of any dtype (bf16 included)
        # without a copy; length prefixes make the stream unambiguous.
        raw = tensor.reshape(-1).view(torch.uint8).numpy()
        for chunk in (header, raw):
            digest.update(len(chunk).to_bytes(8, "little"))
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """The content of a checkpoint: weights plus everything needed to reuse them.

    Build one with :meth:`from_module`, write it with :meth:`save`, read one back
    with :func:`load_checkpoint`. Classifiers write them with ``save_pretrained``.

    Parameters
    ----------
    state_dict : dict of str to torch.Tensor
        The module's weights and buffers (on CPU).
    architecture : str or None, default=None
        Registry name of the model (see :func:`sklearn_ecg.models.list_models`);
        ``None`` for unregistered modules, which disables the architecture check.
    architecture_params : dict, default={}
        The model's constructor arguments other than ``n_leads``, ``n_times`` and
        ``n_outputs`` (JSON-safe).
    n_leads, n_times : int or None, default=None
        Input shape the weights were trained on.
    lead_names : tuple of str or None, default=None
        Lead order of the input.
    sfreq : float or None, default=None
        Sampling rate of the input in Hz.
    crop_length : int or None, default=None
        Training crop length in samples, when random crops were used.
    task : {"binary", "multiclass", "multilabel"} or None, default=None
        The classification task of the head.
    classes : tuple of str or None, default=None
        Class names, as strings, in output order.
    classes_dtype : str or None, default=None
        ``numpy`` dtype string of the original class labels (see
        :meth:`classes_array`).
    preprocessing : list of dict or None, default=None
        Description of the Pipeline steps before the classifier: one
        ``{"step", "class", "params"}`` dict per step.
    package_version : str, default=current version
        The sklearn-ecg version that wrote the checkpoint.
    torch_version : str, default=current version
        The torch version that wrote the checkpoint.
    training_data : TrainingFingerprint or None, default=None
        What the weights were trained on (record ids, patient ids, signal
        hashes), checked wherever the weights meet evaluation data.

    Attributes
    ----------
    sha256 : str
        :func:`state_dict_sha256` of ``state_dict``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.transfer import Checkpoint, load_checkpoint
    >>> ckpt = Checkpoint.from_module(torch.nn.Linear(3, 1), n_leads=1, sfreq=100.0)
    >>> load_checkpoint(ckpt.to_bytes()).sha256 == ckpt.sha256
    True
    """

    state_dict: dict
    architecture: str | None = None
    architecture_params: dict = field(default_factory=dict)
    n_leads: int | None = None
    n_times: int | None = None
    lead_names: tuple | None = None
    sfreq: float | None = None
    crop_length: int | None = None
    task: str | None = None
    classes: tuple | None = None
    classes_dtype: str | None = None
    preprocessing: list | None = None
    package_version: str = ""
    torch_version: str = ""
    training_data: TrainingFingerprint | None = None
    sha256: str = field(init=False)

    def __post_init__(self):
        if not isinstance(self.state_dict, dict) or not all(
            isinstance(v, torch.Tensor) for v in self.state_dict.values()
        ):
            raise CheckpointError(
                "Checkpoint state_dict must map names to tensors, e.g. "
                "module.state_dict()."
            )
        if self.training_data is not None and not isinstance(
            self.training_data, TrainingFingerprint
        ):
            raise CheckpointError(
                "Checkpoint training_data must be a TrainingFingerprint or None, got "
                f"{type(self.training_data).__name__}."
            )
        sd = {str(k): v.detach().to("cpu") for k, v in self.state_dict.items()}
        meta = _validate_metadata(self._metadata_dict())
        for f in fields(self):
            if f.name in meta:
                object.__setattr__(self, f.name, meta[f.name])
        object.__setattr__(self, "state_dict", sd)
        object.__setattr__(self, "sha256", state_dict_sha256(sd))
        if not self.package_version:
            from sklearn_ecg import __version__

            object.__setattr__(self, "package_version", __version__)
        if not self.torch_version:
            object.__setattr__(self, "torch_version", torch.__version__.split("+")[0])

    @classmethod
    def from_module(cls, module: torch.nn.Module, **metadata) -> Checkpoint:
        """Snapshot a module's weights (copied to CPU) with metadata.

        Parameters
        ----------
        module : torch.nn.Module
            The trained model.
        **metadata
            Any other field of :class:`Checkpoint`.

        Returns
        -------
        checkpoint : Checkpoint
            A snapshot independent of later changes to ``module``.

        Examples
        --------
        >>> import torch
        >>> from sklearn_ecg.transfer import Checkpoint
        >>> Checkpoint.from_module(torch.nn.Linear(2, 1)).state_dict["weight"].shape
        torch.Size([1, 2])
        """
        sd = {k: v.detach().to("cpu").clone() for k, v in module.state_dict().items()}
        return cls(state_dict=sd, **metadata)

    def _metadata_dict(self) -> dict:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in _NOT_METADATA
        }

    def to_dict(self) -> dict:
        """Return the plain-container form written to disk (see the module doc)."""
        out = {
            "format": FORMAT_TAG,
            "format_version": FORMAT_VERSION,
            "sha256": self.sha256,
            "state_dict": dict(self.state_dict),
            "metadata": to_json_safe(self._metadata_dict()),
        }
        if self.training_data is not None:
            out["training_data"] = self.training_data.to_payload()
        return out

    def to_bytes(self) -> bytes:
        """Serialise with :func:`torch.save` into bytes (see :meth:`save`)."""
        buffer = io.BytesIO()
        torch.save(self.to_dict(), buffer)
        return buffer.getvalue()

    def save(self, path: str | os.PathLike) -> Path:
        """Write the checkpoint to ``path`` atomically and return the path.

        The file is written to a temporary name in the same folder and then renamed,
        so an interrupted save never leaves a truncated checkpoint behind.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                torch.save(self.to_dict(), fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def classes_array(self) -> np.ndarray | None:
        """Class labels with their original dtype restored where possible."""
        if self.classes is None:
            return None
        try:
            return np.asarray(self.classes).astype(self.classes_dtype or object)
        except (TypeError, ValueError):
            return np.asarray(self.classes, dtype=object)

    def describe(self) -> str:
        """Return a one-line human-readable summary, used in error messages."""
        return (
            f"architecture={self.architecture!r}, n_leads={self.n_leads}, "
            f"sfreq={self.sfreq}, task={self.task!r}, classes={self.classes}, "
            f"sha256={self.sha256[:12]}..."
        )


def _expect(value, types, name, allow_none=True):
    if value is None and allow_none:
        return None
    # bool is an int subclass, but True is never a valid lead count.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise CheckpointError(
            f"Checkpoint metadata field {name!r} has an invalid value {value!r} "
            f"(expected {' or '.join(t.__name__ for t in types)}). The file is "
            "damaged or was not written by sklearn-ecg; re-create it with "
            "save_pretrained."
        )
    return value


def _validate_metadata(meta: dict) -> dict:
    """Type-check and normalise metadata; raise CheckpointError when invalid."""
    out = dict(meta)
    out["architecture"] = _expect(meta.get("architecture"), (str,), "architecture")
    params = _expect(meta.get("architecture_params") or {}, (dict,), "arch_params")
    out["architecture_params"] = to_json_safe(params)
    for name in ("n_leads", "n_times", "crop_length"):
        out[name] = _expect(meta.get(name), (int, np.integer), name)
        out[name] = None if out[name] is None else int(out[name])
    sfreq = _expect(meta.get("sfreq"), (int, float, np.number), "sfreq")
    out["sfreq"] = None if sfreq is None else float(sfreq)
    task = _expect(meta.get("task"), (str,), "task")
    if task is not None and task not in _TASKS:
        raise CheckpointError(f"Checkpoint task must be one of {_TASKS}, got {task!r}.")
    for name in ("lead_names", "classes"):
        seq = _expect(meta.get(name), (list, tuple, np.ndarray), name)
        out[name] = None if seq is None else tuple(str(v) for v in seq)
    out["classes_dtype"] = _expect(meta.get("classes_dtype"), (str,), "classes_dtype")
    pre = _expect(meta.get("preprocessing"), (list, tuple), "preprocessing")
    out["preprocessing"] = None if pre is None else to_json_safe(list(pre))
    for name in ("package_version", "torch_version"):
        out[name] = str(_expect(meta.get(name) or "", (str,), name))
    return out


#: How a torch.save file starts: a zip archive, or (legacy) a pickle protocol 2.
_TORCH_MAGIC = (b"PK\x03\x04", b"\x80\x02")


def _refused_global(exc: Exception) -> str | None:
    """Return the line of torch's weights-only error naming a refused object."""
    for line in str(exc).splitlines():
        if "GLOBAL" in line:
            return line.strip()
    return None


def _read_payload(source) -> dict:
    """``torch.load(weights_only=True)`` with the failure modes turned into errors."""
    label = "the given bytes" if isinstance(source, bytes) else repr(str(source))
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)) and not Path(source).is_file():
        raise FileNotFoundError(
            f"No checkpoint file at {str(source)!r}. Write one with "
            "est.save_pretrained(path) or check the path."
        )
    corrupt = (
        f"{label} is not a readable torch checkpoint{{}}: it is corrupt, truncated "
        "or another kind of file. Re-create it with save_pretrained."
    )
    head = source.read(4) if hasattr(source, "read") else Path(source).read_bytes()[:4]
    if hasattr(source, "seek"):
        source.seek(0)
    if not head.startswith(_TORCH_MAGIC):
        raise CheckpointError(corrupt.format(f" (it starts with {head!r})"))
    try:
        return torch.load(source, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        refused = _refused_global(exc)
        if refused is None:
            raise CheckpointError(corrupt.format("")) from exc
        raise CheckpointError(
            f"Refusing to load {label}: it contains Python objects other than tensors "
            f"and plain containers ({refused}), and sklearn-ecg never unpickles "
            "arbitrary objects. Only load checkpoints written by save_pretrained "
            "from sources you trust."
        ) from exc
    except Exception as exc:  # torch raises many types on damaged archives
        first = str(exc).split(". ")[0].splitlines()[0] if str(exc) else ""
        raise CheckpointError(
            corrupt.format(f" ({first or type(exc).__name__})")
        ) from exc


def _check_finite(state_dict: dict, label: str) -> None:
    """Refuse NaN or inf weights, naming the first tensor that holds them."""
    for name, tensor in state_dict.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            n_bad = int((~torch.isfinite(tensor)).sum())
            raise CheckpointError(
                f"The checkpoint in {label} is corrupt: tensor {name!r} holds "
                f"{n_bad} NaN or infinite value(s): it was saved from a broken "
                "model or damaged. Re-create it with save_pretrained from a model "
                "that predicts finite values."
            )


def load_checkpoint(source: str | os.PathLike | bytes) -> Checkpoint:
    """Read and verify a checkpoint without unpickling arbitrary objects.

    Parameters
    ----------
    source : str, path-like or bytes
        A file written by :meth:`Checkpoint.save` / ``save_pretrained``, or the
        bytes of one.

    Returns
    -------
    checkpoint : Checkpoint
        The verified content.

    Raises
    ------
    FileNotFoundError
        If ``source`` is a path that does not exist.
    CheckpointError
        If the file is not a torch checkpoint (garbage or truncated bytes),
        holds arbitrary Python objects, is of another format or version, its
        weights do not match the stored SHA-256, or a tensor holds NaN or inf.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.transfer import Checkpoint, load_checkpoint
    >>> data = Checkpoint.from_module(torch.nn.Linear(2, 1)).to_bytes()
    >>> load_checkpoint(data).state_dict["bias"].shape
    torch.Size([1])
    """
    payload = _read_payload(source)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_TAG:
        found = payload.get("format") if isinstance(payload, dict) else None
        raise CheckpointError(
            f"Not an sklearn-ecg checkpoint: expected format tag {FORMAT_TAG!r}, "
            f"found {found!r}. A bare state dict can be wrapped with "
            "Checkpoint(state_dict=..., architecture=...) and saved."
        )
    version = payload.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise CheckpointError(
            f"Unsupported checkpoint format_version {version!r}; this sklearn-ecg "
            f"reads versions 1 to {FORMAT_VERSION}. Upgrade sklearn-ecg."
        )
    state_dict, meta = payload.get("state_dict"), payload.get("metadata")
    if not isinstance(state_dict, dict) or not isinstance(meta, dict):
        raise CheckpointError("Checkpoint lacks its 'state_dict' or 'metadata' dict.")
    known = {f.name for f in fields(Checkpoint)} - set(_NOT_METADATA)
    ckpt = Checkpoint(
        state_dict=state_dict,
        training_data=TrainingFingerprint.from_payload(payload.get("training_data")),
        **{k: meta.get(k) for k in known},
    )
    if ckpt.sha256 != payload.get("sha256"):
        raise CheckpointError(
            f"Checkpoint weights do not match their SHA-256 (stored "
            f"{str(payload.get('sha256'))[:12]}..., computed {ckpt.sha256[:12]}...): "
            "the file is corrupted or was modified. Re-create it with save_pretrained."
        )
    _check_finite(ckpt.state_dict, "the given bytes" if isinstance(source, bytes)
                  else repr(str(source)))  # fmt: skip
    return ckpt
