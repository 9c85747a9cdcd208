"""Transfer learning on plain ``nn.Module``: shape-aware loading, freezing, schedules.

Everything here works on any module whose classification layer is named
``final_layer`` (the package's naming contract); the classifiers call these
functions from their ``fit``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from skorch.callbacks import Callback
from torch import nn
from torch.nn.modules.batchnorm import _NormBase

from ._checkpoint import Checkpoint

HEAD = "final_layer"

#: Fraction of backbone tensors that must load for a warm start to be accepted.
MIN_BACKBONE_MATCH = 0.5


class WarmStartWarning(UserWarning):
    """Part of a pretrained backbone could not be loaded and keeps its fresh init.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ecg.transfer import WarmStartWarning
    >>> warnings.simplefilter("error", WarmStartWarning)  # make partial loads fatal
    >>> warnings.resetwarnings()
    """


def _matches(name: str, prefixes: Sequence[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def check_warm_start_compatible(
    checkpoint: Checkpoint,
    *,
    architecture: str | None,
    n_leads: int | None,
    lead_names: Sequence[str] | None = None,
    sfreq: float | None = None,
) -> None:
    """Raise a clear error when a checkpoint cannot serve as a warm start.

    Checks run only where both sides carry the information.

    Parameters
    ----------
    checkpoint : Checkpoint
        The pretrained weights and their metadata.
    architecture : str or None
        Registry name of the model about to be trained.
    n_leads : int or None
        Number of leads of the new training data.
    lead_names : sequence of str, default=None
        Lead order of the new training data.
    sfreq : float, default=None
        Sampling rate of the new training data in Hz.

    Raises
    ------
    ValueError
        On a different architecture (use the checkpoint's one), a different lead
        count or order (select leads with ``LeadSelector``) or a different sampling
        rate (resample with ``Resampler``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.transfer import Checkpoint, check_warm_start_compatible
    >>> ckpt = Checkpoint.from_module(torch.nn.Linear(2, 1), n_leads=12, sfreq=500)
    >>> check_warm_start_compatible(ckpt, architecture=None, n_leads=12, sfreq=500)
    """
    ck = checkpoint
    if ck.architecture and architecture and ck.architecture != architecture.lower():
        raise ValueError(
            f"warm_start_from holds weights of architecture {ck.architecture!r} "
            f"({ck.architecture_params}), but this estimator builds "
            f"{architecture!r}. Use the estimator for {ck.architecture!r}, e.g. "
            f"ECGClassifier(module={ck.architecture!r}, ...)."
        )
    if ck.n_leads is not None and n_leads is not None and ck.n_leads != n_leads:
        keep = f"leads={list(ck.lead_names)!r}" if ck.lead_names else "leads=[...]"
        raise ValueError(
            f"warm_start_from was trained on {ck.n_leads} leads, but X has {n_leads}. "
            f"Select the same leads in the same order before the classifier, e.g. "
            f"sklearn_ecg.preprocessing.LeadSelector({keep})."
        )
    if ck.lead_names and lead_names is not None:
        ours = tuple(str(n).upper() for n in lead_names)
        if ours != tuple(n.upper() for n in ck.lead_names):
            raise ValueError(
                f"warm_start_from expects the lead order {list(ck.lead_names)}, but "
                f"lead_names={list(lead_names)}. Reorder the leads with "
                f"sklearn_ecg.preprocessing.LeadSelector(leads={list(ck.lead_names)!r})."
            )
    if ck.sfreq is not None and sfreq is not None and abs(ck.sfreq - sfreq) > 1e-6:
        raise ValueError(
            f"warm_start_from was trained at sfreq={ck.sfreq:g} Hz, but this estimator "
            f"has sfreq={sfreq:g} Hz. Resample first, e.g. "
            f"sklearn_ecg.preprocessing.Resampler(sfreq={sfreq:g}, "
            f"sfreq_out={ck.sfreq:g}), and set "
            f"sfreq={ck.sfreq:g}."
        )


def load_matching_weights(
    module: nn.Module,
    state_dict: dict[str, torch.Tensor],
    *,
    reuse_head: bool = True,
    head: str = HEAD,
    min_match: float = MIN_BACKBONE_MATCH,
) -> dict[str, list[str]]:
    """Copy pretrained tensors into ``module`` wherever name and shape match.

    The head (``final_layer``) keeps its fresh initialisation when its shape differs
    (e.g. 5 super-diagnostic outputs become 1 PE logit) or when ``reuse_head`` is
    False. Backbone tensors that cannot be loaded keep their fresh initialisation
    with a :class:`WarmStartWarning`; if fewer than ``min_match`` of them load, the
    weights belong to another architecture and an error is raised.

    Parameters
    ----------
    module : torch.nn.Module
        The freshly built model; modified in place.
    state_dict : dict of str to torch.Tensor
        Pretrained weights, e.g. :attr:`Checkpoint.state_dict`.
    reuse_head : bool, default=True
        Whether to load a head of matching shape. Pass False when the classes
        differ, so a head trained for other labels is not reused.
    head : str, default="final_layer"
        Name prefix of the classification layer.
    min_match : float, default=0.5
        Minimum fraction of backbone tensors that must load.

    Returns
    -------
    report : dict
        ``{"loaded": [...], "reinitialized": [...], "skipped": [...]}``: module
        tensors taken from ``state_dict``, module tensors left at their fresh
        initialisation, and ``state_dict`` entries that were not used.

    Raises
    ------
    ValueError
        If fewer than ``min_match`` of the backbone tensors match.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.transfer import load_matching_weights
    >>> def net(n_outputs):
    ...     model = nn.Module()
    ...     model.conv = nn.Conv1d(12, 8, 3)
    ...     model.final_layer = nn.Linear(8, n_outputs)
    ...     return model
    >>> report = load_matching_weights(net(1), net(5).state_dict())
    >>> report["loaded"], report["reinitialized"]
    (['conv.weight', 'conv.bias'], ['final_layer.weight', 'final_layer.bias'])
    """
    target = module.state_dict()
    report: dict[str, list[str]] = {"loaded": [], "reinitialized": [], "skipped": []}
    to_load, missed_backbone = {}, []
    for name, tensor in target.items():
        src = state_dict.get(name)
        in_head = _matches(name, (head,))
        if (
            src is not None
            and src.shape == tensor.shape
            and (reuse_head or not in_head)
        ):
            to_load[name] = src
            report["loaded"].append(name)
        else:
            report["reinitialized"].append(name)
            if not in_head:
                missed_backbone.append(name)
    report["skipped"] = [n for n in state_dict if n not in to_load]
    n_backbone = sum(not _matches(n, (head,)) for n in target)
    n_hit = n_backbone - len(missed_backbone)
    if n_backbone and n_hit / n_backbone < min_match:
        raise ValueError(
            f"Only {n_hit} of {n_backbone} backbone tensors "
            f"of the pretrained weights match this model by name and shape (first "
            f"mismatches: {missed_backbone[:3]}). The checkpoint was trained with "
            "another architecture or other architecture parameters; build the model "
            "with the checkpoint's parameters."
        )
    if missed_backbone:
        warnings.warn(
            f"{len(missed_backbone)} backbone tensors were not found with a matching "
            f"shape in the pretrained weights and keep their fresh initialisation: "
            f"{missed_backbone[:5]}{' ...' if len(missed_backbone) > 5 else ''}.",
            WarmStartWarning,
            stacklevel=2,
        )
    with torch.no_grad():
        for name, src in to_load.items():
            target[name].copy_(src)
    return report


def resolve_freeze(
    module: nn.Module, freeze: str | Sequence[str], *, head: str = HEAD
) -> tuple[str, ...]:
    """Turn a ``freeze`` setting into the list of module-name prefixes to freeze.

    Parameters
    ----------
    module : torch.nn.Module
        The model.
    freeze : {"none", "backbone"} or list of str
        ``"none"`` freezes nothing; ``"backbone"`` freezes everything but ``head``;
        a list names module (or parameter) prefixes such as ``["stem", "layer1"]``.
    head : str, default="final_layer"
        Name of the classification layer.

    Returns
    -------
    prefixes : tuple of str
        Empty when nothing is frozen.

    Raises
    ------
    ValueError
        For an unknown string, a prefix that names nothing in the model, or a
        setting that would freeze every parameter.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_ecg.transfer import resolve_freeze
    >>> model = nn.Sequential()
    >>> model.conv, model.final_layer = nn.Conv1d(1, 2, 3), nn.Linear(2, 1)
    >>> resolve_freeze(model, "backbone")
    ('conv',)
    """
    if isinstance(freeze, str):
        if freeze == "none":
            return ()
        if freeze != "backbone":
            raise ValueError(
                f"freeze must be 'none', 'backbone' or a list of module-name prefixes, "
                f"got {freeze!r}. For one prefix pass a list, e.g. freeze=[{freeze!r}]."
            )
        prefixes = tuple(n for n in _top_level_names(module) if n != head)
    elif isinstance(freeze, Sequence) and all(isinstance(p, str) for p in freeze):
        prefixes = tuple(freeze)
        known = [n for n, _ in module.named_modules() if n]
        known += [n for n, _ in module.named_parameters()]
        for p in prefixes:
            if not any(_matches(n, (p,)) for n in known):
                top = [n for n, _ in module.named_children()]
                raise ValueError(
                    f"freeze prefix {p!r} names no module or parameter of "
                    f"{type(module).__name__}; its top-level modules are {top}."
                )
    else:
        raise TypeError(
            f"freeze must be 'none', 'backbone' or a list of str, got {freeze!r}."
        )
    params = [n for n, _ in module.named_parameters()]
    if prefixes and all(_matches(n, prefixes) for n in params):
        raise ValueError(
            f"freeze={freeze!r} freezes every parameter of {type(module).__name__}, so "
            f"nothing would train. Leave {head!r} trainable, e.g. freeze='backbone'."
        )
    return prefixes


def _top_level_names(module: nn.Module) -> tuple[str, ...]:
    """Names of the module's children and direct parameters (prefixes of all)."""
    names = [n for n, _ in module.named_children()]
    return tuple(names + [n for n, _ in module.named_parameters(recurse=False)])


def _keep_norm_in_eval(module: nn.Module, args):
    # Forward pre-hook on frozen normalisation layers: whoever called .train()
    # (skorch does each epoch), a frozen layer uses and keeps its running stats.
    module.training = False


def _frozen_norm_layers(module: nn.Module, prefixes: Sequence[str]):
    for name, sub in module.named_modules():
        if isinstance(sub, _NormBase) and _matches(name, prefixes):
            yield sub


def freeze_modules(module: nn.Module, prefixes: Sequence[str]) -> list[str]:
    """Freeze the parameters and normalisation statistics under ``prefixes``.

    Frozen parameters get ``requires_grad=False``, so no optimiser (weight decay
    included) changes them. Frozen batch-norm layers run in eval mode even while
    the rest of the model trains: a forward pre-hook resets their ``training`` flag,
    so their running statistics never move. Dropout is left as it is.

    Parameters
    ----------
    module : torch.nn.Module
        The model, modified in place.
    prefixes : sequence of str
        Module-name prefixes, e.g. from :func:`resolve_freeze`.

    Returns
    -------
    frozen : list of str
        Names of the parameters that were frozen.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from sklearn_ecg.transfer import freeze_modules, unfreeze_modules
    >>> model = nn.Sequential(nn.Conv1d(1, 2, 3), nn.BatchNorm1d(2))
    >>> freeze_modules(model, ["0", "1"])
    ['0.weight', '0.bias', '1.weight', '1.bias']
    >>> model.train()[1](torch.randn(4, 2, 5)).shape, model[1].training
    (torch.Size([4, 2, 5]), False)
    >>> unfreeze_modules(model, ["0", "1"])
    ['0.weight', '0.bias', '1.weight', '1.bias']
    """
    frozen = _set_requires_grad(module, prefixes, False)
    for sub in _frozen_norm_layers(module, prefixes):
        if _keep_norm_in_eval not in sub._forward_pre_hooks.values():
            sub.register_forward_pre_hook(_keep_norm_in_eval)
        sub.eval()
    return frozen


def _set_requires_grad(module: nn.Module, prefixes, flag: bool) -> list[str]:
    names = []
    for name, param in module.named_parameters():
        if _matches(name, prefixes):
            param.requires_grad_(flag)
            names.append(name)
    return names


def unfreeze_modules(module: nn.Module, prefixes: Sequence[str]) -> list[str]:
    """Undo :func:`freeze_modules` for ``prefixes``; return the unfrozen names."""
    unfrozen = _set_requires_grad(module, prefixes, True)
    for sub in _frozen_norm_layers(module, prefixes):
        hooks = sub._forward_pre_hooks
        for key in [k for k, fn in hooks.items() if fn is _keep_norm_in_eval]:
            del hooks[key]
    return unfrozen


def discriminative_param_groups(
    module: nn.Module,
    lr: float,
    backbone_lr_ratio: float | None,
    *,
    head: str = HEAD,
) -> list[dict]:
    """Optimizer parameter groups with a smaller learning rate for the backbone.

    Parameters
    ----------
    module : torch.nn.Module
        The model.
    lr : float
        Learning rate of the head.
    backbone_lr_ratio : float or None
        Backbone learning rate as a fraction of ``lr``, in (0, 1]; ``None`` gives
        one group with ``lr``.
    head : str, default="final_layer"
        Name of the classification layer.

    Returns
    -------
    groups : list of dict
        ``[{"params", "lr", "name": "backbone"}, {"params", "lr", "name": "head"}]``,
        ready for any :mod:`torch.optim` optimizer; empty groups are dropped.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from sklearn_ecg.transfer import discriminative_param_groups
    >>> model = nn.Sequential()
    >>> model.conv, model.final_layer = nn.Conv1d(1, 2, 3), nn.Linear(2, 1)
    >>> groups = discriminative_param_groups(model, 1e-3, 0.1)
    >>> [(g["name"], g["lr"]) for g in groups]
    [('backbone', 0.0001), ('head', 0.001)]
    """
    params = list(module.named_parameters())
    if backbone_lr_ratio is None:
        return [{"params": [p for _, p in params], "lr": lr, "name": "all"}]
    check_backbone_lr_ratio(backbone_lr_ratio)
    backbone = [p for n, p in params if not _matches(n, (head,))]
    head_params = [p for n, p in params if _matches(n, (head,))]
    groups = [
        {"params": backbone, "lr": lr * backbone_lr_ratio, "name": "backbone"},
        {"params": head_params, "lr": lr, "name": "head"},
    ]
    return [g for g in groups if g["params"]]


def check_backbone_lr_ratio(ratio) -> float | None:
    """Validate ``backbone_lr_ratio`` (None or a float in (0, 1]) and return it."""
    if ratio is None:
        return None
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float)):
        raise TypeError(f"backbone_lr_ratio must be None or a float, got {ratio!r}.")
    if not 0 < ratio <= 1:
        raise ValueError(
            f"backbone_lr_ratio must be in (0, 1], got {ratio!r}. Use e.g. 0.1 for a "
            "backbone learning rate ten times smaller than the head's; use freeze= "
            "to stop the backbone from training at all."
        )
    return float(ratio)


def check_unfreeze_after(value) -> int | None:
    """Validate ``unfreeze_after`` (None or an int >= 0) and return it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"unfreeze_after must be None or a number of epochs >= 0, got {value!r}."
        )
    return int(value)


class GradualUnfreezing(Callback):
    """skorch callback: unfreeze the frozen layers after a number of epochs.

    During the first ``unfreeze_after`` epochs only the unfrozen part (usually the
    new head) trains; from epoch ``unfreeze_after + 1`` on the whole model trains,
    batch-norm statistics included. Each epoch records ``"frozen"`` (bool) in the
    net's history.

    Parameters
    ----------
    prefixes : sequence of str or None
        The module-name prefixes to unfreeze (see :func:`resolve_freeze`). None
        unfreezes the whole ``net.module_`` (every top-level module and
        parameter), which is what the sklearn-ecg classifiers use.
    unfreeze_after : int
        Number of epochs to keep them frozen.

    Examples
    --------
    >>> from sklearn_ecg.transfer import GradualUnfreezing
    >>> GradualUnfreezing(["layer1"], unfreeze_after=3).unfreeze_after
    3
    """

    def __init__(self, prefixes=None, unfreeze_after: int = 0):
        self.prefixes = prefixes
        self.unfreeze_after = unfreeze_after

    def on_epoch_begin(self, net, **kwargs):
        # skorch's own on_epoch_begin has already appended this epoch's row.
        epoch = len(net.history)
        frozen = epoch <= self.unfreeze_after
        if not frozen:  # idempotent, so repeated or partial fits stay consistent
            prefixes = self.prefixes
            if prefixes is None:
                prefixes = _top_level_names(net.module_)
            unfreeze_modules(net.module_, prefixes)
        net.history.record("frozen", frozen)
