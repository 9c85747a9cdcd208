"""Shared utilities: input validation, seeding and data location."""

from ._data import get_shared_data_dir
from ._metadata import match_recording
from ._validation import STANDARD_LEADS, check_sfreq, validate_ecg

__all__ = ["STANDARD_LEADS", "check_sfreq", "get_shared_data_dir",
           "match_recording", "validate_ecg"]
