"""Where the optional real-data folders live."""

import os
from pathlib import Path

SHARED_DATA_ENV = "SKLEARN_ECG_SHARED_DATA"


def get_shared_data_dir() -> Path:
    """Return the folder of real ECG data used by tests and benchmarks.

    The folder is read from the ``SKLEARN_ECG_SHARED_DATA`` environment variable and
    defaults to ``../shared/data`` relative to the current working directory. The
    folder may not exist; callers check and skip.

    Returns
    -------
    path : pathlib.Path
        The (possibly missing) data folder.

    Examples
    --------
    >>> from sklearn_ecg.utils import get_shared_data_dir
    >>> path = get_shared_data_dir()
    >>> isinstance(path.name, str)
    True
    """
    return Path(os.environ.get(SHARED_DATA_ENV, "../shared/data")).expanduser()
