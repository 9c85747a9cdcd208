"""``--data KIND:PATH`` parsing and loading, shared by every subcommand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._errors import CLIError

DATA_KINDS = ("ptbxl", "cpsc2018", "wfdb", "synthetic")
SYNTHETIC_TASKS = {
    # A PE-like binary target: small, imbalanced, subtle (the demo's target).
    "pe": dict(classes=("normal", "pe"), weights=(0.75, 0.25), effect_size=0.5),
    # A PTB-XL-like multi-class source (the demo's pretraining data).
    "ptbxl": dict(classes=("normal", "mi", "sttc", "cd", "hyp"), effect_size=1.0),
}
DATA_HELP = (
    "ptbxl:PATH (PTB-XL release folder), cpsc2018:PATH (CPSC2018 or CinC WFDB "
    "folder), wfdb:PATH with --labels CSV (your own cohort), or "
    "synthetic:pe[:N] / synthetic:ptbxl[:N] (make_ecg, no files needed)"
)


@dataclass
class ECGData:
    """Signals plus the metadata the command needs, whatever the source."""

    X: np.ndarray
    y: np.ndarray
    target_names: list[str]
    sfreq: float
    lead_names: list[str] | None = None
    record_ids: list[str] | None = None
    groups: np.ndarray | None = None
    folds: np.ndarray | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)


def parse_data_spec(spec: str) -> tuple[str, str]:
    """Split ``KIND:PATH`` at the first colon and check the kind."""
    kind, sep, rest = str(spec).partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in DATA_KINDS:
        raise CLIError(
            f"--data {spec!r} is not of the form KIND:PATH with KIND one of "
            f"{', '.join(DATA_KINDS)}; e.g. --data ptbxl:/data/ptb-xl."
        )
    if kind != "synthetic" and not rest:
        raise CLIError(f"--data {spec!r} names no path; write {kind}:PATH.")
    return kind, rest


def load_data(
    spec: str,
    *,
    labels: str | None = None,
    split: str = "all",
    target_column: str | None = None,
    sfreq: float | None = None,
    skip_missing: bool = False,
    random_state: int = 0,
    label_columns: list[str] | None = None,
    patient_column: str | None = None,
) -> ECGData:
    """Load ``--data`` (and ``--labels``) into an :class:`ECGData`.

    ``split`` selects PTB-XL's official folds ("train" = folds 1-9, "test" =
    fold 10); other sources have no official split and ignore it.
    ``target_column`` turns a multi-label target into one binary column, and
    ``sfreq`` resamples every record (the WFDB and CPSC2018 loaders do it per
    record, so folders of mixed rates load). ``skip_missing`` loads the records
    present on disk when a labels table lists more (a partial copy of a
    release). ``label_columns`` and ``patient_column`` name the columns of a
    ``wfdb`` labels file.
    """
    kind, path = parse_data_spec(spec)
    if kind == "wfdb" and not labels:
        raise CLIError("--data wfdb:PATH needs --labels CSV (record name, label).")
    if kind != "synthetic" and not Path(path).expanduser().exists():
        raise CLIError(f"--data {spec!r}: the path {path!r} does not exist.")
    if labels and not Path(labels).expanduser().is_file():
        raise CLIError(f"--labels {labels!r}: no such file.")
    loader = {
        "ptbxl": _load_ptbxl,
        "cpsc2018": _load_cpsc2018,
        "wfdb": _load_wfdb,
        "synthetic": _load_synthetic,
    }[kind]
    if kind != "wfdb" and (label_columns or patient_column):
        raise CLIError(
            "--label-column and --patient-column apply to --data wfdb:PATH only."
        )
    on_missing = "skip" if skip_missing else "raise"
    extra = {"sfreq": sfreq} if kind == "cpsc2018" else {}
    if kind == "wfdb":
        extra = dict(sfreq=sfreq, label_columns=label_columns,
                     patient_column=patient_column)  # fmt: skip
    data = loader(
        path, labels=labels, on_missing=on_missing, random_state=random_state, **extra
    )
    data.extra["dataset"] = _dataset_key(kind, path, random_state)
    if kind == "ptbxl" and split != "all":
        data = _ptbxl_split(data, split)
    if target_column is not None:
        data = _select_column(data, target_column)
    if sfreq is not None and float(sfreq) != data.sfreq:
        data = _resample(data, float(sfreq))
    return data


def _dataset_key(kind: str, path: str, random_state) -> str:
    """Namespace of the dataset's record and patient ids (see ``_overlap``)."""
    if kind in ("ptbxl", "cpsc2018"):
        return kind
    if kind == "synthetic":
        return f"synthetic:{path}:seed{random_state}"
    return f"{kind}:{Path(path).expanduser().resolve()}"


def _bunch_to_data(bunch, description: str) -> ECGData:
    frame = getattr(bunch, "frame", None)
    ids = _first_attr(bunch, "record_ids", "record_names", "ids", "records")
    # groups also merge identical signals under two names (see load_wfdb_folder).
    groups = _first_attr(bunch, "groups", "patient_ids")
    folds = _first_attr(bunch, "folds", "strat_fold")
    if (
        folds is None
        and frame is not None
        and "strat_fold" in getattr(frame, "columns", ())
    ):
        folds = frame["strat_fold"].to_numpy()
    return ECGData(
        X=np.asarray(bunch.data, dtype=np.float32),
        y=np.asarray(bunch.target),
        target_names=[str(t) for t in getattr(bunch, "target_names", [])],
        sfreq=float(bunch.sfreq),
        lead_names=_as_list(getattr(bunch, "lead_names", None)),
        record_ids=_as_list(ids),
        groups=None if groups is None else np.asarray(groups),
        folds=None if folds is None else np.asarray(folds),
        description=description,
    )


def _first_attr(obj, *names):
    for name in names:
        value = getattr(obj, name, None) if not isinstance(obj, dict) else obj.get(name)
        if value is not None:
            return value
    return None


def _as_list(value):
    return None if value is None else [str(v) for v in value]


def _load_ptbxl(path, *, labels, on_missing, random_state):
    from sklearn_ecg.datasets import load_ptbxl

    return _bunch_to_data(
        _call_loader(load_ptbxl, path, on_missing=on_missing), f"PTB-XL ({path})"
    )


def _load_cpsc2018(path, *, labels, on_missing, random_state, sfreq=None):
    from sklearn_ecg.datasets import load_cpsc2018 as load

    return _bunch_to_data(
        _call_loader(load, path, sfreq=sfreq, on_missing=on_missing),
        f"CPSC2018 ({path})",
    )


def _load_wfdb(path, *, labels, on_missing, random_state, **columns):
    from sklearn_ecg.datasets import load_wfdb_folder as load

    return _bunch_to_data(
        _call_loader(load, path, labels=labels, on_missing=on_missing, **columns),
        f"WFDB folder ({path})",
    )


def _call_loader(loader, *args, **kwargs):
    # Loader errors (missing records, bad CSV) already name the file and the
    # fix; the command turns them into one line.
    try:
        return loader(*args, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise CLIError(f"could not load {args[0]!r}: {exc}") from exc


def _load_synthetic(rest, *, labels, on_missing, random_state):
    from sklearn_ecg.datasets import make_ecg

    task, _, n = rest.partition(":")
    task = task or "pe"
    if task not in SYNTHETIC_TASKS:
        raise CLIError(
            f"--data synthetic:{rest!r}: unknown task {task!r}; use one of "
            f"{', '.join(SYNTHETIC_TASKS)}."
        )
    try:
        n_records = int(n) if n else 200
    except ValueError:
        raise CLIError(
            f"--data synthetic:{rest}: {n!r} is not a record count."
        ) from None
    bunch = make_ecg(
        n_records=n_records,
        sfreq=100.0,
        random_state=random_state,
        **SYNTHETIC_TASKS[task],
    )
    return _bunch_to_data(bunch, f"synthetic {task} ({n_records} records, make_ecg)")


def _ptbxl_split(data: ECGData, split: str) -> ECGData:
    if data.folds is None:
        raise CLIError(
            "--split needs PTB-XL's strat_fold, which the loader did not give."
        )
    mask = {"train": data.folds <= 9, "test": data.folds == 10}.get(split)
    if mask is None:
        raise CLIError(f"--split {split!r} is not one of all, train, test.")
    return subset(data, mask)


def subset(data: ECGData, mask) -> ECGData:
    """Return the records selected by a boolean mask or index array."""
    idx = np.flatnonzero(mask) if np.asarray(mask).dtype == bool else np.asarray(mask)
    pick = lambda a: None if a is None else np.asarray(a)[idx]  # noqa: E731
    return ECGData(
        X=data.X[idx],
        y=data.y[idx],
        target_names=data.target_names,
        sfreq=data.sfreq,
        lead_names=data.lead_names,
        record_ids=None
        if data.record_ids is None
        else [str(v) for v in pick(data.record_ids)],
        groups=pick(data.groups),
        folds=pick(data.folds),
        description=data.description,
        extra=dict(data.extra),
    )


def _select_column(data: ECGData, name: str) -> ECGData:
    if data.y.ndim != 2:
        raise CLIError("--target-column applies to multi-label data only.")
    names = [n.lower() for n in data.target_names]
    if name.lower() not in names:
        raise CLIError(
            f"--target-column {name!r} is not a label of this dataset; choose "
            f"one of {', '.join(data.target_names)}."
        )
    col = names.index(name.lower())
    data.y = data.y[:, col].astype(int)
    data.target_names = [f"not {data.target_names[col]}", data.target_names[col]]
    return data


def _resample(data: ECGData, sfreq: float) -> ECGData:
    from sklearn_ecg.preprocessing import Resampler

    data.X = Resampler(sfreq_out=sfreq, sfreq=data.sfreq).fit_transform(data.X)
    data.sfreq = sfreq
    return data


def load_from_args(args, default_split: str) -> ECGData:
    """Load ``--data`` with the command's options and report its shape on stderr."""
    import sys

    split = default_split if args.split == "auto" else args.split
    data = load_data(
        args.data,
        labels=args.labels,
        split=split,
        target_column=args.target_column,
        sfreq=args.sfreq,
        skip_missing=args.skip_missing,
        random_state=args.seed,
        label_columns=args.label_columns,
        patient_column=args.patient_column,
    )
    if not args.quiet:
        print(
            f"data: {data.description}: {data.X.shape[0]} records, {data.X.shape[1]} "
            f"leads, {data.X.shape[2]} samples at {data.sfreq:g} Hz",
            file=sys.stderr,
        )
    return data
