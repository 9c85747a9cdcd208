"""Loader for a user's own WFDB cohort described by a labels CSV."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import check_sfreq
from ._io import check_option
from ._records import load_records

_RECORD_SUFFIXES = (".xml", ".hea", ".dat", ".mat", ".csv", ".edf")


def _sniff(text: str, fname) -> str:
    try:
        return csv.Sniffer().sniff(text, delimiters=",;\t|").delimiter
    except csv.Error:
        if "\n" not in text.strip() and not any(c in text for c in ",;\t|"):
            return ","  # a single column cannot be sniffed; nothing to split
        raise ValueError(
            f"Could not detect the separator of labels file {str(fname)!r}; pass "
            "sep=',' or sep=';'."
        ) from None


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _has_header(lines, sep, names) -> bool:
    """Header if a named column is in row 1, or row 1 is text where row 2 is numeric."""
    first = [t.strip().strip('"') for t in lines[0].split(sep)]
    if any(isinstance(n, str) and n in first for n in names):
        return True
    if len(lines) < 2:
        return False
    second = [t.strip().strip('"') for t in lines[1].split(sep)]
    return any(
        not _is_number(a) and _is_number(b) for a, b in zip(first[1:], second[1:])
    )


def read_labels(labels, *, sep=None, names=()) -> pd.DataFrame:
    """Read a labels table from a DataFrame or a CSV with sniffed separator/header."""
    if isinstance(labels, pd.DataFrame):
        return labels.copy()
    fname = Path(labels)
    if not fname.is_file():
        raise FileNotFoundError(
            f"Labels file {str(fname)!r} not found; pass labels= as an existing CSV "
            "path or a pandas DataFrame."
        )
    text = fname.read_text(encoding="utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ValueError(
            f"Labels file {str(fname)!r} is empty; add one row per record."
        )
    sep = sep if sep is not None else _sniff("\n".join(lines[:50]), fname)
    header = 0 if _has_header(lines, sep, names) else None
    try:
        return pd.read_csv(fname, sep=sep, header=header, skipinitialspace=True)
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValueError(
            f"Labels file {str(fname)!r} could not be parsed with sep={sep!r} ({exc})."
            " Pass the right sep=."
        ) from exc


def _column(table, col, fname, role):
    if col in table.columns:
        return col
    raise ValueError(
        f"Labels table {fname} has no {role} column {col!r}; its columns are "
        f"{list(table.columns)}. Pass {role}_column= (a name, or a position when the "
        "file has no header)."
    )


def _record_ids(values) -> list[str]:
    """Record names with a known file extension stripped (``123.xml`` -> ``123``)."""
    out = []
    for v in values:
        name = str(v).strip()
        stem, ext = os.path.splitext(name)
        out.append(stem if ext.lower() in _RECORD_SUFFIXES else name)
    return out


def _check_duplicates(ids, fname):
    ser = pd.Series(ids)
    dup = ser[ser.duplicated(keep=False)]
    if len(dup):
        rows = ", ".join(f"row {i + 1}: {r!r}" for i, r in dup.iloc[:10].items())
        raise ValueError(
            f"Labels table {fname} lists records more than once ({rows}). Remove the "
            "duplicate rows."
        )


def _resolve_labels_path(labels, path):
    if isinstance(labels, str | os.PathLike):
        labels = Path(labels).expanduser()
        if (
            not labels.is_absolute()
            and not labels.exists()
            and (path / labels).exists()
        ):
            return path / labels
    return labels


def load_wfdb_folder(
    path: str | os.PathLike,
    *,
    labels,
    record_column=None,
    label_columns=None,
    patient_column=None,
    sep: str | None = None,
    sfreq: float | None = None,
    leads=None,
    length=None,
    on_missing: str = "raise",
    return_X_y: bool = False,
):
    """Load a folder of WFDB records listed in a labels table (a user's cohort).

    Every record named in ``labels`` is read from ``path`` with wfdb. The table may
    be a CSV with any common separator (sniffed) and with or without a header, as
    in the seed study's pulmonary-embolism data (``<id>.xml;0``, no header).
    Record names lose a file extension such as ``.xml`` or ``.hea``. Lead names
    are mapped to the standard spelling (``AVR`` -> ``aVR``). The user's files are
    only read, never written.

    Parameters
    ----------
    path : str or path-like
        Folder holding the records (``<record>.hea`` plus signal files). Record
        names may contain sub-folders.
    labels : str, path-like or DataFrame
        The labels table; a relative path is also looked up inside ``path``.
    record_column : str or int, default=None
        Column of record names; the first column when None. Use positions (0, 1,
        ...) for a file without header.
    label_columns : str, int or list, default=None
        Target column(s); all columns except the record and patient columns when
        None. One column gives a 1-D target, several a 2-D target.
    patient_column : str or int, default=None
        Optional patient identifier column, returned as ``patient_ids`` for
        grouped splits.
    sep : str, default=None
        Separator of the CSV; sniffed among ``, ; tab |`` when None.
    sfreq : float, default=None
        Resample every record to this rate (polyphase, anti-aliased). When None,
        all records must share one rate, which is then reported.
    leads : list of str, default=None
        Leads to keep, in this order (e.g. the 12 standard leads of a 15-lead
        record). When None, all records must have the same leads.
    length : int, "list" or None, default=None
        None requires equal lengths; an int crops (first samples) or zero-pads at
        the end to that many samples (after resampling); "list" returns a list of
        (n_leads, n_times_i) arrays, e.g. for
        :class:`~sklearn_ecg.preprocessing.FixedLength`.
    on_missing : {"raise", "skip"}, default="raise"
        Missing or corrupt records raise an error naming them, or with "skip" are
        left out with a warning listing them.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 ndarray of shape (n_records, n_leads, n_times), or
        a list), ``target``, ``target_names``, ``sfreq``, ``lead_names``,
        ``frame`` (the table's kept rows, indexed by record id), ``record_ids``
        and ``patient_ids`` (None without ``patient_column``).
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``path``, the labels file or (with ``on_missing="raise"``) records are
        missing.
    ValueError
        For missing columns, duplicate record ids, corrupt records, mixed sampling
        rates, leads or lengths, unknown lead names, or an empty selection.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_wfdb_folder
    >>> from sklearn_ecg.utils import get_shared_data_dir
    >>> root = get_shared_data_dir() / "ptbdb_sample"
    >>> import pandas as pd
    >>> table = pd.DataFrame({"record": ["s0010_re"], "mi": [1]})
    >>> if root.is_dir():  # doctest: +SKIP
    ...     ds = load_wfdb_folder(root, labels=table, leads=["I", "II", "V1"])
    ...     ds.data.shape, ds.sfreq
    ((1, 3, 38400), 1000.0)
    """
    check_option(on_missing, "on_missing", ("raise", "skip"))
    if sfreq is not None:
        sfreq = check_sfreq(sfreq)
    path = Path(path).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            f"Record folder {str(path)!r} does not exist; pass the folder holding the "
            ".hea files."
        )
    table, fname, rec_col, label_cols, pat_col = _read_table(
        _resolve_labels_path(labels, path), sep, record_column, label_columns,
        patient_column,
    )  # fmt: skip
    ids = _record_ids(table[rec_col])
    _check_duplicates(ids, fname)
    data, out_sfreq, lead_names, ok = load_records(
        [path / i for i in ids], ids, sfreq=sfreq, leads=leads, length=length,
        on_missing=on_missing,
    )  # fmt: skip
    table = table[ok].set_axis(pd.Index(np.array(ids)[ok], name="record_id"))
    return _folder_bunch(data, table, label_cols, pat_col, out_sfreq, lead_names,
                         return_X_y)  # fmt: skip


def _read_table(labels, sep, record_column, label_columns, patient_column):
    """Read the labels table and resolve its record, label and patient columns."""
    fname = repr(str(labels)) if not isinstance(labels, pd.DataFrame) else "(frame)"
    wanted = [record_column, patient_column]
    wanted += label_columns if isinstance(label_columns, list) else [label_columns]
    table = read_labels(labels, sep=sep, names=wanted)
    rec_col = _column(table, table.columns[0] if record_column is None
                      else record_column, fname, "record")  # fmt: skip
    pat_col = None if patient_column is None else _column(
        table, patient_column, fname, "patient")  # fmt: skip
    if label_columns is None:
        label_cols = [c for c in table.columns if c not in (rec_col, pat_col)]
    else:
        cols = label_columns if isinstance(label_columns, list) else [label_columns]
        label_cols = [_column(table, c, fname, "label") for c in cols]
    if not label_cols or table.empty:
        raise ValueError(
            f"Labels table {fname} has no label column or no row; it needs a record "
            "column and at least one label column."
        )
    return table, fname, rec_col, label_cols, pat_col


def _folder_bunch(data, table, label_cols, pat_col, sfreq, lead_names, return_X_y):
    if len(label_cols) == 1:
        target = table[label_cols[0]].to_numpy()
        target_names = sorted(pd.unique(target).tolist(), key=str)
    else:
        target = table[label_cols].to_numpy()
        target_names = [str(c) for c in label_cols]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=target_names,
        sfreq=sfreq,
        lead_names=list(lead_names),
        frame=table,
        record_ids=table.index.to_numpy(),
        patient_ids=None if pat_col is None else table[pat_col].to_numpy(),
    )
