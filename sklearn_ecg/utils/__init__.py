"""Shared utilities: input validation, seeding and data location."""

from ._data import get_shared_data_dir
from ._json import to_json_safe
from ._validation import STANDARD_LEADS, check_sfreq, validate_ecg

__all__ = [
    "STANDARD_LEADS",
    "check_sfreq",
    "get_shared_data_dir",
    "to_json_safe",
    "validate_ecg",
]
