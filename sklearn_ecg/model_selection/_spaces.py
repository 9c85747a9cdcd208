"""Ready Optuna search spaces for the architecture estimators and preprocessing.

The ranges follow the study's space (Marques & Oliveira 2025, arXiv:2503.08960:
log-uniform learning rate, normalisation method, RNN size/depth/dropout) widened
with the usual knobs of each architecture. ``device="cpu"`` keeps models and
batches small enough for a laptop (minutes per trial on a few hundred 10 s
records); ``device="cuda"`` opens the deep and wide end. Every range only holds
values the estimators accept, for example transformer widths divisible by every
head count. Spaces are keyed by the model registry's names, so each registered
architecture is found under any of its aliases or its estimator's name.
"""

from __future__ import annotations

import math

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from sklearn_ecg.classifiers import ECGClassifier, get_estimator_class
from sklearn_ecg.models import list_models, resolve_model

__all__ = ["search_space"]

_Cat = CategoricalDistribution
_Float = FloatDistribution
_Int = IntDistribution


def _architecture(name: str, gpu: bool) -> dict[str, BaseDistribution]:
    """Distributions over the constructor parameters of the registered model ``name``.

    Keyed by the model registry's canonical names; a test checks that every
    built-in registered model has an entry.
    """
    drop = _Float(0.0, 0.5)
    spaces = {
        "resnet1d": {
            "depth": _Cat([18, 34, 50] if gpu else [18, 34]),
            "base_width": _Cat([32, 64, 128] if gpu else [16, 32, 64]),
            "kernel_size": _Cat([3, 5, 7, 9]),
            "drop_prob": drop,
        },
        "vgg1d": {
            "depth": _Cat([11, 13, 16, 19] if gpu else [11, 13]),
            "batch_norm": _Cat([True, False]),
            "base_width": _Cat([32, 64] if gpu else [16, 32]),
            "drop_prob": drop,
        },
        "alexnet1d": {
            "base_width": _Cat([32, 64] if gpu else [16, 32]),
            "drop_prob": drop,
        },
        "crnn1d": {
            # The CRNN space of Marques & Oliveira (2025), "rnn" added.
            "rnn_type": _Cat(["lstm", "gru", "rnn"]),
            "hidden_size": _Cat([128, 256, 512] if gpu else [64, 128, 256]),
            "num_layers": _Cat([1, 2, 4] if gpu else [1, 2]),
            "bidirectional": _Cat([False, True]),
            "drop_prob": _Cat([0.0, 0.1, 0.3]),
        },
        "transformer1d": {
            # 64..512 are all divisible by 2, 4 and 8 heads.
            "embed_dim": _Cat([128, 256, 512] if gpu else [64, 128]),
            "num_heads": _Cat([2, 4, 8]),
            "num_layers": _Int(1, 6 if gpu else 3),
            "drop_prob": _Float(0.0, 0.3),
        },
        "restransformer1d": {
            # Token width is a multiple of base_width (a power of two >= 16), so
            # every head count below divides it.
            "depth": _Cat([18, 34]),
            "base_width": _Cat([32, 64] if gpu else [16, 32]),
            "num_heads": _Cat([2, 4, 8]),
            "num_layers": _Int(1, 4 if gpu else 2),
            "drop_prob": _Float(0.0, 0.3),
        },
        "attresnet1d": {
            "depth": _Cat([18, 34]),
            "base_width": _Cat([32, 64] if gpu else [16, 32]),
            "num_heads": _Cat([2, 4, 8]),
            "drop_prob": drop,
        },
        "inception1d": {
            "depth": _Cat([3, 6, 9] if gpu else [3, 6]),
            "n_filters": _Cat([32, 64] if gpu else [16, 32]),
            "kernel_size": _Cat([20, 40]),
            "drop_prob": drop,
        },
        "xresnet1d": {
            "depth": _Cat([18, 34, 50, 101] if gpu else [18, 34]),
            "kernel_size": _Cat([3, 5, 7]),
            "base_width": _Cat([32, 64] if gpu else [16, 32]),
            "drop_prob": drop,
        },
        "resnet1d_wang": {
            "width": _Cat([32, 64, 128] if gpu else [16, 32, 64]),
            "kernel_size": _Cat([3, 5, 7, 9]),
            "stem_stride": _Cat([1, 2, 4] if gpu else [1, 2]),
            "drop_prob": drop,
        },
    }
    if name not in spaces:
        raise ValueError(
            f"The registered model {name!r} has no ready search space (those with "
            f"one: {', '.join(sorted(spaces))}). Pass your own dict of Optuna "
            "distributions to OptunaSearchCV instead."
        )
    return spaces[name]


def _training(gpu: bool, warm_start: bool) -> dict[str, BaseDistribution]:
    """Distributions over the parameters every estimator shares."""
    space = {
        # The study's range was [1e-6, 1e-2]; below 1e-5 nothing trains in the
        # few dozen epochs a trial gets.
        "lr": _Float(1e-5, 1e-2, log=True),
        "weight_decay": _Float(1e-6, 1e-1, log=True),
        "batch_size": _Cat([32, 64, 128] if gpu else [16, 32, 64]),
        # "auto" is BCE/cross-entropy as the task needs; "focal" is the study's.
        "criterion": _Cat(["auto", "focal"]),
        "focal_gamma": _Float(0.0, 3.0),
        "pos_weight": _Cat([None, "balanced"]),
    }
    if warm_start:
        space.update(
            freeze=_Cat(["none", "backbone"]),
            backbone_lr_ratio=_Float(0.01, 1.0, log=True),
            unfreeze_after=_Cat([None, 2, 5, 10]),
        )
    return space


def _registry_name(name) -> str:
    """Return the registry's name for a model name, alias or estimator (class)."""
    if isinstance(name, str) and name.lower() in list_models(include_aliases=True):
        return resolve_model(name).registry_name
    estimator = get_estimator_class(name)  # raises for unknown names
    for model in list_models():
        if estimator is not ECGClassifier and get_estimator_class(model) is estimator:
            return model
    raise ValueError(
        f"name={name!r} names the generic ECGClassifier, which has no search space;"
        " pass a registered model name instead (e.g. 'resnet1d')."
    )


def search_space(
    name,
    *,
    clf: str | None = "clf",
    filt: str | None = None,
    norm: str | None = None,
    device: str = "cpu",
    warm_start: bool = False,
    augment=None,
    crop_lengths=None,
    sfreq: float = 500.0,
) -> dict[str, BaseDistribution]:
    """Return a ready Optuna search space for an architecture estimator.

    Parameters
    ----------
    name : str or type
        A name or alias of the model registry (``"resnet1d"``, ``"crnn"``,
        ``"inceptiontime"``, see :func:`~sklearn_ecg.models.list_models`), or an
        estimator class or its name (``"ECGResNetClassifier"``), resolved by
        :func:`~sklearn_ecg.classifiers.get_estimator_class`. Every built-in
        registered architecture has a space.
    clf : str or None, default="clf"
        Pipeline step name of the classifier; ``None`` when the estimator is tuned
        on its own (keys are then bare parameter names).
    filt : str or None, default=None
        Step name of a :class:`~sklearn_ecg.preprocessing.BandpassFilter` whose
        ``low_freq`` and ``high_freq`` cutoffs are tuned; ``None`` leaves it out.
    norm : str or None, default=None
        Step name of a :class:`~sklearn_ecg.preprocessing.LeadNormalizer` whose
        ``method`` is tuned; ``None`` leaves it out.
    device : {"cpu", "cuda"}, default="cpu"
        Range preset: small models and batches on CPU, deeper and wider on GPU.
    warm_start : bool, default=False
        Add the fine-tuning strategy (``freeze``, ``backbone_lr_ratio``,
        ``unfreeze_after``) for estimators built with ``warm_start_from``.
    augment : str, dict or None, default=None
        An ``augment`` value of the estimator; when given, augmentation is
        searched on/off (``[None, augment]``).
    crop_lengths : "auto", list of int or None, default=None
        Train-time crop lengths (samples) to search as ``crop_length``.
        ``"auto"`` is 2.048 s or 4.096 s on CPU and also 10 s on GPU, in samples
        at ``sfreq`` (1024, 2048 and 5000 at 500 Hz; 4.096 s is the study's
        2,048-sample window). Each must not exceed the records' length.
    sfreq : float, default=500.0
        Sampling rate of the records in Hz (500 Hz is the rate of PTB-XL's
        high-resolution records, CPSC2018 and typical hospital PE data). The
        band-pass ``high_freq`` choices are kept below its Nyquist frequency
        (none is offered when no choice fits) and ``"auto"`` crops scale with it.

    Returns
    -------
    space : dict of str to optuna.distributions.BaseDistribution
        Parameter paths mapped to distributions, ready for
        :class:`OptunaSearchCV`. Edit the dict freely: it is a new copy.

    Examples
    --------
    >>> from sklearn_ecg.model_selection import search_space
    >>> space = search_space("resnet", clf="clf", filt="filt", norm="norm")
    >>> space["clf__lr"]
    FloatDistribution(high=0.01, log=True, low=1e-05, step=None)
    >>> sorted(k for k in space if not k.startswith("clf__"))
    ['filt__high_freq', 'filt__low_freq', 'norm__method']
    >>> search_space("crnn", clf=None, crop_lengths="auto")["crop_length"].choices
    (1024, 2048)
    >>> search_space("resnet", filt="filt", sfreq=100.0)["filt__high_freq"].choices
    (40.0, 45.0)
    """
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r} must be 'cpu' or 'cuda'.")
    if (
        isinstance(sfreq, bool)
        or not isinstance(sfreq, int | float)
        or not (math.isfinite(sfreq) and sfreq > 0)
    ):
        raise ValueError(f"sfreq={sfreq!r} must be a positive number of Hz.")
    gpu = device == "cuda"
    canonical = _registry_name(name)
    prefix = f"{clf}__" if clf else ""
    params = {**_architecture(canonical, gpu), **_training(gpu, warm_start)}
    if augment is not None:
        params["augment"] = _Cat([None, augment])
    if crop_lengths is not None:
        if isinstance(crop_lengths, str) and crop_lengths == "auto":
            seconds = [2.048, 4.096, 10.0] if gpu else [2.048, 4.096]
            crop_lengths = [round(s * sfreq) for s in seconds]
        params["crop_length"] = _Cat(list(crop_lengths))
    space = {f"{prefix}{k}": v for k, v in params.items()}
    if filt:
        # The corrected band-pass of Marques & Oliveira (2025) is 1-45 Hz.
        space[f"{filt}__low_freq"] = _Float(0.05, 1.0, log=True)
        highs = [f for f in (40.0, 45.0, 100.0, 150.0) if f < 0.5 * sfreq]
        if highs:
            space[f"{filt}__high_freq"] = _Cat(highs)
    if norm:
        space[f"{norm}__method"] = _Cat(["zscore", "minmax", "robust", "l2"])
    return space
