"""Dataset loaders (PTB-XL, CPSC2018/CinC, WFDB folders) and a synthetic ECG."""

from ._cpsc import CPSC_CLASSES, load_cpsc2018
from ._fetch import fetch_ptbxl
from ._io import get_data_home
from ._ptbxl import load_ptbxl
from ._records import DuplicateSignalWarning
from ._synthetic import make_ecg
from ._wfdb_folder import load_wfdb_folder

__all__ = [
    "CPSC_CLASSES",
    "DuplicateSignalWarning",
    "fetch_ptbxl",
    "get_data_home",
    "load_cpsc2018",
    "load_ptbxl",
    "load_wfdb_folder",
    "make_ecg",
]
