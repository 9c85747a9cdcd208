"""Training utilities: train-time augmentation, random crops, windowed inference."""

from ._augment import (
    AmplitudeScale,
    Augmentation,
    BaselineWander,
    Compose,
    GaussianNoise,
    Identity,
    LeadDropout,
    OneOf,
    PolarityFlip,
    SineNoise,
    SquarePulse,
    TimeDropout,
    TimeShift,
    basic_augmentation,
    paper_augmentation,
    resolve_augment,
)
from ._crop import RandomCrop, TrainTransform, make_train_transform
from ._inference import INFERENCE_MODES, windowed_logits

__all__ = [
    "INFERENCE_MODES",
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
    "TrainTransform",
    "basic_augmentation",
    "make_train_transform",
    "paper_augmentation",
    "resolve_augment",
    "windowed_logits",
]
