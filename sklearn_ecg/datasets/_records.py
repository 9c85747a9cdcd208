"""Read a list of records into one array: lead selection, resampling, length policy.

Shared by :func:`load_wfdb_folder` and :func:`load_cpsc2018`. Problems are
collected over all records first, so that one error (or one warning with
``on_missing="skip"``) names every bad record instead of the first one only.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..preprocessing import Resampler
from ._io import read_record, signal_hash, standard_lead_name

_MAX_LISTED = 10


def _names(ids):
    shown = ", ".join(repr(str(i)) for i in ids[:_MAX_LISTED])
    more = f" and {len(ids) - _MAX_LISTED} more" if len(ids) > _MAX_LISTED else ""
    return shown + more


class DuplicateSignalWarning(UserWarning):
    """Records with identical signals were found and put in one group.

    Identical signals under two record names (a copy in the source data) would
    otherwise land on both sides of a split. The loaders give such records one
    ``groups`` value and warn with their names.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ecg.datasets import DuplicateSignalWarning
    >>> issubclass(DuplicateSignalWarning, UserWarning)
    True
    """


def resample(signal, sfreq_in: float, sfreq_out: float, record="record"):
    """Resample one (n_leads, n_times) record with :class:`Resampler`'s rule.

    The same polyphase filter and the same exact-ratio check as the
    preprocessing transformer: an inexact rate ratio raises naming the rates.
    """
    if sfreq_in == sfreq_out:
        return signal
    try:
        out = Resampler(sfreq_out=sfreq_out, sfreq=sfreq_in).fit_transform(signal[None])
    except ValueError as exc:
        raise ValueError(
            f"Record {str(record)!r} at {sfreq_in:g} Hz cannot be resampled to "
            f"{sfreq_out:g} Hz: {exc}"
        ) from exc
    return out[0].astype(np.float32, copy=False)


def duplicate_groups(hashes, ids, patient_ids=None, what="records"):
    """Group ids: records sharing a patient id or an identical signal share one.

    Returns an int64 array (0, 1, ...) in order of first appearance and warns
    with :class:`DuplicateSignalWarning` naming the sets of identical signals.
    """
    n = len(hashes)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(keys):
        first = {}
        for i, key in enumerate(keys):
            j = first.setdefault(key, i)
            parent[find(i)] = find(j)

    union(hashes)
    if patient_ids is not None:
        union([str(p) for p in patient_ids])
    same = {}
    for i, h in enumerate(hashes):
        same.setdefault(h, []).append(ids[i])
    dups = [v for v in same.values() if len(v) > 1]
    if dups:
        detail = "; ".join(_names(v) for v in dups[:_MAX_LISTED])
        warnings.warn(
            f"{sum(map(len, dups))} {what} have identical signals ({detail}); each "
            "set was given one group in `groups` so that a grouped split keeps it "
            "on one side. Remove the copies if they are not meant to be there.",
            DuplicateSignalWarning,
            stacklevel=3,
        )
    roots = [find(i) for i in range(n)]
    _, groups = np.unique(np.array(roots), return_inverse=True)
    order = {}
    return np.array([order.setdefault(g, len(order)) for g in groups], np.int64)


def select_leads(signal, names, leads, record):
    """Pick ``leads`` (standard spelling accepted) from a record, naming misses."""
    if leads is None:
        return signal, names
    wanted = [standard_lead_name(lead) for lead in leads]
    missing = [w for w in wanted if w not in names]
    if missing:
        raise ValueError(
            f"Record {str(record)!r} has no lead {missing} (unknown lead name); its "
            f"leads are {names}. Fix leads= (e.g. the 12 standard leads)."
        )
    return signal[[names.index(w) for w in wanted]], wanted


def read_signals(reader, items, ids, *, on_missing, what="record"):
    """Call ``reader(item)`` for each item; gather failures, raise or warn once.

    Returns the list of ``(signal, sfreq, names)`` results and the boolean mask
    of the records that were read.
    """
    results, ok, failed = [], np.ones(len(items), bool), []
    for i, item in enumerate(items):
        try:
            results.append(reader(item))
        except (FileNotFoundError, ValueError) as exc:
            ok[i] = False
            failed.append((ids[i], exc))
    if failed and on_missing == "raise":
        first = failed[0][1]
        raise type(first)(
            f"{len(failed)} {what}(s) missing or unreadable: "
            f"{_names([f[0] for f in failed])}. First error: {first} Fix or remove "
            "them, or pass on_missing='skip' to load the others."
        ) from first
    if failed:
        warnings.warn(
            f"Skipped {len(failed)} missing or unreadable {what}(s) "
            f"(on_missing='skip'): {_names([f[0] for f in failed])}.",
            UserWarning,
            stacklevel=3,
        )
    if not results:
        raise ValueError(f"No {what} could be read; the selection is empty.")
    return results, ok


def check_same(values, ids, what, fix):
    """Raise naming the records of each distinct value when values differ."""
    keys = [repr(v) for v in values]
    if len(set(keys)) <= 1:
        return
    groups = {}
    for key, rid in zip(keys, ids):
        groups.setdefault(key, []).append(rid)
    detail = "; ".join(f"{k}: {_names(v)}" for k, v in groups.items())
    raise ValueError(f"Records differ in {what} ({detail}). {fix}")


def apply_length(signals, ids, length):
    """Stack equal-length signals, crop/pad to ``length`` or return a list."""
    if length == "list":
        return signals
    if length is None:
        check_same(
            [s.shape[-1] for s in signals], ids, "number of samples",
            "Pass length=<n_samples> to the loader to crop or zero-pad every record "
            "to one length, or length='list' and then "
            "sklearn_ecg.preprocessing.FixedLength.",
        )  # fmt: skip
        return np.stack(signals)
    if not isinstance(length, int | np.integer) or length < 1:
        raise ValueError(
            f"length must be None, 'list' or a positive number of samples, got "
            f"{length!r}."
        )
    out = np.zeros((len(signals), signals[0].shape[0], length), np.float32)
    for i, s in enumerate(signals):
        n = min(length, s.shape[-1])
        out[i, :, :n] = s[:, :n]  # keep the first samples, zero-pad the end
    return out


def load_records(paths, ids, *, sfreq=None, leads=None, length=None,
                 on_missing="raise", reader=read_record, what="record"):  # fmt: skip
    """Read, harmonise and stack records.

    Returns ``(data, sfreq, lead_names, ok_mask, hashes)``; ``data`` is a float32
    array of shape (n, n_leads, n_times), or a list when ``length="list"``;
    ``hashes`` are :func:`signal_hash` of each read record (all leads, before
    resampling).
    """
    results, ok = read_signals(reader, paths, ids, on_missing=on_missing, what=what)
    ids = [i for i, good in zip(ids, ok) if good]
    signals, names, rates, hashes = [], [], [], []
    for (signal, rate, lead_names), rid in zip(results, ids):
        hashes.append(signal_hash(signal))
        signal, lead_names = select_leads(signal, lead_names, leads, rid)
        if sfreq is not None:
            signal = resample(signal, rate, sfreq, rid)
        signals.append(signal)
        names.append(lead_names)
        rates.append(rate)
    if sfreq is None:
        check_same(
            rates, ids, "sampling rate (Hz)",
            "Pass sfreq=<Hz> to the loader to resample every record to one rate "
            "(the rule of sklearn_ecg.preprocessing.Resampler), or load each rate "
            "separately and apply Resampler.",
        )  # fmt: skip
    check_same(names, ids, "leads", "Pass leads=[...] to select common leads.")
    out_sfreq = float(sfreq) if sfreq is not None else rates[0]
    return apply_length(signals, ids, length), out_sfreq, names[0], ok, hashes
