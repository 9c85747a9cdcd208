"""Private I/O helpers shared by the loaders: WFDB reading, lead names, cache, options.

Everything that touches ``wfdb`` goes through :func:`read_record`, so that the rest of
the package sees ``sfreq`` (never wfdb's ``fs``), float32 ``(n_leads, n_times)`` arrays
and error messages that name the record and the fix.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import wfdb

from ..utils import STANDARD_LEADS, check_choice

DATA_HOME_ENV = "SKLEARN_ECG_DATA"

#: Bumped whenever the on-disk cache layout or the decoding changes.
CACHE_VERSION = 1

# Upper-cased spellings of the standard leads seen in PTB-XL, CinC and hospital exports.
_LEAD_ALIASES = {name.upper(): name for name in STANDARD_LEADS}
_LEAD_ALIASES.update({"MLI": "I", "MLII": "II", "MLIII": "III"})


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder where downloads and caches live, creating nothing.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Explicit folder. When None, the ``SKLEARN_ECG_DATA`` environment variable is
        used, and ``~/sklearn_ecg_data`` when it is unset.

    Returns
    -------
    data_home : pathlib.Path
        The folder (it may not exist yet).

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_data_home
    >>> get_data_home("/tmp/ecg").name
    'ecg'
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV, "~/sklearn_ecg_data")
    return Path(data_home).expanduser()


def check_option(value, name: str, allowed) -> None:
    """Raise a ValueError naming ``name`` when ``value`` is not in ``allowed``."""
    check_choice(value, name, allowed)


def standard_lead_name(name: str) -> str:
    """Map a lead name to its standard spelling (``AVR`` -> ``aVR``); keep others."""
    key = str(name).strip().upper()
    return _LEAD_ALIASES.get(key, str(name).strip())


def read_record(path: str | os.PathLike, comments: bool = False):
    """Read one WFDB record as float32 ``(n_leads, n_times)``, its sfreq and leads.

    Parameters
    ----------
    path : str or path-like
        Record path without extension (``.../00001_lr``).
    comments : bool, default=False
        Also return the header's comment lines (``# Dx: ...`` in CinC files).

    Returns
    -------
    signal : ndarray of shape (n_leads, n_times), dtype float32
        Physical units as stored in the header (mV for raw data).
    sfreq : float
        Sampling rate in Hz (wfdb's ``fs``).
    lead_names : list of str
        Lead names mapped to the standard spelling (``AVR`` -> ``aVR``).
    comments : list of str
        Only with ``comments=True``.

    Raises
    ------
    FileNotFoundError
        If the header or signal file is missing.
    ValueError
        If the header or signal is corrupt.
    """
    path = str(path)
    try:
        record = wfdb.rdrecord(path, return_res=32)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"WFDB record {path!r} is missing a file ({exc.filename or exc}). Check "
            "the path, or pass on_missing='skip' to load only the records on disk."
        ) from exc
    except Exception as exc:  # wfdb raises many types on malformed files
        raise ValueError(
            f"WFDB record {path!r} could not be read: a corrupt header or signal "
            f"({type(exc).__name__}: {exc}). Re-download or re-export the record, or "
            "remove it from the selection."
        ) from exc
    signal = record.p_signal
    if signal is None or signal.ndim != 2 or signal.shape[0] == 0:
        raise ValueError(
            f"WFDB record {path!r} has no samples; its signal file is empty or "
            "truncated. Re-download or re-export the record."
        )
    names = [standard_lead_name(n) for n in record.sig_name]
    out = (np.ascontiguousarray(signal.T, dtype=np.float32), float(record.fs), names)
    return (*out, list(record.comments)) if comments else out


def file_stamp(path: str | os.PathLike) -> list[int]:
    """Return ``[size, mtime_ns]`` of a file, the cache's change detector."""
    st = os.stat(path)
    return [int(st.st_size), int(st.st_mtime_ns)]


def resolve_cache_dir(cache, data_home=None) -> Path | None:
    """Turn the loaders' ``cache`` argument into a folder or None (no caching)."""
    if cache is False or cache is None:
        return None
    if cache is True:
        return get_data_home(data_home) / "cache"
    if isinstance(cache, str | os.PathLike):
        return Path(cache).expanduser()
    raise TypeError(
        f"cache must be True, False or a folder path, got {cache!r}. Pass cache=False "
        "to disable caching or a writable folder to store it elsewhere."
    )


def cache_entry(cache_dir: Path, key: dict) -> Path:
    """Return the entry folder for a JSON-serialisable ``key`` (not created)."""
    payload = json.dumps({"version": CACHE_VERSION, **key}, sort_keys=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:24]
    return cache_dir / digest


def read_cache(entry: Path, mmap_mode=None):
    """Return ``(data, arrays, manifest)`` of a valid entry, or None if stale/absent.

    The manifest lists every source file with its size and mtime; one changed file
    makes the entry stale so that the caller decodes again.
    """
    manifest_path = entry / "manifest.json"
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text())
        for fname, stamp in manifest["files"].items():
            if file_stamp(fname) != stamp:
                return None
        data = np.load(entry / "data.npy", mmap_mode=mmap_mode, allow_pickle=False)
        with np.load(entry / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, KeyError):
        # A half-written or foreign entry is treated as a miss, never as data.
        return None
    return data, arrays, manifest


def write_cache(entry: Path, data: np.ndarray, arrays: dict, manifest: dict) -> None:
    """Write an entry atomically (temp folder then rename); warn instead of failing."""
    tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        np.save(tmp / "data.npy", data, allow_pickle=False)
        np.savez(tmp / "arrays.npz", **arrays)
        (tmp / "manifest.json").write_text(json.dumps(manifest))
        if entry.exists():
            shutil.rmtree(entry)
        tmp.rename(entry)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        warnings.warn(
            f"Could not write the dataset cache to {entry} ({exc}); the data were "
            "loaded but will be decoded again next time. Pass cache=<writable folder> "
            "or cache=False.",
            RuntimeWarning,
            stacklevel=3,
        )
