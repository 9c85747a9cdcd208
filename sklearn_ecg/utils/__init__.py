"""Shared utilities: input and parameter validation, JSON cleaning, data location."""

from ._checks import check_choice, check_float, check_int
from ._data import get_shared_data_dir
from ._groups import check_groups
from ._json import to_json_safe
from ._metadata import match_recording
from ._validation import STANDARD_LEADS, check_sfreq, validate_ecg

__all__ = [
    "STANDARD_LEADS",
    "check_choice",
    "check_float",
    "check_groups",
    "check_int",
    "check_sfreq",
    "get_shared_data_dir",
    "match_recording",
    "to_json_safe",
    "validate_ecg",
]
