"""Read a list of records into one array: lead selection, resampling, length policy.

Shared by :func:`load_wfdb_folder` and :func:`load_cpsc2018`. Problems are
collected over all records first, so that one error (or one warning with
``on_missing="skip"``) names every bad record instead of the first one only.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from ._io import read_record, standard_lead_name

_MAX_LISTED = 10


def _names(ids):
    shown = ", ".join(repr(str(i)) for i in ids[:_MAX_LISTED])
    more = f" and {len(ids) - _MAX_LISTED} more" if len(ids) > _MAX_LISTED else ""
    return shown + more


def resample(signal: np.ndarray, sfreq_in: float, sfreq_out: float) -> np.ndarray:
    """Polyphase resampling along the last axis (anti-aliased, float32 out)."""
    if sfreq_in == sfreq_out:
        return signal
    ratio = Fraction(sfreq_out / sfreq_in).limit_denominator(1000)
    out = resample_poly(signal, ratio.numerator, ratio.denominator, axis=-1)
    return out.astype(np.float32)


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
            "Pass length=<n_times> to crop or zero-pad, or length='list'.",
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

    Returns ``(data, sfreq, lead_names, ok_mask)``; ``data`` is a float32 array of
    shape (n, n_leads, n_times), or a list when ``length="list"``.
    """
    results, ok = read_signals(reader, paths, ids, on_missing=on_missing, what=what)
    ids = [i for i, good in zip(ids, ok) if good]
    signals, names, rates = [], [], []
    for (signal, rate, lead_names), rid in zip(results, ids):
        signal, lead_names = select_leads(signal, lead_names, leads, rid)
        if sfreq is not None:
            signal = resample(signal, rate, sfreq)
        signals.append(signal)
        names.append(lead_names)
        rates.append(rate)
    if sfreq is None:
        check_same(
            rates, ids, "sampling rate (Hz)",
            "Pass sfreq=<Hz> to resample every record to one rate.",
        )  # fmt: skip
    check_same(names, ids, "leads", "Pass leads=[...] to select common leads.")
    out_sfreq = float(sfreq) if sfreq is not None else rates[0]
    return apply_length(signals, ids, length), out_sfreq, names[0], ok
