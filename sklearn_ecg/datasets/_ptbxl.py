"""PTB-XL loader with the benchmark's label aggregation and a decoded-array cache."""

from __future__ import annotations

import ast
import io
import numbers
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import check_choice
from ._io import (
    cache_entry,
    existing_folder,
    file_stamp,
    read_cache,
    read_record,
    resolve_cache_dir,
    signal_hash,
    write_cache,
)
from ._records import duplicate_groups

PTBXL_TASKS = (
    "superdiagnostic",
    "subdiagnostic",
    "diagnostic",
    "form",
    "rhythm",
    "all",
)
_FILENAME_COLUMN = {100: "filename_lr", 500: "filename_hr"}

_DESCR = """PTB-XL 12-lead ECG dataset (Wagner et al., Scientific Data 7, 154, 2020).

Labels are aggregated from ``scp_codes`` with ``scp_statements.csv`` as in the
PTB-XL benchmark (Strodthoff et al., IEEE JBHI 25(5), 2021). Official folds are in
``strat_fold`` (1-8 train, 9 validation, 10 test). Licence: CC BY 4.0.
"""


def _read_tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``ptbxl_database.csv`` and ``scp_statements.csv`` with clear errors."""
    tables = []
    for name, index in (("ptbxl_database.csv", "ecg_id"), ("scp_statements.csv", 0)):
        fname = path / name
        if not fname.is_file():
            raise FileNotFoundError(
                f"PTB-XL file {str(fname)!r} not found. path must point at an unpacked "
                "PTB-XL release (with ptbxl_database.csv, scp_statements.csv and "
                "records100/ or records500/); use fetch_ptbxl() to download one."
            )
        try:
            tables.append(pd.read_csv(fname, index_col=index))
        except (ValueError, pd.errors.ParserError) as exc:
            raise ValueError(
                f"PTB-XL file {str(fname)!r} is not a valid table ({exc}). "
                "Re-download the release."
            ) from exc
    db, scp = tables
    missing = {"scp_codes", "strat_fold", "patient_id", *_FILENAME_COLUMN.values()}
    missing -= set(db.columns)
    if missing:
        raise ValueError(
            f"PTB-XL file {str(path / 'ptbxl_database.csv')!r} lacks the columns "
            f"{sorted(missing)}. Use the official release's table."
        )
    return db, scp


def _parse_scp(db: pd.DataFrame) -> pd.Series:
    """Parse the ``scp_codes`` dict literals, naming the row of a malformed one."""
    out = {}
    for ecg_id, text in db["scp_codes"].items():
        try:
            out[ecg_id] = ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise ValueError(
                f"ptbxl_database.csv row ecg_id={ecg_id} has a malformed scp_codes "
                f"value {text!r}; expected a dict literal like {{'NORM': 100.0}}."
            ) from exc
    return pd.Series(out, dtype=object)


def _code_to_label(scp: pd.DataFrame, task: str) -> dict:
    """Map SCP codes to the task's label, as the PTB-XL benchmark's utils.py does."""
    if task == "all":
        return {code: code for code in scp.index}
    column = {"superdiagnostic": "diagnostic", "subdiagnostic": "diagnostic"}
    flag = column.get(task, task)
    rows = scp[scp[flag] == 1.0]
    if task == "superdiagnostic":
        labels = rows["diagnostic_class"]
    elif task == "subdiagnostic":
        labels = rows["diagnostic_subclass"]
    else:  # diagnostic, form, rhythm: the statement itself is the label
        labels = pd.Series(rows.index, index=rows.index)
    return {code: lab for code, lab in labels.items() if isinstance(lab, str)}


def aggregate_labels(scp_codes: pd.Series, scp: pd.DataFrame, task: str, min_lik):
    """Return a Series of sorted label lists per record for a PTB-XL task.

    Codes whose likelihood is below ``min_lik`` are ignored first. Codes unknown to
    ``scp_statements.csv`` or outside the task are ignored, as in the benchmark.
    """
    check_choice(task, "task", PTBXL_TASKS)
    mapping = _code_to_label(scp, task)
    return scp_codes.apply(
        lambda codes: sorted(
            {mapping[c] for c, lik in codes.items() if c in mapping and lik >= min_lik}
        )
    )


def _present(path: Path, files: pd.Series, on_missing: str) -> pd.Series:
    """Boolean mask of the records whose header and signal exist on disk."""
    mask = files.map(
        lambda f: (
            os.path.exists(path / f"{f}.hea") and os.path.exists(path / f"{f}.dat")
        )
    )
    n_missing = int((~mask).sum())
    if n_missing and on_missing == "raise":
        examples = ", ".join(repr(str(path / f)) for f in files[~mask].iloc[:3])
        raise FileNotFoundError(
            f"{n_missing} of {len(files)} PTB-XL records are missing on disk (e.g. "
            f"{examples}). Download the full release with fetch_ptbxl(), or pass "
            "on_missing='skip' to load only the records present."
        )
    return mask


def _warn_missing(n_missing: int, n_listed: int) -> None:
    """Warn about skipped records; re-emitted on warm loads for the same outcome."""
    if n_missing:
        warnings.warn(
            f"{n_missing} of {n_listed} PTB-XL records listed in "
            "ptbxl_database.csv are missing on disk and were skipped "
            f"(on_missing='skip'); {n_listed - n_missing} are present.",
            UserWarning,
            stacklevel=3,
        )


def decode_records(paths, expected_sfreq=None, what="record", hashes=None):
    """Decode WFDB records into one float32 array, checking sfreq, leads and length.

    When ``hashes`` is a list, the :func:`signal_hash` of each record is appended.
    """
    data = first = None
    for i, rec_path in enumerate(paths):
        signal, sfreq, leads = read_record(rec_path)
        if hashes is not None:
            hashes.append(signal_hash(signal))
        if first is None:
            first = (sfreq, leads, signal.shape)
            if expected_sfreq is not None and sfreq != expected_sfreq:
                raise ValueError(
                    f"{what} {str(rec_path)!r} is sampled at {sfreq:g} Hz but "
                    f"{expected_sfreq:g} Hz was requested; pass the matching "
                    "sampling_rate."
                )
            data = np.empty((len(paths), *signal.shape), dtype=np.float32)
        elif (sfreq, leads, signal.shape) != first:
            raise ValueError(
                f"{what} {str(rec_path)!r} has sfreq={sfreq:g} Hz, leads={leads}, "
                f"shape={signal.shape}, but {str(paths[0])!r} has sfreq={first[0]:g}"
                f" Hz, leads={first[1]}, shape={first[2]}. Remove or resample the "
                "odd record."
            )
        data[i] = signal
    return data, first[0], first[1]


def _frame_from_csv(text: str) -> pd.DataFrame:
    """Build the metadata frame from its CSV text (same parser on cold and warm)."""
    frame = pd.read_csv(io.StringIO(text), index_col="ecg_id")
    frame["scp_codes"] = frame["scp_codes"].apply(ast.literal_eval)
    return frame


def _cache_key(path: Path, sampling_rate: int, options: dict) -> dict:
    """Key of everything a warm load may rely on without parsing the tables."""
    rec_dir = path / f"records{sampling_rate}"
    # Folder mtimes change when a record is added or removed, catching new files.
    dirs = [rec_dir, *sorted(p for p in rec_dir.iterdir() if p.is_dir())]
    return {
        "loader": "ptbxl",
        "path": str(path.resolve()),
        "sampling_rate": sampling_rate,
        **options,
        "tables": [
            file_stamp(path / n) for n in ("ptbxl_database.csv", "scp_statements.csv")
        ],
        "dirs": [[str(d), file_stamp(d)[1]] for d in dirs],
    }


def _select(path, sampling_rate, task, min_likelihood, drop_unlabeled, on_missing):
    """Parse the tables and return the selected frame and its label lists."""
    db, scp = _read_tables(path)
    check_choice(task, "task", PTBXL_TASKS)
    db = db.assign(scp_codes_parsed=_parse_scp(db))
    labels = aggregate_labels(db["scp_codes_parsed"], scp, task, min_likelihood)
    keep = _present(path, db[_FILENAME_COLUMN[sampling_rate]], on_missing)
    missing = [int((~keep).sum()), len(keep)]
    if drop_unlabeled:
        keep &= labels.map(len) > 0
    if not keep.any():
        raise ValueError(
            f"No PTB-XL record is left in {str(path)!r} for task={task!r}, "
            f"min_likelihood={min_likelihood}, drop_unlabeled={drop_unlabeled}, "
            f"sampling_rate={sampling_rate}. Lower min_likelihood, choose another "
            "task, or check that records are on disk."
        )
    db, labels = db[keep].drop(columns="scp_codes_parsed"), labels[keep]
    names = sorted({lab for labs in labels for lab in labs})
    return db, labels, names, missing


def _as_int_if_whole(values: np.ndarray) -> np.ndarray:
    """PTB-XL stores patient ids as floats (15709.0); give ints when lossless."""
    if np.isfinite(values).all() and (values == np.round(values)).all():
        return values.astype(np.int64)
    return values


def _decode_and_pack(path, sampling_rate, options):
    """Cold path: select, decode, and return (data, arrays, manifest)."""
    db, labels, names, missing = _select(path, sampling_rate, **options)
    files = db[_FILENAME_COLUMN[sampling_rate]]
    hashes = []
    data, sfreq, leads = decode_records(
        [path / f for f in files], float(sampling_rate), "PTB-XL record", hashes
    )
    target = np.zeros((len(db), len(names)), dtype=np.int64)
    col = {n: j for j, n in enumerate(names)}
    for i, labs in enumerate(labels):
        target[i, [col[lab] for lab in labs]] = 1
    arrays = {
        "target": target,
        "target_names": np.array(names, dtype=str),
        "lead_names": np.array(leads, dtype=str),
        "record_ids": db.index.to_numpy(),
        "patient_ids": _as_int_if_whole(db["patient_id"].to_numpy()),
        "strat_fold": db["strat_fold"].to_numpy(),
        "signal_hash": np.array(hashes, dtype=str),
    }
    sources = [path / "ptbxl_database.csv", path / "scp_statements.csv"]
    sources += [path / f"{f}{ext}" for f in files for ext in (".hea", ".dat")]
    manifest = {
        "sfreq": sfreq,
        "missing": missing,
        "frame_csv": db.to_csv(),
        "files": {str(s): file_stamp(s) for s in sources},
    }
    return data, arrays, manifest


def _check_args(sampling_rate, task, min_likelihood, on_missing, drop_unlabeled):
    check_choice(sampling_rate, "sampling_rate", (100, 500))
    check_choice(task, "task", PTBXL_TASKS)
    check_choice(on_missing, "on_missing", ("raise", "skip"))
    if not isinstance(min_likelihood, numbers.Real) or not 0 <= min_likelihood <= 100:
        raise ValueError(
            f"min_likelihood must be a number in [0, 100] (PTB-XL likelihoods are "
            f"percentages), got {min_likelihood!r}."
        )
    if not isinstance(drop_unlabeled, bool | np.bool_):
        raise TypeError(f"drop_unlabeled must be a bool, got {drop_unlabeled!r}.")


def load_ptbxl(
    path: str | os.PathLike,
    *,
    sampling_rate: int = 100,
    task: str = "superdiagnostic",
    min_likelihood: float = 0.0,
    drop_unlabeled: bool = True,
    on_missing: str = "raise",
    cache: bool | str | os.PathLike = True,
    mmap_mode: str | None = None,
    return_X_y: bool = False,
):
    """Load a PTB-XL release with the benchmark's multi-label targets.

    Labels come from each record's ``scp_codes`` and ``scp_statements.csv``,
    aggregated as in the PTB-XL benchmark (Strodthoff et al. 2021): ``superdiagnostic``
    maps diagnostic statements to ``diagnostic_class`` (CD, HYP, MI, NORM, STTC),
    ``subdiagnostic`` to ``diagnostic_subclass``, ``diagnostic``/``form``/``rhythm``
    keep the statements flagged in that column, and ``all`` keeps every statement.

    Parameters
    ----------
    path : str or path-like
        Folder of an unpacked release holding ``ptbxl_database.csv``,
        ``scp_statements.csv`` and ``records100/`` or ``records500/``.
    sampling_rate : {100, 500}, default=100
        Which record set to read (``filename_lr`` or ``filename_hr``); checked
        against each header's rate.
    task : {"superdiagnostic", "subdiagnostic", "diagnostic", "form", "rhythm", \
"all"}, default="superdiagnostic"
        Label set.
    min_likelihood : float, default=0.0
        Ignore statements whose likelihood (0-100) is below this. Rhythm and form
        statements carry likelihood 0 in PTB-XL, so keep 0 for those tasks.
    drop_unlabeled : bool, default=True
        Drop records without any label of the task (the seed code kept them as
        all-zero rows; pass False to do the same).
    on_missing : {"raise", "skip"}, default="raise"
        What to do about records listed in the table but absent on disk. "skip"
        loads the present ones and warns with the count.
    cache : bool or path-like, default=True
        Store the decoded array as ``.npy`` (plus metadata) in a cache folder, keyed
        by path, options and the size/mtime of every source file. True uses
        ``get_data_home() / "cache"``; a path uses that folder; False disables it.
        A warm load skips WFDB decoding; any changed file triggers a re-decode.
    mmap_mode : {None, "r", "c"}, default=None
        With a cache hit, memory-map the cached array instead of reading it (useful
        for the 500 Hz release, 5 GB as float32). "r" is read-only.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 ndarray of shape (n_records, 12, n_times)),
        ``target`` (int64 multi-hot ndarray of shape (n_records, n_classes)),
        ``target_names``, ``sfreq``, ``lead_names``, ``frame`` (metadata DataFrame
        indexed by ``ecg_id`` with parsed ``scp_codes`` and a ``labels`` column),
        ``record_ids`` (ecg_id), ``patient_ids`` (``patient_id`` of the table),
        ``groups`` (int64: one value per patient, records with identical signals
        merged into one group), ``strat_fold``, ``task``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If a table is missing, or records are missing and ``on_missing="raise"``.
    ValueError
        For an unknown task, a corrupt record, header or table, or an empty
        selection.

    Warns
    -----
    DuplicateSignalWarning
        If records have identical signals.

    See Also
    --------
    fetch_ptbxl : Download the release, then load it.
    sklearn_ecg.model_selection.PTBXLFoldSplit : The official fold split.

    Notes
    -----
    Signals are in the header's physical units (mV for the official release).

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_ptbxl
    >>> from sklearn_ecg.utils import get_shared_data_dir
    >>> root = get_shared_data_dir() / "ptbxl_subset"
    >>> if root.is_dir():  # doctest: +SKIP
    ...     ds = load_ptbxl(root, on_missing="skip", cache=False)
    ...     ds.data.shape
    (1819, 12, 1000)
    """
    _check_args(sampling_rate, task, min_likelihood, on_missing, drop_unlabeled)
    check_choice(mmap_mode, "mmap_mode", (None, "r", "c"))
    # Absolute paths: the cache manifest must not depend on the working directory.
    path = existing_folder(
        path,
        "PTB-XL folder",
        ". Pass the folder of an unpacked release, or use fetch_ptbxl() to "
        "download one.",
        resolve=True,
    )
    options = {
        "task": task,
        "min_likelihood": float(min_likelihood),
        "drop_unlabeled": bool(drop_unlabeled),
        "on_missing": on_missing,
    }
    cache_dir, entry, hit = resolve_cache_dir(cache), None, None
    if cache_dir is not None and (path / f"records{sampling_rate}").is_dir():
        entry = cache_entry(cache_dir, _cache_key(path, sampling_rate, options))
        hit = read_cache(entry, mmap_mode=mmap_mode)
    if hit is None:
        hit = _decode_and_pack(path, sampling_rate, options)
        if entry is not None:
            write_cache(entry, *hit)
    _warn_missing(*hit[2]["missing"])
    return _to_bunch(*hit, task=task, return_X_y=return_X_y)


def _groups(arrays):
    """Patient groups merged with identical signals (warns, also on warm loads)."""
    return duplicate_groups(
        [str(h) for h in arrays["signal_hash"]],
        [str(r) for r in arrays["record_ids"]],
        arrays["patient_ids"],
        what="PTB-XL records",
    )


def _to_bunch(data, arrays, manifest, *, task, return_X_y):
    """Assemble the public Bunch (same code for cold and warm loads)."""
    target = arrays["target"]
    groups = _groups(arrays)
    if return_X_y:
        return data, target
    names = [str(n) for n in arrays["target_names"]]
    frame = _frame_from_csv(manifest["frame_csv"])
    frame["labels"] = [[names[j] for j in np.flatnonzero(row)] for row in target]
    return Bunch(
        data=data,
        target=target,
        target_names=names,
        sfreq=float(manifest["sfreq"]),
        lead_names=[str(n) for n in arrays["lead_names"]],
        frame=frame,
        record_ids=arrays["record_ids"],
        patient_ids=arrays["patient_ids"],
        groups=groups,
        strat_fold=arrays["strat_fold"],
        task=task,
        DESCR=_DESCR,
    )
