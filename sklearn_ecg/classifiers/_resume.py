"""Fits that survive being killed: the per-epoch resume checkpoint (``checkpoint_dir``).

With ``checkpoint_dir`` set, ``fit`` writes ``resume.pt`` into that folder at the
end of every epoch (a temporary file moved into place with ``os.replace``, so a
kill never leaves half a checkpoint) and once more, marked complete, when the fit
ends. The file holds everything the next epoch depends on: the module, optimizer,
criterion and gradient-scaler states, the history, the state of the built-in
callbacks (early stopping with its best weights, the learning-rate schedule, the
validation AUROC's best value, weight averaging) and every random stream the
next epoch draws from (torch's CPU and CUDA generators, numpy's and Python's
global ones, the data loader's generator, the batch path's generator, the
per-record augmentation generator and the mixup/CutMix generator), with a
fingerprint of the data, the split, the seed and the parameters.

A later ``fit`` with the same folder, data and parameters loads it and trains
only the remaining epochs; on the CPU the result is bit-identical to an
uninterrupted fit. Checkpoints are data, never code: they are written with
``torch.save`` of tensors, plain containers and one JSON string, and read with
``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import warnings
from pathlib import Path

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback
from skorch.history import History

#: File name of the checkpoint inside ``checkpoint_dir``.
CHECKPOINT_NAME = "resume.pt"
FORMAT = "sklearn-ecg-resume/1"
#: Parameters that do not change what a fit computes (left out of the fingerprint).
_NOT_FINGERPRINTED = ("checkpoint_dir", "verbose", "callbacks")

CHECKPOINT_DIR_PARAMETER = """\
    checkpoint_dir : str, path-like or None, default=None
        Folder of a resume checkpoint, so that a killed ``fit`` (SIGKILL, a lost
        node, a pre-empted job) can continue. After every epoch ``fit``
        atomically rewrites ``checkpoint_dir/resume.pt`` with the weights,
        optimizer, learning-rate schedule, early-stopping state, history and
        every random-generator state the next epoch draws from, plus a
        fingerprint of the data, split, seed and parameters. A ``fit`` that
        finds that file resumes after its last epoch (with a warning naming it)
        and trains only the remaining ones; when the file marks a finished fit,
        ``fit`` returns at once with its final weights. On the CPU a resumed fit
        ends with exactly the weights of an uninterrupted one (on CUDA, as
        reproducible as CUDA kernels are). A checkpoint of other data or other
        parameters is refused (delete it, or pass another folder), and so is a
        damaged file. Needs an int ``random_state``. Only ``fit`` uses it
        (``partial_fit`` neither reads nor writes it); in a distributed fit only
        rank 0 writes. Extra ``callbacks`` are not checkpointed. A folder
        belongs to one fit: give each fold or search candidate its own
        (``compare_arms(fold_params=...)``; ``ECGEnsembleClassifier`` does it
        for its members). See the scaling guide. None: no checkpoint."""


class ResumeCheckpointError(ValueError):
    """A resume checkpoint that ``fit`` cannot continue from.

    Raised when ``checkpoint_dir/resume.pt`` is damaged or truncated, or was
    written by a fit with other data, split, ``random_state`` or parameters. The
    message names the file and the fix: delete it (to start afresh) or pass
    another ``checkpoint_dir``.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._resume import ResumeCheckpointError
    >>> issubclass(ResumeCheckpointError, ValueError)
    True
    """


def check_checkpoint_dir(est) -> None:
    """Validate ``checkpoint_dir`` (called by the one parameter check)."""
    folder = est.checkpoint_dir
    if folder is None:
        return
    if not isinstance(folder, (str, os.PathLike)):
        raise ValueError(
            f"checkpoint_dir must be None or a folder path, got {folder!r}."
        )
    seed = est.random_state
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(
            f"checkpoint_dir={str(folder)!r} needs an int random_state (got "
            f"{seed!r}): a resumed fit must draw the same split, weights and "
            "batches as the fit it continues. Pass e.g. random_state=0."
        )


def checkpoint_path(folder) -> Path:
    """Return the resume checkpoint's path inside ``folder``.

    Parameters
    ----------
    folder : str or path-like
        The ``checkpoint_dir``.

    Returns
    -------
    path : pathlib.Path
        ``folder / "resume.pt"``.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._resume import checkpoint_path
    >>> checkpoint_path("run1").name
    'resume.pt'
    """
    return Path(folder) / CHECKPOINT_NAME


def fingerprint(est, state) -> str:
    """Hash of the data, split, seed and parameters of this fit (hex)."""
    h = hashlib.blake2b(digest_size=16)
    X = state["X"]
    h.update(repr((tuple(np.shape(X)), str(getattr(X, "dtype", "")))).encode())
    for start in range(0, len(X), 256):  # in order, a chunk at a time (memory maps)
        h.update(np.ascontiguousarray(X[start : start + 256]).tobytes())
    h.update(np.ascontiguousarray(state["y"]).tobytes())
    for idx in (state["train"], state["valid"]):
        h.update(b"-" if idx is None else np.asarray(idx, np.int64).tobytes())
    params = est.get_params(deep=False)
    text = repr(
        (state["seed"], [(k, params[k]) for k in sorted(params)
                         if k not in _NOT_FINGERPRINTED])
    )  # fmt: skip
    h.update(re.sub(r" at 0x[0-9a-fA-F]+", "", text).encode())
    return h.hexdigest()


def _writes_here(est) -> bool:
    """Whether this process writes checkpoints (rank 0 of a distributed fit)."""
    dist = est.__dict__.get("_fit_state", {}).get("dist")
    return dist is None or dist.rank == 0


def track(est, key: str, obj):
    """Register a random generator of this fit; give it its resumed state.

    Called where the data loader's generator (``"loader"``), the batch path's
    (``"batch"``) and the training dataset's augmentation generator
    (``"dataset"``) are made. Does nothing outside a checkpointed fit.
    """
    resume = est.__dict__.get("_fit_state", {}).get("resume")
    if resume is None:
        return obj
    resume.generators[key] = obj
    saved = resume.pending.pop(key, None)
    if saved is not None:
        _set_generator(obj, saved)
    return obj


def _get_generator(obj):
    if isinstance(obj, torch.Generator):
        return obj.get_state()
    return obj.bit_generator.state  # numpy Generator: a dict of ints


def _set_generator(obj, value) -> None:
    if isinstance(obj, torch.Generator):
        obj.set_state(value)
    else:
        obj.bit_generator.state = value


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if torch.is_tensor(value):
        return value.tolist()
    return value


class ResumeCheckpoint(Callback):
    """Write and restore the resume checkpoint of one ``fit`` (see the module).

    The last callback of a checkpointed fit: its ``on_epoch_end`` sees every
    other callback's end-of-epoch state, and its ``on_train_begin`` restores
    their states after they have reset themselves.

    Parameters
    ----------
    folder : str or path-like
        The ``checkpoint_dir``.
    fingerprint : str
        :func:`fingerprint` of this fit.

    Examples
    --------
    >>> from sklearn_ecg.classifiers._resume import ResumeCheckpoint
    >>> ResumeCheckpoint("run1", "abc").path.name
    'resume.pt'
    """

    def __init__(self, folder, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint
        self.path = checkpoint_path(folder)
        self.generators, self.pending, self.saved = {}, {}, None

    # ---------------------------------------------------------------- read --
    def load(self) -> dict | None:
        """Read the checkpoint (None when there is none); refuse a foreign one."""
        if not self.path.exists():
            return None
        fix = (
            f"Delete {self.path} to start this fit afresh, or pass another "
            "checkpoint_dir."
        )
        try:
            ckpt = torch.load(self.path, map_location="cpu", weights_only=True)
            meta = json.loads(ckpt["meta"])
            if ckpt.get("format") != FORMAT:
                raise ValueError(f"format {ckpt.get('format')!r}")
        except Exception as exc:
            raise ResumeCheckpointError(
                f"The resume checkpoint {self.path} cannot be read (damaged, "
                f"truncated or not written by sklearn-ecg: {exc}). {fix}"
            ) from exc
        if meta["fingerprint"] != self.fingerprint:
            raise ResumeCheckpointError(
                f"The resume checkpoint {self.path} was written by a fit with other "
                "data, split, random_state or parameters, so this fit cannot "
                f"resume from it. {fix}"
            )
        ckpt["meta"] = meta
        return ckpt

    def restore(self, net, ckpt) -> int:
        """Give ``net`` the checkpoint's training state; return its epoch."""
        meta = ckpt["meta"]
        net.module_.load_state_dict(ckpt["module"])
        net.criterion_.load_state_dict(ckpt["criterion"])
        net.optimizer_.load_state_dict(ckpt["optimizer"])
        net.history_ = History(meta["history"])
        scaler = net.__dict__.get("_grad_scaler")
        if scaler is not None and meta.get("scaler"):
            scaler.load_state_dict(meta["scaler"])
        mixer = net._fit_state.get("mixer")
        if mixer is not None and meta["rng"].get("mixer"):
            mixer.rng.bit_generator.state = meta["rng"]["mixer"]
        globals_ = ("torch_global", "cuda", "numpy", "python", "mixer")
        self.pending = {
            k: v for rng in (ckpt["rng"], meta["rng"]) for k, v in rng.items()
            if k not in globals_
        }  # fmt: skip
        self.saved = ckpt
        return int(meta["epoch"])

    def on_train_begin(self, net, **kwargs):
        """Restore the callbacks' and global generators' saved states."""
        ckpt, self.saved = self.saved, None
        if ckpt is None:
            return
        meta, callbacks = ckpt["meta"], dict(net.callbacks_)
        for name, values in meta["callbacks"].items():
            cb = callbacks.get(name)
            if cb is not None:
                _set_callback_state(cb, values, ckpt["tensors"].get(name))
        # The schedule's constructor moved the rates: put the saved ones back.
        net.optimizer_.load_state_dict(ckpt["optimizer"])
        torch.set_rng_state(ckpt["rng"]["torch_global"])
        if net.device_.type == "cuda" and "cuda" in ckpt["rng"]:
            torch.cuda.set_rng_state(ckpt["rng"]["cuda"], net.device_)
        np.random.set_state(_numpy_legacy(meta["rng"]["numpy"]))  # noqa: NPY002
        py = meta["rng"]["python"]
        random.setstate((py[0], tuple(py[1]), py[2]))

    # --------------------------------------------------------------- write --
    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        """Write this epoch's checkpoint (rank 0 only).

        Not after the last epoch: ``on_train_end`` writes the finished fit
        then, after the end-of-training steps (best-epoch restore, weight
        averaging); a kill in between resumes before the last epoch, so no
        resumed fit ever starts at its end.
        """
        if len(net.history) < net.max_epochs:
            self.write(net, complete=False)

    def on_train_end(self, net, **kwargs):
        """Mark the checkpoint complete when the fit really finished."""
        if _finished(net):
            self.write(net, complete=True)
        # Drop the generators: the fitted estimator keeps this callback.
        self.generators, self.pending, self.saved = {}, {}, None

    def write(self, net, *, complete: bool) -> None:
        """Atomically write the checkpoint of ``net``'s current state."""
        if not _writes_here(net):
            return
        rng = {"torch_global": torch.get_rng_state()}
        if net.device_.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(net.device_)
        meta_rng = {
            "numpy": _jsonable(np.random.get_state()),  # noqa: NPY002
            "python": _jsonable(random.getstate()),
        }
        for key, gen in self.generators.items():
            if isinstance(gen, torch.Generator):
                rng[key] = gen.get_state()
            else:
                meta_rng[key] = _jsonable(_get_generator(gen))
        mixer = net._fit_state.get("mixer")
        if mixer is not None:
            meta_rng["mixer"] = _jsonable(mixer.rng.bit_generator.state)
        cb_meta, cb_tensors = {}, {}
        for name, cb in net.callbacks_:
            got = _callback_state(cb)
            if got is not None:
                cb_meta[name], cb_tensors[name] = got
        scaler = net.__dict__.get("_grad_scaler")
        meta = {
            "fingerprint": self.fingerprint,
            "epoch": len(net.history),
            "complete": bool(complete),
            "history": _jsonable([dict(row) for row in net.history]),
            "rng": meta_rng,
            "callbacks": cb_meta,
            "scaler": None if scaler is None else _jsonable(scaler.state_dict()),
            "threads": torch.get_num_threads(),
        }
        ckpt = {
            "format": FORMAT,
            "meta": json.dumps(meta),
            "module": net.module_.state_dict(),
            "optimizer": net.optimizer_.state_dict(),
            "criterion": net.criterion_.state_dict(),
            "rng": rng,
            "tensors": cb_tensors,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as fh:
            torch.save(ckpt, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


def _numpy_legacy(state):
    name, keys, pos, has_gauss, cached = state
    return name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached


def _finished(net) -> bool:
    """Whether training ran to its end (all epochs, or an early stop)."""
    hist = net.history
    if not hist or "train_loss" not in hist[-1]:
        return False  # interrupted inside an epoch
    if len(hist) >= net.max_epochs:
        return True
    stop = dict(net.callbacks_).get("early_stopping")
    return stop is not None and getattr(stop, "misses_", 0) >= stop.patience


def _callback_state(cb):
    """``(plain dict, dict of tensors)`` of a built-in callback's state, or None."""
    from skorch.callbacks import EarlyStopping, LRScheduler

    from ..training import ValidAUROC, WeightAveraging

    if isinstance(cb, EarlyStopping):
        best = cb.best_model_weights_
        plain = {k: getattr(cb, k) for k in ("misses_", "dynamic_threshold_",
                                             "best_epoch_")}  # fmt: skip
        return _jsonable(plain), {"best_model_weights": best}
    if isinstance(cb, ValidAUROC):
        return {"best_": float(cb.best_)}, {}
    if isinstance(cb, LRScheduler) and cb.lr_scheduler_ is not None:
        state = cb.lr_scheduler_.state_dict()
        plain = {k: v for k, v in state.items() if _is_plain(v)}
        return {"scheduler": _jsonable(plain)}, {}
    if isinstance(cb, WeightAveraging):
        plain = {"_epoch": cb._epoch, "_validated": cb._validated}
        return plain, {"averaged": cb.averaged_.state_dict()}
    return None


def _set_callback_state(cb, plain, tensors) -> None:
    from skorch.callbacks import EarlyStopping, LRScheduler

    from ..training import WeightAveraging

    tensors = tensors or {}
    if isinstance(cb, LRScheduler):
        cb.lr_scheduler_.load_state_dict(plain["scheduler"])
        return
    for key, value in plain.items():
        setattr(cb, key, value)
    if isinstance(cb, EarlyStopping):
        cb.best_model_weights_ = tensors.get("best_model_weights")
    if isinstance(cb, WeightAveraging):
        cb.averaged_.load_state_dict(tensors["averaged"])


def _is_plain(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return value is None or isinstance(value, (bool, int, float, str))


def run_partial_fit(est, X, y, fresh: bool) -> None:
    """Run skorch's ``partial_fit``, resuming from and writing ``checkpoint_dir``.

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted, initialised, with its ``_fit_state``.
    X, y : ndarray
        The training data as ``_train`` passes them to skorch.
    fresh : bool
        True for ``fit`` (the checkpoint is used), False for ``partial_fit``.
    """
    folder = getattr(est, "checkpoint_dir", None)
    if folder is None or not fresh:
        NeuralNetClassifier.partial_fit(est, X, y)
        return
    state = est._fit_state
    resume = ResumeCheckpoint(folder, fingerprint(est, state))
    ckpt = resume.load()
    state["resume"] = resume
    epochs = None
    if ckpt is not None:
        done = resume.restore(est, ckpt)
        if ckpt["meta"]["complete"]:
            warnings.warn(
                f"{resume.path} holds a finished fit ({done} epochs): its final "
                "weights are returned without training.",
                UserWarning, stacklevel=4,
            )  # fmt: skip
            return
        warnings.warn(
            f"Resuming from {resume.path}: epochs 1-{done} were done, training "
            f"epochs {done + 1}-{est.max_epochs}.",
            UserWarning, stacklevel=4,
        )  # fmt: skip
        epochs = max(est.max_epochs - done, 0)
        threads = ckpt["meta"].get("threads")
        if threads != torch.get_num_threads():
            warnings.warn(
                f"The checkpoint was written with {threads} torch threads and this "
                f"process uses {torch.get_num_threads()}: CPU kernels may sum in "
                "another order, so the resumed weights can differ in the last "
                "bits from an uninterrupted fit (torch.set_num_threads).",
                UserWarning, stacklevel=4,
            )  # fmt: skip
    est._initialize_callbacks()  # with the resume callback and the history
    NeuralNetClassifier.partial_fit(est, X, y, epochs=epochs)
