"""Dataset loaders (PTB-XL, CPSC2018/CinC, WFDB folders) and a synthetic ECG."""

from ._io import get_data_home
from ._ptbxl import load_ptbxl
from ._synthetic import make_ecg

__all__ = ["get_data_home", "load_ptbxl", "make_ecg"]
