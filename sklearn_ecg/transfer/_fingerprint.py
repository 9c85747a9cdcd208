"""What pretrained weights were trained on: a compact fingerprint, and overlap checks.

A checkpoint carries a :class:`TrainingFingerprint` of its training records:
their record ids and patient ids (when the trainer knew them) and a content hash
of every signal. Wherever pretrained weights meet evaluation data, the evaluation
records are compared with it (:meth:`TrainingFingerprint.overlap`), so that a
warm start is never scored on records, or patients, that the weights have seen.

The signal hash rule (version 1), per record of shape ``(n_leads, n_times)``:

1. cast to float32 (so float32 and float64 copies of the same values agree
   exactly), then compute in float64;
2. normalise each lead to zero mean and unit standard deviation (a flat lead
   stays 0), which removes per-lead offsets and gains (units, z-scoring);
3. take :data:`HASH_POINTS` evenly spaced time samples, quantise them to
   ``1/QUANTUM_STEPS`` of a standard deviation (int16, clipped);
4. BLAKE2b-64 of the shape and those integers, as an unsigned 64-bit integer.

Limits: identical values hash identically whatever the float width; affine
per-lead changes usually do (a value sitting on a quantisation boundary can
flip, rarely); filtering, resampling or cropping change the hash. This is why a
checkpoint stores two sets: the hashes of what the estimator saw (after the
Pipeline's preprocessing; the estimator compares its own training input with
them) and, when the trainer had it, of the raw Pipeline input (compared with
raw evaluation data).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = [
    "HASH_POINTS",
    "OverlapReport",
    "TrainingFingerprint",
    "TrainingOverlapError",
    "signal_hashes",
]

#: Time samples per lead that enter a signal hash.
HASH_POINTS = 256
#: Quantisation: steps per standard deviation of the lead.
QUANTUM_STEPS = 8
HASH_RULE = (
    f"v1: float32 -> per-lead z-score -> {HASH_POINTS} evenly spaced samples "
    f"quantised to 1/{QUANTUM_STEPS} SD -> blake2b-64"
)
OVERLAP_OPTIONS = ("raise", "warn", "ignore")


class TrainingOverlapError(ValueError):
    """Evaluation records (or their patients) were in the pretraining data.

    Examples
    --------
    >>> from sklearn_ecg.transfer import TrainingOverlapError
    >>> issubclass(TrainingOverlapError, ValueError)
    True
    """


def signal_hashes(X) -> np.ndarray:
    """Content hash of each record, robust to float width and per-lead scaling.

    Parameters
    ----------
    X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
        ECG records.

    Returns
    -------
    hashes : ndarray of uint64 of shape (n_records,)
        One hash per record (see the module documentation for the rule).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.transfer import signal_hashes
    >>> X = np.random.default_rng(0).normal(size=(3, 2, 500)).astype("float32")
    >>> a, b = signal_hashes(X), signal_hashes(X.astype("float64") * 1000)
    >>> bool((a == b).all()), len(set(a.tolist()))
    (True, 3)
    """
    X = np.asarray(X)
    if X.ndim == 2:
        X = X[:, None, :]
    if X.ndim != 3:
        raise ValueError(
            f"signal_hashes expects records of shape (n_records, n_leads, n_times), "
            f"got an array of shape {X.shape}."
        )
    n_times = X.shape[2]
    idx = np.unique(np.linspace(0, n_times - 1, min(HASH_POINTS, n_times)).astype(int))
    out = np.empty(len(X), dtype=np.uint64)
    shape = repr(X.shape[1:]).encode()
    for i, rec in enumerate(X):
        z = np.asarray(rec, dtype=np.float32).astype(np.float64)
        z = z - z.mean(axis=1, keepdims=True)
        sd = z.std(axis=1, keepdims=True)
        z = np.divide(z, sd, out=np.zeros_like(z), where=sd > 0)
        q = np.clip(np.rint(z[:, idx] * QUANTUM_STEPS), -32767, 32767).astype("<i2")
        digest = hashlib.blake2b(shape, digest_size=8)
        digest.update(q.tobytes())
        out[i] = np.frombuffer(digest.digest(), dtype="<u8")[0]
    return out


def _ids(values, name: str) -> tuple[str, ...] | None:
    """Ids as strings; an integral float (PTB-XL's 15709.0) is written as an int."""
    if values is None:
        return None
    out = []
    for v in np.asarray(values, dtype=object).ravel():
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            v = int(v)
        out.append(str(v))
    return tuple(out)


def _as_hash_array(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values)
    if arr.dtype == np.int64:
        arr = arr.view(np.uint64)
    return np.unique(arr.astype(np.uint64, copy=False))


@dataclass
class OverlapReport:
    """Which evaluation records pretrained weights have already seen.

    Attributes
    ----------
    n_checked : int
        Evaluation records compared.
    mask : ndarray of bool of shape (n_checked,)
        True for records seen by the weights (by id, patient or signal).
    by_record, by_patient, by_signal : int
        Records matched by record id, by patient id and by signal hash.
    n_patients : int
        Distinct evaluation patients that are in the training data.
    checked : list of str
        What was compared: ``"record ids"``, ``"patient ids"``, ``"signals"``.
    action : str
        What was done: ``"none"`` (no overlap), ``"raise"``, ``"warn"``,
        ``"ignore"``, ``"exclude"`` (records dropped) ...

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.transfer import TrainingFingerprint
    >>> X = np.random.default_rng(0).normal(size=(4, 1, 100))
    >>> fp = TrainingFingerprint.from_data(X[:2], record_ids=["a", "b"])
    >>> fp.overlap(X, record_ids=["x", "y", "z", "b"]).mask.tolist()
    [True, True, False, True]
    """

    n_checked: int
    mask: np.ndarray
    by_record: int = 0
    by_patient: int = 0
    by_signal: int = 0
    n_patients: int = 0
    checked: list = field(default_factory=list)
    action: str = "none"

    @property
    def n_overlap(self) -> int:
        """Evaluation records seen by the weights."""
        return int(np.count_nonzero(self.mask))

    def message(self, where: str = "the evaluation data") -> str:
        """One sentence stating the counts and what was compared."""
        return (
            f"{self.n_overlap} of the {self.n_checked} records of {where} were in the "
            f"pretraining data of the weights ({self.by_record} by record id, "
            f"{self.by_patient} by patient id, {self.by_signal} by signal content; "
            f"{self.n_patients} patient(s) overlap; compared: "
            f"{', '.join(self.checked) or 'nothing'})"
        )

    def to_dict(self) -> dict:
        """JSON-ready summary (the mask as the number of overlapping records)."""
        return {
            "checked": list(self.checked),
            "n_checked": int(self.n_checked),
            "n_overlap": self.n_overlap,
            "by_record_id": int(self.by_record),
            "by_patient_id": int(self.by_patient),
            "by_signal": int(self.by_signal),
            "n_patients": int(self.n_patients),
            "action": self.action,
        }


@dataclass(frozen=True, eq=False)
class TrainingFingerprint:
    """The records a checkpoint was trained on, compactly.

    Parameters
    ----------
    signal_hashes : ndarray of uint64
        :func:`signal_hashes` of what the estimator saw (sorted, unique).
    raw_signal_hashes : ndarray of uint64 or None, default=None
        The same for the raw input of the Pipeline, when known.
    record_ids : tuple of str or None, default=None
        Record ids of the training records, when known.
    patient_ids : tuple of str or None, default=None
        Distinct patient ids of the training records, when known.
    n_records : int, default=0
        Number of training records.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.transfer import TrainingFingerprint
    >>> X = np.random.default_rng(0).normal(size=(3, 2, 50)).astype("float32")
    >>> fp = TrainingFingerprint.from_data(X, patient_ids=["p1", "p1", "p2"])
    >>> fp.n_records, fp.patient_ids
    (3, ('p1', 'p2'))
    >>> fp.overlap(X.astype("float64")[::-1]).by_signal
    3
    """

    signal_hashes: np.ndarray
    raw_signal_hashes: np.ndarray | None = None
    record_ids: tuple | None = None
    patient_ids: tuple | None = None
    n_records: int = 0

    def __post_init__(self):
        object.__setattr__(self, "signal_hashes", _as_hash_array(self.signal_hashes))
        if self.raw_signal_hashes is not None:
            raw = _as_hash_array(self.raw_signal_hashes)
            object.__setattr__(self, "raw_signal_hashes", raw)
        if self.record_ids is not None:
            object.__setattr__(self, "record_ids", _ids(self.record_ids, "record_ids"))
        if self.patient_ids is not None:
            pids = tuple(sorted(set(_ids(self.patient_ids, "patient_ids"))))
            object.__setattr__(self, "patient_ids", pids)

    @classmethod
    def from_data(
        cls, X, *, record_ids=None, patient_ids=None, raw_X=None
    ) -> TrainingFingerprint:
        """Fingerprint training records ``X`` (what the estimator sees).

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times)
            The training records as the estimator received them.
        record_ids, patient_ids : array-like of shape (n_records,), default=None
            Record and patient ids, when known.
        raw_X : array-like of shape (n_records, ...), default=None
            The raw records before the Pipeline's preprocessing, when known.

        Returns
        -------
        fingerprint : TrainingFingerprint
        """
        n = len(X)
        for name, values in (("record_ids", record_ids), ("patient_ids", patient_ids)):
            if values is not None and len(values) != n:
                raise ValueError(
                    f"{name} has {len(values)} entries but there are {n} training "
                    "records; pass one id per record, in order."
                )
        return cls(
            signal_hashes=signal_hashes(X),
            raw_signal_hashes=None if raw_X is None else signal_hashes(raw_X),
            record_ids=record_ids,
            patient_ids=patient_ids,
            n_records=n,
        )

    def with_raw(self, raw_X) -> TrainingFingerprint:
        """Return a copy that also holds the hashes of the raw Pipeline input."""
        if len(raw_X) > self.n_records:
            raise ValueError(
                f"training_X has {len(raw_X)} records but the estimator was trained "
                f"on {self.n_records}; pass the X given to the Pipeline's fit."
            )
        return TrainingFingerprint(
            self.signal_hashes, signal_hashes(raw_X), self.record_ids,
            self.patient_ids, self.n_records,
        )  # fmt: skip

    def overlap(self, X=None, *, record_ids=None, groups=None) -> OverlapReport:
        """Compare evaluation records with the training records.

        Parameters
        ----------
        X : array-like of shape (n_records, ...), default=None
            Evaluation records (raw or preprocessed: both hash sets are used).
        record_ids : array-like of shape (n_records,), default=None
            Their record ids, compared with the training record ids.
        groups : array-like of shape (n_records,), default=None
            Their patient ids, compared with the training patient ids.

        Returns
        -------
        report : OverlapReport
        """
        n = next(len(v) for v in (X, record_ids, groups) if v is not None)
        mask, counts, checked = np.zeros(n, dtype=bool), {}, []
        pairs = (
            ("record ids", record_ids, self.record_ids),
            ("patient ids", groups, self.patient_ids),
        )
        for what, given, known in pairs:
            if given is not None and known is not None:
                hit = np.isin(np.asarray(_ids(given, what), dtype=object),
                              np.asarray(known, dtype=object))  # fmt: skip
                counts[what], mask = hit, mask | hit
                checked.append(what)
        if X is not None and len(X):
            seen = self.signal_hashes
            if self.raw_signal_hashes is not None:
                seen = np.union1d(seen, self.raw_signal_hashes)
            hit = np.isin(signal_hashes(X), seen)
            counts["signals"], mask = hit, mask | hit
            checked.append("signals")
        pats = 0
        if "patient ids" in counts:
            pats = len(set(np.asarray(_ids(groups, "groups"))[counts["patient ids"]]))
        return OverlapReport(
            n_checked=n, mask=mask, checked=checked, n_patients=pats,
            by_record=int(counts.get("record ids", mask[:0]).sum()),
            by_patient=int(counts.get("patient ids", mask[:0]).sum()),
            by_signal=int(counts.get("signals", mask[:0]).sum()),
        )  # fmt: skip

    def to_payload(self) -> dict:
        """Return the plain-container form stored in a checkpoint (weights_only-safe).

        Hashes are int64 tensors holding the uint64 bits; ids are lists of str.
        """

        def tensor(h):
            return None if h is None else torch.from_numpy(h.view(np.int64).copy())

        return {
            "rule": HASH_RULE,
            "n_records": int(self.n_records),
            "signal_hashes": tensor(self.signal_hashes),
            "raw_signal_hashes": tensor(self.raw_signal_hashes),
            "record_ids": None if self.record_ids is None else list(self.record_ids),
            "patient_ids": None if self.patient_ids is None else list(self.patient_ids),
        }

    @classmethod
    def from_payload(cls, payload) -> TrainingFingerprint | None:
        """Read :meth:`to_payload`'s form back (None for None or another rule)."""
        if not isinstance(payload, dict) or payload.get("rule") != HASH_RULE:
            return None
        if not isinstance(payload.get("signal_hashes"), torch.Tensor):
            return None
        return cls(
            signal_hashes=payload["signal_hashes"],
            raw_signal_hashes=payload.get("raw_signal_hashes"),
            record_ids=payload.get("record_ids"),
            patient_ids=payload.get("patient_ids"),
            n_records=int(payload.get("n_records") or 0),
        )

    def summary(self) -> dict:
        """JSON-ready counts (for manifests and reports)."""
        return {
            "rule": HASH_RULE,
            "n_records": int(self.n_records),
            "n_signal_hashes": int(self.signal_hashes.size),
            "raw_hashes": self.raw_signal_hashes is not None,
            "n_record_ids": 0 if self.record_ids is None else len(self.record_ids),
            "n_patients": 0 if self.patient_ids is None else len(self.patient_ids),
        }


def overlap_error(report: OverlapReport, where: str) -> TrainingOverlapError:
    """Build the refusal, with the counts and the ways out."""
    return TrainingOverlapError(
        f"{report.message(where)}. Scoring a warm start on records the weights "
        "were trained on inflates it (an audit saw AUROC 1.000 this way). Fix: "
        "pretrain on a source without these records or patients (for PTB-XL, "
        "only the strat_folds the target does not test on), exclude them "
        "automatically (compare_arms(pretrained_overlap='exclude'), the CLI's "
        "--pretrained-overlap exclude), or, if the ids are unrelated (two "
        "datasets numbering records alike), pretrained_overlap='ignore'."
    )
