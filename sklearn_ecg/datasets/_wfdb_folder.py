"""Loader for a user's own WFDB cohort described by a labels CSV."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import check_choice, check_sfreq
from ._io import existing_folder, safe_join
from ._labels import check_cells, read_label_table, record_id, resolve_columns
from ._records import duplicate_groups, load_records


def _check_duplicates(ids, table):
    ser = pd.Series(ids)
    dup = ser[ser.duplicated(keep=False)]
    if len(dup):
        rows = ", ".join(
            f"{table.where} {table.rows[i]}: {r!r}" for i, r in dup.iloc[:10].items()
        )
        raise ValueError(
            f"Labels table {table.name} lists records more than once ({rows}). Remove "
            "the duplicate rows."
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
    Record names lose a file extension such as ``.xml`` or ``.hea``; a name that
    is absolute or holds ``..`` (it would point outside ``path``) is refused.
    Lead names are mapped to the standard spelling (``AVR`` -> ``aVR``). The
    user's files are only read, never written.

    **Header rule.** The first row of a CSV is a header when (a) it holds a
    column name passed as ``record_column``, ``label_columns`` or
    ``patient_column``. Otherwise it is data when its record cell names a
    record in ``path``; it is a header when (b) its record cell names none
    while a later row's does and none of its other cells occurs as a value
    further down its column (``record,label`` over string labels), or (c) one
    of its cells is not a number while every other cell of that column is
    (``record;label`` over 0/1). Otherwise every row is data and columns are
    named by position (0, 1, ...).

    **Cells.** Every record, label and patient cell must be filled; with
    several label columns each label cell must be 0 or 1. One ValueError lists
    every bad cell as ``line N, column C`` (file lines counted with the header)
    or ``row N`` (1-based) for a DataFrame.

    **Groups.** ``groups`` gives records of one patient (``patient_column``) or
    with identical signals (a content hash of the float32 samples) one integer;
    identical signals also raise a
    :class:`~sklearn_ecg.datasets.DuplicateSignalWarning` naming them. Pass it
    as ``groups=`` to a grouped splitter.

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
        Target column(s). When None, the one column left besides the record and
        patient columns; a table with several such columns (e.g. a ``sex``
        covariate next to the label) is refused with an error naming them. One
        column gives a 1-D target, several a 2-D 0/1 target.
    patient_column : str or int, default=None
        Optional patient identifier column (any type: ``p0``, ``17``, ...),
        returned as ``patient_ids`` and used in ``groups``.
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
        ``frame`` (the table's kept rows, indexed by record id), ``record_ids``,
        ``patient_ids`` (None without ``patient_column``) and ``groups`` (int64
        group per record, see above).
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``path``, the labels file or (with ``on_missing="raise"``) records are
        missing.
    ValueError
        For missing or ambiguous columns, bad cells, record names outside
        ``path``, duplicate record ids, corrupt records or headers, mixed
        sampling rates, leads or lengths, an inexact resampling ratio, unknown
        lead names, or an empty selection.

    Warns
    -----
    DuplicateSignalWarning
        If records have identical signals.

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
    check_choice(on_missing, "on_missing", ("raise", "skip"))
    if sfreq is not None:
        sfreq = check_sfreq(sfreq)
    path = existing_folder(
        path, "Record folder", "; pass the folder holding the .hea files."
    )
    table = _read_table(
        _resolve_labels_path(labels, path), path, sep, record_column, label_columns,
        patient_column,
    )  # fmt: skip
    rec_col, label_cols, pat_col = resolve_columns(
        table, record_column, label_columns, patient_column
    )
    ids = check_cells(table, rec_col, label_cols, pat_col, path)
    _check_duplicates(ids, table)
    data, out_sfreq, lead_names, ok, hashes = load_records(
        [path / i for i in ids], ids, sfreq=sfreq, leads=leads, length=length,
        on_missing=on_missing,
    )  # fmt: skip
    frame = table.frame[ok].set_axis(pd.Index(np.array(ids)[ok], name="record_id"))
    patients = None if pat_col is None else frame[pat_col].to_numpy()
    groups = duplicate_groups(hashes, list(frame.index), patients)
    if return_X_y:
        return data, _target(frame, label_cols)[0]
    target, target_names = _target(frame, label_cols)
    return Bunch(
        data=data, target=target, target_names=target_names, sfreq=out_sfreq,
        lead_names=list(lead_names), frame=frame, record_ids=frame.index.to_numpy(),
        patient_ids=patients, groups=groups,
    )  # fmt: skip


def _read_table(labels, path, sep, record_column, label_columns, patient_column):
    wanted = [record_column, patient_column]
    wanted += list(label_columns) if isinstance(label_columns, list | tuple) else [
        label_columns]  # fmt: skip

    def exists(name):
        try:
            rec = safe_join(path, record_id(name), "record name", links=True)
        except ValueError:
            return False
        return rec.with_name(rec.name + ".hea").is_file()

    table = read_label_table(labels, sep=sep, names=wanted,
                             record_column=record_column, exists=exists)  # fmt: skip
    if table.frame.empty:
        raise ValueError(
            f"Labels table {table.name} has no data row; add one row per record."
        )
    return table


def _target(frame, label_cols):
    if len(label_cols) == 1:
        target = frame[label_cols[0]].to_numpy()
        return target, sorted(pd.unique(target).tolist(), key=str)
    text = frame[label_cols].astype(str)
    target = text.replace({"1.0": "1", "0.0": "0", "True": "1", "False": "0"})
    return target.astype(np.int64).to_numpy(), [str(c) for c in label_cols]
