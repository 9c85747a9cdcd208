"""ECG preprocessing transformers on ``(n_records, n_leads, n_times)`` arrays.

Every transformer works along the last (time) axis, accepts 2-D
``(n_records, n_times)`` input as one lead, preserves float32 and float64, and
processes large inputs in record chunks. Sampling rates default to 500 Hz.
"""

from ._base import ShortRecordWarning
from ._baseline import BaselineWanderRemover
from ._filters import BandpassFilter, NotchFilter
from ._memmap import transform_to_memmap
from ._normalize import LeadNormalizer
from ._resample import Resampler
from ._shape import FixedLength, LeadSelector

__all__ = [
    "BandpassFilter",
    "BaselineWanderRemover",
    "FixedLength",
    "LeadNormalizer",
    "LeadSelector",
    "NotchFilter",
    "Resampler",
    "ShortRecordWarning",
    "transform_to_memmap",
]
