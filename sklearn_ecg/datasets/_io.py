"""Private I/O helpers shared by the loaders: WFDB reading, lead names, cache, options.

Everything that touches ``wfdb`` goes through :func:`read_record`, so that the rest of
the package sees ``sfreq`` (never wfdb's ``fs``), float32 ``(n_leads, n_times)`` arrays
and error messages that name the record and the fix.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import warnings
from pathlib import Path, PurePosixPath

import numpy as np
import wfdb

from ..utils import STANDARD_LEADS

DATA_HOME_ENV = "SKLEARN_ECG_DATA"

#: Bumped whenever the on-disk cache layout or the decoding changes.
CACHE_VERSION = 2

_DRIVE = re.compile(r"^[A-Za-z]:")

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


def existing_folder(
    path: str | os.PathLike, what: str, hint: str, *, resolve: bool = False
) -> Path:
    """Return ``path`` (``~`` expanded) as a :class:`~pathlib.Path` to a folder.

    Parameters
    ----------
    path : str or path-like
        The folder a loader was given.
    what : str
        What the folder should hold, to start the message (``"PTB-XL folder"``).
    hint : str
        The rest of the message after "does not exist", punctuation included.
    resolve : bool, default=False
        Make the path absolute.

    Returns
    -------
    path : Path
        The folder.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a folder.

    Examples
    --------
    >>> from sklearn_ecg.datasets._io import existing_folder
    >>> existing_folder("/no/such/folder", "Record folder", ".")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Record folder '/no/such/folder' does not exist.
    """
    path = Path(path).expanduser()
    if resolve:
        path = path.resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"{what} {str(path)!r} does not exist{hint}")
    return path


def standard_lead_name(name: str) -> str:
    """Map a lead name to its standard spelling (``AVR`` -> ``aVR``); keep others."""
    key = str(name).strip().upper()
    return _LEAD_ALIASES.get(key, str(name).strip())


def safe_join(root: str | os.PathLike, name: str, what: str, *, links: bool = False):
    """Join a relative POSIX ``name`` from outside data to ``root``, refusing escapes.

    ``name`` must be relative, use ``/`` only, and have no empty, ``.`` or ``..``
    segment; the joined path must resolve inside ``root``. With ``links=False`` an
    existing symbolic link on the way (a folder or the file itself) is refused too,
    so that a write can never follow a link out of ``root``.

    Raises
    ------
    ValueError
        Naming ``what`` (e.g. "SHA256SUMS.txt entry") and the offending name.
    """
    text = str(name)
    bad = (
        not text
        or "\\" in text
        or "\0" in text
        or text.startswith("/")
        or _DRIVE.match(text)
        or any(seg in ("", ".", "..") for seg in text.split("/"))
    )
    if bad:
        raise ValueError(
            f"{what} {text!r} is not a plain relative path (absolute, '..', '.', "
            "empty segment, backslash or drive letter); refusing a path that could "
            f"leave the folder {str(root)!r}."
        )
    root = Path(root)
    dest = root.joinpath(*PurePosixPath(text).parts)
    if not links:
        node = root
        for part in PurePosixPath(text).parts:
            node = node / part
            if node.is_symlink():
                raise ValueError(
                    f"{what} {text!r} goes through the symbolic link {str(node)!r}; "
                    f"refusing to follow links inside {str(root)!r}. Remove the link."
                )
    base = root.resolve()
    if not dest.resolve().is_relative_to(base):
        raise ValueError(
            f"{what} {text!r} resolves to {str(dest.resolve())!r}, outside the folder "
            f"{str(base)!r}; refused."
        )
    return dest


def header_sfreq(path: str | os.PathLike) -> float | None:
    """Return the rate written on the record line of ``<path>.hea`` (None if absent).

    The record line is the first line that is neither blank nor a ``#`` comment:
    ``name[/n_segments] n_signals [fs[/counter_freq[(base)]] [n_samples ...]]``.
    wfdb turns an unreadable rate (``0``, ``-500``, ``abc``, ``nan``) into its
    250 Hz default; this reads the text itself so such a header is refused.

    Raises
    ------
    FileNotFoundError
        If the header file is missing.
    ValueError
        Naming the header file and the value when the rate is not a finite
        positive number.
    """
    fname = f"{path}.hea"
    try:
        with open(fname, encoding="latin-1") as f:
            lines = [ln.strip() for ln in f]
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"WFDB record {str(path)!r} is missing a file ({fname}). Check the path, "
            "or pass on_missing='skip' to load only the records on disk."
        ) from exc
    record_line = next((ln for ln in lines if ln and not ln.startswith("#")), None)
    if record_line is None:
        raise ValueError(
            f"WFDB header {fname!r} has no record line; the file is empty or not a "
            "WFDB header. Re-export the record."
        )
    fields = record_line.split()
    if len(fields) < 3:
        return None  # no rate written: the WFDB default (250 Hz) applies
    text = re.split(r"[/(]", fields[2], maxsplit=1)[0]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"WFDB header {fname!r} gives the sampling frequency {fields[2]!r}, which "
            "is not a positive number of Hz. Fix the record line of the header "
            "(e.g. 'rec 12 500 5000')."
        )
    return value


def check_header_sfreq(path: str | os.PathLike, fs: float, written=None) -> float:
    """Return wfdb's ``fs`` after checking it against the header text.

    ``written`` is :func:`header_sfreq`'s result when already read.
    """
    written = header_sfreq(path) if written is None else written
    if written is not None and not math.isclose(written, fs, rel_tol=1e-9):
        raise ValueError(
            f"WFDB header {f'{path}.hea'!r} gives the sampling frequency "
            f"{written:g} Hz but wfdb read {fs:g} Hz. Fix the record line of the "
            "header."
        )
    return float(fs)


def signal_hash(signal: np.ndarray) -> str:
    """Content hash of a signal's float32 values and shape (duplicate detection).

    float64 and float32 copies of the same record hash alike, since the values are
    converted to float32 first (as every loader does).
    """
    arr = np.ascontiguousarray(signal, dtype=np.float32)
    digest = hashlib.blake2b(repr(arr.shape).encode(), digest_size=16)
    digest.update(arr.tobytes())
    return digest.hexdigest()


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
        If the header or signal is corrupt, or the header's sampling frequency
        is not a positive number (see :func:`header_sfreq`).
    """
    path = str(path)
    written = header_sfreq(path)  # a corrupt rate is refused before wfdb reads 250
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
    sfreq = check_header_sfreq(path, float(record.fs), written)
    out = (np.ascontiguousarray(signal.T, dtype=np.float32), sfreq, names)
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
