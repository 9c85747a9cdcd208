"""Throughput and peak memory of BandpassFilter against its practical limits.

Compares, side by side in one process with interleaved repeats:

1. ``BandpassFilter().fit_transform(X)`` (chunked, float32 output) against one
   ``scipy.signal.sosfiltfilt`` call over the whole array with the same design
   (the practical limit; float64 output). Goal: throughput ratio >= 0.90.
2. The same filter against NeuroKit2's ``ecg_clean`` called lead by lead, if
   NeuroKit2 is installed (benchmark only, not a dependency), and against a
   per-lead ``sosfiltfilt`` loop, on a subset of records (lead-by-lead loops are
   slow; throughput is per sample, so the subset does not bias the ratio much).
3. Throughput of every transformer on the same subset, for orientation.
4. Peak traced memory (``tracemalloc``, which sees numpy's buffers) of each
   full-array method, relative to the input size.

Run from the repository root (about 2 minutes and 4 GB of RAM at full size)::

    PYTHONPATH=$PWD nice -n 10 python benchmarks/preprocessing.py
    PYTHONPATH=$PWD python benchmarks/preprocessing.py --n-records 200  # quick
"""

import argparse
import gc
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from _common import add_common_args, write_result
from scipy import signal

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    BaselineWanderRemover,
    FixedLength,
    LeadNormalizer,
    LeadSelector,
    NotchFilter,
    Resampler,
)

SFREQ = 500.0
#: Collect garbage before each timing (off with --quick: a full collection of a
#: test process with torch loaded costs about a second each).
COLLECT = True


def timed(func):
    if COLLECT:
        gc.collect()
    start = time.perf_counter()
    out = func()
    elapsed = time.perf_counter() - start
    del out
    return elapsed


def interleaved(funcs: dict, repeats: int) -> dict:
    """Median wall time of each function, the functions alternating per repeat."""
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            times[name].append(timed(func))
    return {name: statistics.median(ts) for name, ts in times.items()}


def peak_memory(func) -> int:
    if COLLECT:
        gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak


def per_lead(func, X):
    out = np.empty(X.shape, dtype=np.float64)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            out[i, j] = func(X[i, j])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-records", type=int, default=2000)
    parser.add_argument("--n-leads", type=int, default=12)
    parser.add_argument("--n-times", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-records", type=int, default=50)
    args = add_common_args(parser).parse_args(argv)
    global COLLECT
    COLLECT = not args.quick
    if args.quick:
        args.n_records, args.n_times, args.repeats, args.loop_records = 8, 1000, 1, 2

    rng = np.random.default_rng(0)
    shape = (args.n_records, args.n_leads, args.n_times)
    X = rng.standard_normal(shape, dtype=np.float32)
    n_samples = X.size
    filt = BandpassFilter()
    sos = filt.fit(X[:1]).sos_
    print(f"X: {shape} float32, {X.nbytes / 2**20:.0f} MiB; repeats={args.repeats}")

    full = {
        "BandpassFilter": lambda: filt.transform(X),
        "sosfiltfilt (one call)": lambda: signal.sosfiltfilt(sos, X, axis=-1),
    }
    times = interleaved(full, args.repeats)
    for name, t in times.items():
        print(f"  {name:28s} {t:8.2f} s  {n_samples / t / 1e6:8.1f} Msamples/s")
    ratio = times["sosfiltfilt (one call)"] / times["BandpassFilter"]
    print(f"  throughput ratio BandpassFilter / sosfiltfilt = {ratio:.3f} (goal 0.90)")
    results = {"input_mib": X.nbytes / 2**20, "throughput_ratio": ratio,
               "full": _rows(times, n_samples), "peak_mib": {}}  # fmt: skip

    for name, func in full.items():
        peak = peak_memory(func)
        results["peak_mib"][name] = peak / 2**20
        print(
            f"  peak traced memory {name:24s} {peak / 2**20:8.0f} MiB "
            f"= {peak / X.nbytes:.2f} x input"
        )

    # Lead-by-lead baselines on a subset of records.
    Xs = X[: args.loop_records]
    loops = {
        "BandpassFilter": lambda: filt.transform(Xs),
        "per-lead sosfiltfilt loop": lambda: per_lead(
            lambda x: signal.sosfiltfilt(sos, x), Xs
        ),
    }
    try:
        import neurokit2 as nk

        loops["NeuroKit2 ecg_clean per lead"] = lambda: per_lead(
            lambda x: nk.ecg_clean(x, sampling_rate=int(SFREQ)), Xs
        )
    except ImportError:
        print("  NeuroKit2 not installed: comparing with the per-lead loop only")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loop_times = interleaved(loops, args.repeats)
    print(f"Subset {Xs.shape} ({Xs.shape[0] * Xs.shape[1]} leads):")
    base = loop_times["BandpassFilter"]
    results["loops"] = [r | {"speedup": r["time_s"] / base}
                        for r in _rows(loop_times, Xs.size)]  # fmt: skip
    for name, t in loop_times.items():
        print(
            f"  {name:28s} {t:8.3f} s  {Xs.size / t / 1e6:8.1f} Msamples/s  "
            f"BandpassFilter speed-up x{t / base:.1f}"
        )

    others = {
        repr(t): (lambda t=t: t.fit_transform(Xs))
        for t in [
            NotchFilter(),
            BaselineWanderRemover(method="median"),
            BaselineWanderRemover(method="highpass"),
            BaselineWanderRemover(method="wavelet"),
            Resampler(sfreq_out=100.0),
            LeadNormalizer(method="zscore"),
            LeadNormalizer(method="robust"),
            FixedLength(n_times=4000),
            LeadSelector(leads=["II", "V1"]),
        ]
    }
    other_times = interleaved(others, args.repeats)
    for name, t in other_times.items():
        print(f"  {name:40s} {t:8.3f} s  {Xs.size / t / 1e6:8.1f} Msamples/s")
    results["others"] = _rows(other_times, Xs.size)
    write_result(args.out, "preprocessing", vars(args), results)


def _rows(times, n_samples):
    return [{"method": name, "time_s": t, "msamples_per_s": n_samples / t / 1e6}
            for name, t in times.items()]  # fmt: skip


if __name__ == "__main__":
    main()
