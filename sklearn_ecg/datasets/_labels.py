"""Labels tables for :func:`load_wfdb_folder`: reading, header rule, cell checks.

Rows are named as the user sees them: ``line N`` of a CSV file (blank lines and
the header counted), ``row N`` (1-based) of a DataFrame.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import safe_join

_SEPARATORS = ",;\t|"
_RECORD_SUFFIXES = (".xml", ".hea", ".dat", ".mat", ".csv", ".edf")
_MAX_LISTED = 10
_BINARY = ("0", "1", "0.0", "1.0", "True", "False")


class LabelTable:
    """A parsed labels table: ``frame`` (typed cells) and the user's row numbers."""

    def __init__(self, frame: pd.DataFrame, rows, where: str, name: str):
        self.frame, self.rows, self.where, self.name = frame, list(rows), where, name

    def cell(self, i: int, col) -> str:
        return f"{self.where} {self.rows[i]}, column {col!r}"


def record_id(value) -> str:
    """Record name with a known file extension stripped (``123.xml`` -> ``123``)."""
    name = str(value).strip()
    stem, ext = os.path.splitext(name)
    return stem if ext.lower() in _RECORD_SUFFIXES else name


def _is_number(token) -> bool:
    try:
        float(token)
    except (TypeError, ValueError):
        return False
    return True


def _decode(fname: Path) -> str:
    raw = fname.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\0"
    if "\0" in text:
        raise ValueError(
            f"Labels file {str(fname)!r} is not a text CSV (binary or not UTF-8). "
            "Pass a CSV of record names and labels, e.g. 'ecg1.xml;1' per line."
        )
    return text


def _separator(lines, fname, sep) -> str:
    if sep is not None:
        return sep
    sample = [ln for _, ln in lines[:50]]
    if not any(c in ln for ln in sample for c in _SEPARATORS):
        raise ValueError(
            f"Labels file {str(fname)!r} has a single column (no ',', ';', tab or '|'"
            " on any line): it names records but gives no label. Add a label column "
            "(e.g. 'ecg1.xml;1'), or pass sep= if another character separates them."
        )
    try:
        return csv.Sniffer().sniff("\n".join(sample), delimiters=_SEPARATORS).delimiter
    except csv.Error:
        raise ValueError(
            f"Could not detect the separator of labels file {str(fname)!r}; pass "
            "sep=',' or sep=';'."
        ) from None


def _typed(column: list[str]) -> pd.Series:
    """Numbers when every non-empty cell is one (ints when whole), else strings."""
    filled = [c for c in column if c != ""]
    if filled and all(_is_number(c) for c in filled):
        # float() also reads 'nan'/'inf' (pandas does not): a 'nan' cell is empty.
        values = pd.Series([float(c) if c else np.nan for c in column])
        whole = values.dropna()
        if len(whole) == len(values) and np.isfinite(whole).all() and (
            whole == whole.round()
        ).all():
            return values.astype(np.int64)
        return values
    return pd.Series([c if c else None for c in column], dtype=object)


def _has_header(rows, record_pos, names, exists) -> bool:
    """Apply the header rule documented in :func:`load_wfdb_folder`."""
    first, rest = rows[0], rows[1:]
    if any(isinstance(n, str) and n in first for n in names):
        return True
    named = [exists(r[record_pos]) for r in rows]
    if named[0]:
        return False  # row 1 names a record on disk: it is data
    if any(named[1:]) and not any(
        cell in {r[j] for r in rest} for j, cell in enumerate(first) if j != record_pos
    ):
        return True  # names no record, and its cells are no values of the columns
    for j, cell in enumerate(first):
        others = [r[j] for r in rest if r[j] != ""]
        if others and not _is_number(cell) and all(_is_number(c) for c in others):
            return True
    return False


def read_label_table(labels, *, sep=None, names=(), record_column=None, exists=None):
    """Read a DataFrame or a CSV (sniffed separator, header rule) as a LabelTable."""
    if isinstance(labels, pd.DataFrame):
        frame = labels.reset_index(drop=True).copy()
        return LabelTable(frame, range(1, len(frame) + 1), "row", "(frame)")
    fname = Path(labels)
    if not fname.is_file():
        raise FileNotFoundError(
            f"Labels file {str(fname)!r} not found; pass labels= as an existing CSV "
            "path or a pandas DataFrame."
        )
    lines = [(n, ln) for n, ln in enumerate(_decode(fname).splitlines(), 1)
             if ln.strip()]  # fmt: skip
    if not lines:
        raise ValueError(
            f"Labels file {str(fname)!r} is empty; add one row per record."
        )
    sep = _separator(lines, fname, sep)
    rows = [[c.strip() for c in row]
            for row in csv.reader([ln for _, ln in lines], delimiter=sep,
                                  skipinitialspace=True)]  # fmt: skip
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        bad = [n for (n, _), r in zip(lines, rows) if len(r) != len(rows[0])]
        raise ValueError(
            f"Labels file {str(fname)!r} has rows with {sorted(widths)} cells (sep="
            f"{sep!r}); line(s) {bad[:_MAX_LISTED]} differ from line {lines[0][0]}. "
            "Give every row the same columns."
        )
    pos = record_column if isinstance(record_column, int) else 0
    header = _has_header(rows, min(pos, len(rows[0]) - 1), names,
                         exists or (lambda _: False))  # fmt: skip
    columns = rows[0] if header else list(range(len(rows[0])))
    if header and len(set(columns)) != len(columns):
        raise ValueError(
            f"Labels file {str(fname)!r} repeats a column name: {columns}."
        )
    body, numbers = (rows[1:], lines[1:]) if header else (rows, lines)
    frame = pd.DataFrame(
        {c: _typed([r[j] for r in body]) for j, c in enumerate(columns)}
    )
    return LabelTable(frame, [n for n, _ in numbers], "line", repr(str(fname)))


def _column(table: LabelTable, col, role):
    if col in table.frame.columns:
        return col
    raise ValueError(
        f"Labels table {table.name} has no {role} column {col!r}; its columns are "
        f"{list(table.frame.columns)}. Pass {role}_column{'s' * (role == 'label')}= "
        "(a name, or a position when "
        "the file has no header)."
    )


def resolve_columns(table: LabelTable, record_column, label_columns, patient_column):
    """Return ``(record, labels, patient)`` columns; refuse an ambiguous choice."""
    columns = list(table.frame.columns)
    rec = _column(table, columns[0] if record_column is None else record_column,
                  "record")  # fmt: skip
    pat = None if patient_column is None else _column(table, patient_column, "patient")
    if label_columns is not None:
        wanted = label_columns if isinstance(label_columns, list | tuple) else [
            label_columns]  # fmt: skip
        return rec, [_column(table, c, "label") for c in wanted], pat
    candidates = [c for c in columns if c not in (rec, pat)]
    if not candidates:
        raise ValueError(
            f"Labels table {table.name} has only the record column {rec!r}"
            + (f" and the patient column {pat!r}" if pat is not None else "")
            + "; add a label column."
        )
    if len(candidates) > 1:
        raise ValueError(
            f"Labels table {table.name} has several columns that could be labels: "
            f"{candidates}. Name the target: label_columns=[{candidates[0]!r}] (CLI: "
            f"--label-column {candidates[0]}), list several for a multi-label target, "
            "and patient_column= for a patient id column."
        )
    return rec, candidates, pat


def _empty(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and not value.strip())  # fmt: skip


def _shown(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _record_problems(table: LabelTable, rec, root, problems) -> list[str]:
    ids = []
    for i, value in enumerate(table.frame[rec]):
        if _empty(value):
            problems.append(f"{table.cell(i, rec)}: empty record name")
            ids.append("")
            continue
        ids.append(record_id(value))
        try:
            safe_join(root, ids[-1], "record name", links=True)
        except ValueError:
            problems.append(
                f"{table.cell(i, rec)}: {value!r} points outside the folder"
            )
    return ids


def check_cells(table: LabelTable, rec, label_cols, pat, root) -> list[str]:
    """Check every cell; raise one ValueError naming each bad one. Return record ids."""
    problems = []
    ids = _record_problems(table, rec, root, problems)
    multi = len(label_cols) > 1
    for col in label_cols + ([pat] if pat is not None else []):
        for i, value in enumerate(table.frame[col]):
            if _empty(value):
                problems.append(f"{table.cell(i, col)}: empty")
            elif isinstance(value, float) and not np.isfinite(value):
                problems.append(f"{table.cell(i, col)}: {value!r} is not finite")
            elif multi and col != pat and str(value) not in _BINARY:
                bad = _shown(value)
                problems.append(f"{table.cell(i, col)}: {bad!r} is not 0 or 1")
    if problems:
        shown = "; ".join(problems[:_MAX_LISTED])
        more = f" and {len(problems) - _MAX_LISTED} more" if len(problems) > 10 else ""
        raise ValueError(
            f"Labels table {table.name} has {len(problems)} bad cell(s): {shown}{more}."
            " Fill or fix them (several label columns must hold 0/1; a record name "
            "must be relative to the folder, without '..')."
        )
    return ids
