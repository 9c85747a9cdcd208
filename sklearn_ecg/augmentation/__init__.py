"""Train-time augmentation of ECG records: transforms, recipes and random crops.

Every transform acts on one ``(n_leads, n_times)`` record and draws from an
explicit :class:`numpy.random.Generator`; the classifiers apply them (through
``augment=`` and ``crop_length=``) to training batches only.
"""

from ._augment import (
    AmplitudeScale,
    Augmentation,
    Compose,
    GaussianNoise,
    Identity,
    LeadDropout,
    OneOf,
    PolarityFlip,
    TimeDropout,
    TimeShift,
)
from ._crop import RandomCrop
from ._periodic import BaselineWander, SineNoise, SquarePulse, check_nyquist
from ._recipes import basic_augmentation, paper_augmentation

__all__ = [
    "AmplitudeScale",
    "Augmentation",
    "BaselineWander",
    "Compose",
    "GaussianNoise",
    "Identity",
    "LeadDropout",
    "OneOf",
    "PolarityFlip",
    "RandomCrop",
    "SineNoise",
    "SquarePulse",
    "TimeDropout",
    "TimeShift",
    "basic_augmentation",
    "check_nyquist",
    "paper_augmentation",
]
