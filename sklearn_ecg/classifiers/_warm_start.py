"""The estimator side of transfer learning: ``save_pretrained``, ``warm_start_from``.

The classifiers' hooks call :func:`apply_warm_start` (right after the module is
built in every ``fit``) and :func:`estimator_checkpoint`; users call
:func:`save_pretrained` on a fitted classifier or a Pipeline that ends in one.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from torch import nn

from ..models import resolve_model
from ..transfer import (
    Checkpoint,
    PretrainedWeights,
    check_warm_start_compatible,
    discriminative_param_groups,
    freeze_modules,
    load_matching_weights,
    resolve_freeze,
)
from ..transfer._pretrained import as_pretrained_weights
from ..transfer._transfer import check_backbone_lr_ratio, check_unfreeze_after
from ..utils import to_json_safe
from ._provenance import check_pretrained_overlap
from ._recording import fitted_recording


def architecture_name(estimator) -> str | None:
    """Registry name of the estimator's model, or None for an unregistered class."""
    spec = getattr(estimator, "_module_name", None) or estimator.module
    if isinstance(spec, str):
        return resolve_model(spec).registry_name
    return getattr(spec, "registry_name", None)


def _architecture_params(estimator) -> dict:
    params = {
        n: getattr(estimator, n) for n in getattr(estimator, "_module_params", ())
    }
    params.update(getattr(estimator, "module_params", None) or {})
    return to_json_safe(params)


def describe_preprocessing(steps) -> list[dict]:
    """JSON-safe description of Pipeline steps: name, class and parameters.

    Parameters
    ----------
    steps : list of (str, estimator)
        The steps before the classifier, e.g. ``pipeline.steps[:-1]``.

    Returns
    -------
    description : list of dict
        One ``{"step", "class", "params"}`` dict per step, ``params`` being the
        step's ``get_params(deep=False)`` made JSON-safe.

    Examples
    --------
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklearn_ecg.classifiers._warm_start import describe_preprocessing
    >>> describe_preprocessing([("f", FunctionTransformer(validate=True))])[0]["class"]
    'sklearn.preprocessing._function_transformer.FunctionTransformer'
    """
    out = []
    for name, step in steps:
        if step is None or step == "passthrough":
            out.append({"step": name, "class": "passthrough", "params": {}})
            continue
        cls = type(step)
        out.append(
            {
                "step": name,
                "class": f"{cls.__module__}.{cls.__qualname__}",
                "params": to_json_safe(step.get_params(deep=False)),
            }
        )
    return out


def _split_pipeline(obj):
    """Return ``(classifier, preprocessing steps)`` for an estimator or Pipeline."""
    steps = getattr(obj, "steps", None)
    if steps is None:
        return obj, None
    final = steps[-1][1]
    if not hasattr(final, "module_"):
        raise TypeError(
            f"The last step of the Pipeline is {type(final).__name__}, not a fitted "
            "sklearn-ecg classifier; save_pretrained needs one there."
        )
    return final, list(steps[:-1])


def estimator_checkpoint(estimator, *, pipeline=None, training_X=None) -> Checkpoint:
    """Build the :class:`Checkpoint` of a fitted classifier.

    Parameters
    ----------
    estimator : ECGClassifier
        A fitted sklearn-ecg classifier.
    pipeline : sklearn.pipeline.Pipeline, default=None
        The Pipeline that holds ``estimator`` as its last step; its earlier steps
        are described in the checkpoint.
    training_X : array-like, default=None
        The raw records given to the Pipeline's ``fit``: their signal hashes
        join the fingerprint, so raw evaluation data can be compared with it.

    Returns
    -------
    checkpoint : Checkpoint
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "module_")
    pre = None
    if pipeline is not None:
        final, steps = _split_pipeline(pipeline)
        if final is not estimator:
            raise ValueError(
                "pipeline's last step is not this estimator; pass the Pipeline that "
                "holds it, or call save_pretrained(pipeline, path)."
            )
        pre = describe_preprocessing(steps)
    classes = np.asarray(estimator.classes_)
    sfreq, lead_names = fitted_recording(estimator)
    return Checkpoint.from_module(
        estimator.module_,
        architecture=architecture_name(estimator),
        architecture_params=_architecture_params(estimator),
        n_leads=int(estimator.n_leads_in_),
        n_times=int(estimator.n_times_in_),
        lead_names=None if lead_names is None else list(lead_names),
        sfreq=sfreq,
        crop_length=estimator.crop_length_,
        task=estimator.task_,
        classes=[str(c) for c in classes],
        classes_dtype=classes.dtype.str if classes.dtype != object else "object",
        preprocessing=pre,
        training_data=_fingerprint(estimator, training_X),
    )


def _fingerprint(estimator, training_X):
    fp = getattr(estimator, "training_fingerprint_", None)
    if fp is None or training_X is None:
        return fp
    return fp.with_raw(training_X)


def to_checkpoint(obj, *, training_X=None) -> Checkpoint:
    """Build the :class:`Checkpoint` of a fitted classifier (or Pipeline)."""
    estimator, _ = _split_pipeline(obj)
    pipeline = obj if estimator is not obj else None
    return estimator_checkpoint(estimator, pipeline=pipeline, training_X=training_X)


def save_pretrained(
    obj, path: str | os.PathLike, *, training_X=None
) -> PretrainedWeights:
    """Write a fitted classifier, or a Pipeline ending in one, to a checkpoint.

    The file holds the weights, the architecture and its arguments, ``n_leads``,
    ``lead_names``, ``sfreq``, the input and crop lengths, the task and classes, a
    description of the Pipeline's preprocessing steps (for a Pipeline), the package
    version, the SHA-256 of the weights and the fingerprint of the training data
    (``training_fingerprint_``: record and patient ids when ``fit`` was given
    them, signal hashes; see :class:`sklearn_ecg.transfer.TrainingFingerprint`).
    It is read back with
    ``torch.load(weights_only=True)`` only, so loading never unpickles arbitrary
    objects.

    Parameters
    ----------
    obj : ECGClassifier or sklearn.pipeline.Pipeline
        A fitted classifier, or a fitted Pipeline whose last step is one.
    path : str or path-like
        Where to write the checkpoint (conventionally ``*.pt``).
    training_X : array-like, default=None
        The raw records given to the Pipeline's ``fit``, whose hashes are added
        to the fingerprint (the estimator itself only saw them preprocessed).

    Returns
    -------
    weights : PretrainedWeights
        A handle to the file, pinned to its SHA-256, ready for
        ``warm_start_from``.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier
    >>> from sklearn_ecg.classifiers import save_pretrained
    >>> X = np.random.default_rng(0).normal(size=(20, 2, 64)).astype("float32")
    >>> y = np.repeat([0, 1], 10)
    >>> clf = ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0)
    >>> pipe = make_pipeline(FunctionTransformer(), clf).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> weights = save_pretrained(pipe, path)
    >>> weights.load().preprocessing[0]["step"]
    'functiontransformer'
    """
    checkpoint = to_checkpoint(obj, training_X=training_X)
    checkpoint.save(Path(path))
    return PretrainedWeights(path=path, sha256=checkpoint.sha256)


def check_transfer_params(est) -> None:
    """Validate ``warm_start_from``, ``freeze``, ``unfreeze_after`` and the lr ratio.

    Called at the start of ``fit``, before any data is touched; the checks that
    need the model (freeze prefixes) or the checkpoint run when it is built.

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, the value and the fix.
    """
    if est.warm_start_from is not None:
        handle = as_pretrained_weights(est.warm_start_from)
        if handle.path is not None and not Path(handle.path).is_file():
            raise FileNotFoundError(
                f"warm_start_from={handle.path!r}: no checkpoint file there. Write "
                "one with est.save_pretrained(path) or check the path."
            )
    freeze = est.freeze
    if isinstance(freeze, str):
        if freeze not in ("none", "backbone"):
            raise ValueError(
                f"freeze must be 'none', 'backbone' or a list of module-name "
                f"prefixes, got {freeze!r}. For one prefix pass a list, e.g. "
                f"freeze=[{freeze!r}]."
            )
    elif not (
        isinstance(freeze, (list, tuple)) and all(isinstance(p, str) for p in freeze)
    ):
        raise TypeError(
            f"freeze must be 'none', 'backbone' or a list of str, got {freeze!r}."
        )
    unfreeze_after = check_unfreeze_after(est.unfreeze_after)
    check_backbone_lr_ratio(est.backbone_lr_ratio)
    if unfreeze_after is not None and (isinstance(freeze, str) and freeze == "none"):
        raise ValueError(
            f"unfreeze_after={unfreeze_after} needs something frozen first; set "
            "freeze='backbone' (or a list of prefixes), or unfreeze_after=None."
        )


def _adopt_metadata(est, ckpt) -> list[str]:
    """Take the checkpoint's rate and lead names where the estimator has none.

    The compatibility check has passed, so the lead count agrees. Sets the
    fitted ``sfreq_``/``lead_names_`` (never the parameters) and returns what
    was adopted, e.g. ``["sfreq=500"]``, for ``warm_start_report_["adopted"]``.
    """
    adopted = []
    if est.sfreq is None and ckpt.sfreq is not None:
        est.sfreq_ = float(ckpt.sfreq)
        adopted.append(f"sfreq={est.sfreq_:g}")
    if est.lead_names is None and ckpt.lead_names:
        est.lead_names_ = tuple(ckpt.lead_names)
        adopted.append(f"lead_names={','.join(est.lead_names_)}")
    return adopted


def apply_warm_start(est, module: nn.Module) -> nn.Module:
    """Load ``est.warm_start_from`` into ``module`` and apply ``est.freeze``.

    The parameters were checked by :func:`check_transfer_params` at the start
    of ``fit``; the checks that need the module or the checkpoint run here.

    Sets the fitted attributes ``warm_start_report_`` (``None`` without a warm
    start) and ``frozen_prefixes_``. An estimator whose ``sfreq`` or
    ``lead_names`` is None adopts the checkpoint's (in ``sfreq_`` and
    ``lead_names_``), listed in ``warm_start_report_["adopted"]``.

    Parameters
    ----------
    est : ECGClassifier
        The estimator being fitted (``n_leads_in_``, ``task_`` and ``classes_``
        are already set).
    module : torch.nn.Module
        The freshly built model.

    Returns
    -------
    module : torch.nn.Module
        The same module, warm-started and frozen as requested.
    """
    est.warm_start_report_ = est.pretrained_overlap_ = None
    if est.warm_start_from is not None:
        ckpt = as_pretrained_weights(est.warm_start_from).load()
        check_warm_start_compatible(
            ckpt,
            architecture=architecture_name(est),
            n_leads=est.n_leads_in_,
            lead_names=est.lead_names,
            sfreq=est.sfreq,
        )
        same_head = ckpt.task == est.task_ and ckpt.classes == tuple(
            str(c) for c in np.asarray(est.classes_)
        )
        fit_state = getattr(est, "_fit_state", None) or {}
        check_pretrained_overlap(est, ckpt, fit_state.get("X"))
        est.warm_start_report_ = load_matching_weights(
            module, ckpt.state_dict, reuse_head=same_head
        )
        est.warm_start_report_["adopted"] = _adopt_metadata(est, ckpt)
    est.frozen_prefixes_ = resolve_freeze(module, est.freeze)
    freeze_modules(module, est.frozen_prefixes_)
    return module


class TransferMixin:
    """The transfer-learning hooks and methods of :class:`ECGClassifier`."""

    def _apply_warm_start(self, module):
        """Load pretrained weights into a freshly built module (``warm_start_from``).

        Called in every ``fit`` right after the module is built, so each clone
        (CV fold, search candidate) re-loads the same weights. Also applies
        ``freeze``. Sets ``warm_start_report_`` and ``frozen_prefixes_``; see
        :func:`sklearn_ecg.transfer.load_matching_weights`.

        Parameters
        ----------
        module : torch.nn.Module
            The newly built model.

        Returns
        -------
        module : torch.nn.Module
            The model to train.
        """
        return apply_warm_start(self, module)

    def _configure_parameter_groups(self):
        """Optimiser parameter groups (``backbone_lr_ratio``, frozen parts).

        Every parameter is given to the optimiser, frozen ones included: they
        have no gradient, so no optimiser step (weight decay included) changes
        them, and they start training as soon as ``unfreeze_after`` releases them.

        Returns
        -------
        groups : list of dict
            ``torch.optim`` parameter groups: one group, or backbone and head
            groups when ``backbone_lr_ratio`` is set.
        """
        return discriminative_param_groups(
            self.module_, self.lr, self.backbone_lr_ratio
        )

    def save_pretrained(self, path, *, pipeline=None, training_X=None):
        """Write the fitted model to a self-describing checkpoint file.

        The file holds the weights, the architecture and its arguments,
        ``n_leads``, ``lead_names``, ``sfreq``, the input and crop lengths, the
        task and classes, the package version and a SHA-256 of the weights, and,
        when ``pipeline`` is given, a description of its preprocessing steps.
        Reuse it with ``warm_start_from=path``; it is read with
        ``torch.load(weights_only=True)`` only.

        Parameters
        ----------
        path : str or path-like
            Where to write the checkpoint (conventionally ``*.pt``).
        pipeline : sklearn.pipeline.Pipeline, default=None
            The fitted Pipeline whose last step is this estimator, to record its
            preprocessing. Equivalent to
            ``sklearn_ecg.classifiers.save_pretrained(pipeline, path)``.
        training_X : array-like, default=None
            The raw records given to the Pipeline's ``fit`` (fingerprinted too).

        Returns
        -------
        weights : sklearn_ecg.transfer.PretrainedWeights
            A handle to the file pinned to its SHA-256, for ``warm_start_from``.
        """
        obj = self if pipeline is None else pipeline
        return save_pretrained(obj, path, training_X=training_X)

    def to_checkpoint(self, *, pipeline=None, training_X=None):
        """Return the in-memory checkpoint that :meth:`save_pretrained` writes.

        Parameters
        ----------
        pipeline : sklearn.pipeline.Pipeline, default=None
            The fitted Pipeline whose last step is this estimator.
        training_X : array-like, default=None
            The raw records given to the Pipeline's ``fit`` (fingerprinted too).

        Returns
        -------
        checkpoint : sklearn_ecg.transfer.Checkpoint
            Used by ``PretrainedWeights.from_estimator``.
        """
        obj = self if pipeline is None else pipeline
        return to_checkpoint(obj, training_X=training_X)
