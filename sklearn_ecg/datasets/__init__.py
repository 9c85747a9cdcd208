"""Dataset loaders (PTB-XL, CPSC2018/CinC, WFDB folders) and a synthetic ECG."""

from ._io import get_data_home
from ._ptbxl import load_ptbxl

__all__ = ["get_data_home", "load_ptbxl"]
