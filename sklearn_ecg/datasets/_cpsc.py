"""CPSC2018 loader: original .mat + REFERENCE.csv layout and the CinC WFDB layout."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.io import loadmat
from sklearn.utils import Bunch

from ..utils import STANDARD_LEADS, check_choice, check_sfreq
from ._io import existing_folder, read_record
from ._records import apply_length, duplicate_groups, load_records

#: The nine CPSC2018 classes and the SNOMED-CT codes of the CinC 2020/2021 headers
#: mapped to each (a record has the class when it has any of its codes). LBBB,
#: RBBB and PAC hold exactly the pairs the CinC 2021 challenge scores as one class
#: (complete/unspecified bundle branch block, atrial/supraventricular premature
#: beats). PVC holds 427172004 and 17338001, which the challenge also scores as
#: one class, **plus** "ventricular ectopics" (VEB, 164884008): the code CinC
#: gives CPSC2018's own PVC records, which the challenge does not score at all
#: (so not as equivalent to PVC). The first code of each class is the one written
#: for the original CPSC2018 layout.
CPSC_CLASSES = ("SNR", "AF", "IAVB", "LBBB", "RBBB", "PAC", "PVC", "STD", "STE")
CPSC_SNOMED = {
    "SNR": ("426783006",),
    "AF": ("164889003",),
    "IAVB": ("270492004",),
    # The challenge scores these pairs as one class (complete/unspecified block,
    # atrial/supraventricular premature beats); PVC adds the unscored VEB code.
    "LBBB": ("164909002", "733534002"),
    "RBBB": ("59118001", "713427006"),
    "PAC": ("284470004", "63593006"),
    "PVC": ("164884008", "427172004", "17338001"),
    "STD": ("429622005",),
    "STE": ("164931005",),
}
_CODE_TO_CPSC = {code: name for name, codes in CPSC_SNOMED.items() for code in codes}

_DESCR = """CPSC2018 12-lead ECGs (Liu et al. 2018), 500 Hz, 6-60 s, 9 classes:
SNR, AF, IAVB, LBBB, RBBB, PAC, PVC, STD, STE (multi-label). The CinC 2020/2021
WFDB copies label records with SNOMED-CT codes on the header's ``# Dx:`` line.
"""


def _detect_format(path: Path) -> str:
    if any(path.rglob("*.hea")):
        return "wfdb"
    if (path / "REFERENCE.csv").is_file():
        return "cpsc2018"
    raise FileNotFoundError(
        f"{str(path)!r} holds neither WFDB headers (*.hea, CinC layout) nor "
        "REFERENCE.csv (original CPSC2018 layout). Pass the folder of the unpacked "
        "data set."
    )


def _parse_comments(comments) -> dict:
    """``# Dx: a,b`` / ``# Age: 74`` / ``# Sex: Male`` header lines -> dict."""
    out = {"dx": [], "age": np.nan, "sex": None}
    for line in comments:
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "dx":
            out["dx"] = [c.strip() for c in value.split(",") if c.strip()]
        elif key == "age":
            out["age"] = float(value) if value.replace(".", "", 1).isdigit() else np.nan
        elif key == "sex":
            out["sex"] = value
    return out


def _read_wfdb_layout(path, leads, sfreq, length, on_missing):
    headers = sorted(path.rglob("*.hea"))
    ids = [str(h.relative_to(path).with_suffix("")) for h in headers]
    meta = {}

    def reader(rec):
        signal, rate, names, comments = read_record(rec, comments=True)
        meta[str(rec)] = _parse_comments(comments)
        return signal, rate, names

    paths = [h.with_suffix("") for h in headers]
    data, rate, names, ok, hashes = load_records(
        paths, ids, sfreq=sfreq, leads=leads, length=length, on_missing=on_missing,
        reader=reader,
    )  # fmt: skip
    rows = [{"record": i, **meta[str(p)]} for i, p, k in zip(ids, paths, ok) if k]
    return data, rate, names, pd.DataFrame(rows).assign(signal_hash=hashes)


def _read_mat(fname):
    """One original CPSC2018 file: MATLAB struct ECG with data (12, n), sex, age."""
    if not os.path.isfile(fname):
        raise FileNotFoundError(
            f"CPSC2018 record {str(fname)!r} listed in REFERENCE.csv is missing."
        )
    try:
        ecg = loadmat(fname, squeeze_me=True, struct_as_record=False)["ECG"]
        signal = np.asarray(ecg.data, dtype=np.float32)
    except Exception as exc:  # scipy raises several types on malformed files
        raise ValueError(
            f"CPSC2018 record {str(fname)!r} is corrupt or not an ECG struct "
            f"({type(exc).__name__}: {exc}). Re-download it."
        ) from exc
    if signal.ndim != 2 or signal.shape[0] != 12:
        raise ValueError(
            f"CPSC2018 record {str(fname)!r} has data of shape {signal.shape}; "
            "expected (12, n_times)."
        )
    return signal, 500.0, list(STANDARD_LEADS)


def _read_original_layout(path, leads, sfreq, length, on_missing):
    ref = pd.read_csv(path / "REFERENCE.csv", dtype=str)
    if "Recording" not in ref.columns:
        raise ValueError(
            f"{str(path / 'REFERENCE.csv')!r} has no 'Recording' column; expected "
            "the CPSC2018 header Recording,First_label,Second_label,Third_label."
        )
    ids = ref["Recording"].str.strip().tolist()
    data, rate, names, ok, hashes = load_records(
        [path / f"{i}.mat" for i in ids], ids, sfreq=sfreq, leads=leads,
        length=length, on_missing=on_missing, reader=_read_mat,
    )  # fmt: skip
    label_cols = [c for c in ref.columns if c != "Recording"]
    rows = []
    for i, (_, row) in zip(ids, ref.iterrows()):
        values = row[label_cols].dropna().tolist()
        if not all(v.strip() in {str(k) for k in range(1, 10)} for v in values):
            raise ValueError(
                f"REFERENCE.csv row for {i!r} has labels {values}; CPSC2018 labels "
                "are integers 1-9. Fix the row."
            )
        labels = {CPSC_CLASSES[int(v) - 1] for v in values}
        dx = [CPSC_SNOMED[c][0] for c in CPSC_CLASSES if c in labels]
        rows.append({"record": i, "dx": dx, "age": np.nan, "sex": None})
    frame = pd.DataFrame([r for r, k in zip(rows, ok) if k])
    return data, rate, names, frame.assign(signal_hash=hashes)


def _encode(dx_lists, classes):
    """Multi-hot target and names for ``classes`` ("cpsc", "snomed" or codes)."""
    if isinstance(classes, str) and classes == "cpsc":
        names = list(CPSC_CLASSES)
        labels = [
            {_CODE_TO_CPSC[c] for c in dx if c in _CODE_TO_CPSC} for dx in dx_lists
        ]
    elif isinstance(classes, str) and classes == "snomed":
        names = sorted({c for dx in dx_lists for c in dx}, key=int)
        labels = [set(dx) for dx in dx_lists]
    elif not isinstance(classes, str) and all(str(c).isdigit() for c in classes):
        names = [str(c) for c in classes]
        labels = [set(dx) for dx in dx_lists]
    else:
        raise ValueError(
            f"classes={classes!r} is not supported; use 'cpsc' (the 9 CPSC2018 "
            "classes), 'snomed' (every code present) or a list of SNOMED-CT codes."
        )
    col = {n: j for j, n in enumerate(names)}
    target = np.zeros((len(dx_lists), len(names)), dtype=np.int64)
    for i, labs in enumerate(labels):
        target[i, [col[x] for x in labs if x in col]] = 1
    return target, names


def load_cpsc2018(
    path: str | os.PathLike,
    *,
    format: str = "auto",
    classes="cpsc",
    sfreq: float | None = None,
    leads=None,
    length=5000,
    drop_unlabeled: bool = False,
    on_missing: str = "raise",
    return_X_y: bool = False,
):
    """Load CPSC2018, or a CinC 2020/2021 WFDB folder, with multi-label targets.

    Two layouts are read:

    - ``"cpsc2018"``: the original challenge files, ``<rec>.mat`` (MATLAB struct
      ``ECG.data``, 12 x n, mV, 500 Hz) plus ``REFERENCE.csv`` (labels 1-9).
    - ``"wfdb"``: the PhysioNet/CinC 2020/2021 layout, ``<rec>.hea`` + ``.mat``
      with SNOMED-CT codes on the ``# Dx:`` header line (searched recursively, so
      the CinC 2021 root with its source sub-folders works too).

    Codes are mapped to the 9 CPSC classes SNR, AF, IAVB, LBBB, RBBB, PAC, PVC, STD,
    STE by ``CPSC_SNOMED``: a record has a class when it has any of its codes.
    LBBB (164909002, 733534002), RBBB (59118001, 713427006) and PAC (284470004,
    63593006) are the pairs the CinC 2021 challenge scores as one class. PVC
    takes 427172004 and 17338001 (also one class for the challenge) **and**
    ventricular ectopics (VEB, 164884008), the code of CPSC2018's own PVC
    records in the CinC headers, which the challenge does not score, so a PVC
    target here is broader than the challenge's PVC class.

    **Length policy.** CPSC records last 6-60 s. By default every record is cut to
    its first 5,000 samples (10 s at 500 Hz, as in the seed study) and shorter
    ones are zero-padded at the end; ``length=None`` requires equal lengths and
    ``length="list"`` returns the records uncut as a list, for
    :class:`~sklearn_ecg.preprocessing.FixedLength` or cropping at train time.
    ``frame["n_times"]`` keeps the original length.

    Parameters
    ----------
    path : str or path-like
        Folder of the data set.
    format : {"auto", "cpsc2018", "wfdb"}, default="auto"
        Layout; "auto" picks "wfdb" when ``.hea`` files exist.
    classes : "cpsc", "snomed" or list of str, default="cpsc"
        Target columns: the 9 CPSC classes, every SNOMED-CT code present (sorted),
        or the given codes. ``frame["dx"]`` always holds all codes of a record.
    sfreq : float, default=None
        Resample to this rate first; None requires one rate (500 Hz for CPSC).
    leads : list of str, default=None
        Leads to keep; all (12) when None.
    length : int, "list" or None, default=5000
        Samples per record after resampling, see the length policy.
    drop_unlabeled : bool, default=False
        Drop records with no target class (CinC sources other than CPSC have
        many); kept as all-zero rows by default.
    on_missing : {"raise", "skip"}, default="raise"
        Missing or corrupt records raise an error naming them, or are skipped
        with a warning listing them.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 (n_records, n_leads, n_times) or a list),
        ``target`` (int64 multi-hot (n_records, n_classes)), ``target_names``,
        ``sfreq``, ``lead_names``, ``frame`` (``dx``, ``age``, ``sex``,
        ``n_times`` by record), ``record_ids``, ``patient_ids`` (None: neither
        the CinC headers nor REFERENCE.csv give patients), ``groups`` (int64;
        one value per record, shared by records with identical signals) and
        ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Warns
    -----
    DuplicateSignalWarning
        If records have identical signals (the CinC 2021 sample has one pair,
        ``E07509`` and ``E07510``).

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_cpsc2018
    >>> from sklearn_ecg.utils import get_shared_data_dir
    >>> root = get_shared_data_dir() / "cinc2021_sample"
    >>> if root.is_dir():  # doctest: +SKIP
    ...     ds = load_cpsc2018(root)
    ...     ds.data.shape, ds.target_names[:3]
    ((60, 12, 5000), ['SNR', 'AF', 'IAVB'])
    """
    check_choice(format, "format", ("auto", "cpsc2018", "wfdb"))
    check_choice(on_missing, "on_missing", ("raise", "skip"))
    if sfreq is not None:
        sfreq = check_sfreq(sfreq)
    path = existing_folder(path, "CPSC2018 folder", "; pass the unpacked data set.")
    fmt = _detect_format(path) if format == "auto" else format
    read = _read_wfdb_layout if fmt == "wfdb" else _read_original_layout
    # Read uncut first so the frame can report each record's original length.
    signals, rate, names, frame = read(path, leads, sfreq, "list", on_missing)
    target, target_names = _encode(frame["dx"].tolist(), classes)
    frame["n_times"] = [s.shape[-1] for s in signals]
    keep = target.any(axis=1) if drop_unlabeled else np.ones(len(frame), bool)
    if not keep.any():
        raise ValueError(
            f"No record in {str(path)!r} has one of the classes {target_names}; "
            "check classes= or pass drop_unlabeled=False."
        )
    frame, target = frame[keep].set_index("record"), target[keep]
    ids = frame.index.tolist()
    data = apply_length([s for s, k in zip(signals, keep) if k], ids, length)
    groups = duplicate_groups(frame.pop("signal_hash").tolist(), ids)
    if return_X_y:
        return data, target
    return Bunch(
        data=data, target=target, target_names=target_names, sfreq=rate,
        lead_names=list(names), frame=frame, record_ids=np.array(ids),
        patient_ids=None, groups=groups, DESCR=_DESCR,
    )  # fmt: skip
