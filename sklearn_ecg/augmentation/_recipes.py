"""Named augmentation recipes and the resolution of the ``augment`` argument."""

from __future__ import annotations

from collections.abc import Sequence

from . import _augment as aug
from . import _periodic as wave


def paper_augmentation() -> aug.OneOf:
    """Return the seed paper's recipe: one of 7 equally likely outcomes.

    Identity (2/7), polarity flip, time-point dropout (rate 0.1), lead dropout
    (rate 0.2), additive sine (a in 0.25–1, f in 0.5–10 Hz) and additive square
    wave (a in 0.005–0.02, f in 0.5–50 Hz), 1/7 each, as in the reference code of
    Marques & Oliveira 2025 (arXiv:2503.08960).

    Returns
    -------
    augmentation : OneOf
        The recipe.

    Examples
    --------
    >>> from sklearn_ecg.augmentation import paper_augmentation
    >>> len(paper_augmentation().transforms)
    7
    """
    return aug.OneOf(
        [
            aug.Identity(),
            aug.Identity(),
            aug.PolarityFlip(p=1.0),
            aug.TimeDropout(0.1, p=1.0),
            aug.LeadDropout(0.2, p=1.0),
            wave.SineNoise(p=1.0),
            wave.SquarePulse(p=1.0),
        ]
    )


def basic_augmentation() -> aug.Compose:
    """Return a light generic recipe: noise, gain, baseline wander and time shift.

    Returns
    -------
    augmentation : Compose
        Each transform applied with probability 0.5.

    Examples
    --------
    >>> from sklearn_ecg.augmentation import basic_augmentation
    >>> [type(t).__name__ for t in basic_augmentation().transforms][:2]
    ['GaussianNoise', 'AmplitudeScale']
    """
    return aug.Compose(
        [
            aug.GaussianNoise(),
            aug.AmplitudeScale(),
            wave.BaselineWander(),
            aug.TimeShift(),
        ]
    )


_RECIPES = {"paper": paper_augmentation, "basic": basic_augmentation}


def resolve_augment(augment) -> aug.Augmentation | None:
    """Turn an estimator's ``augment`` argument into one transform (or None).

    Parameters
    ----------
    augment : None, {"paper", "basic"}, Augmentation or sequence of Augmentation
        What the estimator was given; a sequence is composed in order.

    Returns
    -------
    augmentation : Augmentation or None
        The transform to apply per training sample.

    Examples
    --------
    >>> from sklearn_ecg.augmentation._recipes import resolve_augment
    >>> type(resolve_augment("paper")).__name__
    'OneOf'
    """
    if augment is None:
        return None
    if isinstance(augment, str):
        if augment not in _RECIPES:
            raise ValueError(
                f"augment={augment!r} is not a known recipe; use None, "
                f"{sorted(_RECIPES)} or a list of Augmentation objects."
            )
        return _RECIPES[augment]()
    if isinstance(augment, aug.Augmentation):
        return augment
    if isinstance(augment, Sequence) and all(
        isinstance(a, aug.Augmentation) for a in augment
    ):
        return aug.Compose(augment)
    raise TypeError(
        f"augment={augment!r} must be None, a recipe name {sorted(_RECIPES)}, an "
        "Augmentation or a list of Augmentation objects from sklearn_ecg.augmentation."
    )
