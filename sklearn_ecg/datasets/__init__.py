"""Dataset loaders (PTB-XL, CPSC2018/CinC, WFDB folders) and a synthetic ECG."""

from ._io import get_data_home
from ._ptbxl import load_ptbxl
from ._synthetic import make_ecg
from ._wfdb_folder import load_wfdb_folder

__all__ = ["get_data_home", "load_ptbxl", "load_wfdb_folder", "make_ecg"]
