"""Keeping pretraining data and evaluation data apart on the command line.

- Record and patient ids are namespaced by their dataset (``ptbxl/17``,
  ``wfdb:/data/pe/p0``) before they enter a fingerprint or a comparison, so two
  datasets that number their records alike do not look like one.
- A PTB-XL source for a PTB-XL target keeps only the ``strat_fold`` values the
  target does not use (the folds are patient-disjoint by design).
- ``--pretrained-overlap exclude`` drops the source records that are in the
  target (by id, patient or signal) before pretraining.
"""

from __future__ import annotations

import numpy as np

from ._data import ECGData, subset
from ._errors import CLIError

OVERLAP_CHOICES = ("raise", "exclude", "ignore")
OVERLAP_HELP = (
    "what to do when the pretrained weights were trained on records or patients "
    "of the evaluation data (compared by record id, patient id and signal hash): "
    "raise (default) refuses; exclude drops them (from the source before "
    "pretraining in study, else from the evaluation data, with a warning); "
    "ignore keeps them"
)


def add_overlap_arg(parser) -> None:
    """Add ``--pretrained-overlap`` to a sub-parser."""
    parser.add_argument(
        "--pretrained-overlap", choices=OVERLAP_CHOICES, default=None,
        help=OVERLAP_HELP,
    )  # fmt: skip


def dataset_key(data: ECGData) -> str:
    """Return the namespace of a dataset's ids (its kind and path)."""
    return str(data.extra.get("dataset") or data.description)


def _namespaced(data: ECGData, values):
    if values is None:
        return None
    key = dataset_key(data)
    return np.array([f"{key}/{v}" for v in values], dtype=object)


def record_ids(data: ECGData):
    """Record ids prefixed with the dataset key (None when unknown)."""
    return _namespaced(data, data.record_ids)


def patient_ids(data: ECGData):
    """Patient ids (``groups``) prefixed with the dataset key (None when unknown)."""
    return _namespaced(data, data.groups)


def fit_params(data: ECGData) -> dict:
    """``Pipeline.fit`` parameters giving the classifier step the ids of ``data``."""
    params = {}
    if data.groups is not None:
        params["clf__groups"] = patient_ids(data)
    if data.record_ids is not None:
        params["clf__record_ids"] = record_ids(data)
    return params


def ptbxl_boundary(source: ECGData, target: ECGData) -> tuple[ECGData, dict | None]:
    """Keep the PTB-XL source folds the PTB-XL target does not use."""
    both = dataset_key(source) == dataset_key(target) == "ptbxl"
    if not both or source.folds is None or target.folds is None:
        return source, None
    used = sorted({int(f) for f in np.asarray(target.folds)})
    keep = ~np.isin(np.asarray(source.folds).astype(int), used)
    if not keep.any():
        raise CLIError(
            f"the PTB-XL target uses every strat_fold ({used}), so a PTB-XL source "
            "would pretrain on the target's records. Give the target fewer folds "
            "(e.g. split = \"test\", fold 10) and pretrain on the others."
        )
    allowed = sorted({int(f) for f in np.asarray(source.folds)[keep]})
    note = {"rule": "ptbxl strat_fold", "target_folds": used, "source_folds": allowed,
            "n_source_dropped": int((~keep).sum())}  # fmt: skip
    return subset(source, keep), note


def exclude_target_from_source(source: ECGData, target: ECGData):
    """Drop the source records that are target records (ids, patients, signals).

    Returns the reduced source and the overlap report's dict.
    """
    from sklearn_ecg.transfer import TrainingFingerprint

    fp = TrainingFingerprint.from_data(
        target.X, record_ids=record_ids(target), patient_ids=patient_ids(target)
    )
    report = fp.overlap(
        source.X, record_ids=record_ids(source), groups=patient_ids(source)
    )
    report.action = "exclude" if report.n_overlap else "none"
    if report.mask.all():
        raise CLIError(
            "--pretrained-overlap exclude: every source record is also a target "
            "record (or a record of a target patient); pretrain on another source."
        )
    return subset(source, ~report.mask), report.to_dict()


def separate_source(source: ECGData, target: ECGData, plan, checks: dict) -> ECGData:
    """Apply the PTB-XL fold boundary, then (``exclude``) drop target records.

    Records what was done in ``checks`` (``source_boundary``,
    ``source_exclusion``, ``n_source_records``).
    """
    source, note = ptbxl_boundary(source, target)
    checks["source_boundary"] = note
    if plan.pretrained_overlap == "exclude":
        source, report = exclude_target_from_source(source, target)
        checks["source_exclusion"] = report
    checks["n_source_records"] = len(source.y)
    return source


def checks_text(checks: dict) -> str:
    """Return the report's sentence on what was checked (source vs target)."""
    parts = [f"Folds: {checks.get('splitter', 'n/a')}"]
    boundary = checks.get("source_boundary")
    if boundary:
        parts.append(
            f"PTB-XL source restricted to strat_folds {boundary['source_folds']} "
            f"(the target uses {boundary['target_folds']})"
        )
    excl = checks.get("source_exclusion")
    if excl:
        parts.append(
            f"{excl['n_overlap']} source records shared with the target (by "
            f"{', '.join(excl['checked'])}) were excluded before pretraining"
        )
    guard = checks.get("pretrained_overlap") or {}
    for arm, rep in (guard.get("checkpoints") or {}).items():
        if not rep.get("checked"):
            parts.append(f"{arm}: the checkpoint has no training-data fingerprint")
            continue
        parts.append(
            f"{arm}: {rep['n_overlap']} of {rep['n_checked']} target records seen "
            f"by the weights (compared {', '.join(rep['checked'])}; "
            f"{rep['by_record_id']} by record id, {rep['by_patient_id']} by "
            f"patient, {rep['by_signal']} by signal)"
        )
    if guard.get("n_excluded"):
        parts.append(f"{guard['n_excluded']} target records excluded")
    return "Overlap checks: " + "; ".join(parts) + "."
